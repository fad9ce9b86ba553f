/**
 * An update that meets a transient failure (the database refused a connection, a lock or
 * statement timed out, a transaction lost a serialization race: src/db/transient.ts) is
 * left unfinished, as if the process had stopped there: nothing more is written for it
 * (the conversation keeps its state from before the update), the user is not told
 * "something went wrong", the ledger does not mark it done, and it is handled again
 * (a 503 makes Telegram send it again; the ledger's recovery replays it otherwise).
 *
 * Also the fault points the crash tests use: `faults(point, ctx)` runs at the places
 * where a process can die between a service's commit and the update's done mark.
 */
import type { ConversationData, ConversationStorage, VersionedState } from "@grammyjs/conversations";
import type { MiddlewareFn } from "grammy";
import { sqlFor } from "../../db/direct.js";
import { isTransientDbError } from "../../db/transient.js";
import type { PrismaClient } from "../../generated/prisma/client.js";
import type { BotContext } from "../context.js";

/** Where a fault can be injected; see `UpdateFaults`. */
export type FaultPoint =
  /**
   * The conversation state of the update has just been written, or handed over to be
   * written with the update's done mark (`deferStateToDone`).
   */
  | "conversation-written"
  /** Every handler has finished; the update is about to be marked done. */
  | "before-done";

/** Throw from here to stop the update at that point (tests of crash safety). */
export type UpdateFaults = (point: FaultPoint, ctx: BotContext) => void | Promise<void>;

const UNFINISHED = Symbol("update left unfinished");

/** Marks the update as left unfinished: no further state is written for it. */
export function markUnfinished(ctx: BotContext): void {
  (ctx as unknown as Record<symbol, boolean>)[UNFINISHED] = true;
}

export function isUnfinished(ctx: BotContext): boolean {
  return (ctx as unknown as Record<symbol, boolean>)[UNFINISHED] === true;
}

/**
 * Installed right after the conversations plugin: a transient failure anywhere below
 * marks the update unfinished before the plugin's final write of the conversation state
 * (which would otherwise record the conversation as ended by the error).
 */
export function leaveUnfinishedOnTransient(): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      if (isTransientDbError(err)) markUnfinished(ctx);
      throw err;
    }
  };
}

/** The key of a chat's row in ConversationState: the chat id, after the channel's prefix. */
export function conversationKeyOf(ctx: BotContext, prefix = ""): string | undefined {
  return ctx.chatId === undefined ? undefined : `${prefix}${ctx.chatId}`;
}

const PREFETCHED = Symbol("the chat's conversation state, read with the user");

interface Prefetched {
  key: string;
  /** The stored text, null when the chat has no conversation state. */
  value: string | null;
}

/**
 * Hands the conversations' storage the chat's state read earlier in the same update (with
 * the user, in one statement: middlewares/user.ts), so it is not read again.
 */
export function prefetchConversation(ctx: BotContext, key: string, value: string | null): void {
  (ctx as unknown as Record<symbol, Prefetched>)[PREFETCHED] = { key, value };
}

/** The conversations' storage (ConversationState rows by chat), skipping unfinished updates. */
export function conversationStorage(
  prisma: PrismaClient,
  version: number,
  opts: {
    faults?: UpdateFaults;
    /** Another channel's conversations are kept under their own prefix (chat ids may collide). */
    prefix?: string;
  } = {},
): ConversationStorage<BotContext, ConversationData> {
  const { faults, prefix = "" } = opts;
  const rows = conversationRows(prisma);
  const keyOf = (ctx: BotContext) => conversationKeyOf(ctx, prefix);
  return {
    type: "context",
    version,
    adapter: {
      read: (ctx) => {
        const key = keyOf(ctx);
        if (key === undefined) return undefined;
        const prefetched = (ctx as unknown as Record<symbol, Prefetched | undefined>)[PREFETCHED];
        if (prefetched?.key === key) {
          // Read once: a second read in the same update asks the database.
          delete (ctx as unknown as Record<symbol, Prefetched | undefined>)[PREFETCHED];
          return prefetched.value === null
            ? undefined
            : (JSON.parse(prefetched.value) as VersionedState<ConversationData>);
        }
        return rows.read(key);
      },
      async write(ctx, state) {
        const key = keyOf(ctx);
        if (key === undefined || isUnfinished(ctx)) return;
        const value = JSON.stringify(state);
        if (!holdForDone(ctx, { key, value })) await rows.write(key, value, chatConnectionOf(ctx));
        await faults?.("conversation-written", ctx);
      },
      async delete(ctx) {
        const key = keyOf(ctx);
        if (key === undefined || isUnfinished(ctx)) return;
        if (!holdForDone(ctx, { key, value: null })) await rows.delete(key, chatConnectionOf(ctx));
        await faults?.("conversation-written", ctx);
      },
    },
  };
}

/**
 * Runs one statement on the connection that holds the chat's lock (PostgreSQL: one round
 * trip without the query pool or Prisma's client; middlewares/chat-lock.ts).
 */
export type ChatConnection = (text: string, values: unknown[]) => Promise<unknown>;

const CHAT_CONNECTION = Symbol("the connection holding the chat's lock");

export function setChatConnection(ctx: BotContext, connection: ChatConnection | undefined): void {
  (ctx as unknown as Record<symbol, ChatConnection | undefined>)[CHAT_CONNECTION] = connection;
}

function chatConnectionOf(ctx: BotContext): ChatConnection | undefined {
  return (ctx as unknown as Record<symbol, ChatConnection | undefined>)[CHAT_CONNECTION];
}

const upsertState = (key: string, value: string) => `INSERT INTO "ConversationState" ("key", "value")
  VALUES (${key}, ${value}) ON CONFLICT ("key") DO UPDATE SET "value" = EXCLUDED."value"`;
const deleteState = (key: string) => `DELETE FROM "ConversationState" WHERE "key" = ${key}`;
const UPSERT_STATE = upsertState("$1", "$2");
const DELETE_STATE = deleteState("$1");

/**
 * The conversation's state of an update, waiting to be written with its done mark: its
 * row's key and JSON text (null: the row is deleted, the conversation has ended).
 */
export interface PendingState {
  key: string;
  value: string | null;
}

const PENDING = Symbol("the conversation state written with the done mark");

/**
 * Called by the ledger's middlewares for an update whose done mark they write in one
 * statement (or one round trip) with whatever it leaves here: the conversation's state is
 * then written with the done mark, atomically, instead of on its own just before it. A
 * crash in between leaves neither, and the update is handled again from the state before
 * it, as after a crash before the write.
 */
export function deferStateToDone(ctx: BotContext): void {
  (ctx as unknown as Record<symbol, { state?: PendingState }>)[PENDING] = {};
}

/** Keeps the state for the done mark when the update's ledger takes it; false: write it now. */
function holdForDone(ctx: BotContext, state: PendingState): boolean {
  const slot = (ctx as unknown as Record<symbol, { state?: PendingState } | undefined>)[PENDING];
  if (!slot) return false;
  slot.state = state;
  return true;
}

/** The state to write with the update's done mark (none once the update is left unfinished). */
export function pendingStateOf(ctx: BotContext): PendingState | undefined {
  if (isUnfinished(ctx)) return undefined;
  return (ctx as unknown as Record<symbol, { state?: PendingState } | undefined>)[PENDING]?.state;
}

/**
 * The pending state's write as a statement, parameters from `$first` on: a data-modifying
 * CTE, put before the done mark's UPDATE so both go in one statement (one transaction).
 */
export function pendingStateCte(state: PendingState, first: number): { text: string; values: string[] } {
  const key = `$${first}`;
  return state.value === null
    ? { text: `WITH s AS (${deleteState(key)})`, values: [state.key] }
    : { text: `WITH s AS (${upsertState(key, `$${first + 1}`)})`, values: [state.key, state.value] };
}

/**
 * The pending state's write as a statement with its values in the text (for a simple query
 * that also commits and releases the chat's lock in one round trip: chat-lock.ts). The JSON
 * goes in dollar quotes, or escaped by `escapeLiteral` if it holds the quote's tag.
 */
export function pendingStateSql(state: PendingState, escapeLiteral: (text: string) => string): string {
  const key = escapeLiteral(state.key);
  if (state.value === null) return deleteState(key);
  const tag = "$albabot_state$";
  const value = state.value.includes(tag) ? escapeLiteral(state.value) : `${tag}${state.value}${tag}`;
  return upsertState(key, value);
}

/**
 * ConversationState rows: the state as JSON text by key, one plain statement each, on the
 * chat's lock connection when there is one, else straight through the driver (db/direct.ts).
 */
function conversationRows(prisma: PrismaClient) {
  const sql = sqlFor(prisma);
  const run: ChatConnection = (text, values) => sql.query(text, values);
  return {
    async read(key: string): Promise<VersionedState<ConversationData> | undefined> {
      const found = await sql.query<{ value: string }>(
        `SELECT "value" FROM "ConversationState" WHERE "key" = $1`,
        [key],
      );
      return found[0] ? (JSON.parse(found[0].value) as VersionedState<ConversationData>) : undefined;
    },
    async write(key: string, value: string, on?: ChatConnection): Promise<void> {
      await (on ?? run)(UPSERT_STATE, [key, value]);
    },
    async delete(key: string, on?: ChatConnection): Promise<void> {
      await (on ?? run)(DELETE_STATE, [key]);
    },
  };
}
