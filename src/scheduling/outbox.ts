/**
 * The outbox: every message the bot sends on its own initiative (notifications,
 * reminders, escalations, digests) is a Notification row, written in the same transaction
 * as the change that causes it. The delivery worker (./delivery.ts) renders it in the
 * recipient's language at sending time and sends it once.
 */
import type { Tx } from "../shared/types.js";

/** A value rendered at delivery time in the recipient's language. */
export type PayloadValue =
  | string
  | number
  | boolean
  | null
  | { t: string; params?: Record<string, PayloadValue> } // a locale key
  | { date: string } // an ISO date-time, formatted for the recipient
  | { join: PayloadValue[]; sep?: string }; // values rendered and joined (default: one per line); empty ones skipped

export interface PayloadButton {
  /** Locale key of the label. */
  key: string;
  params?: Record<string, PayloadValue>;
  /** Callback data (≤ 64 bytes), built with the feature's callback-data helpers. */
  data: string;
}

export interface MessagePayload {
  /** Locale key of the message text. */
  key: string;
  params?: Record<string, PayloadValue>;
  /** Inline keyboard rows. */
  buttons?: PayloadButton[][];
  /** Optional files to send after the text (Telegram file ids). */
  files?: { kind: "PHOTO" | "DOCUMENT"; fileId: string }[];
  /**
   * Set by the delivery worker when an attempt delivered only the first parts (the text,
   * some files): the next attempt starts at this part, so nothing is sent twice.
   */
  resumeAt?: number;
}

export interface NewNotification {
  userId: number;
  /** What it is, for metrics and filtering: "petition.assigned", "report.reminder"... */
  kind: string;
  /**
   * Unique per logical message, e.g. `report.reminder:${reportingPeriodId}:${personId}:d3`.
   * A second enqueue with the same key does nothing: jobs that run twice, restarts and
   * several instances never send the same message twice.
   */
  dedupeKey: string;
  payload: MessagePayload;
  /** Do not send before this moment (snoozes); absent: at once (quiet hours still apply). */
  notBefore?: Date;
  /** The petition a message to a citizen is about (the clerk is told when it cannot be delivered). */
  petitionId?: number;
}

const SEND_AT_ONCE = new Date(0);

/**
 * Enqueues notifications; returns how many were new (duplicates are skipped). One plain
 * statement: Prisma's `createMany` compiles a fresh query plan on every call (its plans are
 * not cached), which cost more than the rest of a petition's registration.
 */
export async function enqueue(tx: Tx, items: NewNotification | NewNotification[]): Promise<number> {
  const list = Array.isArray(items) ? items : [items];
  if (list.length === 0) return 0;
  const rows = JSON.stringify(
    list.map((n) => ({
      userId: n.userId,
      kind: n.kind,
      dedupeKey: n.dedupeKey,
      payload: n.payload,
      // Without a notBefore the message is due at once. Not the database's now(): time
      // comes from the injected clock only (tests and the sandbox move it).
      notBefore: (n.notBefore ?? SEND_AT_ONCE).toISOString(),
      petitionId: n.petitionId ?? null,
    })),
  );
  // Times are stored as UTC (timestamp without time zone, as Prisma writes them).
  return tx.$executeRaw`
    INSERT INTO "Notification" ("userId", kind, "dedupeKey", payload, "notBefore", "petitionId", "createdAt")
    SELECT r."userId", r.kind, r."dedupeKey", r.payload, (r."notBefore" AT TIME ZONE 'UTC'), r."petitionId",
           now() AT TIME ZONE 'UTC'
    FROM jsonb_to_recordset(${rows}::jsonb)
      AS r("userId" integer, kind text, "dedupeKey" text, payload jsonb, "notBefore" timestamptz, "petitionId" integer)
    ON CONFLICT ("dedupeKey") DO NOTHING`;
}

/**
 * Enqueues for a person of the directory. A person who has not linked a chat account yet
 * cannot be reached; returns 0 then (the heads' digest lists such people).
 */
export async function enqueueForPerson(
  tx: Tx,
  personId: number,
  item: Omit<NewNotification, "userId">,
): Promise<number> {
  const user = await tx.user.findUnique({ where: { personId }, select: { id: true } });
  if (!user) return 0;
  return enqueue(tx, { ...item, userId: user.id });
}

/** One message to many recipients: same kind, payload and time, a dedupe key each. */
export interface BulkNotification {
  kind: string;
  payload: MessagePayload;
  notBefore: Date;
  recipients: { userId: number; dedupeKey: string }[];
}

/**
 * Enqueues one message for many recipients in a single statement per chunk (jobs that
 * remind thousands of people). Same guarantees as `enqueue`: duplicates are skipped;
 * returns how many rows were new.
 */
export async function enqueueBulk(tx: Tx, n: BulkNotification, chunk = 5000): Promise<number> {
  let count = 0;
  const payload = JSON.stringify(n.payload);
  for (let i = 0; i < n.recipients.length; i += chunk) {
    const part = JSON.stringify(n.recipients.slice(i, i + chunk));
    count += await tx.$executeRaw`
      INSERT INTO "Notification" ("userId", kind, "dedupeKey", payload, "notBefore")
      SELECT r."userId", ${n.kind}, r."dedupeKey", ${payload}::jsonb, ${n.notBefore}
      FROM json_to_recordset(${part}::json) AS r("userId" integer, "dedupeKey" text)
      ON CONFLICT ("dedupeKey") DO NOTHING`;
  }
  return count;
}
