/**
 * The periodic upkeep of the update ledger (ProcessedUpdate), on every instance:
 *  - recovery: updates claimed by an instance that did not finish them within the lease
 *    (it died, or lost the database mid-update) are handled again from their stored
 *    payload, oldest first; the claim decides which instance does it;
 *  - pruning: done rows older than the ledger's `keepDays` (7) are deleted.
 * Both are safe to run on several instances at once.
 */
import type { Update } from "grammy/types";
import type { UpdateLedger } from "../bot/middlewares/dedupe.js";
import type { Logger } from "../logger.js";

export interface HousekeepingOptions {
  ledger: UpdateLedger;
  /** Runs one recovered update through the bot; resolves when it is done. */
  handle: (update: Update) => Promise<void>;
  logger?: Logger;
  intervalMs?: number;
}

export class UpdateHousekeeping {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: HousekeepingOptions) {}

  /** One round: recovers stale updates, prunes old rows. */
  async runOnce(): Promise<{ recovered: number; pruned: number }> {
    const { ledger, handle, logger } = this.opts;
    const stale = await ledger.stale();
    for (const update of stale) {
      logger?.warn({ updateId: update.update_id }, "recovering an update left unfinished");
      await handle(update);
    }
    const pruned = await ledger.prune();
    if (pruned > 0) logger?.info({ pruned }, "old processed update records pruned");
    return { recovered: stale.length, pruned };
  }

  start(): void {
    if (this.timer) return;
    let busy = false;
    const tick = () => {
      if (busy) return;
      busy = true;
      this.running = this.runOnce()
        .catch((err) =>
          this.opts.logger?.error({ err: (err as Error).message }, "update housekeeping failed"),
        )
        .finally(() => {
          busy = false;
        });
    };
    tick();
    this.timer = setInterval(tick, this.opts.intervalMs ?? 5_000);
    this.timer.unref();
  }

  /** Stops the timer and waits for a round in progress. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
