/**
 * The sandbox's job runner and delivery worker: the real ones, sending through the
 * emulators, with the helpers that run due jobs and empty the outbox.
 */
import type { Api } from "grammy";
import type { Config } from "../config.js";
import type { Database } from "../db/index.js";
import { FileStore } from "../files/store.js";
import { schedule } from "../jobs/schedule.js";
import type { Logger } from "../logger.js";
import { DeliveryWorker } from "../scheduling/delivery.js";
import { type JobDefinition, JobRunner } from "../scheduling/job-runner.js";
import { messengerSender } from "../scheduling/messenger-sender.js";
import { channelRouter } from "../scheduling/sender.js";
import { telegramSender } from "../scheduling/telegram-sender.js";
import { type SandboxClock, TIME_ZONE } from "./clock.js";

/** The Messenger Send API the worker delivers through. */
type MessengerApi = Parameters<typeof messengerSender>[0];

export interface OutboxDeps {
  db: Database;
  config: Config;
  logger: Logger;
  clock: SandboxClock;
  jobs?: JobDefinition[];
}

/** The outbox's delivery worker, sending through the emulators. */
export function newWorker(deps: OutboxDeps, telegram: Api, messenger: MessengerApi): DeliveryWorker {
  const { db, config, logger, clock } = deps;
  return new DeliveryWorker({
    prisma: db.prisma,
    sender: channelRouter({
      TELEGRAM: telegramSender(telegram, new FileStore({ prisma: db.prisma, telegram })),
      MESSENGER: messengerSender(messenger),
    }),
    clock,
    logger,
    // The emulator has no rate limits: deliver at once, in order.
    ratePerSecond: Number.POSITIVE_INFINITY,
    chatIntervalMs: 0,
    concurrency: 1,
    defaultLocale: config.DEFAULT_LOCALE,
    defaultTimeZone: TIME_ZONE,
  });
}

export function newRunner(deps: OutboxDeps): JobRunner {
  return new JobRunner({
    prisma: deps.db.prisma,
    clock: deps.clock,
    logger: deps.logger,
    jobs: deps.jobs ?? schedule,
    defaultTimeZone: TIME_ZONE,
  });
}

/** Delivers every due notification through the real worker; returns how many were sent. */
export async function drainOutbox(worker: DeliveryWorker): Promise<number> {
  let sent = 0;
  for (let round = 0; round < 100; round++) {
    const stats = await worker.runOnce();
    sent += stats.sent;
    if (stats.claimed === 0) break;
    if (stats.sent + stats.failed + stats.unreachable + stats.retried === 0) break; // all deferred
  }
  return sent;
}

/** Whether a pending notification may be sent now (one waiting out quiet hours, say). */
export async function outboxDue(db: Database, clock: SandboxClock): Promise<boolean> {
  const row = await db.prisma.notification.findFirst({
    where: { status: "PENDING", notBefore: { lte: clock.now() } },
    select: { id: true },
  });
  return row !== null;
}

/** Runs the job slots that fell due; how many ran and how many notifications they wrote. */
export async function runJobs(
  runner: JobRunner,
  clock: SandboxClock,
): Promise<{ slots: number; enqueued: number }> {
  const outcomes = await runner.runDue(clock.now());
  const done = outcomes.filter((o) => o.status === "done");
  return { slots: done.length, enqueued: done.reduce((n, o) => n + (o.enqueued ?? 0), 0) };
}
