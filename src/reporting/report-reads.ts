/**
 * The reads of the official's report conversation at one measure (`ReportLifecycle.entryAt`),
 * each one statement straight through the driver (db/direct.ts): the conversation reads
 * them at every measure, and through the client's query engine they cost several times the
 * statement itself (2.2 against 0.4 ms of CPU for the report's standing).
 */
import { sqlFor } from "../db/direct.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import type { PeriodKind, ReportStatus } from "../generated/prisma/enums.js";
import type { EarlierReport, LoadedEntry } from "./report-view.js";

/** A report's entry as its standing lists it: enough to tell answered from open. */
export interface StandingEntry {
  id: number;
  measureId: number;
  skipped: boolean;
  completion: number | null;
  achievedText: string | null;
  narrative: string | null;
}

/** Where a report stands: its status, period, additional tasks and entries in plan order. */
export interface ReportStanding {
  id: number;
  personId: number;
  status: ReportStatus;
  returnComment: string | null;
  period: { kind: PeriodKind; year: number; deadline: Date };
  tasks: number;
  /** In plan order: goal number, the measure's place in the goal, the measure's id. */
  entries: StandingEntry[];
}

/** The report's standing, or null when there is no such report. */
export async function reportStanding(prisma: PrismaClient, reportId: number): Promise<ReportStanding | null> {
  const [row] = await sqlFor(prisma).query<
    Omit<ReportStanding, "period"> & { kind: PeriodKind; year: number; deadline: Date }
  >(
    `SELECT r.id, r."personId", r.status::text AS status, r."returnComment",
       p.kind::text AS kind, p.year, p.deadline,
       (SELECT count(*)::int FROM "AdditionalTask" t WHERE t."reportId" = r.id) AS tasks,
       COALESCE((SELECT json_agg(json_build_object('id', e.id, 'measureId', e."measureId",
           'skipped', e.skipped, 'completion', e.completion, 'achievedText', e."achievedText",
           'narrative', e.narrative) ORDER BY g.number, m."sortOrder", m.id)
         FROM "ReportEntry" e JOIN "Measure" m ON m.id = e."measureId" JOIN "Goal" g ON g.id = m."goalId"
         WHERE e."reportId" = r.id), '[]'::json) AS entries
     FROM "Report" r JOIN "ReportingPeriod" p ON p.id = r."periodId"
     WHERE r.id = $1`,
    [reportId],
  );
  if (!row) return null;
  const { kind, year, deadline, ...rest } = row;
  return { ...rest, period: { kind, year, deadline } };
}

/** One entry with its measure, the measure's goal and the evidence (oldest first). */
export async function entryInFull(prisma: PrismaClient, entryId: number): Promise<LoadedEntry | null> {
  const [row] = await sqlFor(prisma).query<
    Omit<LoadedEntry, "measure"> & { measure: LoadedEntry["measure"]; goal: LoadedEntry["measure"]["goal"] }
  >(
    `SELECT e.*, to_jsonb(m) AS measure, to_jsonb(g) AS goal,
       COALESCE((SELECT jsonb_agg(to_jsonb(x) ORDER BY x.id) FROM "ReportEvidence" x WHERE x."entryId" = e.id),
         '[]'::jsonb) AS evidence
     FROM "ReportEntry" e JOIN "Measure" m ON m.id = e."measureId" JOIN "Goal" g ON g.id = m."goalId"
     WHERE e.id = $1`,
    [entryId],
  );
  if (!row) return null;
  const { goal, measure, evidence, ...entry } = row;
  return {
    ...entry,
    measure: { ...measure, goal },
    // JSON has no dates: the evidence's time (stored in UTC, written without a zone) comes back as one.
    evidence: evidence.map((x) => ({ ...x, createdAt: new Date(`${x.createdAt as unknown as string}Z`) })),
  };
}

/**
 * The person's reports of the year whose period ends before `before`, latest first, each
 * with its entries' results (for `previousFrom`).
 */
export async function earlierReports(
  prisma: PrismaClient,
  report: { id: number; personId: number; period: { year: number; deadline: Date } },
): Promise<EarlierReport[]> {
  return sqlFor(prisma).query<EarlierReport>(
    `SELECT r."periodId", json_build_object('kind', p.kind, 'year', p.year) AS period,
       COALESCE((SELECT json_agg(json_build_object('measureId', e."measureId", 'skipped', e.skipped,
           'achievedText', e."achievedText", 'completion', e.completion,
           'measure', json_build_object('number', m.number, 'goal', json_build_object('number', g.number))))
         FROM "ReportEntry" e JOIN "Measure" m ON m.id = e."measureId" JOIN "Goal" g ON g.id = m."goalId"
         WHERE e."reportId" = r.id), '[]'::json) AS entries
     FROM "Report" r JOIN "ReportingPeriod" p ON p.id = r."periodId"
     WHERE r."personId" = $1 AND r.id <> $2 AND p.year = $3 AND p.deadline < $4
     ORDER BY p.deadline DESC, r.id`,
    [report.personId, report.id, report.period.year, report.period.deadline],
  );
}
