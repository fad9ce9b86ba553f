/**
 * The office's questions a citizen has not answered yet. A question is open while its
 * petition is open and the citizen has not replied since it was asked; while one is open,
 * a message the citizen types in the chat is their reply to it (with several open, the
 * citizen says which petition it is for).
 */
import type { Tx } from "../shared/types.js";
import { OPEN_STATUSES } from "./permissions.js";

export interface OpenQuestion {
  petitionId: number;
  number: string;
  question: string;
  askedAt: string;
  /** Orders questions by when they were asked. */
  eventId: number;
}

/** The citizen's open questions, the most recent first. */
export async function openQuestionsFor(tx: Tx, userId: number): Promise<OpenQuestion[]> {
  if (!Number.isInteger(userId) || userId <= 0) return [];
  const petitions = await tx.petition.findMany({
    where: {
      citizenUserId: userId,
      status: { in: OPEN_STATUSES },
      events: { some: { type: "QUESTION" } },
    },
    select: {
      id: true,
      number: true,
      events: {
        where: { type: { in: ["QUESTION", "REPLY"] } },
        orderBy: { id: "desc" },
        take: 1,
        select: { id: true, type: true, note: true, createdAt: true },
      },
    },
  });
  const open: OpenQuestion[] = [];
  for (const p of petitions) {
    const last = p.events[0];
    if (last?.type !== "QUESTION") continue;
    open.push({
      petitionId: p.id,
      number: p.number,
      question: last.note ?? "",
      askedAt: last.createdAt.toISOString(),
      eventId: last.id,
    });
  }
  return open.sort((a, b) => b.eventId - a.eventId);
}
