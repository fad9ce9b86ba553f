/**
 * Runs the scheduled jobs (src/jobs/schedule.ts) so that each job's run for a slot — one
 * firing of its cron expression, e.g. `reporting-reminders@2026-03-13T09:00+08:00` —
 * happens once across restarts and instances.
 *
 * - Before running a slot the runner inserts JobRun(job, slot); the primary key lets only
 *   one instance in, the others skip. (The jobs are idempotent anyway: every message has
 *   a unique dedupe key.)
 * - `runDue(now)` runs every slot that fell due since the last check. node-cron ticks
 *   call it with `clock.now()`; tests and the sandbox's clock control call it directly.
 * - Catch-up: on start, slots missed while no instance was running — since the job's
 *   last JobRun, at most `catchUpDays` back — are run once, oldest first. A fresh
 *   database runs only the latest slot. Each job decides what a late slot still means
 *   (a reminder about a deadline that has passed is not sent; the overdue notice is).
 * - A run that failed, or whose instance died (no finishedAt after `leaseMs`), is run
 *   again by the next check, up to `maxAttempts` times.
 */
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import cron, { type ScheduledTask } from "node-cron";
import type { PrismaClient } from "../generated/prisma/client.js";
import type { Logger } from "../logger.js";
import { type Clock, systemClock } from "../shared/clock.js";
import { addDays, DEFAULT_TIME_ZONE, formatLocalIso, localDay, zonedTime } from "../shared/local-time.js";

export interface JobDeps {
  prisma: PrismaClient;
  clock: Clock;
  logger?: Logger;
}

/**
 * A job writes notification rows for one slot and returns how many were new. `slotTime`
 * is the moment the slot was due; `deps.clock.now()` may be later (catch-up).
 */
export type JobFn = (deps: JobDeps, slotTime: Date) => Promise<{ enqueued: number }>;

export interface JobDefinition {
  name: string;
  /** node-cron expression (5 fields, or 6 with seconds first). */
  cron: string;
  /** Time zone of the cron expression; default Asia/Ulaanbaatar. */
  timeZone?: string;
  description: string;
  run: JobFn;
}

export interface JobRunnerOptions {
  prisma: PrismaClient;
  jobs: JobDefinition[];
  clock?: Clock;
  logger?: Logger;
  instanceId?: string;
  /** How far back missed slots are caught up. */
  catchUpDays?: number;
  /** A run without finishedAt after this long is considered dead and run again. */
  leaseMs?: number;
  /** Runs of one slot before giving up on it. */
  maxAttempts?: number;
  defaultTimeZone?: string;
}

export interface SlotOutcome {
  job: string;
  slot: string;
  status: "done" | "skipped" | "failed";
  enqueued?: number;
  error?: string;
}

interface RunResult {
  attempts: number;
  enqueued?: number;
  error?: string;
  gaveUp?: boolean;
}

export class JobRunner {
  readonly instanceId: string;
  private readonly prisma: PrismaClient;
  private readonly clock: Clock;
  private readonly logger?: Logger;
  private readonly jobs: JobDefinition[];
  private readonly catchUpMs: number;
  private readonly leaseMs: number;
  private readonly maxAttempts: number;
  private readonly defaultTimeZone: string;
  private readonly tickers = new Map<string, ScheduledTask>();
  private readonly checkedUntil = new Map<string, number>();
  private chain: Promise<unknown> = Promise.resolve();
  private started = false;
  private stopped = false;

  constructor(opts: JobRunnerOptions) {
    this.prisma = opts.prisma;
    this.clock = opts.clock ?? systemClock;
    this.logger = opts.logger;
    this.jobs = opts.jobs;
    this.instanceId = opts.instanceId ?? `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
    this.catchUpMs = (opts.catchUpDays ?? 7) * 86_400_000;
    this.leaseMs = opts.leaseMs ?? 10 * 60_000;
    this.maxAttempts = opts.maxAttempts ?? 3;
    this.defaultTimeZone = opts.defaultTimeZone ?? DEFAULT_TIME_ZONE;
    const names = new Set<string>();
    for (const job of this.jobs) {
      if (names.has(job.name)) throw new Error(`job listed twice: ${job.name}`);
      names.add(job.name);
      if (!cron.validate(job.cron)) throw new Error(`job ${job.name}: invalid cron expression "${job.cron}"`);
      // The node-cron schedule doubles as the slot matcher; it only ticks after start().
      const ticker = cron.createTask(job.cron, () => this.tick(), {
        name: `albabot:${job.name}:${this.instanceId}`,
        timezone: this.zoneOf(job),
        noOverlap: true,
      });
      this.tickers.set(job.name, ticker);
    }
  }

  private zoneOf(job: JobDefinition): string {
    return job.timeZone ?? this.defaultTimeZone;
  }

  /** The slot id of a firing: `2026-03-13T09:00+08:00` in the job's time zone. */
  slotId(job: JobDefinition, at: Date): string {
    return formatLocalIso(at, this.zoneOf(job));
  }

  /** Firings of the job's cron expression in (from, to], oldest first. */
  slotsBetween(job: JobDefinition, from: Date, to: Date): Date[] {
    if (to.getTime() <= from.getTime()) return [];
    const matcher = this.tickers.get(job.name)!;
    const tz = this.zoneOf(job);
    const fields = cron.parse(job.cron);
    const out: Date[] = [];
    const last = localDay(to, tz);
    for (let day = localDay(from, tz); day <= last; day = addDays(day, 1)) {
      for (const hour of fields.hour) {
        for (const minute of fields.minute) {
          for (const second of fields.second) {
            const at = zonedTime(day, hour * 60 + minute, tz, second);
            if (at.getTime() > from.getTime() && at.getTime() <= to.getTime() && matcher.match(at))
              out.push(at);
          }
        }
      }
    }
    return out.sort((a, b) => a.getTime() - b.getTime());
  }

  /**
   * The earliest firing of any job in (from, to], or null. Looks a day at a time, so a
   * clock stepped from slot to slot (the sandbox) never scans far ahead.
   */
  nextSlot(from: Date, to: Date): Date | null {
    for (let start = from.getTime(); start < to.getTime(); start += 86_400_000) {
      const end = new Date(Math.min(start + 86_400_000, to.getTime()));
      let best: Date | null = null;
      for (const job of this.jobs) {
        const first = this.slotsBetween(job, new Date(start), end)[0];
        if (first && (!best || first.getTime() < best.getTime())) best = first;
      }
      if (best) return best;
    }
    return null;
  }

  /**
   * Runs every slot due since the last check (or, on the first call, since the job's last
   * recorded run: catch-up) and retries failed runs. Calls are serialised.
   */
  runDue(now: Date = this.clock.now()): Promise<SlotOutcome[]> {
    const next = this.chain.then(() => this.runDueNow(now));
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async runDueNow(now: Date): Promise<SlotOutcome[]> {
    const outcomes: SlotOutcome[] = [];
    for (const job of this.jobs) {
      try {
        const from = this.checkedUntil.get(job.name) ?? (await this.catchUpFrom(job, now)).getTime();
        for (const slot of this.slotsBetween(job, new Date(from), now)) {
          outcomes.push(await this.runSlot(job, slot));
        }
        if (now.getTime() > from) this.checkedUntil.set(job.name, now.getTime());
        outcomes.push(...(await this.retryStale(job, now)));
      } catch (err) {
        this.logger?.error({ job: job.name, err: String(err) }, "jobs: cannot check due slots");
      }
    }
    return outcomes;
  }

  /** Where the first check of a job starts: its last recorded slot, within the catch-up window. */
  private async catchUpFrom(job: JobDefinition, now: Date): Promise<Date> {
    const windowStart = new Date(now.getTime() - this.catchUpMs);
    const last = await this.prisma.jobRun.findFirst({
      where: { job: job.name },
      orderBy: { slot: "desc" },
      select: { slot: true },
    });
    const lastTime = last ? new Date(last.slot) : null;
    if (lastTime && !Number.isNaN(lastTime.getTime())) {
      return lastTime.getTime() > windowStart.getTime() ? lastTime : windowStart;
    }
    // Never ran here: only the latest slot.
    const slots = this.slotsBetween(job, windowStart, now);
    const latest = slots[slots.length - 1];
    return latest ? new Date(latest.getTime() - 1) : now;
  }

  /** Claims and runs one slot; skipped when another run (here or elsewhere) has it. */
  async runSlot(job: JobDefinition, slotTime: Date): Promise<SlotOutcome> {
    const slot = this.slotId(job, slotTime);
    const claimed = await this.prisma.jobRun.createMany({
      data: [
        {
          job: job.name,
          slot,
          instance: this.instanceId,
          startedAt: this.clock.now(),
          result: { attempts: 1 },
        },
      ],
      skipDuplicates: true,
    });
    if (claimed.count === 0) return { job: job.name, slot, status: "skipped" };
    return this.execute(job, slot, slotTime, 1);
  }

  private async execute(
    job: JobDefinition,
    slot: string,
    slotTime: Date,
    attempts: number,
  ): Promise<SlotOutcome> {
    const started = Date.now();
    try {
      const { enqueued } = await job.run(
        { prisma: this.prisma, clock: this.clock, logger: this.logger },
        slotTime,
      );
      const result: RunResult = { attempts, enqueued };
      await this.prisma.jobRun.update({
        where: { job_slot: { job: job.name, slot } },
        data: { finishedAt: this.clock.now(), result: { ...result } },
      });
      if (enqueued > 0) {
        this.logger?.info({ job: job.name, slot, enqueued, ms: Date.now() - started }, "jobs: slot done");
      }
      return { job: job.name, slot, status: "done", enqueued };
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      this.logger?.error({ job: job.name, slot, attempts, err: error }, "jobs: slot failed");
      const gaveUp = attempts >= this.maxAttempts;
      const result: RunResult = { attempts, error, ...(gaveUp ? { gaveUp } : {}) };
      await this.prisma.jobRun
        .update({
          where: { job_slot: { job: job.name, slot } },
          // A failed run is picked up again after the lease, unless it has had its attempts.
          data: { result: { ...result }, ...(gaveUp ? { finishedAt: this.clock.now() } : {}) },
        })
        .catch(() => undefined);
      return { job: job.name, slot, status: "failed", error };
    }
  }

  /** Runs again the slots whose run failed or whose instance died, within the window. */
  private async retryStale(job: JobDefinition, now: Date): Promise<SlotOutcome[]> {
    const stale = await this.prisma.jobRun.findMany({
      where: { job: job.name, finishedAt: null, startedAt: { lt: new Date(now.getTime() - this.leaseMs) } },
      orderBy: { slot: "asc" },
    });
    const outcomes: SlotOutcome[] = [];
    for (const run of stale) {
      const slotTime = new Date(run.slot);
      const previous = (run.result as RunResult | null)?.attempts ?? 1;
      const tooOld = Number.isNaN(slotTime.getTime()) || now.getTime() - slotTime.getTime() > this.catchUpMs;
      if (previous >= this.maxAttempts || tooOld) {
        await this.prisma.jobRun.updateMany({
          where: { job: run.job, slot: run.slot, finishedAt: null },
          data: { finishedAt: now, result: { ...((run.result as object) ?? {}), gaveUp: true } },
        });
        continue;
      }
      const attempts = previous + 1;
      const claimed = await this.prisma.jobRun.updateMany({
        where: { job: run.job, slot: run.slot, finishedAt: null, startedAt: run.startedAt },
        data: { startedAt: now, instance: this.instanceId, result: { attempts } },
      });
      if (claimed.count === 1) outcomes.push(await this.execute(job, run.slot, slotTime, attempts));
    }
    return outcomes;
  }

  private tick(): void {
    this.runDue(this.clock.now()).catch((err) =>
      this.logger?.error({ err: String(err) }, "jobs: tick failed"),
    );
  }

  /** Catches up missed slots, then lets node-cron tick each job at its times. */
  async start(): Promise<SlotOutcome[]> {
    const outcomes = await this.runDue(this.clock.now());
    if (!this.started && !this.stopped) {
      this.started = true;
      for (const ticker of this.tickers.values()) await ticker.start();
    }
    return outcomes;
  }

  /** Stops the ticks for good and waits for a run in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const ticker of this.tickers.values()) await ticker.destroy();
    await this.chain;
  }
}
