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
 * Two round trips per update on that connection: taking the lock is one statement that
 * also claims the update in the ledger (middlewares/dedupe.ts, when the chat has nothing
 * else in flight in this process) and asks whether the chat has an earlier update not
 * done (the order check below); the update's done mark is committed and the lock
 * released in one more. The done mark is committed
 * before the lock is released, so the chat's next update, once it holds the lock, always
 * sees its predecessor done.
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
import type { UpdateGuards, UserPreload } from "./dedupe.js";
import { setPreloadedUser } from "./user.js";
import {
  type ChatConnection,
  type PendingState,
  pendingStateOf,
  pendingStateSql,
  setChatConnection,
  type UpdateFaults,
} from "./unfinished.js";

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

/** A claim sent in the same statement as the lock (UpdateLedger.claimStatement). */
export interface ClaimWithLock {
  statement: { text: string; values: unknown[] };
  /** Called once the claim is in, before any wait for the lock. */
  onClaimed?: () => void;
  /**
   * The arguments (after `p_run`) of albabot_chat_user: the update's user is read in the
   * same statement too, once the lock is taken (see `HeldChatLock.preloaded`).
   */
  preload?: unknown[];
}

/** Asks, with the lock, whether the chat has an update before this one that is not done. */
export interface OrderCheck {
  updateId: number;
  /** This instance's own claims in flight are not counted (see UpdateLedger.hasEarlierUnfinished). */
  instanceId: string;
}

/** A chat's lock held by one update. */
export interface HeldChatLock {
  /** The order check's answer when the lock was taken (false without a check). */
  readonly earlierUnfinished: boolean;
  /**
   * With a claim: the claim statement's `attempts` (null: a duplicate, then no lock is
   * held and `release` does nothing).
   */
  readonly claimAttempts?: number | null;
  /** Asks the order check again, now (on the lock's own connection when there is one). */
  recheck(): Promise<boolean>;
  /**
   * The user's row (albabot_chat_user) read in the statement that took the lock, when the
   * lock was free at once and the chat has no earlier update not done; its query ran on a
   * snapshot taken after the lock (the function is VOLATILE), so it holds what the chat's
   * previous update committed. Undefined otherwise: the user is read as usual.
   */
  readonly preloaded?: { row: Record<string, unknown> | undefined };
  /** Runs a statement on the lock's own connection (absent when no lock is held). */
  readonly query?: ChatConnection;
  /**
   * Releases the lock. With `doneUpdateId`, first commits that update's done mark in the
   * ledger (with its conversation's `state`, when given) in the same round trip; returns
   * whether the mark was written (otherwise the caller writes it).
   */
  release(doneUpdateId?: number, state?: PendingState): Promise<boolean>;
}

const statementNames = new Map<string, string>();

/**
 * The statement that takes a chat's lock, as a prepared statement of its connection: it
 * runs on every update, and a prepared one is parsed and planned once per connection, not
 * each time (its text is the same for every update but for its parameters). A handful of
 * texts exist (with or without the claim, the order check, the user's read).
 */
function prepared(text: string): { name: string; text: string } {
  let name = statementNames.get(text);
  if (name === undefined) {
    name = `albabot_chat_lock_${statementNames.size + 1}`;
    statementNames.set(text, name);
  }
  return { name, text };
}

/** How many texts the lock's statement has had in this process (a few: one per shape). */
export function preparedLockStatements(): number {
  return statementNames.size;
}

/** The order check (UpdateLedger.hasEarlierUnfinished) with its parameters from `$first` on. */
function earlierUnfinishedSql(first: number): string {
  return `EXISTS (SELECT 1 FROM "ProcessedUpdate"
    WHERE "chatKey" = $${first} AND "updateId" < $${first + 1} AND "doneAt" IS NULL
      AND NOT ("claimedBy" = $${first + 2} AND "claimedAt" > TIMESTAMP '1970-01-02'))`;
}

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
    const held = await this.take(chatKey);
    return async () => {
      await held.release();
    };
  }

  /**
   * Takes the chat's lock, waiting for it when another update holds it. With `check`, the
   * order check is asked in the same statement when the lock is free at once; with
   * `claim`, the update is claimed in it too (a duplicate then takes no lock).
   */
  async take(
    chatKey: string,
    check?: OrderCheck,
    claim?: ClaimWithLock,
    /** Without a claim: albabot_chat_user's arguments, to read the user with the lock too. */
    userPreload?: unknown[],
  ): Promise<HeldChatLock> {
    const client = await this.pool.connect();
    const lockKey = `chat:${chatKey}`;
    const checkParams = check ? [chatKey, BigInt(check.updateId), check.instanceId] : [];
    const recheck = async () => {
      if (!check) return false;
      const r = await client.query<{ earlier: boolean }>(
        `SELECT ${earlierUnfinishedSql(1)} AS earlier`,
        checkParams,
      );
      return r.rows[0]!.earlier;
    };
    const unlockSql = `SELECT pg_advisory_unlock(${CHAT_LOCK_NAMESPACE}, hashtext(${client.escapeLiteral(lockKey)}))`;
    const started = performance.now();
    let earlier: boolean;
    let claimAttempts: number | null | undefined;
    let preloaded: { row: Record<string, unknown> | undefined } | undefined;
    try {
      const first = claim ? claim.statement.values.length : 0;
      const lockAndCheck = `pg_try_advisory_lock($${first + 1}, hashtext($${first + 2})) AS got,
        ${check ? earlierUnfinishedSql(first + 3) : "NULL::boolean"} AS earlier`;
      const preload = claim ? claim.preload : userPreload;
      const p = first + 2 + checkParams.length; // the preload's parameters follow
      const userOf = (gate: string) =>
        `LEFT JOIN LATERAL albabot_chat_user(${gate}, $${p + 1}, $${p + 2}, $${p + 3}, $${p + 4}::text[]) u ON true`;
      const text = !claim
        ? !preload
          ? `SELECT ${lockAndCheck}`
          : // An update that waited its turn here: the user read after the lock, as below.
            `WITH l AS MATERIALIZED (SELECT ${lockAndCheck})
             SELECT u.*, l.got, l.earlier AS earlier FROM l ${userOf("l.got AND l.earlier IS NOT TRUE")}`
        : !preload
          ? `WITH c AS (${claim.statement.text}) SELECT (SELECT "attempts" FROM c) AS attempts, ${lockAndCheck}`
          : // The user is read by a VOLATILE function on a snapshot of its own, after the lock.
            `WITH c AS (${claim.statement.text}),
               l AS MATERIALIZED (SELECT (SELECT "attempts" FROM c) AS attempts, ${lockAndCheck})
             SELECT u.*, l.attempts, l.got, l.earlier AS earlier FROM l
             ${userOf("l.got AND l.attempts IS NOT NULL AND l.earlier IS NOT TRUE")}`;
      const firstAnswer = await client.query<
        { got: boolean; earlier: boolean | null; attempts?: number | null } & Record<string, unknown>
      >(prepared(text), [
        ...(claim?.statement.values ?? []),
        CHAT_LOCK_NAMESPACE,
        lockKey,
        ...checkParams,
        ...(preload ?? []),
      ]);
      const row = firstAnswer.rows[0]!;
      if (preload && row.got && (!claim || row.attempts != null) && row.earlier !== true) {
        // Its user columns are null when there is no such user yet (users.ts userOfRow).
        const { got: _got, earlier: _earlier, attempts: _attempts, ...user } = row;
        preloaded = { row: user };
      }
      if (claim) {
        claimAttempts = row.attempts ?? null;
        if (claimAttempts === null) {
          // A duplicate: nothing to hold the chat for.
          if (row.got) await client.query(unlockSql);
          client.release();
          return {
            earlierUnfinished: false,
            claimAttempts,
            recheck: async () => false,
            release: async () => false,
          };
        }
        claim.onClaimed?.();
      }
      if (row.got) {
        earlier = row.earlier === true;
      } else {
        // Another update of the chat holds it: wait, then ask again (its done mark is in).
        await client.query("SELECT pg_advisory_lock($1, hashtext($2))", [CHAT_LOCK_NAMESPACE, lockKey]);
        earlier = await recheck();
      }
    } catch (err) {
      const timedOut = (err as { code?: string }).code === "55P03";
      client.release(timedOut ? undefined : (err as Error));
      if (!timedOut) throw err;
      this.logger?.warn({ chatKey }, "chat lock wait timed out: handling without it");
      return {
        earlierUnfinished: false,
        claimAttempts,
        recheck: async () => false,
        release: async () => false,
      };
    } finally {
      this.onWait?.((performance.now() - started) / 1000);
    }
    let released = false;
    return {
      earlierUnfinished: earlier,
      claimAttempts,
      ...(preloaded ? { preloaded } : {}),
      recheck,
      query: async (text, values) => {
        if (released) throw new Error("the chat's lock is released");
        return client.query(text, values);
      },
      release: async (doneUpdateId, state) => {
        if (released) return false;
        released = true;
        const done =
          doneUpdateId !== undefined && Number.isSafeInteger(doneUpdateId)
            ? `BEGIN; ${state ? `${pendingStateSql(state, (t) => client.escapeLiteral(t))}; ` : ""}
               UPDATE "ProcessedUpdate" SET "doneAt" = now() AT TIME ZONE 'UTC', "payload" = NULL
                 WHERE "updateId" = ${doneUpdateId} AND "doneAt" IS NULL; COMMIT; `
            : undefined;
        try {
          // One simple query: the state and the done mark committed, then the lock released.
          await client.query(`${done ?? ""}${unlockSql}`);
          client.release();
          return done !== undefined;
        } catch (err) {
          // A broken connection is dropped, which releases its locks on the server.
          client.release(err as Error);
          return false;
        }
      },
    };
  }

  /** The same locks for another channel's chats, whose ids may collide with Telegram's. */
  withPrefix(prefix: string): ChatLocks {
    const take = (chatKey: string, check?: OrderCheck, claim?: ClaimWithLock, userPreload?: unknown[]) =>
      this.take(`${prefix}${chatKey}`, check, claim, userPreload);
    return Object.create(this, {
      take: { value: take },
      acquire: {
        value: async (chatKey: string) => {
          const held = await take(chatKey);
          return async () => {
            await held.release();
          };
        },
      },
    }) as ChatLocks;
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
  updateId: number,
  chatKey: string,
  check: () => Promise<boolean>,
  settleMs = 0,
): Promise<void> {
  const until = Date.now() + settleMs;
  while (await check()) {
    if (Date.now() >= until) {
      guards.logger?.warn({ updateId, chatKey }, "update waits for an earlier update of its chat");
      throw new RetryLater("an earlier update of this chat is not finished");
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * With the chat's lock held, an earlier update still being handled cannot exist: one that
 * looks unfinished is either being marked done by an instance that lost its lock's
 * connection, or its instance died. The first is waited for this long; the second is
 * given back.
 */
const DONE_MARK_SETTLE_MS = 1_000;

const FINISH = Symbol("how far the chat lock took the update's finish");

/** What the chat lock did of the update's finish: the fault point run, the done mark written. */
export interface LockFinish {
  faultsRan: boolean;
  done: boolean;
}

export function lockFinishOf(ctx: BotContext): LockFinish {
  const c = ctx as unknown as Record<symbol, LockFinish | undefined>;
  return (c[FINISH] ??= { faultsRan: false, done: false });
}

/**
 * Holds the chat's lock while the rest of the middleware runs (when `chatLocks` is
 * given), reports the update as started, and marks it done as the lock is released.
 */
export function chatLock(
  guards: UpdateGuards,
  faults?: UpdateFaults,
  /** The user is read with the lock when it is taken here (an update that waited its turn). */
  preload?: UserPreload,
): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    const key = chatKeyOf(ctx);
    const updateId = ctx.update.update_id;
    const finish = lockFinishOf(ctx);
    if (!guards.chatLocks || key === undefined) {
      if (key !== undefined && earlierAtClaim(ctx))
        await waitForEarlier(guards, updateId, key, () => guards.ledger.hasEarlierUnfinished(key, updateId));
      guards.onProgress?.(updateId, "started");
      await next();
      finish.faultsRan = true;
      await faults?.("before-done", ctx);
      // Done (with the conversation's state) before the chat's next update here goes on.
      await guards.ledger.complete(updateId, pendingStateOf(ctx));
      finish.done = true;
      return;
    }
    // Usually taken with the claim (middlewares/dedupe.ts).
    let held = takeHeldLock(ctx);
    if (!held) {
      held = await guards.chatLocks.take(
        key,
        { updateId, instanceId: guards.ledger.instanceId },
        undefined,
        preload?.(ctx),
      );
      if (held.preloaded) setPreloadedUser(ctx, held.preloaded.row);
    }
    let handled = false;
    try {
      if (held.earlierUnfinished)
        await waitForEarlier(guards, updateId, key, () => held.recheck(), DONE_MARK_SETTLE_MS);
      guards.onProgress?.(updateId, "started");
      setChatConnection(ctx, held.query);
      await next();
      finish.faultsRan = true;
      await faults?.("before-done", ctx);
      handled = true;
    } finally {
      setChatConnection(ctx, undefined);
      finish.done = handled ? await held.release(updateId, pendingStateOf(ctx)) : await held.release();
    }
  };
}

const HELD = Symbol("the chat's lock, taken with the claim");

/** Hands the chat lock taken with the claim to the chat lock's middleware. */
export function setHeldLock(ctx: BotContext, held: HeldChatLock): void {
  (ctx as unknown as Record<symbol, HeldChatLock | undefined>)[HELD] = held;
}

/** The lock taken with the claim, once (then it is the taker's to release). */
export function takeHeldLock(ctx: BotContext): HeldChatLock | undefined {
  const c = ctx as unknown as Record<symbol, HeldChatLock | undefined>;
  const held = c[HELD];
  c[HELD] = undefined;
  return held;
}

const EARLIER_AT_CLAIM = Symbol("the chat had an earlier unfinished update at the claim");

/** Recorded by the ledger's claim (one statement), for the order check without chat locks. */
export function setEarlierAtClaim(ctx: BotContext, earlier: boolean): void {
  (ctx as unknown as Record<symbol, boolean>)[EARLIER_AT_CLAIM] = earlier;
}

function earlierAtClaim(ctx: BotContext): boolean {
  // Unknown (claimed elsewhere, e.g. recovery): ask.
  return (ctx as unknown as Record<symbol, boolean | undefined>)[EARLIER_AT_CLAIM] ?? true;
}
