/**
 * The head's side of reports, and the evaluation team's overview.
 *
 * - The reviewer (./access.ts: the head of the official's unit, else up the unit tree, else
 *   the organisation head; the ORG_HEAD always) approves a SUBMITTED report, or returns it
 *   with a comment: it becomes RETURNED, the official edits it and submits again.
 * - Rating: the reviewer rates any period's report; the evaluation team rates half-year and
 *   year-end reports (seed 003). Only SUBMITTED or APPROVED reports are rated; a rating
 *   other than the suggested one needs a reason. Returning a report clears its rating
 *   (the resubmitted report is rated afresh).
 * - `unitReports`: a head sees their unit and the units below it; the organisation head,
 *   the evaluation team and the admin see every unit. People expected to report are the
 *   active officials and unit heads of the unit (the viewer excepted).
 * - `evaluationOverview` (evaluation team, organisation head): each unit's mean completion
 *   and rating counts over its submitted and approved reports, with the reports rated at
 *   the extremes (EXCELLENT, UNSATISFACTORY) flagged for a second look.
 */
import { type Actor, hasRole } from "../directory/actor.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import type { PeriodKind, Rating, ReportStatus } from "../generated/prisma/enums.js";
import type { Clock } from "../shared/clock.js";
import type { PayloadValue } from "../scheduling/outbox.js";
import { DomainError } from "../shared/errors.js";
import { hasWords } from "../shared/text.js";
import { takeRequestKey } from "../shared/request-key.js";
import { accessTo, actorOrg, check, forbidden, notFound, type PersonBrief, reviewersOf } from "./access.js";
import { currentPeriod, type PeriodView, periodView } from "./calendar.js";
import { reportDuties, SUBMITTED_STATUSES } from "./due.js";
import { notifyPeople, ownReportButtons } from "./notify.js";
import { isRating, RATINGS } from "./rating.js";
import { addReportEvent, alreadyDone } from "./report-events.js";
import { type LoadedReport, loadReport, type ReportView, reportView } from "./report-view.js";

export interface ReviewView extends ReportView {
  canApprove: boolean;
  canReturn: boolean;
  canRate: boolean;
  reviewers: PersonBrief[];
}

export interface ReportRow {
  reportId: number;
  personId: number;
  fullName: string;
  positionTitle: string | null;
  status: ReportStatus;
  submittedAt: string | null;
  late: boolean;
  overallCompletion: number | null;
  suggestedRating: Rating | null;
  rating: Rating | null;
}

export interface MissingRow {
  personId: number;
  fullName: string;
  positionTitle: string | null;
  /** A draft exists (started, not submitted). */
  reportId: number | null;
  hasApprovedPlan: boolean;
}

export interface UnitReports {
  unitId: number;
  unitName: string;
  expected: number;
  submitted: ReportRow[];
  returned: ReportRow[];
  approved: ReportRow[];
  missing: MissingRow[];
}

export interface UnitReportsView {
  period: PeriodView;
  units: UnitReports[];
  totals: { expected: number; submitted: number; returned: number; approved: number; missing: number };
}

export interface RatingCounts {
  EXCELLENT: number;
  GOOD: number;
  SATISFACTORY: number;
  UNSATISFACTORY: number;
  unrated: number;
}

export interface EvaluationUnit {
  unitId: number | null;
  unitName: string | null;
  expected: number;
  /** Submitted and approved reports. */
  reports: number;
  meanCompletion: number | null;
  ratings: RatingCounts;
}

export interface EvaluationOverview {
  period: PeriodView;
  units: EvaluationUnit[];
  overall: { expected: number; reports: number; meanCompletion: number | null; ratings: RatingCounts };
  /** Rated EXCELLENT or UNSATISFACTORY: seed 003 looks at these again. */
  flagged: {
    reportId: number;
    personId: number;
    fullName: string;
    unitName: string | null;
    rating: Rating;
    suggestedRating: Rating | null;
    overallCompletion: number | null;
  }[];
}

function emptyCounts(): RatingCounts {
  return { EXCELLENT: 0, GOOD: 0, SATISFACTORY: 0, UNSATISFACTORY: 0, unrated: 0 };
}

function mean(values: number[]): number | null {
  if (values.length === 0) return null;
  return Math.round((values.reduce((s, v) => s + v, 0) / values.length) * 10) / 10;
}

export class ReviewService {
  constructor(private readonly deps: { prisma: PrismaClient; clock: Clock }) {}

  private get prisma() {
    return this.deps.prisma;
  }

  private async load(actor: Actor, reportId: number) {
    const report = await loadReport(this.prisma, reportId);
    if (!report) throw notFound();
    const access = await accessTo(this.prisma, actor, report.personId);
    return { report, access };
  }

  private canRate(access: { reviewer: boolean; evaluation: boolean }, kind: PeriodKind): boolean {
    return access.reviewer || (access.evaluation && (kind === "H1" || kind === "YEAR"));
  }

  private async view(actor: Actor, reportId: number): Promise<ReportView> {
    return reportView(
      this.prisma,
      (await loadReport(this.prisma, reportId)) as LoadedReport,
      this.deps.clock.now(),
      actor.personId,
    );
  }

  /** The whole report for the head or the evaluation team, with what they may do. */
  async openForReview(actor: Actor, reportId: number): Promise<ReviewView> {
    const { report, access } = await this.load(actor, reportId);
    check(access.reviewer || access.evaluation);
    const view = await reportView(this.prisma, report, this.deps.clock.now(), actor.personId);
    const submitted = report.status === "SUBMITTED";
    return {
      ...view,
      canApprove: access.reviewer && submitted,
      canReturn: access.reviewer && submitted,
      canRate: this.canRate(access, report.period.kind) && (submitted || report.status === "APPROVED"),
      reviewers: await reviewersOf(this.prisma, report.person),
    };
  }

  /** Submitted reports waiting for the actor's decision, oldest first. */
  async reportsToReview(actor: Actor): Promise<ReportRow[]> {
    if (actor.personId === null || actor.orgId === null) return [];
    const rows = await this.prisma.report.findMany({
      where: { status: "SUBMITTED", personId: { not: actor.personId }, person: { orgId: actor.orgId } },
      include: { person: { select: { fullName: true, position: { select: { title: true } } } } },
      orderBy: { submittedAt: "asc" },
    });
    const out: ReportRow[] = [];
    for (const r of rows) {
      if (!(await accessTo(this.prisma, actor, r.personId)).reviewer) continue;
      out.push(reportRow(r));
    }
    return out;
  }

  /**
   * The head's decisions (approve, return, rate) are safe to repeat: the same request
   * (a replayed update, src/shared/request-key.ts) finds its history entry and returns the
   * report as it left it.
   */
  async approve(actor: Actor, reportId: number): Promise<ReportView> {
    const requestKey = takeRequestKey();
    const { report, access } = await this.load(actor, reportId);
    check(access.reviewer);
    if (await alreadyDone(this.prisma, requestKey)) return this.view(actor, report.id);
    const now = this.deps.clock.now();
    await this.prisma.$transaction(async (tx) => {
      const res = await tx.report.updateMany({
        where: { id: report.id, status: "SUBMITTED" },
        data: { status: "APPROVED", reviewerId: actor.personId, reviewedAt: now },
      });
      if (res.count !== 1) throw new DomainError("reporting:errors.reportNotSubmitted");
      await addReportEvent(tx, {
        reportId: report.id,
        type: "APPROVED",
        actorPersonId: actor.personId,
        requestKey,
        at: now,
      });
      await notifyPeople(tx, [report.personId], "report.approved", `report.approved:${report.id}`, {
        key: "reporting:notify.reportApproved",
        params: { year: report.period.year, period: { t: `reporting:period.name.${report.period.kind}` } },
        buttons: ownReportButtons(report.id),
      });
    });
    return this.view(actor, report.id);
  }

  /** Back to the official with a comment; the report becomes editable again. */
  async returnReport(actor: Actor, reportId: number, comment: string): Promise<ReportView> {
    const requestKey = takeRequestKey();
    const text = String(comment ?? "").trim();
    if (!text) throw new DomainError("reporting:validation.commentRequired");
    if (!hasWords(text)) throw new DomainError("reporting:validation.noWords");
    if (text.length > 2000)
      throw new DomainError("reporting:validation.tooLong", { max: 2000, length: text.length });
    const { report, access } = await this.load(actor, reportId);
    check(access.reviewer);
    if (await alreadyDone(this.prisma, requestKey)) return this.view(actor, report.id);
    const now = this.deps.clock.now();
    await this.prisma.$transaction(async (tx) => {
      const res = await tx.report.updateMany({
        where: { id: report.id, status: "SUBMITTED" },
        data: {
          status: "RETURNED",
          returnComment: text,
          reviewerId: actor.personId,
          reviewedAt: now,
          rating: null,
          ratingReason: null,
          ratedById: null,
          ratedAt: null,
        },
      });
      if (res.count !== 1) throw new DomainError("reporting:errors.reportNotSubmitted");
      await addReportEvent(tx, {
        reportId: report.id,
        type: "RETURNED",
        actorPersonId: actor.personId,
        note: text,
        requestKey,
        at: now,
      });
      await notifyPeople(
        tx,
        [report.personId],
        "report.returned",
        `report.returned:${report.id}:${now.getTime()}`,
        {
          key: "reporting:notify.reportReturned",
          params: {
            year: report.period.year,
            period: { t: `reporting:period.name.${report.period.kind}` },
            comment: text,
          },
          buttons: ownReportButtons(report.id),
        },
      );
    });
    return this.view(actor, report.id);
  }

  /** Rates a submitted or approved report; a rating other than the suggested one needs a reason. */
  async rate(actor: Actor, reportId: number, rating: Rating, reason?: string | null): Promise<ReportView> {
    const requestKey = takeRequestKey();
    if (!isRating(rating)) throw new DomainError("reporting:errors.badRating");
    const { report, access } = await this.load(actor, reportId);
    if (!access.reviewer && access.evaluation && !this.canRate(access, report.period.kind)) {
      throw new DomainError("reporting:errors.evaluationPeriodOnly");
    }
    check(this.canRate(access, report.period.kind));
    if (await alreadyDone(this.prisma, requestKey)) return this.view(actor, report.id);
    if (report.status !== "SUBMITTED" && report.status !== "APPROVED") {
      throw new DomainError("reporting:errors.cannotRate");
    }
    const why = String(reason ?? "").trim() || null;
    if (why && !hasWords(why)) throw new DomainError("reporting:validation.noWords");
    if (why && why.length > 2000)
      throw new DomainError("reporting:validation.tooLong", { max: 2000, length: why.length });
    if (report.suggestedRating && rating !== report.suggestedRating && !why) {
      throw new DomainError("reporting:validation.reasonRequired", {
        suggested: report.suggestedRating,
      });
    }
    const now = this.deps.clock.now();
    await this.prisma.$transaction(async (tx) => {
      await tx.report.update({
        where: { id: report.id },
        data: { rating, ratingReason: why, ratedById: actor.personId, ratedAt: now },
      });
      await addReportEvent(tx, {
        reportId: report.id,
        type: "RATED",
        actorPersonId: actor.personId,
        note: why,
        data: { rating },
        requestKey,
        at: now,
      });
      await notifyPeople(
        tx,
        [report.personId],
        "report.rated",
        `report.rated:${report.id}:${rating}:${now.getTime()}`,
        {
          key: "reporting:notify.reportRated",
          params: {
            year: report.period.year,
            period: { t: `reporting:period.name.${report.period.kind}` },
            rating: { t: `reporting:rating.${rating}` },
            reason: ratingNote(rating, report.suggestedRating, why),
          },
          buttons: ownReportButtons(report.id),
        },
      );
    });
    return this.view(actor, report.id);
  }

  private async period(actor: Actor, periodId?: number) {
    const orgId = actorOrg(actor);
    if (periodId !== undefined) {
      const p = await this.prisma.reportingPeriod.findUnique({ where: { id: periodId } });
      if (!p || p.orgId !== orgId) throw notFound();
      return p;
    }
    const cur = await currentPeriod(this.prisma, orgId, this.deps.clock.now());
    if (!cur) throw new DomainError("reporting:errors.noOpenPeriod");
    return cur.period;
  }

  /** The units whose reports the actor oversees. */
  private async unitsInView(actor: Actor): Promise<{ id: number; name: string }[]> {
    const orgId = actorOrg(actor);
    const units = await this.prisma.unit.findMany({
      where: { orgId },
      select: { id: true, name: true, parentId: true },
      orderBy: { id: "asc" },
    });
    if (actor.superAdmin || hasRole(actor, "ORG_HEAD", "EVALUATION_TEAM", "ORG_ADMIN")) return units;
    if (!hasRole(actor, "UNIT_HEAD") || actor.unitId === null) throw forbidden();
    const inView = new Set([actor.unitId]);
    let grew = true;
    while (grew) {
      grew = false;
      for (const u of units) {
        if (u.parentId !== null && inView.has(u.parentId) && !inView.has(u.id)) {
          inView.add(u.id);
          grew = true;
        }
      }
    }
    return units.filter((u) => inView.has(u.id));
  }

  /**
   * The head's view of a period (default: the current one): per unit, who submitted, who
   * was returned, who is approved and who is missing.
   */
  async unitReports(
    actor: Actor,
    opts: { periodId?: number; unitId?: number } = {},
  ): Promise<UnitReportsView> {
    let units = await this.unitsInView(actor);
    if (opts.unitId !== undefined) {
      const one = units.filter((u) => u.id === opts.unitId);
      if (one.length === 0) {
        const exists = await this.prisma.unit.findUnique({
          where: { id: opts.unitId },
          select: { orgId: true },
        });
        throw exists && exists.orgId === actor.orgId ? forbidden() : notFound();
      }
      units = one;
    }
    const period = await this.period(actor, opts.periodId);
    const unitIds = units.map((u) => u.id);
    // Who owes the report, as the digest and the reminders count (./due.ts).
    const duties = ((await reportDuties(this.prisma, [period.id])).get(period.id) ?? []).filter(
      (d) => d.unitId !== null && unitIds.includes(d.unitId) && d.personId !== actor.personId,
    );
    const positions = new Map(
      (
        await this.prisma.person.findMany({
          where: { id: { in: duties.map((d) => d.personId) } },
          select: { id: true, position: { select: { title: true } } },
        })
      ).map((p) => [p.id, p.position?.title ?? null]),
    );
    const reports = await this.prisma.report.findMany({
      where: { periodId: period.id, personId: { in: duties.map((d) => d.personId) } },
      include: {
        person: { select: { fullName: true, unitId: true, position: { select: { title: true } } } },
      },
    });
    const out: UnitReports[] = units.map((u) => {
      const due = duties.filter((d) => d.unitId === u.id);
      const unitReports = reports.filter((r) => r.person.unitId === u.id);
      const rows = (status: ReportStatus) =>
        unitReports
          .filter((r) => r.status === status)
          .map(reportRow)
          .sort((a, b) => a.fullName.localeCompare(b.fullName));
      const missing = due
        .filter((d) => d.status === null || d.status === "DRAFT")
        .map((d) => ({
          personId: d.personId,
          fullName: d.fullName,
          positionTitle: positions.get(d.personId) ?? null,
          reportId: d.reportId,
          hasApprovedPlan: d.hasApprovedPlan,
        }))
        .sort((a, b) => a.fullName.localeCompare(b.fullName));
      const expected = due.length;
      return {
        unitId: u.id,
        unitName: u.name,
        expected,
        submitted: rows("SUBMITTED"),
        returned: rows("RETURNED"),
        approved: rows("APPROVED"),
        missing,
      };
    });
    const sum = (f: (u: UnitReports) => number) => out.reduce((s, u) => s + f(u), 0);
    return {
      period: periodView(period),
      units: out,
      totals: {
        expected: sum((u) => u.expected),
        submitted: sum((u) => u.submitted.length),
        returned: sum((u) => u.returned.length),
        approved: sum((u) => u.approved.length),
        missing: sum((u) => u.missing.length),
      },
    };
  }

  /** Each unit's completion and ratings for a period (default: the current one). */
  async evaluationOverview(actor: Actor, periodId?: number): Promise<EvaluationOverview> {
    if (!actor.superAdmin && !hasRole(actor, "EVALUATION_TEAM", "ORG_HEAD")) throw forbidden();
    const period = await this.period(actor, periodId);
    const units = await this.prisma.unit.findMany({
      where: { orgId: period.orgId },
      select: { id: true, name: true },
      orderBy: { id: "asc" },
    });
    // Due and submitted as the digest and the reminders count them (./due.ts).
    const people = ((await reportDuties(this.prisma, [period.id])).get(period.id) ?? []).map((d) => ({
      id: d.personId,
      unitId: d.unitId,
    }));
    const reports = await this.prisma.report.findMany({
      where: { periodId: period.id, status: { in: [...SUBMITTED_STATUSES] } },
      include: { person: { select: { fullName: true, unitId: true, unit: { select: { name: true } } } } },
      orderBy: { id: "asc" },
    });
    const groups: { unitId: number | null; unitName: string | null }[] = [
      ...units.map((u) => ({ unitId: u.id as number | null, unitName: u.name as string | null })),
    ];
    if (people.some((p) => p.unitId === null) || reports.some((r) => r.person.unitId === null)) {
      groups.push({ unitId: null, unitName: null });
    }
    const summarize = (rs: typeof reports) => {
      const ratings = emptyCounts();
      for (const r of rs) {
        if (r.rating) ratings[r.rating]++;
        else ratings.unrated++;
      }
      return {
        reports: rs.length,
        meanCompletion: mean(rs.map((r) => r.overallCompletion).filter((c): c is number => c !== null)),
        ratings,
      };
    };
    const unitRows: EvaluationUnit[] = groups
      .map((g) => ({
        ...g,
        expected: people.filter((p) => p.unitId === g.unitId).length,
        ...summarize(reports.filter((r) => r.person.unitId === g.unitId)),
      }))
      .filter((u) => u.expected > 0 || u.reports > 0);
    const flagged = reports
      .filter((r) => r.rating === "EXCELLENT" || r.rating === "UNSATISFACTORY")
      .map((r) => ({
        reportId: r.id,
        personId: r.personId,
        fullName: r.person.fullName,
        unitName: r.person.unit?.name ?? null,
        rating: r.rating as Rating,
        suggestedRating: r.suggestedRating,
        overallCompletion: r.overallCompletion,
      }))
      .sort(
        (a, b) =>
          RATINGS.indexOf(a.rating) - RATINGS.indexOf(b.rating) || a.fullName.localeCompare(b.fullName),
      );
    return {
      period: periodView(period),
      units: unitRows,
      overall: { expected: people.length, ...summarize(reports) },
      flagged,
    };
  }
}

/**
 * What the official is told beside a rating: the head's reason, and the suggested rating
 * when the given one differs from it.
 */
function ratingNote(rating: Rating, suggested: Rating | null, reason: string | null): PayloadValue {
  if (!reason) return null;
  if (suggested && suggested !== rating) {
    return {
      t: "reporting:notify.ratingReasonDiffers",
      params: { suggested: { t: `reporting:rating.${suggested}` }, reason },
    };
  }
  return { t: "reporting:notify.ratingReason", params: { reason } };
}

function reportRow(r: {
  id: number;
  personId: number;
  status: ReportStatus;
  submittedAt: Date | null;
  late: boolean;
  overallCompletion: number | null;
  suggestedRating: Rating | null;
  rating: Rating | null;
  person: { fullName: string; position: { title: string } | null };
}): ReportRow {
  return {
    reportId: r.id,
    personId: r.personId,
    fullName: r.person.fullName,
    positionTitle: r.person.position?.title ?? null,
    status: r.status,
    submittedAt: r.submittedAt?.toISOString() ?? null,
    late: r.late,
    overallCompletion: r.overallCompletion,
    suggestedRating: r.suggestedRating,
    rating: r.rating,
  };
}
