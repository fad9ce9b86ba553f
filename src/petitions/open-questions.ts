/**
 * The office's questions a citizen has not answered yet. A question is open while its
 * petition is open and the citizen has not replied since it was asked; while one is open,
 * a message the citizen types in the chat is their reply to it (with several open, the
 * citizen says which petition it is for).
 */
import { sqlFor } from "../db/direct.js";
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
  // One statement straight through the driver: every message a citizen types outside a
  // conversation asks it. A petition's latest question or reply: open when a question.
  const rows = await sqlFor(tx).query<{
    petitionId: number;
    number: string;
    eventId: number;
    note: string | null;
    createdAt: Date;
  }>(
    `SELECT p.id AS "petitionId", p.number, e.id AS "eventId", e.note, e."createdAt"
     FROM "Petition" p
     CROSS JOIN LATERAL (
       SELECT x.id, x.type, x.note, x."createdAt" FROM "PetitionEvent" x
       WHERE x."petitionId" = p.id AND x.type IN ('QUESTION', 'REPLY')
       ORDER BY x.id DESC LIMIT 1) e
     WHERE p."citizenUserId" = $1::int
       AND p.status::text IN (SELECT jsonb_array_elements_text($2::jsonb))
       AND e.type = 'QUESTION'
     ORDER BY e.id DESC`,
    [userId, JSON.stringify(OPEN_STATUSES)],
  );
  return rows.map((r) => ({
    petitionId: r.petitionId,
    number: r.number,
    question: r.note ?? "",
    askedAt: r.createdAt.toISOString(),
    eventId: r.eventId,
  }));
}
