/**
 * An official's report for a period: opened on the current period with one entry per
 * measure due in it (./calendar.ts), filled in answer by answer (every answer is saved at
 * once, so a draft survives restarts and lost phones), summarised and submitted to the head.
 *
 * - Only the official edits, and only while the report is DRAFT or RETURNED.
 * - A measure counts as answered when it is declared not due (with a reason), or has a
 *   completion percent and an achieved level or narrative. Passing a measure by ("later")
 *   leaves it unanswered; submitting needs every measure answered.
 * - "Not due in this period" is declared with a reason. Where the plan says the measure is
 *   due (./calendar.ts dueByPlan) the declaration is kept but flagged: it counts as 0% in
 *   the overall completion and the head is told which measures it concerns.
 * - Overall completion: the mean completion of the measures (./rating.ts); the suggested
 *   rating follows the organisation's scale. An achieved level may exceed the target; the
 *   completion percent stays within 0–100.
 * - A narrative over 2000 characters is refused unless the official asks for it to be
 *   shortened (at a sentence or word boundary, ./parse.ts shortenText).
 * - Late: the first submission came after the deadline. A report returned and resubmitted
 *   keeps the flag of its first submission.
 * - The report uses the plan version approved when it was opened; a plan approved later
 *   applies from the next report.
 */
import type { Actor } from "../directory/actor.js";
import { getOrgSettings } from "../directory/settings.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import type { FileKind, PeriodKind, Rating, ReportStatus, TargetType } from "../generated/prisma/enums.js";
import { formatDate } from "../i18n.js";
import type { Clock } from "../shared/clock.js";
import { hasWords } from "../shared/text.js";
import { DomainError } from "../shared/errors.js";
import type { Tx } from "../shared/types.js";
import { accessTo, check, forbidden, notFound, requireStaffOrAdmin, reviewersOf } from "./access.js";
import { currentPeriod, dueByPlan, isDueIn, nextPeriod } from "./calendar.js";
import { notifyPeople, reportReviewButtons } from "./notify.js";
import {
  NOT_DUE_REASON_MAX,
  narrativeHasFigures,
  shortenText,
  suggestCompletion,
  validateAchieved,
  validateCompletion,
  validateNarrative,
  validateReportDates,
} from "./parse.js";
import { approvedPlan } from "./plan-service.js";
import { overallCompletion, suggestRating } from "./rating.js";
import {
  type EntryView,
  type EvidenceView,
  entryView,
  isAnswered,
  type LoadedReport,
  loadReport,
  previousResults,
  type ReportView,
  reportView,
  sortedEntries,
  type TaskView,
  taskView,
} from "./report-view.js";

export interface AnswerPatch {
  /** The achieved level as typed; validated against the measure's target type. null clears it. */
  achieved?: string | null;
  /** What was done, at most 2000 characters. null clears it. */
  narrative?: string | null;
  /** Save an over-long narrative shortened at a sentence or word boundary instead of refusing it. */
  shortenNarrative?: boolean;
  /** 0–100 (a number or "85%"). null clears it. */
  completion?: number | string | null;
  /** When the work started and ended ("2026.01.02-06.15"). null clears it. */
  dates?: string | null;
  /** Declares the measure not due in this period, with the reason; null takes that back. */
  notDue?: { reason: string } | null;
}

export interface EvidenceInput {
  kind: FileKind;
  /** The channel's file id (Telegram file_id). */
  fileId: string;
  fileName?: string | null;
  mimeType?: string | null;
  size?: number | null;
}

export interface TaskInput {
  title: string;
  result?: string | null;
  completion?: number | string | null;
}

export interface ReportSummary {
  reportId: number;
  status: ReportStatus;
  periodKind: PeriodKind;
  year: number;
  deadline: string;
  /** Submitting now would be late. */
  late: boolean;
  total: number;
  answered: number;
  /** Declared not due. */
  skipped: number;
  /** Declared not due although the plan says they are due (counted as 0%, shown to the head). */
  notDueAgainstPlan: string[];
  /** Mean completion of the measures (./rating.ts). */
  overallCompletion: number | null;
  suggestedRating: Rating | null;
  /** Measures still to answer, and what each lacks. */
  missing: { index: number; number: string; title: string; lacks: ("achieved" | "completion")[] }[];
  /** Answered measures whose narrative has no figures (seed 003). */
  withoutFigures: string[];
  tasks: number;
  canSubmit: boolean;
}

export interface ReportBrief {
  id: number;
  periodId: number;
  periodKind: PeriodKind;
  year: number;
  status: ReportStatus;
  submittedAt: string | null;
  overallCompletion: number | null;
  rating: Rating | null;
}

const TEXT_MAX = 2000;

function cleanText(input: unknown, max = TEXT_MAX): string | null {
  const text = String(input ?? "").trim();
  if (!text) return null;
  if (text.length > max) throw new DomainError("reporting:validation.tooLong", { max, length: text.length });
  return text;
}

function completionOrNull(input: number | string | null | undefined): number | null {
  if (input === null || input === undefined || input === "") return null;
  const r = validateCompletion(input);
  if (!r.ok) throw new DomainError(r.key, r.params);
  return r.value;
}

const EDITABLE: ReportStatus[] = ["DRAFT", "RETURNED"];

/** What saving an answer can change in an entry; the measure's own fields stay as they are. */
export type EntryAnswer = Pick<
  EntryView,
  | "achievedText"
  | "achievedValue"
  | "narrative"
  | "completion"
  | "skipped"
  | "notDueReason"
  | "notDueFlagged"
  | "dates"
  | "answered"
  | "suggestedCompletion"
  | "narrativeHasFigures"
  | "evidence"
>;

interface EntryRow {
  id: number;
  skipped: boolean;
  achievedText: string | null;
  achievedValue: number | null;
  narrative: string | null;
  completion: number | null;
  notDueReason: string | null;
  notDueFlagged: boolean;
  dates: string | null;
  status: ReportStatus;
  personId: number;
  targetType: TargetType;
  targetValue: number | null;
  quarters: number[];
  startMonth: number | null;
  year: number;
  periodKind: PeriodKind;
  evidence: EvidenceView[] | string;
}

/** What validating an answer needs to know of its measure and period. */
interface AnswerContext {
  targetType: TargetType;
  quarters: readonly number[];
  startMonth: number | null;
  year: number;
  periodKind: PeriodKind;
}

/** The validated columns an answer patch writes. */
function answerData(ctx: AnswerContext, patch: AnswerPatch) {
  const data: {
    achievedText?: string | null;
    achievedValue?: number | null;
    narrative?: string | null;
    completion?: number | null;
    dates?: string | null;
    skipped?: boolean;
    notDueReason?: string | null;
    notDueFlagged?: boolean;
  } = {};
  if (patch.achieved !== undefined) {
    if (patch.achieved === null || String(patch.achieved).trim() === "") {
      data.achievedText = null;
      data.achievedValue = null;
    } else {
      const r = validateAchieved(ctx.targetType, patch.achieved);
      if (!r.ok) throw new DomainError(r.key, r.params);
      data.achievedText = r.text;
      data.achievedValue = r.value;
      // An achieved level answers the measure: it is due after all.
      Object.assign(data, { skipped: false, notDueReason: null, notDueFlagged: false });
    }
  }
  if (patch.narrative !== undefined) {
    const text =
      patch.shortenNarrative && patch.narrative !== null ? shortenText(patch.narrative) : patch.narrative;
    const r = validateNarrative(text);
    if (!r.ok) throw new DomainError(r.key, r.params);
    data.narrative = r.value;
  }
  if (patch.completion !== undefined) data.completion = completionOrNull(patch.completion);
  if (patch.dates !== undefined) {
    if (patch.dates === null || patch.dates.trim() === "") data.dates = null;
    else {
      const r = validateReportDates(patch.dates, ctx.year);
      if (!r.ok) throw new DomainError(r.key, r.params);
      data.dates = r.value;
    }
  }
  if (patch.notDue === null)
    Object.assign(data, { skipped: false, notDueReason: null, notDueFlagged: false });
  else if (patch.notDue !== undefined) {
    const reason = cleanText(patch.notDue.reason, NOT_DUE_REASON_MAX);
    if (!reason || !hasWords(reason)) throw new DomainError("reporting:validation.notDueReason");
    data.skipped = true;
    data.notDueReason = reason;
    data.notDueFlagged = dueByPlan(ctx, ctx.periodKind);
  }
  return data;
}

export class ReportService {
  constructor(private readonly deps: { prisma: PrismaClient; clock: Clock }) {}

  private get prisma() {
    return this.deps.prisma;
  }

  private now(): Date {
    return this.deps.clock.now();
  }

  private async view(report: LoadedReport, actor: Actor): Promise<ReportView> {
    return reportView(this.prisma, report, this.now(), actor.personId);
  }

  /** The report, for the official (any status) or someone allowed to read it. */
  private async readable(actor: Actor, reportId: number): Promise<LoadedReport> {
    const report = await loadReport(this.prisma, reportId);
    if (!report) throw notFound();
    const a = await accessTo(this.prisma, actor, report.personId);
    check(a.self || a.reviewer || a.evaluation);
    return report;
  }

  /** The report, for the official, while it may be changed. */
  private async editable(actor: Actor, reportId: number): Promise<LoadedReport> {
    const report = await loadReport(this.prisma, reportId);
    if (!report) throw notFound();
    const a = await accessTo(this.prisma, actor, report.personId);
    check(a.self);
    if (report.status !== "DRAFT" && report.status !== "RETURNED") {
      throw new DomainError("reporting:errors.notEditable");
    }
    return report;
  }

  /**
   * Opens the official's report for the current period (or the given one, once it has
   * opened), creating the draft and its entries on first use. Throws
   * `reporting:errors.noOpenPeriod(Next)`, `periodNotOpen` or `noApprovedPlan`.
   */
  async openReport(actor: Actor, opts: { periodId?: number } = {}): Promise<ReportView> {
    const ref = await this.openReportRef(actor, opts);
    return this.view((await loadReport(this.prisma, ref.id)) as LoadedReport, actor);
  }

  /**
   * `openReport` without building the view: the report's id and whether the official may
   * still change it (the conversation then loads the view once).
   */
  async openReportRef(
    actor: Actor,
    opts: { periodId?: number } = {},
  ): Promise<{ id: number; editable: boolean }> {
    requireStaffOrAdmin(actor);
    const personId = actor.personId;
    const orgId = actor.orgId;
    if (personId === null || orgId === null) throw forbidden();
    const now = this.now();
    let period: { id: number; year: number; kind: PeriodKind };
    if (opts.periodId !== undefined) {
      const p = await this.prisma.reportingPeriod.findUnique({ where: { id: opts.periodId } });
      if (!p || p.orgId !== orgId) throw notFound();
      if (p.opensAt.getTime() > now.getTime()) {
        throw new DomainError("reporting:errors.periodNotOpen", {
          kind: p.kind,
          opensAt: formatDate(p.opensAt),
        });
      }
      period = p;
    } else {
      const cur = await currentPeriod(this.prisma, orgId, now);
      if (!cur) {
        const next = await nextPeriod(this.prisma, orgId, now);
        if (next) {
          throw new DomainError("reporting:errors.noOpenPeriodNext", {
            kind: next.kind,
            year: next.year,
            opensAt: formatDate(next.opensAt),
          });
        }
        throw new DomainError("reporting:errors.noOpenPeriod");
      }
      period = cur.period;
    }

    const existing = await this.prisma.report.findUnique({
      where: { personId_periodId: { personId, periodId: period.id } },
      select: { id: true, status: true },
    });
    if (existing) return { id: existing.id, editable: EDITABLE.includes(existing.status) };

    const plan = await approvedPlan(this.prisma, personId, period.year);
    if (!plan) throw new DomainError("reporting:errors.noApprovedPlan", { year: period.year });
    const measures = await this.prisma.measure.findMany({
      where: { goal: { planId: plan.id } },
      select: { id: true, quarters: true },
    });
    const due = measures.filter((m) => isDueIn(m.quarters, period.kind));
    try {
      const reportId = await this.prisma.$transaction(async (tx) => {
        const r = await tx.report.create({
          data: { planId: plan.id, personId, periodId: period.id, status: "DRAFT", createdAt: now },
        });
        await tx.reportEntry.createMany({ data: due.map((m) => ({ reportId: r.id, measureId: m.id })) });
        return r.id;
      });
      return { id: reportId, editable: true };
    } catch (err) {
      // Opened at the same moment from another device: use that one.
      const again = await this.prisma.report.findUnique({
        where: { personId_periodId: { personId, periodId: period.id } },
        select: { id: true, status: true },
      });
      if (!again) throw err;
      return { id: again.id, editable: EDITABLE.includes(again.status) };
    }
  }

  /** A report by id: the official's own, or one the actor reviews or evaluates. */
  async getReport(actor: Actor, reportId: number): Promise<ReportView> {
    return this.view(await this.readable(actor, reportId), actor);
  }

  /** The official's reports, newest period first. */
  async myReports(actor: Actor, year?: number): Promise<ReportBrief[]> {
    if (actor.personId === null) throw forbidden();
    const rows = await this.prisma.report.findMany({
      where: { personId: actor.personId, ...(year ? { period: { year } } : {}) },
      include: { period: true },
    });
    rows.sort((a, b) => b.period.deadline.getTime() - a.period.deadline.getTime());
    return rows.map((r) => ({
      id: r.id,
      periodId: r.periodId,
      periodKind: r.period.kind,
      year: r.period.year,
      status: r.status,
      submittedAt: r.submittedAt?.toISOString() ?? null,
      overallCompletion: r.overallCompletion,
      rating: r.rating,
    }));
  }

  /**
   * Saves part of an answer as soon as it is given. Validation errors are DomainErrors with
   * `reporting:validation.*` keys (the step is asked again). Returns the entry with the
   * suggested completion and whether the narrative has figures.
   */
  async saveAnswer(
    actor: Actor,
    reportId: number,
    measureId: number,
    patch: AnswerPatch,
  ): Promise<EntryView> {
    const report = await this.editable(actor, reportId);
    const entry = report.entries.find((e) => e.measureId === measureId);
    if (!entry) throw new DomainError("reporting:errors.notInReport");
    const data = answerData(
      { ...entry.measure, year: report.period.year, periodKind: report.period.kind },
      patch,
    );
    await this.prisma.reportEntry.update({ where: { id: entry.id }, data });
    const fresh = (await loadReport(this.prisma, reportId)) as LoadedReport;
    const ordered = sortedEntries(fresh);
    const index = ordered.findIndex((e) => e.id === entry.id);
    const prev = await previousResults(this.prisma, fresh);
    return entryView(
      ordered[index] as (typeof ordered)[number],
      index,
      prev.get(entry.id) ?? null,
      fresh.period,
    );
  }

  /**
   * Saves part of an answer like `saveAnswer`, for the official filling in their report,
   * and returns only what an answer changes in the entry (not the measure, not the earlier
   * results): one read and one conditional write, whatever the size of the report.
   */
  async saveEntryAnswer(
    actor: Actor,
    reportId: number,
    measureId: number,
    patch: AnswerPatch,
  ): Promise<EntryAnswer> {
    const rows = await this.prisma.$queryRaw<EntryRow[]>`
      SELECT e.id, e.skipped, e."achievedText", e."achievedValue", e.narrative, e.completion,
             e."notDueReason", e."notDueFlagged", e.dates,
             r.status::text AS status, r."personId", m."targetType"::text AS "targetType", m."targetValue",
             m.quarters, m."startMonth", p.year, p.kind::text AS "periodKind",
             (SELECT coalesce(json_agg(json_build_object('id', x.id, 'kind', x.kind, 'fileId', x."fileId",
                       'fileName', x."fileName", 'mimeType', x."mimeType", 'size', x.size) ORDER BY x.id), '[]'::json)
              FROM "ReportEvidence" x WHERE x."entryId" = e.id) AS evidence
      FROM "ReportEntry" e JOIN "Report" r ON r.id = e."reportId" JOIN "Measure" m ON m.id = e."measureId"
      JOIN "ReportingPeriod" p ON p.id = r."periodId"
      WHERE e."reportId" = ${reportId} AND e."measureId" = ${measureId}`;
    const row = rows[0];
    requireStaffOrAdmin(actor);
    if (!row || actor.personId === null || row.personId !== actor.personId) {
      // Someone else's report, or no such entry: the full checks give the exact answer.
      await this.editable(actor, reportId);
      throw new DomainError("reporting:errors.notInReport");
    }
    if (!EDITABLE.includes(row.status)) throw new DomainError("reporting:errors.notEditable");
    const data = answerData(row, patch);
    const res = await this.prisma.reportEntry.updateMany({
      where: { id: row.id, report: { status: { in: EDITABLE } } },
      data,
    });
    if (res.count !== 1) throw new DomainError("reporting:errors.notEditable");
    const e = { ...row, ...data };
    const evidence =
      typeof row.evidence === "string" ? (JSON.parse(row.evidence) as EvidenceView[]) : row.evidence;
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
      suggestedCompletion: suggestCompletion(row.targetType, row.targetValue, e.achievedValue),
      narrativeHasFigures: narrativeHasFigures(e.narrative),
      evidence,
    };
  }

  /** Attaches a photo or file (by the channel's file id) to a measure's answer. */
  async addEvidence(actor: Actor, entryId: number, file: EvidenceInput): Promise<EvidenceView> {
    const entry = await this.prisma.reportEntry.findUnique({
      where: { id: entryId },
      select: { reportId: true },
    });
    if (!entry) throw notFound();
    const report = await this.editable(actor, entry.reportId);
    const fileId = String(file.fileId ?? "").trim();
    if (!fileId || (file.kind !== "PHOTO" && file.kind !== "DOCUMENT")) {
      throw new DomainError("reporting:validation.badFile");
    }
    const max = (await getOrgSettings(this.prisma, report.person.orgId)).reporting.maxEvidencePerEntry;
    const count = await this.prisma.reportEvidence.count({ where: { entryId } });
    if (count >= max) throw new DomainError("reporting:errors.tooManyEvidence", { max });
    const x = await this.prisma.reportEvidence.create({
      data: {
        entryId,
        kind: file.kind,
        fileId,
        fileName: file.fileName ?? null,
        mimeType: file.mimeType ?? null,
        size: file.size ?? null,
        createdAt: this.now(),
      },
    });
    return {
      id: x.id,
      kind: x.kind,
      fileId: x.fileId,
      fileName: x.fileName,
      mimeType: x.mimeType,
      size: x.size,
    };
  }

  async removeEvidence(actor: Actor, evidenceId: number): Promise<void> {
    const x = await this.prisma.reportEvidence.findUnique({
      where: { id: evidenceId },
      select: { entry: { select: { reportId: true } } },
    });
    if (!x) throw notFound();
    await this.editable(actor, x.entry.reportId);
    await this.prisma.reportEvidence.delete({ where: { id: evidenceId } });
  }

  /** An additional task (нэмэлт үүрэг даалгавар) carried out during the period. */
  async addTask(actor: Actor, reportId: number, input: TaskInput): Promise<TaskView> {
    await this.editable(actor, reportId);
    const title = cleanText(input.title, 1000);
    if (!title) throw new DomainError("reporting:validation.titleRequired");
    if (!hasWords(title)) throw new DomainError("reporting:validation.noWords");
    const t = await this.prisma.additionalTask.create({
      data: {
        reportId,
        title,
        result: cleanText(input.result),
        completion: completionOrNull(input.completion),
      },
    });
    return taskView(t);
  }

  async updateTask(actor: Actor, taskId: number, patch: Partial<TaskInput>): Promise<TaskView> {
    const task = await this.prisma.additionalTask.findUnique({ where: { id: taskId } });
    if (!task) throw notFound();
    await this.editable(actor, task.reportId);
    const data: { title?: string; result?: string | null; completion?: number | null } = {};
    if (patch.title !== undefined) {
      const title = cleanText(patch.title, 1000);
      if (!title) throw new DomainError("reporting:validation.titleRequired");
      if (!hasWords(title)) throw new DomainError("reporting:validation.noWords");
      data.title = title;
    }
    if (patch.result !== undefined) data.result = cleanText(patch.result);
    if (patch.completion !== undefined) data.completion = completionOrNull(patch.completion);
    return taskView(await this.prisma.additionalTask.update({ where: { id: taskId }, data }));
  }

  async removeTask(actor: Actor, taskId: number): Promise<void> {
    const task = await this.prisma.additionalTask.findUnique({ where: { id: taskId } });
    if (!task) throw notFound();
    await this.editable(actor, task.reportId);
    await this.prisma.additionalTask.delete({ where: { id: taskId } });
  }

  /** Where the report stands before submitting: completion, suggested rating, what is missing. */
  async summary(actor: Actor, reportId: number): Promise<ReportSummary> {
    const report = await this.readable(actor, reportId);
    const scale = (await getOrgSettings(this.prisma, report.person.orgId)).reporting.ratingScale;
    const entries = sortedEntries(report);
    const overall = overallCompletion(entries);
    const missing = entries
      .map((e, index) => ({ e, index }))
      .filter(({ e }) => !isAnswered(e))
      .map(({ e, index }) => {
        const lacks: ("achieved" | "completion")[] = [];
        if (e.achievedText === null && e.narrative === null) lacks.push("achieved");
        if (e.completion === null) lacks.push("completion");
        return { index, number: e.measure.number, title: e.measure.title, lacks };
      });
    const editable = report.status === "DRAFT" || report.status === "RETURNED";
    return {
      reportId: report.id,
      status: report.status,
      periodKind: report.period.kind,
      year: report.period.year,
      deadline: report.period.deadline.toISOString(),
      late:
        report.late ||
        (report.submittedAt === null && this.now().getTime() > report.period.deadline.getTime()),
      total: entries.length,
      answered: entries.filter(isAnswered).length,
      skipped: entries.filter((e) => e.skipped).length,
      notDueAgainstPlan: entries.filter((e) => e.skipped && e.notDueFlagged).map((e) => e.measure.number),
      overallCompletion: overall,
      suggestedRating: suggestRating(overall, scale),
      missing,
      withoutFigures: entries
        .filter((e) => !e.skipped && e.narrative !== null && !narrativeHasFigures(e.narrative))
        .map((e) => e.measure.number),
      tasks: report.tasks.length,
      canSubmit: editable && missing.length === 0,
    };
  }

  /**
   * Hands the report to the head: every measure answered or declared not due → SUBMITTED, with the
   * overall completion, the suggested rating and the late flag; the reviewers are notified.
   * `repeatable`: a report already submitted is returned as it is (the same submission
   * repeated by a replayed update) instead of refused.
   */
  async submit(actor: Actor, reportId: number, opts: { repeatable?: boolean } = {}): Promise<ReportView> {
    if (opts.repeatable) {
      // The same submission repeated (a replayed update): the report it left.
      const current = await loadReport(this.prisma, reportId);
      if (current?.status === "SUBMITTED" && (await accessTo(this.prisma, actor, current.personId)).self) {
        return this.view(current, actor);
      }
    }
    const report = await this.editable(actor, reportId);
    const entries = sortedEntries(report);
    const missing = entries.filter((e) => !isAnswered(e));
    if (missing.length > 0) {
      throw new DomainError("reporting:errors.incomplete", {
        count: missing.length,
        measures: missing.map((e) => e.measure.number).join(", "),
      });
    }
    const settings = await getOrgSettings(this.prisma, report.person.orgId);
    const now = this.now();
    const overall = overallCompletion(entries);
    const suggested = suggestRating(overall, settings.reporting.ratingScale);
    const late = report.submittedAt === null ? now.getTime() > report.period.deadline.getTime() : report.late;
    const reviewers = await reviewersOf(this.prisma, report.person);
    const flagged = entries.filter((e) => e.skipped && e.notDueFlagged).map((e) => e.measure.number);
    await this.prisma.$transaction(async (tx: Tx) => {
      const res = await tx.report.updateMany({
        where: { id: report.id, status: { in: ["DRAFT", "RETURNED"] } },
        data: {
          status: "SUBMITTED",
          submittedAt: now,
          late,
          overallCompletion: overall,
          suggestedRating: suggested,
        },
      });
      if (res.count !== 1) throw new DomainError("reporting:errors.notEditable");
      await notifyPeople(
        tx,
        reviewers.map((r) => r.id),
        "report.submitted",
        `report.submitted:${report.id}:${now.getTime()}`,
        {
          key: late ? "reporting:notify.reportSubmittedLate" : "reporting:notify.reportSubmitted",
          params: {
            name: report.person.fullName,
            year: report.period.year,
            period: { t: `reporting:period.name.${report.period.kind}` },
            completion: overall ?? { t: "reporting:notify.noValue" },
            rating: suggested ? { t: `reporting:rating.${suggested}` } : { t: "reporting:notify.noValue" },
            notDue: flagged.length
              ? {
                  t: "reporting:notify.notDueFlagged",
                  params: { count: flagged.length, measures: flagged.join(", ") },
                }
              : null,
          },
          buttons: reportReviewButtons(report.id),
        },
      );
    });
    return this.view((await loadReport(this.prisma, report.id)) as LoadedReport, actor);
  }
}
