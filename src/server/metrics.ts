/**
 * Prometheus metrics of one instance, served at GET /metrics (text format).
 *
 * Counted in this process: updates handled (by type), re-deliveries skipped, handler
 * latency, chat lock waits, updates in flight. Read from the database at scrape time,
 * so every instance reports the same deployment-wide values: outbox depth (pending
 * notifications), notifications by final status (sent, failed, unreachable, from
 * `Notification.status`) and job runs (from `JobRun`). Plus Node's process metrics
 * (CPU, memory, event loop) with the `albabot_` prefix.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { Update } from "grammy/types";
import type { PrismaClient } from "../generated/prisma/client.js";
import type { Logger } from "../logger.js";

export type UpdateType = "message" | "edited_message" | "callback_query" | "other";

export function updateTypeOf(update: Update): UpdateType {
  if (update.message) return "message";
  if (update.edited_message) return "edited_message";
  if (update.callback_query) return "callback_query";
  return "other";
}

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export interface MetricsOptions {
  prisma: PrismaClient;
  logger?: Logger;
  /** Updates being handled right now (read at scrape time). */
  inFlight?: () => number;
  /** Node process metrics; off in tests that build several registries. */
  processMetrics?: boolean;
}

export class Metrics {
  readonly registry = new Registry();
  readonly updatesHandled: Counter<"type">;
  readonly updatesSkipped: Counter;
  readonly updatesFailed: Counter;
  readonly handlerSeconds: Histogram<"type">;
  readonly chatLockWaitSeconds: Histogram;

  constructor(opts: MetricsOptions) {
    const { prisma, logger } = opts;
    const registers = [this.registry];
    const fromDb = async (what: string, read: () => Promise<void>) => {
      try {
        await read();
      } catch (err) {
        logger?.warn({ metric: what, err: (err as Error).message }, "metrics: database read failed");
      }
    };

    this.updatesHandled = new Counter({
      name: "albabot_updates_handled_total",
      help: "Telegram updates handled by this instance, by type.",
      labelNames: ["type"],
      registers,
    });
    this.updatesSkipped = new Counter({
      name: "albabot_updates_skipped_total",
      help: "Re-delivered updates acknowledged and skipped (already claimed).",
      registers,
    });
    this.updatesFailed = new Counter({
      name: "albabot_updates_failed_total",
      help: "Updates whose handling failed outside the handlers (left for recovery after the lease).",
      registers,
    });
    this.handlerSeconds = new Histogram({
      name: "albabot_update_handler_seconds",
      help: "Time to handle one update, from its claim to done, by type.",
      labelNames: ["type"],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.chatLockWaitSeconds = new Histogram({
      name: "albabot_chat_lock_wait_seconds",
      help: "Wait for a chat's lock (PostgreSQL advisory lock) before handling an update.",
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
      registers,
    });
    const inFlight = opts.inFlight;
    new Gauge({
      name: "albabot_updates_in_flight",
      help: "Updates being handled by this instance now.",
      registers,
      collect() {
        this.set(inFlight?.() ?? 0);
      },
    });
    new Gauge({
      name: "albabot_outbox_pending",
      help: "Notifications waiting to be sent (status PENDING), due now or later.",
      labelNames: ["due"],
      registers,
      async collect() {
        await fromDb("outbox_pending", async () => {
          const rows = await prisma.$queryRaw<{ due: boolean; n: bigint }[]>`
            SELECT ("notBefore" <= now() AT TIME ZONE 'UTC') AS due, count(*) AS n
            FROM "Notification" WHERE status = 'PENDING' GROUP BY 1`;
          this.reset();
          this.set({ due: "now" }, 0);
          this.set({ due: "later" }, 0);
          for (const r of rows) this.set({ due: r.due ? "now" : "later" }, Number(r.n));
        });
      },
    });
    new Gauge({
      name: "albabot_outbox_held",
      help: "Notifications to Messenger people outside the 24-hour window, waiting for them to write (status HELD).",
      registers,
      async collect() {
        await fromDb("outbox_held", async () => {
          this.set(await prisma.notification.count({ where: { status: "HELD" } }));
        });
      },
    });
    new Counter({
      name: "albabot_notifications_total",
      help: "Notifications by final status: sent, failed, unreachable (the outbox table and its tally of deleted rows).",
      labelNames: ["status"],
      registers,
      async collect() {
        await fromDb("notifications", async () => {
          const finished = ["SENT", "FAILED", "UNREACHABLE"] as const;
          const [rows, pruned] = await Promise.all([
            prisma.notification.groupBy({
              by: ["status"],
              where: { status: { in: [...finished] } },
              _count: { _all: true },
            }),
            // Rows the retention job deleted still count.
            prisma.outboxTally.findMany({ where: { status: { in: [...finished] } } }),
          ]);
          this.reset();
          for (const status of finished) this.inc({ status: status.toLowerCase() }, 0);
          for (const r of rows) this.inc({ status: r.status.toLowerCase() }, r._count._all);
          for (const r of pruned) this.inc({ status: r.status.toLowerCase() }, Number(r.count));
        });
      },
    });
    new Counter({
      name: "albabot_job_runs_total",
      help: "Scheduled job runs by job and state (done, failed, running), from the JobRun table.",
      labelNames: ["job", "state"],
      registers,
      async collect() {
        await fromDb("job_runs", async () => {
          const rows = await prisma.$queryRaw<{ job: string; state: string; n: bigint }[]>`
            SELECT job,
                   CASE WHEN "finishedAt" IS NULL THEN 'running'
                        WHEN result->>'error' IS NOT NULL THEN 'failed'
                        ELSE 'done' END AS state,
                   count(*) AS n
            FROM "JobRun" GROUP BY 1, 2`;
          this.reset();
          for (const r of rows) this.inc({ job: r.job, state: r.state }, Number(r.n));
        });
      },
    });
    if (opts.processMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: "albabot_" });
  }

  /** Records one handled update. */
  observeUpdate(update: Update, seconds: number): void {
    const type = updateTypeOf(update);
    this.updatesHandled.inc({ type });
    this.handlerSeconds.observe({ type }, seconds);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
