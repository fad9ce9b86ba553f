/**
 * A report's life from the official's side: opening it for a period (creating the draft and
 * its entries), reading it and the list of one's reports, the summary before submitting,
 * and submitting it to the head. Filling it in is in ./report-editing.ts.
 */
import { sqlFor } from "../db/direct.js";
import type { Actor } from "../directory/actor.js";
import { getOrgSettings } from "../directory/settings.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import type { PeriodKind, Rating, ReportStatus } from "../generated/prisma/enums.js";
import { formatDate } from "../i18n.js";
import { DomainError } from "../shared/errors.js";
import { takeRequestKey } from "../shared/request-key.js";
import type { Tx } from "../shared/types.js";
import {
  accessTo,
  checkReadAccess,
  forbidden,
  notFound,
  requireStaffOrAdmin,
  reviewersOf,
} from "./access.js";
import { currentPeriod, isDueIn, nextPeriod } from "./calendar.js";
import { notifyPeople, reportReviewButtons } from "./notify.js";
import { narrativeHasFigures } from "./parse.js";
import { overallCompletion, suggestRating } from "./rating.js";
import {
  type EntryView,
  entryView,
  isAnswered,
  type LoadedReport,
  loadReport,
  previousFrom,
  type ReportView,
  sortedEntries,
} from "./report-view.js";
import { reportAt } from "./report-reads.js";
import { addReportEvent, alreadyDone } from "./report-events.js";
import { ReportCore } from "./report-core.js";
import { EDITABLE } from "./report-input.js";

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

/**
 * A report as the official's conversation reads it at one measure (`ReportLifecycle.entryAt`):
 * what the opening says, and the one measure's entry.
 */
export interface ReportAt {
  id: number;
  editable: boolean;
  /** The head's comment, while the report is RETURNED. */
  returnComment: string | null;
  period: { kind: PeriodKind; year: number; deadline: string };
  deadlinePassed: boolean;
  answered: number;
  total: number;
  firstUnansweredIndex: number | null;
  /** How many additional tasks it has. */
  tasks: number;
  /** The entry at the index asked for (null past the end or when none was asked for). */
  entry: EntryView | null;
  /** The first measure after that index still unanswered. */
  nextUnansweredIndex: number | null;
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

export class ReportLifecycle {
  private readonly core: ReportCore;
  private readonly prisma: PrismaClient;

  constructor(core: ReportCore) {
    this.core = core;
    this.prisma = core.prisma;
  }

  /**
   * Opens the official's report for the current period (or the given one, once it has
   * opened), creating the draft and its entries on first use. Throws
   * `reporting:errors.noOpenPeriod(Next)`, `periodNotOpen` or `noApprovedPlan`.
   */
  async openReport(actor: Actor, opts: { periodId?: number } = {}): Promise<ReportView> {
    const ref = await this.openReportRef(actor, opts);
    return this.core.view((await loadReport(this.prisma, ref.id)) as LoadedReport, actor);
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
    const now = this.core.now();
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

    // The report, if opened before, and the approved plan's measures: one read.
    const [found] = await sqlFor(this.prisma).query<{
      existing: { id: number; status: ReportStatus } | null;
      plan: { id: number; measures: { id: number; quarters: number[] }[] } | null;
    }>(
      `SELECT
         (SELECT json_build_object('id', r.id, 'status', r.status) FROM "Report" r
          WHERE r."personId" = $1::int AND r."periodId" = $2::int) AS existing,
         (SELECT json_build_object('id', pl.id, 'measures', COALESCE((
            SELECT json_agg(json_build_object('id', m.id, 'quarters', m.quarters) ORDER BY g.id, m.id)
            FROM "Goal" g JOIN "Measure" m ON m."goalId" = g.id WHERE g."planId" = pl.id), '[]'::json))
          FROM "PerformancePlan" pl
          WHERE pl."personId" = $1::int AND pl.year = $3::int AND pl.status = 'APPROVED'
          ORDER BY pl.version DESC LIMIT 1) AS plan`,
      [personId, period.id, period.year],
    );
    const existing = found?.existing;
    if (existing) return { id: existing.id, editable: EDITABLE.includes(existing.status) };
    const plan = found?.plan;
    if (!plan) throw new DomainError("reporting:errors.noApprovedPlan", { year: period.year });
    const due = plan.measures.filter((m) => isDueIn(m.quarters, period.kind)).map((m) => m.id);
    try {
      // The draft and its entries in one statement (one round trip, atomic).
      const rows = await this.prisma.$queryRaw<{ id: number }[]>`
        WITH r AS (
          INSERT INTO "Report" ("planId", "personId", "periodId", "status", "late", "createdAt", "updatedAt")
          VALUES (${plan.id}, ${personId}, ${period.id}, 'DRAFT', false, ${now}, ${now})
          RETURNING id
        ), e AS (
          INSERT INTO "ReportEntry" ("reportId", "measureId", "skipped", "notDueFlagged", "updatedAt")
          SELECT r.id, m, false, false, ${now} FROM r, unnest(${due}::int[]) AS m
        )
        SELECT id FROM r`;
      return { id: rows[0]!.id, editable: true };
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
    return this.core.view(await this.core.readable(actor, reportId), actor);
  }

  /**
   * The report at one measure (`index`, in the order of the conversation), for whoever may
   * read it: its entry's view and where the report stands, without the view of every other
   * entry (one statement: the entries' answers, the entry in full, the earlier results).
   */
  async entryAt(actor: Actor, reportId: number, index: number | null): Promise<ReportAt> {
    // One statement straight through the driver (./report-reads.ts); read before the access
    // check, which needs the report's author, and not shown unless it passes.
    const read = await reportAt(this.prisma, reportId, index);
    if (!read) throw notFound();
    const report = read.standing;
    await checkReadAccess(this.prisma, actor, report.personId);
    const entries = report.entries;
    const firstOpen = entries.findIndex((e) => !isAnswered(e));
    const nextOpen = index === null ? -1 : entries.findIndex((e, i) => i > index && !isAnswered(e));
    let entry: EntryView | null = null;
    if (read.entry && index !== null) {
      const prev = previousFrom([read.entry], read.earlier);
      entry = entryView(read.entry, index, prev.get(read.entry.id) ?? null, report.period);
    }
    const live = EDITABLE.includes(report.status);
    return {
      id: report.id,
      editable: live && actor.personId === report.personId,
      returnComment: report.status === "RETURNED" ? report.returnComment : null,
      period: {
        kind: report.period.kind,
        year: report.period.year,
        deadline: report.period.deadline.toISOString(),
      },
      deadlinePassed: this.core.now().getTime() > report.period.deadline.getTime(),
      answered: entries.filter(isAnswered).length,
      total: entries.length,
      firstUnansweredIndex: firstOpen >= 0 ? firstOpen : null,
      tasks: report.tasks,
      entry,
      nextUnansweredIndex: nextOpen >= 0 ? nextOpen : null,
    };
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

  /** Where the report stands before submitting: completion, suggested rating, what is missing. */
  async summary(actor: Actor, reportId: number): Promise<ReportSummary> {
    const report = await this.core.readable(actor, reportId);
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
        (report.submittedAt === null && this.core.now().getTime() > report.period.deadline.getTime()),
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
   * The same request repeated (a replayed update, src/shared/request-key.ts) returns the
   * report it submitted. `repeatable`: a report already submitted is returned as it is
   * instead of refused (a conversation begun before request keys existed).
   */
  async submit(actor: Actor, reportId: number, opts: { repeatable?: boolean } = {}): Promise<ReportView> {
    const requestKey = takeRequestKey();
    if (await alreadyDone(this.prisma, requestKey)) {
      return this.core.view(await this.core.readable(actor, reportId), actor);
    }
    if (opts.repeatable) {
      // The same submission repeated (a replayed update): the report it left.
      const current = await loadReport(this.prisma, reportId);
      if (current?.status === "SUBMITTED" && (await accessTo(this.prisma, actor, current.personId)).self) {
        return this.core.view(current, actor);
      }
    }
    const report = await this.core.editable(actor, reportId);
    const entries = sortedEntries(report);
    const missing = entries.filter((e) => !isAnswered(e));
    if (missing.length > 0) {
      throw new DomainError("reporting:errors.incomplete", {
        count: missing.length,
        measures: missing.map((e) => e.measure.number).join(", "),
      });
    }
    const settings = await getOrgSettings(this.prisma, report.person.orgId);
    const now = this.core.now();
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
      await addReportEvent(tx, {
        reportId: report.id,
        type: "SUBMITTED",
        actorPersonId: actor.personId,
        data: { late, overallCompletion: overall, suggestedRating: suggested },
        requestKey,
        at: now,
      });
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
    return this.core.view((await loadReport(this.prisma, report.id)) as LoadedReport, actor);
  }
}
