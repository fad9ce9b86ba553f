/**
 * One chat's updates one after another across instances (two quick button presses from
 * one person must not race, even when the load balancer sends them to two processes).
 *
 * PostgreSQL: the update holds a session advisory lock keyed by its chat,
 * `pg_advisory_lock(<namespace>, hashtext('chat:<id>'))`, on a dedicated connection of a
 * small pool, for the whole handling; it is released in `finally`, and by the server
 * itself if the instance dies (the connection closes). Installed after the in-memory
 * `sequentialize`, so within one process a chat's updates queue in memory and hold at
 * most one connection per chat.
 *
 * A wait longer than `lock_timeout` (a handler stuck elsewhere) is logged and the update
 * goes ahead without the lock: late and possibly out of order beats not at all.
 * PGlite runs in one process only, where `sequentialize` is enough: not installed there.
 */
import type { MiddlewareFn } from "grammy";
import pg from "pg";
import { RetryLater } from "../../db/transient.js";
import type { Logger } from "../../logger.js";
import type { BotContext } from "../context.js";
import type { UpdateGuards } from "./dedupe.js";

/** First key of the two-key advisory lock: keeps chat locks apart from other advisory locks. */
export const CHAT_LOCK_NAMESPACE = 0x0a1b;

export interface ChatLocksOptions {
  url: string;
  /** Connections, i.e. updates holding a chat lock at once in this instance. */
  max?: number;
  /** Longest wait for a chat's lock before going ahead without it. */
  lockTimeoutMs?: number;
  logger?: Logger;
  /** Observes each wait (seconds), for the metrics. */
  onWait?: (seconds: number) => void;
}

export type ReleaseLock = () => Promise<void>;

export class ChatLocks {
  private readonly pool: pg.Pool;
  private readonly logger?: Logger;
  private readonly onWait?: (seconds: number) => void;

  constructor(opts: ChatLocksOptions) {
    this.pool = new pg.Pool({
      connectionString: opts.url,
      max: opts.max ?? 20,
      lock_timeout: opts.lockTimeoutMs ?? 30_000,
      application_name: "albabot:chat-locks",
    });
    this.pool.on("error", (err) => this.logger?.warn({ err: err.message }, "chat lock connection lost"));
    this.logger = opts.logger;
    this.onWait = opts.onWait;
  }

  /** Waits for the chat's lock; the returned function releases it. */
  async acquire(chatKey: string): Promise<ReleaseLock> {
    const client = await this.pool.connect();
    const started = performance.now();
    try {
      await client.query("SELECT pg_advisory_lock($1, hashtext($2))", [
        CHAT_LOCK_NAMESPACE,
        `chat:${chatKey}`,
      ]);
    } catch (err) {
      const timedOut = (err as { code?: string }).code === "55P03";
      client.release(timedOut ? undefined : (err as Error));
      if (!timedOut) throw err;
      this.logger?.warn({ chatKey }, "chat lock wait timed out: handling without it");
      return async () => {};
    } finally {
      this.onWait?.((performance.now() - started) / 1000);
    }
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      try {
        await client.query("SELECT pg_advisory_unlock($1, hashtext($2))", [
          CHAT_LOCK_NAMESPACE,
          `chat:${chatKey}`,
        ]);
        client.release();
      } catch (err) {
        // A broken connection is dropped, which releases its locks on the server.
        client.release(err as Error);
      }
    };
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** The key updates are serialised by: the chat, or the sender for updates without one. */
export function chatKeyOf(ctx: BotContext): string | undefined {
  return ctx.chat?.id.toString() ?? ctx.from?.id.toString();
}

/**
 * One chat's order across a crash: an update whose chat still has an earlier update not
 * done (its instance died mid-update; it is recovered after its lease, within seconds)
 * is not handled before it. It is given back: not yet answered, so the webhook answers
 * 503 and Telegram sends it again later; the ledger's recovery also replays both, oldest
 * first.
 */
async function waitForEarlier(
  guards: UpdateGuards,
  chatKey: string,
  updateId: number,
  settleMs = 0,
): Promise<void> {
  const until = Date.now() + settleMs;
  while (await guards.ledger.hasEarlierUnfinished(chatKey, updateId)) {
    if (Date.now() >= until) {
      guards.logger?.warn({ updateId, chatKey }, "update waits for an earlier update of its chat");
      throw new RetryLater("an earlier update of this chat is not finished");
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * With the chat's lock held, an earlier update still being handled cannot exist: one that
 * looks unfinished has either just released the lock and is writing its done mark (a few
 * milliseconds), or its instance died. The first is waited for this long; the second is
 * given back.
 */
const DONE_MARK_SETTLE_MS = 1_000;

/**
 * Holds the chat's lock while the rest of the middleware runs (when `chatLocks` is
 * given) and reports the update as started.
 */
export function chatLock(guards: UpdateGuards): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    const key = chatKeyOf(ctx);
    if (!guards.chatLocks || key === undefined) {
      if (key !== undefined) await waitForEarlier(guards, key, ctx.update.update_id);
      guards.onProgress?.(ctx.update.update_id, "started");
      return next();
    }
    const release = await guards.chatLocks.acquire(key);
    try {
      await waitForEarlier(guards, key, ctx.update.update_id, DONE_MARK_SETTLE_MS);
      guards.onProgress?.(ctx.update.update_id, "started");
      await next();
    } finally {
      await release();
    }
  };
}
