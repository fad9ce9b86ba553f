/**
 * The JSON views of a report that the conversation, the head's review and the exports read:
 * plain values and ISO dates only, so a conversation can store them as they are.
 */
import type { FileKind, GoalSection, PeriodKind, Rating, ReportStatus } from "../generated/prisma/enums.js";
import type { Tx } from "../shared/types.js";
import { dueByPlan, type PeriodView, periodView } from "./calendar.js";
import { type MeasureFields, measureFields } from "./measure.js";
import { narrativeHasFigures, suggestCompletion } from "./parse.js";
import { overallCompletion } from "./rating.js";

export interface EvidenceView {
  id: number;
  kind: FileKind;
  fileId: string;
  fileName: string | null;
  mimeType: string | null;
  size: number | null;
}

export interface PreviousResult {
  periodId: number;
  periodKind: string;
  year: number;
  achievedText: string | null;
  completion: number | null;
}

export interface EntryView extends MeasureFields {
  entryId: number;
  measureId: number;
  /** Position in the report (0-based), the order of the conversation. */
  index: number;
  goalNumber: number;
  goalTitle: string;
  section: GoalSection;
  achievedText: string | null;
  achievedValue: number | null;
  narrative: string | null;
  completion: number | null;
  /** Declared not due in this period (with `notDueReason`). */
  skipped: boolean;
  notDueReason: string | null;
  /** Declared not due although the plan says it is due: counted as 0%, shown to the head. */
  notDueFlagged: boolean;
  /** The plan says the measure is due in this period (./calendar.ts dueByPlan). */
  dueByPlan: boolean;
  /** When the work started and ended, as answered ("2026.01.02-06.15"). */
  dates: string | null;
  /** Start–end as the plan writes it, the default of `dates`. */
  planDates: string | null;
  /** Declared not due, or has a completion and an achieved level or narrative. */
  answered: boolean;
  /** From achieved vs target (./parse.ts suggestCompletion); null for TEXT or nothing achieved. */
  suggestedCompletion: number | null;
  narrativeHasFigures: boolean;
  evidence: EvidenceView[];
  /** The same measure in the official's latest earlier report of the year. */
  previous: PreviousResult | null;
}

export interface TaskView {
  id: number;
  title: string;
  result: string | null;
  completion: number | null;
}

export interface ReportView {
  id: number;
  status: ReportStatus;
  personId: number;
  personName: string;
  unitName: string | null;
  positionTitle: string | null;
  period: PeriodView;
  /** The period's deadline has passed (a submission now is late). */
  deadlinePassed: boolean;
  planId: number;
  planVersion: number;
  entries: EntryView[];
  tasks: TaskView[];
  answered: number;
  total: number;
  /** Index of the first measure still to answer, or null when all are answered. */
  firstUnansweredIndex: number | null;
  /** Stored at submission; computed live while the report is being filled in. */
  overallCompletion: number | null;
  suggestedRating: Rating | null;
  rating: Rating | null;
  ratingReason: string | null;
  /** The head's comment, while the report is RETURNED. */
  returnComment: string | null;
  submittedAt: string | null;
  late: boolean;
  reviewedAt: string | null;
  reviewerName: string | null;
  /** The official may still change it (DRAFT or RETURNED). */
  editable: boolean;
}

export const reportInclude = {
  period: true,
  plan: { select: { version: true } },
  person: {
    select: {
      id: true,
      orgId: true,
      code: true,
      fullName: true,
      unitId: true,
      unit: { select: { name: true } },
      position: { select: { title: true } },
    },
  },
  reviewer: { select: { fullName: true, position: { select: { title: true } } } },
  entries: {
    include: {
      measure: { include: { goal: true } },
      evidence: { orderBy: { id: "asc" } },
    },
  },
  tasks: { orderBy: { id: "asc" } },
} as const;

export async function loadReport(tx: Tx, reportId: number) {
  return tx.report.findUnique({ where: { id: reportId }, include: reportInclude });
}

export type LoadedReport = NonNullable<Awaited<ReturnType<typeof loadReport>>>;
export type LoadedEntry = LoadedReport["entries"][number];

/** Entries in plan order: goal number, then the measure's place in the goal. */
export function sortedEntries<
  E extends { measure: { id: number; sortOrder: number; goal: { number: number } } },
>(report: { entries: E[] }): E[] {
  return [...report.entries].sort(
    (a, b) =>
      a.measure.goal.number - b.measure.goal.number ||
      a.measure.sortOrder - b.measure.sortOrder ||
      a.measure.id - b.measure.id,
  );
}

export function isAnswered(e: {
  skipped: boolean;
  completion: number | null;
  achievedText: string | null;
  narrative: string | null;
}): boolean {
  return e.skipped || (e.completion !== null && (e.achievedText !== null || e.narrative !== null));
}

/** The stored answer of an entry with what follows from it; the entry's view and the answer step share it. */
export function answerFields(
  e: {
    achievedText: string | null;
    achievedValue: number | null;
    narrative: string | null;
    completion: number | null;
    skipped: boolean;
    notDueReason: string | null;
    notDueFlagged: boolean;
    dates: string | null;
  },
  target: { targetType: Parameters<typeof suggestCompletion>[0]; targetValue: number | null },
) {
  return {
    achievedText: e.achievedText,
    achievedValue: e.achievedValue,
    narrative: e.narrative,
    completion: e.completion,
    skipped: e.skipped,
    notDueReason: e.notDueReason,
    notDueFlagged: e.notDueFlagged,
    dates: e.dates,
    answered: isAnswered(e),
    suggestedCompletion: suggestCompletion(target.targetType, target.targetValue, e.achievedValue),
    narrativeHasFigures: narrativeHasFigures(e.narrative),
  };
}

export function entryView(
  e: LoadedEntry,
  index: number,
  previous: PreviousResult | null,
  period: { kind: PeriodKind; year: number },
): EntryView {
  const m = e.measure;
  return {
    entryId: e.id,
    measureId: m.id,
    index,
    goalNumber: m.goal.number,
    goalTitle: m.goal.title,
    section: m.goal.section,
    ...measureFields(m),
    ...answerFields(e, m),
    dueByPlan: dueByPlan(m, period.kind),
    planDates: planDates(m, period.year),
    evidence: e.evidence.map((x) => ({
      id: x.id,
      kind: x.kind,
      fileId: x.fileId,
      fileName: x.fileName,
      mimeType: x.mimeType,
      size: x.size,
    })),
    previous,
  };
}

/** The plan's start–end of a measure: as written, else its months. */
export function planDates(
  m: { dates: string | null; startMonth: number | null; endMonth: number | null },
  year: number,
): string | null {
  if (m.dates) return m.dates;
  if (m.startMonth === null || m.endMonth === null) return null;
  const p = (n: number) => String(n).padStart(2, "0");
  return m.startMonth === m.endMonth
    ? `${year}.${p(m.startMonth)}`
    : `${year}.${p(m.startMonth)}-${p(m.endMonth)}`;
}

/**
 * What the official achieved for the same measures in their latest earlier report of the
 * year, keyed by entry id. A measure of an earlier plan version is matched by its goal and
 * measure number.
 */
export async function previousResults(
  tx: Tx,
  report: Pick<LoadedReport, "id" | "personId"> & {
    period: { year: number; deadline: Date };
    entries: PreviousKey[];
  },
): Promise<Map<number, PreviousResult>> {
  const earlier = await tx.report.findMany({
    where: {
      personId: report.personId,
      id: { not: report.id },
      period: { year: report.period.year, deadline: { lt: report.period.deadline } },
    },
    include: {
      period: true,
      entries: { include: { measure: { include: { goal: { select: { number: true } } } } } },
    },
  });
  earlier.sort((a, b) => b.period.deadline.getTime() - a.period.deadline.getTime());
  return previousFrom(report.entries, earlier);
}

/** An entry as `previousFrom` matches it with the earlier reports' entries. */
export interface PreviousKey {
  id: number;
  measureId: number;
  measure: { number: string; goal: { number: number } };
}

/** An earlier report of the same year, as `previousFrom` reads it. */
export interface EarlierReport {
  periodId: number;
  period: { kind: string; year: number };
  entries: {
    measureId: number;
    skipped: boolean;
    achievedText: string | null;
    completion: number | null;
    measure: { number: string; goal: { number: number } };
  }[];
}

/**
 * Each entry's result in the latest earlier report (`earlier`, latest first) that answered
 * its measure: the same measure, else the same numbers (a plan revised since).
 */
export function previousFrom(entries: PreviousKey[], earlier: EarlierReport[]): Map<number, PreviousResult> {
  const out = new Map<number, PreviousResult>();
  for (const e of entries) {
    for (const r of earlier) {
      const match =
        r.entries.find((x) => x.measureId === e.measureId && !x.skipped) ??
        r.entries.find(
          (x) =>
            !x.skipped &&
            x.measure.number === e.measure.number &&
            x.measure.goal.number === e.measure.goal.number,
        );
      if (match) {
        out.set(e.id, {
          periodId: r.periodId,
          periodKind: r.period.kind,
          year: r.period.year,
          achievedText: match.achievedText,
          completion: match.completion,
        });
        break;
      }
    }
  }
  return out;
}

export async function reportView(tx: Tx, report: LoadedReport, now: Date, actorPersonId: number | null) {
  const prev = await previousResults(tx, report);
  const entries = sortedEntries(report).map((e, i) => entryView(e, i, prev.get(e.id) ?? null, report.period));
  const first = entries.find((e) => !e.answered);
  const live = report.status === "DRAFT" || report.status === "RETURNED";
  const view: ReportView = {
    id: report.id,
    status: report.status,
    personId: report.personId,
    personName: report.person.fullName,
    unitName: report.person.unit?.name ?? null,
    positionTitle: report.person.position?.title ?? null,
    period: periodView(report.period),
    deadlinePassed: now.getTime() > report.period.deadline.getTime(),
    planId: report.planId,
    planVersion: report.plan.version,
    entries,
    tasks: report.tasks.map(taskView),
    answered: entries.filter((e) => e.answered).length,
    total: entries.length,
    firstUnansweredIndex: first ? first.index : null,
    overallCompletion: live ? overallCompletion(report.entries) : report.overallCompletion,
    suggestedRating: report.suggestedRating,
    rating: report.rating,
    ratingReason: report.ratingReason,
    returnComment: report.status === "RETURNED" ? report.returnComment : null,
    submittedAt: report.submittedAt?.toISOString() ?? null,
    late: report.late,
    reviewedAt: report.reviewedAt?.toISOString() ?? null,
    reviewerName: report.reviewer?.fullName ?? null,
    editable: live && actorPersonId === report.personId,
  };
  return view;
}

export function taskView(t: {
  id: number;
  title: string;
  result: string | null;
  completion: number | null;
}): TaskView {
  return { id: t.id, title: t.title, result: t.result, completion: t.completion };
}
