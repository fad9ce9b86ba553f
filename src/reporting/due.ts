/**
 * Who owes a report for a period, and who has handed it in: the one definition the heads'
 * digest, the unit overview, the evaluation overview and the reminders all count by.
 *
 * - Due: an active person of the period's organisation with a performance plan for the
 *   period's year that is not superseded (being drafted, waiting for approval, returned or
 *   approved), or anyone who already has a report for the period.
 * - Submitted: the report is SUBMITTED or APPROVED. A RETURNED report is due again.
 *
 * One query for all the periods asked about, so thousands of officials cost one scan.
 */
import { Prisma, type PrismaClient } from "../generated/prisma/client.js";
import type { ReportStatus } from "../generated/prisma/enums.js";
import type { Tx } from "../shared/types.js";

export interface ReportDuty {
  personId: number;
  fullName: string;
  unitId: number | null;
  /** The linked chat account, if any. */
  userId: number | null;
  reportId: number | null;
  status: ReportStatus | null;
  submitted: boolean;
  hasApprovedPlan: boolean;
}

/** Report statuses that count as handed in. */
export const SUBMITTED_STATUSES: readonly ReportStatus[] = ["SUBMITTED", "APPROVED"];

export function isSubmitted(status: ReportStatus | null | undefined): boolean {
  return status !== null && status !== undefined && SUBMITTED_STATUSES.includes(status);
}

/** For each period id: the people who owe its report, by name. */
export async function reportDuties(
  prisma: PrismaClient | Tx,
  periodIds: number[],
): Promise<Map<number, ReportDuty[]>> {
  const out = new Map<number, ReportDuty[]>(periodIds.map((id) => [id, []]));
  if (periodIds.length === 0) return out;
  const rows = await prisma.$queryRaw<
    (Omit<ReportDuty, "submitted" | "status"> & { periodId: number; status: string | null })[]
  >`
    SELECT per.id AS "periodId", p.id AS "personId", p."fullName", p."unitId", u.id AS "userId",
      r.id AS "reportId", r.status::text AS "status",
      EXISTS (
        SELECT 1 FROM "PerformancePlan" ap
        WHERE ap."personId" = p.id AND ap.year = per.year AND ap.status = 'APPROVED') AS "hasApprovedPlan"
    FROM "ReportingPeriod" per
    JOIN "Person" p ON p."orgId" = per."orgId" AND p.active
    LEFT JOIN "User" u ON u."personId" = p.id
    LEFT JOIN "Report" r ON r."personId" = p.id AND r."periodId" = per.id
    WHERE per.id IN (${Prisma.join(periodIds)})
      AND (r.id IS NOT NULL OR EXISTS (
        SELECT 1 FROM "PerformancePlan" pl
        WHERE pl."personId" = p.id AND pl.year = per.year AND pl.status <> 'SUPERSEDED'))
    ORDER BY per.id, p.id`;
  for (const { periodId, status, ...row } of rows) {
    const s = status as ReportStatus | null;
    out.get(periodId)?.push({ ...row, status: s, submitted: isSubmitted(s) });
  }
  return out;
}
