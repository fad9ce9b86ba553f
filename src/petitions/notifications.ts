/**
 * Who is told about a petition event and with which buttons. Every message is a
 * Notification row enqueued in the transaction of the change, with a dedupe key made of
 * the message kind, the petition, the event and the recipient.
 *
 * Citizens see the organisation's name only: no official's name, position or chat.
 */
import type { Role } from "../generated/prisma/enums.js";
import { enqueue, type MessagePayload, type PayloadButton, type PayloadValue } from "../scheduling/outbox.js";
import { action } from "../shared/actions.js";
import type { Tx } from "../shared/types.js";
import { DEFAULT_TIME_ZONE } from "../shared/local-time.js";
import { daysOverdue } from "./deadlines.js";

// ─────────────────────────── recipients ───────────────────────────

async function peopleWithRole(
  tx: Tx,
  orgId: number,
  role: Role,
  opts: { unitId?: number; exclude?: number | null } = {},
): Promise<number[]> {
  const rows = await tx.person.findMany({
    where: {
      orgId,
      active: true,
      roles: { has: role },
      ...(opts.unitId !== undefined ? { unitId: opts.unitId } : {}),
      ...(opts.exclude ? { id: { not: opts.exclude } } : {}),
    },
    select: { id: true },
    orderBy: { id: "asc" },
  });
  return rows.map((r) => r.id);
}

/** The petition clerks; the organisation head when there are none. */
export async function clerksOf(tx: Tx, orgId: number, exclude?: number | null): Promise<number[]> {
  const clerks = await peopleWithRole(tx, orgId, "PETITION_CLERK", { exclude });
  return clerks.length > 0 ? clerks : peopleWithRole(tx, orgId, "ORG_HEAD", { exclude });
}

/** The heads of a unit (none when unitId is null). */
export async function unitHeadsOf(
  tx: Tx,
  orgId: number,
  unitId: number | null,
  exclude?: number | null,
): Promise<number[]> {
  if (unitId === null) return [];
  return peopleWithRole(tx, orgId, "UNIT_HEAD", { unitId, exclude });
}

/**
 * Who decides on an assignee's extension or answer: the heads of the assignee's unit,
 * else the organisation head(s). The assignee is never their own head.
 */
export async function headsFor(
  tx: Tx,
  orgId: number,
  assigneeUnitId: number | null,
  assigneeId: number | null,
): Promise<number[]> {
  const heads = await unitHeadsOf(tx, orgId, assigneeUnitId, assigneeId);
  return heads.length > 0 ? heads : peopleWithRole(tx, orgId, "ORG_HEAD", { exclude: assigneeId });
}

/**
 * Who handles the petition now: the assignee; else the heads of the unit it was routed
 * to; else the clerks. Used when the citizen adds something or withdraws.
 */
export async function handlersOf(
  tx: Tx,
  p: { orgId: number; assigneeId: number | null; unitId: number | null },
): Promise<number[]> {
  if (p.assigneeId !== null) return [p.assigneeId];
  const heads = await unitHeadsOf(tx, p.orgId, p.unitId);
  return heads.length > 0 ? heads : clerksOf(tx, p.orgId);
}

// ─────────────────────────── enqueueing ───────────────────────────

export interface PetitionMessage {
  /** "petition.assigned", "petition.citizenAnswered"... */
  kind: string;
  petitionId: number;
  eventId: number;
  payload: MessagePayload;
  /** Further organisation names, put into the params in the recipient's language (citizens). */
  orgNames?: Record<string, { name: string; nameEn: string | null }>;
}

/**
 * Enqueues one message per person (people without a linked chat account cannot be
 * reached and are skipped). Returns the number of rows written.
 */
export async function notifyPeople(tx: Tx, personIds: number[], msg: PetitionMessage): Promise<number> {
  const ids = [...new Set(personIds)];
  if (ids.length === 0) return 0;
  const users = await tx.user.findMany({
    where: { personId: { in: ids } },
    select: { id: true, personId: true },
  });
  return enqueue(
    tx,
    users.map((u) => ({
      userId: u.id,
      kind: msg.kind,
      dedupeKey: `${msg.kind}:${msg.petitionId}:${msg.eventId}:p${u.personId}`,
      payload: msg.payload,
    })),
  );
}

/**
 * Enqueues a message to the citizen who filed the petition through the bot. The
 * organisation's name (and those in `orgNames`) go in the citizen's language when the
 * organisation has a name in it.
 */
export async function notifyCitizen(
  tx: Tx,
  citizenUserId: number | null,
  org: { name: string; nameEn: string | null },
  msg: PetitionMessage,
): Promise<number> {
  if (citizenUserId === null) return 0;
  const user = await tx.user.findUnique({ where: { id: citizenUserId }, select: { id: true, locale: true } });
  if (!user) return 0;
  const inLocale = (o: { name: string; nameEn: string | null }) =>
    user.locale === "en" && o.nameEn ? o.nameEn : o.name;
  const names = Object.fromEntries(Object.entries(msg.orgNames ?? {}).map(([k, o]) => [k, inLocale(o)]));
  return enqueue(tx, {
    userId: user.id,
    kind: msg.kind,
    dedupeKey: `${msg.kind}:${msg.petitionId}:${msg.eventId}:u${user.id}`,
    petitionId: msg.petitionId,
    payload: { ...msg.payload, params: { org: inLocale(org), ...msg.payload.params, ...names } },
  });
}

// ─────────────────────────── payload parts ───────────────────────────

export const kindParam = (kind: string): PayloadValue => ({ t: `petitions:kind.${kind}` });
export const dateParam = (d: Date): PayloadValue => ({ date: d.toISOString() });

/** A staff notice's due date, marked when the term has already passed ("2026.04.09 ⚠️ overdue by 3 days"). */
export function dueParam(dueAt: Date, now: Date, timeZone: string): PayloadValue {
  const days = daysOverdue(dueAt, now, timeZone || DEFAULT_TIME_ZONE);
  if (days === 0) return dateParam(dueAt);
  return { t: "petitions:notify.dueOverdue", params: { date: dateParam(dueAt), count: days } };
}

export function filesOf(
  attachments: { kind: "PHOTO" | "DOCUMENT"; fileId: string }[],
): MessagePayload["files"] {
  return attachments.length > 0 ? attachments.map((a) => ({ kind: a.kind, fileId: a.fileId })) : undefined;
}

const btn = (key: string, data: string): PayloadButton => ({ key, data });

/** The assignee's buttons: accept, return, forward, extension, question, answer, open. */
export function assigneeButtons(id: number): PayloadButton[][] {
  return [
    [
      btn("petitions:button.accept", action("pt", "acc", id)),
      btn("petitions:button.return", action("pt", "ret", id)),
    ],
    [
      btn("petitions:button.forward", action("pt", "fwd", id)),
      btn("petitions:button.extend", action("pt", "ext", id)),
    ],
    [
      btn("petitions:button.ask", action("pt", "ask", id)),
      btn("petitions:button.answer", action("pt", "ans", id)),
    ],
    [btn("petitions:button.open", action("pt", "open", id))],
  ];
}

/** For whoever distributes the petition (clerks, unit heads): assign, open. */
export function distributeButtons(id: number): PayloadButton[][] {
  return [
    [
      btn("petitions:button.assign", action("pt", "asg", id)),
      btn("petitions:button.open", action("pt", "open", id)),
    ],
  ];
}

export function extensionDecisionButtons(id: number): PayloadButton[][] {
  return [
    [
      btn("petitions:button.approveExtension", action("pt", "xok", id)),
      btn("petitions:button.refuseExtension", action("pt", "xno", id)),
    ],
    [btn("petitions:button.open", action("pt", "open", id))],
  ];
}

export function answerReviewButtons(id: number): PayloadButton[][] {
  return [
    [
      btn("petitions:button.approveAnswer", action("pt", "aok", id)),
      btn("petitions:button.sendBackAnswer", action("pt", "ano", id)),
    ],
    [btn("petitions:button.open", action("pt", "open", id))],
  ];
}

export function answerButtons(id: number): PayloadButton[][] {
  return [
    [
      btn("petitions:button.answer", action("pt", "ans", id)),
      btn("petitions:button.open", action("pt", "open", id)),
    ],
  ];
}

export function openButton(id: number): PayloadButton[][] {
  return [[btn("petitions:button.open", action("pt", "open", id))]];
}

/** The citizen's rating buttons 1–5 under an answer. */
export function ratingButtons(id: number): PayloadButton[][] {
  return [
    [1, 2, 3, 4, 5].map((score) => btn(`petitions:button.rate.${score}`, action("pc", "rate", id, score))),
  ];
}

/** The citizen's button to reply to an official's question. */
export function citizenReplyButtons(id: number): PayloadButton[][] {
  return [
    [
      btn("petitions:button.reply", action("pc", "reply", id)),
      btn("petitions:button.myPetition", action("pc", "open", id)),
    ],
  ];
}

export function citizenOpenButton(id: number): PayloadButton[][] {
  return [[btn("petitions:button.myPetition", action("pc", "open", id))]];
}
