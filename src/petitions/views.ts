/**
 * Turns petition rows into the plain results of ./types.ts: what the citizen may see
 * (no staff identities, no internal notes) and what staff see (everything of their
 * organisation's petition, with who did what).
 */

import type { Actor } from "../directory/actor.js";
import type { Prisma } from "../generated/prisma/client.js";
import type { PetitionEventType } from "../generated/prisma/enums.js";
import { allowedActions, extensionPending, isOpen, type PetitionFacts } from "./permissions.js";
import type {
  AttachmentView,
  CitizenHistoryEntry,
  CitizenPetitionCard,
  CitizenPetitionSummary,
  Named,
  StaffHistoryEntry,
  StaffPetitionCard,
  StaffPetitionSummary,
} from "./types.js";
import { phoneCountry } from "./phone.js";
import { extensionRefusal, forwardIsLate } from "./deadlines.js";

const iso = (d: Date) => d.toISOString();
const named = (x: { id: number; name: string; nameEn: string | null } | null) =>
  x ? { id: x.id, name: x.name, nameEn: x.nameEn } : null;

// ─────────────────────────── what is loaded ───────────────────────────

/** Relations needed to check permissions on a petition. */
export const FACTS_INCLUDE = {
  org: { select: { id: true, name: true, nameEn: true, timezone: true, settings: true } },
  assignee: { select: { id: true, fullName: true, unitId: true } },
  events: {
    where: { type: { in: ["EXTENSION_REFUSED", "QUESTION"] as PetitionEventType[] } },
    select: { type: true },
  },
} satisfies Prisma.PetitionInclude;

export type PetitionWithFacts = Prisma.PetitionGetPayload<{ include: typeof FACTS_INCLUDE }>;

/** What the permission rules need, from a petition loaded with its assignee and events. */
export function factsOf(
  p: Pick<
    PetitionWithFacts,
    "orgId" | "status" | "assigneeId" | "unitId" | "extended" | "extensionRequestedDays" | "citizenUserId"
  > & { assignee: { unitId: number | null } | null; events: { type: PetitionEventType }[] },
): PetitionFacts {
  return {
    orgId: p.orgId,
    status: p.status,
    assigneeId: p.assigneeId,
    unitId: p.unitId,
    assigneeUnitId: p.assignee?.unitId ?? null,
    extended: p.extended,
    extensionRequestedDays: p.extensionRequestedDays,
    extensionRefused: p.events.some((e) => e.type === "EXTENSION_REFUSED"),
    citizenUserId: p.citizenUserId,
  };
}

export const SUMMARY_INCLUDE = {
  topic: { select: { id: true, name: true, nameEn: true } },
  unit: { select: { id: true, name: true, nameEn: true } },
  assignee: { select: { id: true, fullName: true } },
  events: { orderBy: { id: "desc" }, take: 1, select: { type: true } },
} satisfies Prisma.PetitionInclude;

type SummaryRow = Prisma.PetitionGetPayload<{ include: typeof SUMMARY_INCLUDE }>;

export const CARD_INCLUDE = {
  org: { select: { id: true, name: true, nameEn: true, timezone: true, settings: true } },
  topic: { select: { id: true, name: true, nameEn: true } },
  unit: { select: { id: true, name: true, nameEn: true } },
  assignee: { select: { id: true, fullName: true, unitId: true } },
  registeredBy: { select: { id: true, fullName: true } },
  forwardedFrom: { select: { number: true, org: { select: { id: true, name: true, nameEn: true } } } },
  forwardedAs: { select: { number: true } },
  citizen: {
    select: {
      channel: true,
      notifications: {
        where: { status: "HELD" as const },
        orderBy: { heldAt: "asc" as const },
        take: 1,
        select: { heldAt: true },
      },
    },
  },
  attachments: { orderBy: { id: "asc" } },
  events: {
    orderBy: { id: "asc" },
    include: { actor: { select: { id: true, fullName: true } } },
  },
} satisfies Prisma.PetitionInclude;

type CardRow = Prisma.PetitionGetPayload<{ include: typeof CARD_INCLUDE }>;

function attachmentView(a: CardRow["attachments"][number]): AttachmentView {
  return {
    id: a.id,
    kind: a.kind,
    fileId: a.fileId,
    fileName: a.fileName,
    mimeType: a.mimeType,
    size: a.size,
    eventId: a.eventId,
  };
}

/** Since when messages to a Messenger citizen wait outside the 24-hour window, if they do. */
function notReachedSince(citizen: CardRow["citizen"]): string | null {
  if (citizen?.channel !== "MESSENGER") return null;
  const heldAt = citizen.notifications[0]?.heldAt;
  return heldAt ? iso(heldAt) : null;
}

function excerpt(text: string, max = 120): string {
  const one = text.replace(/\s+/g, " ").trim();
  const chars = [...one];
  return chars.length <= max ? one : `${chars.slice(0, max - 1).join("")}…`;
}

// ─────────────────────────── staff ───────────────────────────

export function staffSummary(p: SummaryRow, now: Date): StaffPetitionSummary {
  return summaryOf(p, p.events[0]?.type, now);
}

/** The list line of a petition; `lastEvent` is the type of its latest history entry. */
function summaryOf(
  p: Omit<SummaryRow, "events">,
  lastEvent: PetitionEventType | undefined,
  now: Date,
): StaffPetitionSummary {
  return {
    id: p.id,
    number: p.number,
    status: p.status,
    kind: p.kind,
    channel: p.channel,
    topic: named(p.topic),
    unit: named(p.unit),
    assignee: p.assignee ? { id: p.assignee.id, fullName: p.assignee.fullName } : null,
    petitionerName: p.anonymous ? null : p.petitionerName,
    excerpt: excerpt(p.text),
    receivedAt: iso(p.receivedAt),
    dueAt: iso(p.dueAt),
    overdue: isOpen(p.status) && p.dueAt.getTime() < now.getTime(),
    extended: p.extended,
    returned: p.status === "REGISTERED" && lastEvent === "RETURNED",
  };
}

export function staffCard(p: CardRow, actor: Actor, now: Date, forwardBy: Date): StaffPetitionCard {
  const facts = factsOf(p);
  const attachments = p.attachments.map(attachmentView);
  const history: StaffHistoryEntry[] = p.events.map((e) => ({
    id: e.id,
    type: e.type,
    at: iso(e.createdAt),
    actor: e.actor
      ? { personId: e.actor.id, fullName: e.actor.fullName }
      : e.actorUserId !== null && e.actorUserId === p.citizenUserId
        ? { citizen: true as const }
        : null,
    note: e.note,
    data: e.data ?? null,
    attachments: attachments.filter((a) => a.eventId === e.id),
  }));
  return {
    ...summaryOf(p, p.events.at(-1)?.type, now),
    senderType: p.senderType,
    org: named(p.org) as NonNullable<ReturnType<typeof named>>,
    registeredBy: p.registeredBy ? { id: p.registeredBy.id, fullName: p.registeredBy.fullName } : null,
    text: p.text,
    anonymous: p.anonymous,
    petitioner: {
      name: p.petitionerName,
      phone: p.phone,
      phoneCountry: foreignCountry(p.phone),
      address: p.address,
      email: p.email,
    },
    citizenInChat: p.citizenUserId !== null,
    citizenNotReachedSince: notReachedSince(p.citizen),
    forwardBy: iso(forwardBy),
    forwardLate: isOpen(p.status) && forwardIsLate(forwardBy, now),
    extensionRequestedDays: p.extensionRequestedDays,
    extensionReason: p.extensionReason,
    extensionPending: extensionPending(facts),
    forwardedTo:
      p.status === "FORWARDED"
        ? {
            orgId: p.forwardedToOrgId,
            name: p.forwardedToName ?? "",
            number: p.forwardedAs?.number ?? null,
          }
        : null,
    forwardedFrom: p.forwardedFrom
      ? { org: named(p.forwardedFrom.org) as Named, number: p.forwardedFrom.number }
      : null,
    pendingAnswer: p.status === "ANSWER_REVIEW" ? p.answerText : null,
    answer:
      p.status === "ANSWERED" && p.answerText && p.answeredAt
        ? { text: p.answerText, at: iso(p.answeredAt) }
        : null,
    rating: p.rating,
    ratingComment: p.ratingComment,
    closedAt: p.closedAt ? iso(p.closedAt) : null,
    attachments,
    history,
    // Past its term a petition cannot be extended (./deadlines.ts): no button for it.
    allowedActions: allowedActions(actor, facts).filter(
      (a) => a !== "extend" || extensionRefusal(p.dueAt, now) === null,
    ),
  };
}

// ─────────────────────────── citizen ───────────────────────────

export const CITIZEN_SUMMARY_INCLUDE = {
  org: { select: { id: true, name: true, nameEn: true } },
} satisfies Prisma.PetitionInclude;

type CitizenSummaryRow = Prisma.PetitionGetPayload<{ include: typeof CITIZEN_SUMMARY_INCLUDE }>;

export function citizenSummary(p: CitizenSummaryRow): CitizenPetitionSummary {
  return {
    id: p.id,
    number: p.number,
    status: p.status,
    kind: p.kind,
    org: named(p.org) as NonNullable<ReturnType<typeof named>>,
    receivedAt: iso(p.receivedAt),
    dueAt: iso(p.dueAt),
  };
}

/**
 * The events a citizen sees, and whether their note is shown. Internal steps (returns,
 * extension requests and refusals, answers under review) are left out; so are the
 * clerk's instructions and every staff name.
 */
const CITIZEN_EVENTS: Partial<Record<PetitionEventType, { note: boolean }>> = {
  REGISTERED: { note: false },
  ROUTED: { note: false },
  ASSIGNED: { note: false },
  ACCEPTED: { note: false },
  FORWARDED: { note: true },
  EXTENSION_APPROVED: { note: false },
  QUESTION: { note: true },
  REPLY: { note: true },
  INFO_ADDED: { note: true },
  ANSWERED: { note: true },
  RATED: { note: true },
  WITHDRAWN: { note: true },
};

function citizenData(type: PetitionEventType, data: unknown): Record<string, string | number> | undefined {
  const d = (data ?? {}) as Record<string, unknown>;
  if (type === "FORWARDED" && typeof d.to === "string")
    return { to: typeof d.toNumber === "string" ? `${d.to} (${d.toNumber})` : d.to };
  if (type === "EXTENSION_APPROVED" && typeof d.dueAt === "string") return { dueAt: d.dueAt };
  if (type === "RATED" && typeof d.score === "number") return { score: d.score };
  return undefined;
}

export function citizenCard(
  p: CardRow & { org: { id: number; name: string; nameEn: string | null } },
): CitizenPetitionCard {
  const attachments = p.attachments.map(attachmentView);
  const citizenEventIds = new Set(
    p.events.filter((e) => e.actorUserId !== null && e.actorUserId === p.citizenUserId).map((e) => e.id),
  );
  const history: CitizenHistoryEntry[] = [];
  for (const e of p.events) {
    const rule = CITIZEN_EVENTS[e.type];
    if (!rule) continue;
    const entry: CitizenHistoryEntry = { type: e.type, at: iso(e.createdAt) };
    if (rule.note && e.note) entry.note = e.note;
    const data = citizenData(e.type, e.data);
    if (data) entry.data = data;
    history.push(entry);
  }
  const answeredEvent = [...p.events].reverse().find((e) => e.type === "ANSWERED");
  const submitted = answeredEvent
    ? [...p.events].reverse().find((e) => e.type === "ANSWER_SUBMITTED" && e.id < answeredEvent.id)
    : undefined;
  const answerFiles = attachments.filter(
    (a) => a.eventId !== null && (a.eventId === answeredEvent?.id || a.eventId === submitted?.id),
  );
  const open = isOpen(p.status);
  return {
    ...citizenSummary(p),
    topic: named(p.topic),
    text: p.text,
    anonymous: p.anonymous,
    extended: p.extended,
    forwardedTo: p.status === "FORWARDED" ? p.forwardedToName : null,
    answer:
      p.status === "ANSWERED" && p.answerText && p.answeredAt
        ? { text: p.answerText, at: iso(p.answeredAt), attachments: answerFiles }
        : null,
    rating: p.rating,
    ratingComment: p.ratingComment,
    attachments: attachments.filter((a) => a.eventId !== null && citizenEventIds.has(a.eventId)),
    canAddInfo: open,
    canWithdraw: open,
    canReply: open && p.events.some((e) => e.type === "QUESTION"),
    canRate: p.status === "ANSWERED" && p.rating === null,
    history,
  };
}

/** The country of a phone number abroad; null for a Mongolian one (the usual case). */
function foreignCountry(phone: string | null): string | null {
  const country = phoneCountry(phone);
  return country === "MN" ? null : country;
}
