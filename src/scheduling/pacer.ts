/**
 * Sending pace of one delivery worker, within Telegram's limits: `ratePerSecond` messages
 * per second overall, as a token bucket of `burst` tokens (default 2: a send that was a
 * little late — a busy event loop — can catch up, yet no window of one second ever holds
 * more than ratePerSecond + burst − 1, i.e. 29 at the default 28), at least
 * `chatIntervalMs` between two messages to one chat, and a pause of everything after a
 * "retry after" answer.
 *
 * The limits hold per process. Several instances share the bot's budget: give each
 * `OUTBOX_RATE / instances` (two instances: 14 each).
 */
export interface PacerOptions {
  ratePerSecond: number;
  /** Tokens the bucket holds (sends allowed back to back after an idle moment). */
  burst?: number;
  chatIntervalMs?: number;
}

export class SendPacer {
  private readonly intervalMs: number;
  private readonly chatIntervalMs: number;
  /** How far ahead of its theoretical time a send may go: (burst − 1) intervals. */
  private readonly toleranceMs: number;
  /** Theoretical time of the next send if sends were evenly spaced (GCRA). */
  private nextGlobal = 0;
  private pausedUntil = 0;
  private readonly chatNext = new Map<string, number>();

  constructor(opts: PacerOptions) {
    if (!(opts.ratePerSecond > 0)) throw new Error("ratePerSecond must be positive");
    // Whole milliseconds, rounded up: rounding can never let one more message into a second.
    this.intervalMs = Math.ceil(1000 / opts.ratePerSecond);
    this.chatIntervalMs = opts.chatIntervalMs ?? 1000;
    this.toleranceMs = (Math.max(1, opts.burst ?? 2) - 1) * this.intervalMs;
  }

  /** The earliest moment (ms) a message to `chat` may start. */
  readyAt(chat: string): number {
    return Math.max(this.nextGlobal - this.toleranceMs, this.pausedUntil, this.chatNext.get(chat) ?? 0);
  }

  /** Takes the token for a send to `chat` starting at `now` (call only when readyAt ≤ now). */
  take(chat: string, now: number): void {
    this.nextGlobal = Math.max(this.nextGlobal, now) + this.intervalMs;
    this.chatNext.set(chat, now + this.chatIntervalMs);
  }

  /** Stops all sending until `until` (ms). */
  pauseUntil(until: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, until);
  }

  /** Forgets chats whose spacing has long passed (keeps the map small). */
  prune(now: number): void {
    for (const [chat, t] of this.chatNext) if (t < now) this.chatNext.delete(chat);
  }
}
