/**
 * The reads of the official's report conversation at one measure (`ReportLifecycle.entryAt`),
 * straight through the driver (db/direct.ts): the conversation reads them at every measure,
 * and through the client's query engine they cost several times the statement itself (2.2
 * against 0.4 ms of CPU for the report's standing).
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

/** The report's standing with, at `index` (plan order), its entry in full and the earlier reports. */
export interface ReportAtRead {
  standing: ReportStanding;
  /** Null without an index, or past the last entry. */
  entry: LoadedEntry | null;
  /** For `previousFrom` (empty without an entry). */
  earlier: EarlierReport[];
}

const STANDING_ENTRY = `json_build_object('id', e.id, 'measureId', e."measureId", 'skipped', e.skipped,
  'completion', e.completion, 'achievedText', e."achievedText", 'narrative', e.narrative)`;

/**
 * The report's standing (null when there is no such report) and, at `index`, its entry
 * with its measure, the measure's goal and the evidence (oldest first), and the person's
 * reports of the year whose period ends before this one's, latest first, with their
 * entries' results: what the report conversation reads when it comes to a measure, in
 * one statement.
 */
export async function reportAt(
  prisma: PrismaClient,
  reportId: number,
  index: number | null,
): Promise<ReportAtRead | null> {
  const [row] = await sqlFor(prisma).query<
    Omit<ReportStanding, "period"> & {
      kind: PeriodKind;
      year: number;
      deadline: Date;
      at: {
        entry: Omit<LoadedEntry, "measure" | "evidence" | "updatedAt"> & { updatedAt: string };
        measure: Omit<LoadedEntry["measure"], "goal">;
        goal: LoadedEntry["measure"]["goal"];
        evidence: LoadedEntry["evidence"];
      } | null;
      earlier: EarlierReport[] | null;
    }
  >(
    `WITH r AS (
       SELECT r.id, r."personId", r.status::text AS status, r."returnComment",
         p.kind::text AS kind, p.year, p.deadline
       FROM "Report" r JOIN "ReportingPeriod" p ON p.id = r."periodId" WHERE r.id = $1),
     es AS (
       SELECT e.*, (row_number() OVER (ORDER BY g.number, m."sortOrder", m.id))::int - 1 AS idx,
         to_jsonb(m) AS m, to_jsonb(g) AS g
       FROM "ReportEntry" e JOIN "Measure" m ON m.id = e."measureId" JOIN "Goal" g ON g.id = m."goalId"
       WHERE e."reportId" = $1)
     SELECT r.*,
       (SELECT count(*)::int FROM "AdditionalTask" t WHERE t."reportId" = r.id) AS tasks,
       COALESCE((SELECT json_agg(${STANDING_ENTRY} ORDER BY e.idx) FROM es e), '[]'::json) AS entries,
       (SELECT jsonb_build_object('entry', to_jsonb(e) - 'idx' - 'm' - 'g', 'measure', e.m, 'goal', e.g,
           'evidence', COALESCE((SELECT jsonb_agg(to_jsonb(x) ORDER BY x.id) FROM "ReportEvidence" x
             WHERE x."entryId" = e.id), '[]'::jsonb))
         FROM es e WHERE e.idx = $2::int) AS at,
       CASE WHEN $2::int IS NOT NULL THEN COALESCE((SELECT json_agg(json_build_object(
           'periodId', er."periodId", 'period', json_build_object('kind', ep.kind, 'year', ep.year),
           'entries', COALESCE((SELECT json_agg(json_build_object('measureId', e."measureId",
               'skipped', e.skipped, 'achievedText', e."achievedText", 'completion', e.completion,
               'measure', json_build_object('number', m.number, 'goal', json_build_object('number', g.number))))
             FROM "ReportEntry" e JOIN "Measure" m ON m.id = e."measureId" JOIN "Goal" g ON g.id = m."goalId"
             WHERE e."reportId" = er.id), '[]'::json)) ORDER BY ep.deadline DESC, er.id)
         FROM "Report" er JOIN "ReportingPeriod" ep ON ep.id = er."periodId"
         WHERE er."personId" = r."personId" AND er.id <> r.id AND ep.year = r.year AND ep.deadline < r.deadline),
         '[]'::json) END AS earlier
     FROM r`,
    [reportId, index],
  );
  if (!row) return null;
  const { kind, year, deadline, at, earlier, ...rest } = row;
  const standing = { ...rest, period: { kind, year, deadline } };
  if (!at) return { standing, entry: null, earlier: [] };
  // JSON has no dates: times (stored in UTC, written without a zone) come back as text.
  const utc = (text: unknown) => new Date(`${text as string}Z`);
  const entry = {
    ...at.entry,
    updatedAt: utc(at.entry.updatedAt),
    measure: { ...at.measure, goal: at.goal },
    evidence: at.evidence.map((x) => ({ ...x, createdAt: utc(x.createdAt) })),
  } as LoadedEntry;
  return { standing, entry, earlier: earlier ?? [] };
}
