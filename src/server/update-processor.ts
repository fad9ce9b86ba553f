/**
 * Runs updates through the bot for the webhook server and tells it when Telegram may be
 * answered. Telegram waits for our HTTP answer and sends the update again when it is an
 * error or never comes, so the answer is:
 *
 *  - 200 as soon as the update holds its chat's turn ("started": claimed in
 *    ProcessedUpdate with its payload, chat lock taken) or is a re-delivery ("skipped"),
 *    then the handling goes on after the answer. An update answered is therefore stored
 *    (a crash from there on is recovered from the stored payload), and one chat's next
 *    update, sent by Telegram after that answer, queues behind it;
 *  - 200 as well once claimed and still waiting for its chat after `ackWaitMs` (a slow
 *    handler of the same chat): it is stored, no need to keep Telegram waiting;
 *  - "retry" (the server answers 503) when it could not even be claimed (database
 *    unreachable), or failed on a transient database error before it was answered (it
 *    is left unfinished: src/bot/middlewares/unfinished.ts): Telegram delivers it again
 *    later, nothing is lost.
 *
 * At most `concurrency` updates are handled at once; more wait before the claim, which
 * holds Telegram's requests back (Telegram keeps up to `max_connections` requests open).
 * Every handling is tracked so shutdown can wait for it (`drain`).
 */
import type { Bot } from "grammy";
import type { Update } from "grammy/types";
import type { BotContext } from "../bot/context.js";
import type { UpdateStage } from "../bot/middlewares/dedupe.js";
import { isTransientDbError } from "../db/transient.js";
import type { Logger } from "../logger.js";
import type { Metrics } from "./metrics.js";

export type Answer = "ack" | "retry";

export interface UpdateProcessorOptions {
  /** Updates handled at once by this instance. */
  concurrency?: number;
  /** Longest wait for an update's chat before answering Telegram anyway (it is stored). */
  ackWaitMs?: number;
  metrics?: Metrics;
  logger?: Logger;
}

interface Entry {
  claimed: boolean;
  onStage?: (stage: UpdateStage) => void;
}

export class UpdateProcessor {
  private readonly concurrency: number;
  private readonly ackWaitMs: number;
  private readonly metrics?: Metrics;
  private readonly logger?: Logger;
  private readonly entries = new Map<number, Entry>();
  private readonly handlings = new Set<Promise<void>>();
  private readonly waiting: (() => void)[] = [];
  private running = 0;

  constructor(
    private readonly bot: Bot<BotContext>,
    opts: UpdateProcessorOptions = {},
  ) {
    this.concurrency = Math.max(1, opts.concurrency ?? 20);
    this.ackWaitMs = opts.ackWaitMs ?? 5_000;
    this.metrics = opts.metrics;
    this.logger = opts.logger;
  }

  /** Give this to the bot's guards (`UpdateGuards.onProgress`). */
  readonly onProgress = (updateId: number, stage: UpdateStage): void => {
    const entry = this.entries.get(updateId);
    if (!entry) return;
    if (stage === "claimed") entry.claimed = true;
    entry.onStage?.(stage);
  };

  /** Updates being handled, plus those waiting for a slot. */
  get inFlight(): number {
    return this.handlings.size;
  }

  /** Starts handling an update; resolves when Telegram may be answered. */
  submit(update: Update): Promise<Answer> {
    const id = update.update_id;
    // The same update already being handled here (Telegram re-sent it meanwhile).
    if (this.entries.has(id)) {
      this.metrics?.updatesSkipped.inc();
      return Promise.resolve("ack");
    }
    const entry: Entry = { claimed: false };
    this.entries.set(id, entry);
    let timer: NodeJS.Timeout | undefined;
    const answer = new Promise<Answer>((resolve) => {
      const done = (a: Answer) => {
        clearTimeout(timer);
        resolve(a);
      };
      entry.onStage = (stage) => {
        if (stage === "started" || stage === "skipped") done("ack");
        else if (stage === "claimed") timer = setTimeout(() => done("ack"), this.ackWaitMs);
      };
      this.track(this.handle(update, entry)).then(
        () => done("ack"),
        // Not yet answered and left unfinished by a transient failure: Telegram sends it again.
        (err) => done(entry.claimed && !isTransientDbError(err) ? "ack" : "retry"),
      );
    });
    return answer;
  }

  /** Handles an update outside a request (recovery); resolves when done. */
  async run(update: Update): Promise<void> {
    if (this.entries.has(update.update_id)) return;
    const entry: Entry = { claimed: false };
    this.entries.set(update.update_id, entry);
    await this.track(this.handle(update, entry)).catch(() => undefined);
  }

  /** Waits until every update taken so far is handled. */
  async drain(): Promise<void> {
    while (this.handlings.size > 0) await Promise.allSettled([...this.handlings]);
  }

  private track(handling: Promise<void>): Promise<void> {
    this.handlings.add(handling);
    const forget = () => this.handlings.delete(handling);
    handling.then(forget, forget);
    return handling;
  }

  private async handle(update: Update, entry: Entry): Promise<void> {
    await this.slot();
    const started = performance.now();
    try {
      await this.bot.handleUpdate(update);
      if (entry.claimed) this.metrics?.observeUpdate(update, (performance.now() - started) / 1000);
      else this.metrics?.updatesSkipped.inc();
    } catch (err) {
      this.metrics?.updatesFailed.inc();
      const cause = (err as { error?: unknown }).error ?? err;
      this.logger?.error(
        {
          updateId: update.update_id,
          claimed: entry.claimed,
          err: (cause as Error)?.message ?? String(cause),
        },
        !entry.claimed
          ? "update could not be claimed"
          : isTransientDbError(err)
            ? "update left unfinished: it will be handled again"
            : "update failed: it will be recovered after the lease",
      );
      throw err;
    } finally {
      this.entries.delete(update.update_id);
      this.release();
    }
  }

  private slot(): Promise<void> {
    if (this.running < this.concurrency) {
      this.running++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running--;
  }
}
