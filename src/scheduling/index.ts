/**
 * Starts what runs on its own in a bot process: the outbox delivery worker and (when
 * JOBS_ENABLED) the scheduled jobs. Every instance may run both: claims and job slots are
 * coordinated through the database.
 *
 *   const scheduling = await startScheduling({ prisma, clock, logger, config,
 *     sender: telegramSender(new Api(config.BOT_TOKEN, { apiRoot: config.TELEGRAM_API_ROOT })) });
 *   …
 *   await scheduling.stop();
 */
import type { Config } from "../config.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { schedule } from "../jobs/schedule.js";
import type { Logger } from "../logger.js";
import type { Clock } from "../shared/clock.js";
import { type DeliveryOptions, DeliveryWorker } from "./delivery.js";
import { type JobDefinition, JobRunner } from "./job-runner.js";
import type { MessageSender } from "./sender.js";

export interface SchedulingOptions {
  prisma: PrismaClient;
  clock: Clock;
  logger?: Logger;
  sender: MessageSender;
  config: Pick<Config, "OUTBOX_RATE" | "JOBS_ENABLED" | "DEFAULT_LOCALE" | "TZ"> &
    Partial<Pick<Config, "MESSENGER_HUMAN_AGENT">>;
  /** Defaults to src/jobs/schedule.ts. */
  jobs?: JobDefinition[];
  /** Further worker options (tests, benchmarks). */
  delivery?: Partial<DeliveryOptions>;
}

export interface Scheduling {
  worker: DeliveryWorker;
  runner: JobRunner | null;
  stop(): Promise<void>;
}

export async function startScheduling(opts: SchedulingOptions): Promise<Scheduling> {
  const worker = new DeliveryWorker({
    prisma: opts.prisma,
    sender: opts.sender,
    clock: opts.clock,
    logger: opts.logger,
    ratePerSecond: opts.config.OUTBOX_RATE,
    defaultLocale: opts.config.DEFAULT_LOCALE,
    defaultTimeZone: opts.config.TZ,
    messengerHumanAgent: opts.config.MESSENGER_HUMAN_AGENT ?? false,
    ...opts.delivery,
  });
  const runner = opts.config.JOBS_ENABLED
    ? new JobRunner({
        prisma: opts.prisma,
        clock: opts.clock,
        logger: opts.logger,
        jobs: opts.jobs ?? schedule,
        defaultTimeZone: opts.config.TZ,
      })
    : null;
  worker.start();
  // Catch-up of missed slots runs in the background: the bot need not wait for it.
  runner?.start().catch((err) => opts.logger?.error({ err: String(err) }, "jobs: start failed"));
  return {
    worker,
    runner,
    async stop() {
      await runner?.stop();
      await worker.stop();
    },
  };
}

export { DeliveryWorker, type DeliveryOptions, type DeliveryStats } from "./delivery.js";
export { type JobDefinition, type JobDeps, type JobFn, JobRunner, type SlotOutcome } from "./job-runner.js";
export { nextAllowedTime } from "./quiet-hours.js";
export * from "./sender.js";
export { parseSnoozeAction, type SnoozeResult, snooze } from "./snooze.js";
export { messengerSender } from "./messenger-sender.js";
export { noteInboundEvent } from "./messenger-window.js";
export { telegramSender } from "./telegram-sender.js";
