/**
 * The periodic upkeep of the update ledger (ProcessedUpdate), on every instance:
 *  - recovery: updates claimed by an instance that did not finish them within the lease
 *    or that has died (it lost the database mid-update, or its process is gone) are
 *    handled again from their stored payload: each chat's oldest first, up to
 *    `concurrency` chats side by side; the claim decides which instance does it. After
 *    a round that recovered something the next one comes after a second, not the interval;
 *  - pruning: done rows older than the ledger's `keepDays` (7) are deleted;
 *  - upkeep, when given (the embedded database, which has no autovacuum): the busy tables
 *    that have grown are vacuumed and analysed (db/upkeep.ts).
 * All are safe to run on several instances at once.
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
  /** Chats recovered at the same time (default 8). */
  concurrency?: number;
  /** Runs after each round's pruning; returns the tables it vacuumed. */
  upkeep?: () => Promise<string[]>;
}

/** The round after one that recovered updates: soon, in case more are waiting behind. */
const FOLLOW_UP_MS = 1_000;

export class UpdateHousekeeping {
  private timer: NodeJS.Timeout | null = null;
  private started = false;
  private running: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: HousekeepingOptions) {}

  /** One round: recovers stale updates, prunes old rows, keeps the embedded database's tables up. */
  async runOnce(): Promise<{ recovered: number; pruned: number; vacuumed: string[] }> {
    const { ledger, handle, logger } = this.opts;
    const stale = await ledger.staleClaims();
    // One queue per chat (in update order); chats side by side. Updates recorded without
    // their chat (a Messenger body's events) share one queue, in update order.
    const chats = new Map<string, Update[]>();
    for (const { update, chatKey } of stale) {
      const key = chatKey === null ? "" : `chat:${chatKey}`;
      chats.set(key, [...(chats.get(key) ?? []), update]);
    }
    const queues = [...chats.values()];
    const workers = Array.from({ length: Math.min(this.opts.concurrency ?? 8, queues.length) }, async () => {
      for (let queue = queues.shift(); queue; queue = queues.shift()) {
        for (const update of queue) {
          logger?.warn({ updateId: update.update_id }, "recovering an update left unfinished");
          await handle(update);
        }
      }
    });
    await Promise.all(workers);
    const pruned = await ledger.prune();
    if (pruned > 0) logger?.info({ pruned }, "old processed update records pruned");
    const vacuumed = (await this.opts.upkeep?.()) ?? [];
    if (vacuumed.length > 0) logger?.debug({ tables: vacuumed }, "tables vacuumed and analysed");
    return { recovered: stale.length, pruned, vacuumed };
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    const tick = () => {
      this.timer = null;
      let next = this.opts.intervalMs ?? 5_000;
      this.running = this.runOnce()
        .then((r) => {
          if (r.recovered > 0) next = Math.min(next, FOLLOW_UP_MS);
        })
        .catch((err) =>
          this.opts.logger?.error({ err: (err as Error).message }, "update housekeeping failed"),
        )
        .finally(() => {
          if (!this.started) return;
          this.timer = setTimeout(tick, next);
          this.timer.unref();
        });
    };
    tick();
  }

  /** Stops the rounds and waits for one in progress. */
  async stop(): Promise<void> {
    this.started = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }
}
