/**
 * The report's history (ReportEvent): each submission, return, approval and rating, with
 * who and when, written in the transaction of the change. The entry also carries the
 * request key of the call that made the change (src/shared/request-key.ts): the same
 * request repeated, as a replayed update repeats it, finds its entry and changes nothing.
 */
import type { Prisma } from "../generated/prisma/client.js";
import type { ReportEventType } from "../generated/prisma/enums.js";
import type { Tx } from "../shared/types.js";

/** True when the request already made its change. */
export async function alreadyDone(tx: Tx, requestKey: string | undefined): Promise<boolean> {
  if (!requestKey) return false;
  return (await tx.reportEvent.count({ where: { requestKey } })) > 0;
}

export async function addReportEvent(
  tx: Tx,
  e: {
    reportId: number;
    type: ReportEventType;
    actorPersonId: number | null;
    note?: string | null;
    data?: Prisma.InputJsonValue;
    requestKey: string | undefined;
    at: Date;
  },
): Promise<void> {
  await tx.reportEvent.create({
    data: {
      reportId: e.reportId,
      type: e.type,
      actorPersonId: e.actorPersonId,
      note: e.note ?? null,
      ...(e.data !== undefined ? { data: e.data } : {}),
      requestKey: e.requestKey ?? null,
      createdAt: e.at,
    },
  });
}
