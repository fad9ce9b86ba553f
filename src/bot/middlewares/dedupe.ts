/**
 * Exactly-once handling of Telegram updates across restarts and instances.
 *
 * Telegram delivers an update again when our answer is slow or lost, and with several
 * instances the second delivery may reach another process. Every update is claimed in
 * `ProcessedUpdate` before it is handled:
 *
 *  - claim = insert-if-absent of (update_id, payload, instance, claimedAt); the row that
 *    is inserted (or taken over, below) handles the update, every other delivery is
 *    acknowledged and skipped;
 *  - when the handling finishes the row is marked done and its payload dropped;
 *  - a claim that is not done after the lease (its instance died, or lost its database
 *    connection mid-update) may be taken over: by a re-delivery, or by the periodic
 *    recovery (src/server/housekeeping.ts) which replays the stored payload. On
 *    PostgreSQL the claim of an instance that has died is taken over at once, without
 *    waiting for the lease (its presence lock is gone: src/db/presence.ts). After
 *    `maxAttempts` claims the update is given up (logged, payload kept for inspection).
 *
 * The trade-off: an update is never lost once claimed and never handled twice while its
 * instance lives, but an instance dying mid-update means it is handled again after the
 * lease, so the part that ran before the crash (a reply already sent) may repeat. Changes
 * made in one transaction are not doubled: the services check state, and notifications
 * carry unique dedupe keys. Times are the database's (`now()`), so instances with
 * skewed clocks agree on leases. Done rows are pruned after `keepDays`.
 */
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { MiddlewareFn } from "grammy";
import type { Update } from "grammy/types";
import { Prisma, type PrismaClient } from "../../generated/prisma/client.js";
import { sqlFor } from "../../db/direct.js";
import { ownerGone } from "../../db/presence.js";
import type { Logger } from "../../logger.js";
import type { BotContext } from "../context.js";
import { isTransientDbError } from "../../db/transient.js";
import {
  type ChatLocks,
  chatKeyOf,
  lockFinishOf,
  setEarlierAtClaim,
  setHeldLock,
  takeHeldLock,
} from "./chat-lock.js";
import {
  deferStateToDone,
  type PendingState,
  pendingStateCte,
  pendingStateOf,
  type UpdateFaults,
} from "./unfinished.js";
import { setPreloadedUser } from "./user.js";
import { chatUserQuery } from "../../directory/users.js";

export interface UpdateLedgerOptions {
  prisma: PrismaClient;
  /** Written to ProcessedUpdate.claimedBy; default host:pid:random. */
  instanceId?: string;
  /** A claim not done after this long may be taken over. */
  leaseMs?: number;
  /** Claims of one update before it is given up (an update that kills its instance). */
  maxAttempts?: number;
  /** Done rows older than this are deleted by `prune()`. */
  keepDays?: number;
  logger?: Logger;
}

export type ClaimResult =
  | {
      status: "claimed";
      attempts: number;
      earlier?: boolean;
      /** The user's row read with the claim (`preload`), when the chat has no earlier update open. */
      preloaded?: { row: Record<string, unknown> | undefined };
    }
  | { status: "duplicate" }
  | { status: "given-up"; attempts: number };

/**
 * A claim not renewed for this long is taken over. The claim is renewed every third of it
 * while its update is handled (`heartbeat`), so only a dead or frozen instance loses it:
 * its updates are recovered within seconds, not minutes.
 */
export const DEFAULT_LEASE_MS = 15_000;

/** The `ProcessedUpdate` table: claims, completion, recovery and pruning. */
export class UpdateLedger {
  readonly instanceId: string;
  readonly leaseMs: number;
  private readonly prisma: PrismaClient;
  private readonly maxAttempts: number;
  private readonly keepDays: number;
  private readonly logger?: Logger;

  constructor(opts: UpdateLedgerOptions) {
    this.prisma = opts.prisma;
    this.instanceId = opts.instanceId ?? `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
    this.leaseMs = opts.leaseMs ?? DEFAULT_LEASE_MS;
    this.maxAttempts = opts.maxAttempts ?? 3;
    this.keepDays = opts.keepDays ?? 7;
    this.logger = opts.logger;
  }

  /**
   * Claims an update for this instance: fresh, or taken over from a claim past its lease.
   * With `checkOrder` (and a chat key), the same statement also asks whether the chat has
   * an earlier update not done (`hasEarlierUnfinished`), returned as `earlier`.
   */
  async claim(
    update: Update,
    chatKey?: string,
    opts: { checkOrder?: boolean; preload?: unknown[] } = {},
  ): Promise<ClaimResult> {
    const insert = this.claimStatement(update, chatKey);
    type Row = { attempts: number; earlier?: boolean } & Record<string, unknown>;
    let rows: Row[];
    if (opts.checkOrder && chatKey !== undefined) {
      const earlier = this.earlierUnfinished(chatKey, update.update_id);
      rows = await this.rows<Row>(
        opts.preload
          ? Prisma.sql`
              WITH c AS (${insert}), l AS MATERIALIZED (SELECT c."attempts", ${earlier} AS "earlier" FROM c)
              SELECT u.*, l."attempts", l."earlier" FROM l
              LEFT JOIN LATERAL (${chatUserQuery(opts.preload, Prisma.sql`NOT l."earlier"`)}) u ON true`
          : Prisma.sql`WITH c AS (${insert}) SELECT c."attempts", ${earlier} AS "earlier" FROM c`,
      );
    } else {
      rows = await this.rows<Row>(insert);
    }
    const result = await this.settle(update, rows[0]?.attempts);
    if (result.status !== "claimed" || rows[0]?.earlier === undefined) return result;
    const { attempts: _attempts, earlier, ...user } = rows[0];
    const preloaded = opts.preload && !earlier ? { row: user } : undefined;
    return { ...result, earlier, ...(preloaded ? { preloaded } : {}) };
  }

  /**
   * Runs one of the ledger's statements; those of every update (the claim, the done mark)
   * go straight through the driver (db/direct.ts).
   */
  private rows<T>(statement: Prisma.Sql): Promise<T[]> {
    return sqlFor(this.prisma).query<T>(statement.text, statement.values);
  }

  /**
   * The claim as one statement returning `attempts` (no row: a duplicate), for a caller
   * that sends it with other work in one round trip (the chat lock: middlewares/chat-lock.ts);
   * its answer then goes to `settle`.
   */
  claimStatement(update: Update, chatKey?: string): Prisma.Sql {
    const leaseSeconds = Math.ceil(this.leaseMs / 1000);
    return Prisma.sql`
      INSERT INTO "ProcessedUpdate" ("updateId", "payload", "claimedBy", "claimedAt", "attempts", "chatKey")
      VALUES (${BigInt(update.update_id)}, ${JSON.stringify(update)}::jsonb, ${this.instanceId},
              now() AT TIME ZONE 'UTC', 1, ${chatKey ?? null})
      ON CONFLICT ("updateId") DO UPDATE
        SET "claimedBy" = EXCLUDED."claimedBy",
            "claimedAt" = EXCLUDED."claimedAt",
            "attempts" = "ProcessedUpdate"."attempts" + 1
        WHERE "ProcessedUpdate"."doneAt" IS NULL
          AND ("ProcessedUpdate"."claimedAt" < (now() AT TIME ZONE 'UTC') - ${leaseSeconds}::int * interval '1 second'
               OR ${ownerGone(Prisma.sql`"ProcessedUpdate"."claimedBy"`)})
      RETURNING "attempts"`;
  }

  /** What a claim statement's answer means: claimed, a duplicate, or given up (then marked done). */
  async settle(update: Update, attempts: number | null | undefined): Promise<ClaimResult> {
    if (attempts === undefined || attempts === null) return { status: "duplicate" };
    if (attempts > this.maxAttempts) {
      await this.prisma.$executeRaw`
        UPDATE "ProcessedUpdate" SET "doneAt" = now() AT TIME ZONE 'UTC'
        WHERE "updateId" = ${BigInt(update.update_id)} AND "doneAt" IS NULL`;
      this.logger?.error(
        { updateId: update.update_id, attempts: attempts - 1 },
        "update given up: its handling never finished (payload kept in ProcessedUpdate)",
      );
      return { status: "given-up", attempts };
    }
    if (attempts > 1)
      this.logger?.warn({ updateId: update.update_id, attempts }, "update taken over after its lease");
    return { status: "claimed", attempts };
  }

  /**
   * Records updates as claimed by this instance before they are acknowledged, all in one
   * statement (a webhook body's events): those already recorded are left as they are.
   * Returns the ids newly recorded (the ones this instance is to handle, then `complete`);
   * a crash before that leaves them to the recovery after the lease. Throws when the
   * database cannot be written: nothing is recorded then.
   */
  async admit(updates: { update_id: number }[]): Promise<Set<number>> {
    if (!updates.length) return new Set();
    const values = updates.map(
      (u) =>
        Prisma.sql`(${BigInt(u.update_id)}, ${storableJson(u)}::jsonb, ${this.instanceId},
          now() AT TIME ZONE 'UTC', 1)`,
    );
    const rows = await this.prisma.$queryRaw<{ updateId: bigint }[]>`
      INSERT INTO "ProcessedUpdate" ("updateId", "payload", "claimedBy", "claimedAt", "attempts")
      VALUES ${Prisma.join(values)}
      ON CONFLICT ("updateId") DO NOTHING
      RETURNING "updateId"`;
    return new Set(rows.map((r) => Number(r.updateId)));
  }

  /**
   * Marks a claimed update done (whoever holds the claim now: it has been handled), with
   * its conversation's state when given. Tried three times: a record left open would have
   * the update handled again after the lease.
   */
  async complete(updateId: number, state?: PendingState): Promise<void> {
    // With the conversation's state: one statement writes both (unfinished.ts).
    const cte = state ? pendingStateCte(state, 2) : { text: "", values: [] };
    const text = `${cte.text}
      UPDATE "ProcessedUpdate" SET "doneAt" = now() AT TIME ZONE 'UTC', "payload" = NULL
      WHERE "updateId" = $1 AND "doneAt" IS NULL`;
    const values = [BigInt(updateId), ...cte.values];
    for (let attempt = 1; ; attempt++) {
      try {
        await sqlFor(this.prisma).query(text, values);
        return;
      } catch (err) {
        if (attempt >= 3) throw err;
        await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
      }
    }
  }

  /** Renews this instance's claim of an update being handled (see DEFAULT_LEASE_MS). */
  async heartbeat(updateId: number): Promise<void> {
    await this.prisma.$executeRaw`
      UPDATE "ProcessedUpdate" SET "claimedAt" = now() AT TIME ZONE 'UTC'
      WHERE "updateId" = ${BigInt(updateId)} AND "doneAt" IS NULL AND "claimedBy" = ${this.instanceId}`;
  }

  /**
   * True when the chat has an update before this one that is not done: its instance died
   * (it is recovered after its lease), or it waits for the chat behind this one on another
   * instance, or it was given back after a transient failure. This instance's own updates
   * in flight are not counted: they run in order here (and finish just before the next).
   */
  async hasEarlierUnfinished(chatKey: string, updateId: number): Promise<boolean> {
    const rows = await this.rows<{ earlier: boolean }>(
      Prisma.sql`SELECT ${this.earlierUnfinished(chatKey, updateId)} AS "earlier"`,
    );
    return rows[0]?.earlier === true;
  }

  /** `hasEarlierUnfinished` as an expression, for a statement that asks it with other work. */
  private earlierUnfinished(chatKey: string, updateId: number): Prisma.Sql {
    return Prisma.sql`EXISTS (SELECT 1 FROM "ProcessedUpdate"
      WHERE "chatKey" = ${chatKey} AND "updateId" < ${BigInt(updateId)} AND "doneAt" IS NULL
        AND NOT ("claimedBy" = ${this.instanceId} AND "claimedAt" > TIMESTAMP '1970-01-02'))`;
  }

  /**
   * Gives a claim back after a transient failure: it is stale at once (recovered by the
   * next housekeeping round or a re-delivery), and the attempt is not counted.
   */
  async release(updateId: number): Promise<void> {
    await this.prisma.$executeRaw`
      UPDATE "ProcessedUpdate"
      SET "claimedAt" = '1970-01-01', "attempts" = GREATEST("attempts" - 1, 0)
      WHERE "updateId" = ${BigInt(updateId)} AND "doneAt" IS NULL AND "claimedBy" = ${this.instanceId}`;
  }

  /** Updates whose claim is past the lease and not done, oldest first (for recovery). */
  async stale(limit = 50): Promise<Update[]> {
    return (await this.staleClaims(limit)).map((c) => c.update);
  }

  /** The same, each with its chat (recovery runs different chats side by side). */
  async staleClaims(limit = 50): Promise<{ update: Update; chatKey: string | null }[]> {
    const leaseSeconds = Math.ceil(this.leaseMs / 1000);
    const rows = await this.prisma.$queryRaw<{ payload: Update | null; chatKey: string | null }[]>`
      SELECT "payload", "chatKey" FROM "ProcessedUpdate"
      WHERE "doneAt" IS NULL
        AND ("claimedAt" < (now() AT TIME ZONE 'UTC') - ${leaseSeconds}::int * interval '1 second'
             OR ${ownerGone(Prisma.sql`"claimedBy"`)})
        AND "payload" IS NOT NULL
      ORDER BY "updateId"
      LIMIT ${limit}`;
    return rows.flatMap((r) => (r.payload ? [{ update: r.payload, chatKey: r.chatKey }] : []));
  }

  /** Deletes done rows older than `keepDays`; returns how many. */
  async prune(): Promise<number> {
    return this.prisma.$executeRaw`
      DELETE FROM "ProcessedUpdate"
      WHERE "doneAt" < (now() AT TIME ZONE 'UTC') - ${this.keepDays}::int * interval '1 day'`;
  }
}

/**
 * JSON that jsonb takes: PostgreSQL refuses the NUL character (\u0000) in jsonb text, so
 * it is stored as U+FFFD (a replay sees that instead of the NUL; the bot refuses both).
 */
export function storableJson(value: unknown): string {
  return JSON.stringify(value).replace(/(?<!\\)((?:\\\\)*)\\u0000/g, "$1\\ufffd");
}

/** What happened to an update so far; the webhook answers Telegram on "started" or "skipped". */
export type UpdateStage = "claimed" | "skipped" | "started";

/**
 * The arguments (after `p_run`) of albabot_chat_user for an update's user (middlewares/user.ts
 * userPreloadArgs): its user is read with its claim, and the user load takes that row.
 */
export type UserPreload = (ctx: BotContext) => unknown[] | undefined;

/** The production middlewares' dependencies (installed by createBot when given). */
export interface UpdateGuards {
  ledger: UpdateLedger;
  /** PostgreSQL only: one chat's updates one at a time across instances. */
  chatLocks?: ChatLocks;
  onProgress?: (updateId: number, stage: UpdateStage) => void;
  logger?: Logger;
}

/**
 * Claims the update before anything else runs; a re-delivered one is skipped. The row is
 * marked done after the handlers (a handler's error is answered by the error boundary
 * and counts as handled). When something before the handlers fails
 * (database gone) the claim stays open and the update is retried after the lease.
 *
 * With chat locks, an update whose chat has nothing else in flight in this process is
 * claimed and takes its chat's lock in one round trip (middlewares/chat-lock.ts); one
 * that queues behind its chat's update here is claimed alone, so it is stored at once,
 * and takes the lock when its turn comes.
 */
export function dedupe(
  guards: UpdateGuards,
  faults?: UpdateFaults,
  preload?: UserPreload,
): MiddlewareFn<BotContext> {
  const inFlight = new Map<string, number>();
  // Per chat, the latest update's turn to go on (see `inOrder`).
  const turns = new Map<string, Promise<void>>();
  return async (ctx, next) => {
    const chatKey = chatKeyOf(ctx);
    // Nothing of the chat in flight here: its state is what the database holds.
    const alone = chatKey !== undefined && !inFlight.has(chatKey);
    const together = guards.chatLocks !== undefined && alone;
    if (chatKey !== undefined) inFlight.set(chatKey, (inFlight.get(chatKey) ?? 0) + 1);
    const turn = inOrder(chatKey, next);
    try {
      await claimed(ctx, turn.next, together, alone ? preload?.(ctx) : undefined);
    } finally {
      turn.done();
      if (chatKey !== undefined) {
        const left = (inFlight.get(chatKey) ?? 1) - 1;
        if (left > 0) inFlight.set(chatKey, left);
        else inFlight.delete(chatKey);
      }
    }
  };

  /**
   * A chat's updates go on past their claims in the order they came in. The first of a
   * burst may hold its chat's lock from its claim (above), and its claim takes longer than
   * a plain one: were a later update of the chat to overtake it into the per-chat queue
   * (sequentialize), that one would wait there for the lock the first holds while the first
   * waits behind it in the queue, until the lock's wait timed out.
   */
  function inOrder(chatKey: string | undefined, next: () => Promise<void>) {
    if (chatKey === undefined) return { next, done: () => {} };
    const before = turns.get(chatKey);
    let open!: () => void;
    const mine = new Promise<void>((resolve) => {
      open = resolve;
    });
    turns.set(chatKey, mine);
    return {
      next: async () => {
        if (before) await before;
        // Queued behind the chat's earlier updates first, then the next one may follow.
        const going = next();
        open();
        await going;
      },
      done: () => {
        open();
        if (turns.get(chatKey) === mine) turns.delete(chatKey);
      },
    };
  }

  async function claimed(
    ctx: BotContext,
    next: () => Promise<void>,
    together: boolean,
    preloadArgs: unknown[] | undefined,
  ): Promise<void> {
    const updateId = ctx.update.update_id;
    const chatKey = chatKeyOf(ctx);
    let claim: ClaimResult;
    if (together && guards.chatLocks && chatKey !== undefined) {
      const held = await guards.chatLocks
        .take(
          chatKey,
          { updateId, instanceId: guards.ledger.instanceId },
          {
            statement: guards.ledger.claimStatement(ctx.update, chatKey),
            onClaimed: () => guards.onProgress?.(updateId, "claimed"),
            ...(preloadArgs ? { preload: preloadArgs } : {}),
          },
        )
        .catch(async (err: unknown) => {
          // Claimed, then the wait for the lock failed: offered again at once (as below).
          if (isTransientDbError(err)) await guards.ledger.release(updateId).catch(() => undefined);
          throw err;
        });
      claim = await guards.ledger.settle(ctx.update, held.claimAttempts);
      if (claim.status === "claimed") {
        setHeldLock(ctx, held);
        if (held.preloaded) setPreloadedUser(ctx, held.preloaded.row);
      } else await held.release();
    } else {
      // Without chat locks the order check is asked with the claim (with them, with the lock),
      // and the user read with it when nothing of the chat is in flight (one process: PGlite).
      claim = await guards.ledger.claim(ctx.update, chatKey, {
        checkOrder: !guards.chatLocks,
        ...(!guards.chatLocks && preloadArgs ? { preload: preloadArgs } : {}),
      });
      if (claim.status === "claimed" && claim.earlier !== undefined) setEarlierAtClaim(ctx, claim.earlier);
      if (claim.status === "claimed" && claim.preloaded) setPreloadedUser(ctx, claim.preloaded.row);
    }
    if (claim.status !== "claimed") {
      guards.logger?.debug({ updateId, status: claim.status }, "update skipped: already claimed");
      guards.onProgress?.(updateId, "skipped");
      return;
    }
    if (!together) guards.onProgress?.(updateId, "claimed");
    // The conversation's state is written with the done mark (by the chat lock, or below).
    deferStateToDone(ctx);
    // The claim is renewed while the update is handled: only a dead instance loses it.
    const renew = Math.max(1000, Math.floor(guards.ledger.leaseMs / 3));
    const heartbeat = setInterval(() => {
      guards.ledger.heartbeat(updateId).catch(() => undefined);
    }, renew);
    heartbeat.unref();
    const finish = lockFinishOf(ctx);
    try {
      await next();
      if (!finish.faultsRan) await faults?.("before-done", ctx);
    } catch (err) {
      // Left unfinished (a transient failure): offered again at once rather than after
      // the lease, and not counted as an attempt. Best effort: the database may be gone.
      if (isTransientDbError(err)) await guards.ledger.release(updateId).catch(() => undefined);
      throw err;
    } finally {
      clearInterval(heartbeat);
      // A lock taken with the claim and never used below (the update stopped before the
      // chat lock's middleware) is given back here.
      await takeHeldLock(ctx)?.release();
    }
    // Usually written by the chat lock's middleware (middlewares/chat-lock.ts).
    if (!finish.done) await guards.ledger.complete(updateId, pendingStateOf(ctx));
  }
}
