/**
 * Performance plans: one official's plan for one year, in versions.
 *
 * - Every import creates a new version (DRAFT). Earlier versions that were never approved
 *   (DRAFT, SUBMITTED, RETURNED) become SUPERSEDED at once; an APPROVED version stays in force
 *   (reports keep using it) until the newer version is approved, and then becomes SUPERSEDED.
 *   Superseded versions stay readable.
 * - The official (or an admin for them) submits a DRAFT or RETURNED version; the reviewer
 *   (./access.ts) approves it or returns it with a comment. Submitting lists seed 003's
 *   warnings, which never block: a measure without a measurable indicator, fewer than two
 *   skills-development measures, missing start/end months.
 */
import type { Actor } from "../directory/actor.js";
import { getOrgSettings } from "../directory/settings.js";
import type { PerformancePlan, Prisma, PrismaClient } from "../generated/prisma/client.js";
import type { GoalSection, PeriodKind, PlanStatus, TargetType } from "../generated/prisma/enums.js";
import type { Clock } from "../shared/clock.js";
import { DomainError } from "../shared/errors.js";
import { takeRequestKey } from "../shared/request-key.js";
import { hasWords } from "../shared/text.js";
import type { Tx } from "../shared/types.js";
import { type Access, accessTo, check, notFound, reviewersOf } from "./access.js";
import { ensureYear, isDueIn } from "./calendar.js";
import { type MeasureFields, measureFields } from "./measure.js";
import { notifyPeople, ownPlanButtons, planReviewButtons } from "./notify.js";

export interface MeasureView extends MeasureFields {
  id: number;
  responsible: string | null;
}

export interface GoalView {
  id: number;
  number: number;
  title: string;
  section: GoalSection;
  measures: MeasureView[];
}

export interface PlanView {
  id: number;
  personId: number;
  personName: string;
  year: number;
  version: number;
  status: PlanStatus;
  submittedAt: string | null;
  decidedAt: string | null;
  /** The head's comment when the plan was returned. */
  comment: string | null;
  /** The version in force for reports (this one when it is approved), or null. */
  approvedPlanId: number | null;
  goalCount: number;
  measureCount: number;
  goals: GoalView[];
}

export interface PlanVersion {
  id: number;
  version: number;
  status: PlanStatus;
  createdAt: string;
  submittedAt: string | null;
  decidedAt: string | null;
}

/** A non-blocking remark on a plan (seed 003). */
export interface PlanWarning {
  key: string;
  params: Record<string, string | number>;
}

interface MeasureForWarnings {
  number: string;
  indicator: string | null;
  targetType: TargetType;
  startMonth: number | null;
  endMonth: number | null;
}

/** Seed 003's rules for a good plan, as warnings. */
export function planWarnings(
  goals: { section: GoalSection; measures: MeasureForWarnings[] }[],
  minSkillMeasures = 2,
): PlanWarning[] {
  const warnings: PlanWarning[] = [];
  const all = goals.flatMap((g) => g.measures);
  const unmeasurable = all.filter((m) => !m.indicator?.trim() || m.targetType === "TEXT");
  if (unmeasurable.length > 0) {
    warnings.push({
      key: "reporting:warnings.noIndicator",
      params: { count: unmeasurable.length, measures: unmeasurable.map((m) => m.number).join(", ") },
    });
  }
  const skills = goals.filter((g) => g.section === "SKILLS").flatMap((g) => g.measures).length;
  if (skills < minSkillMeasures) {
    warnings.push({ key: "reporting:warnings.fewSkills", params: { count: skills, min: minSkillMeasures } });
  }
  const undated = all.filter((m) => m.startMonth === null || m.endMonth === null);
  if (undated.length > 0) {
    warnings.push({
      key: "reporting:warnings.noDates",
      params: { count: undated.length, measures: undated.map((m) => m.number).join(", ") },
    });
  }
  return warnings;
}

const planInclude = {
  person: { select: { fullName: true } },
  goals: {
    orderBy: { number: "asc" },
    include: { measures: { orderBy: [{ sortOrder: "asc" }, { id: "asc" }] } },
  },
} satisfies Prisma.PerformancePlanInclude;

type PlanWithGoals = NonNullable<Awaited<ReturnType<typeof loadPlan>>>;

async function loadPlan(tx: Tx, planId: number) {
  return tx.performancePlan.findUnique({ where: { id: planId }, include: planInclude });
}

export function measureView(m: MeasureView): MeasureView {
  return { id: m.id, ...measureFields(m), responsible: m.responsible };
}

function planView(plan: PlanWithGoals, approvedPlanId: number | null): PlanView {
  const goals = plan.goals.map((g) => ({
    id: g.id,
    number: g.number,
    title: g.title,
    section: g.section,
    measures: g.measures.map(measureView),
  }));
  return {
    id: plan.id,
    personId: plan.personId,
    personName: plan.person.fullName,
    year: plan.year,
    version: plan.version,
    status: plan.status,
    submittedAt: plan.submittedAt?.toISOString() ?? null,
    decidedAt: plan.decidedAt?.toISOString() ?? null,
    comment: plan.comment,
    approvedPlanId,
    goalCount: goals.length,
    measureCount: goals.reduce((n, g) => n + g.measures.length, 0),
    goals,
  };
}

/** The approved version of a person's plan for a year (the one reports use), or null. */
export async function approvedPlan(tx: Tx, personId: number, year: number): Promise<PerformancePlan | null> {
  return tx.performancePlan.findFirst({
    where: { personId, year, status: "APPROVED" },
    orderBy: { version: "desc" },
  });
}

function canRead(a: Access): boolean {
  return a.self || a.reviewer || a.evaluation || a.admin;
}

export interface PeriodResult {
  periodId: number;
  kind: PeriodKind;
  due: boolean;
  reportId: number | null;
  achievedText: string | null;
  completion: number | null;
  skipped: boolean;
}

export interface PlanProgress {
  year: number;
  personId: number;
  personName: string;
  plan: { id: number; version: number; status: PlanStatus } | null;
  periods: {
    id: number;
    kind: PeriodKind;
    deadline: string;
    reportId: number | null;
    reportStatus: string | null;
    overallCompletion: number | null;
  }[];
  goals: {
    number: number;
    title: string;
    section: GoalSection;
    measures: (MeasureView & { results: PeriodResult[]; latestCompletion: number | null })[];
  }[];
}

export class PlanService {
  constructor(private readonly deps: { prisma: PrismaClient; clock: Clock }) {}

  private get prisma() {
    return this.deps.prisma;
  }

  private async planFor(actor: Actor, planId: number, allowed: (a: Access) => boolean) {
    const plan = await loadPlan(this.prisma, planId);
    if (!plan) throw notFound();
    const access = await accessTo(this.prisma, actor, plan.personId);
    check(allowed(access));
    return { plan, access };
  }

  private async inForceId(personId: number, year: number): Promise<number | null> {
    return (await approvedPlan(this.prisma, personId, year))?.id ?? null;
  }

  /** Any version of a plan (superseded ones stay readable). */
  async getPlan(actor: Actor, planId: number): Promise<PlanView> {
    const { plan } = await this.planFor(actor, planId, canRead);
    return planView(plan, await this.inForceId(plan.personId, plan.year));
  }

  /**
   * The working version of a person's plan for a year (the newest that is not superseded),
   * with `approvedPlanId` naming the version in force. Null when there is none.
   */
  async currentPlan(actor: Actor, personId: number | undefined, year: number): Promise<PlanView | null> {
    const pid = personId ?? actor.personId;
    if (pid === null || pid === undefined) throw notFound();
    check(canRead(await accessTo(this.prisma, actor, pid)));
    const latest = await this.prisma.performancePlan.findFirst({
      where: { personId: pid, year, status: { not: "SUPERSEDED" } },
      orderBy: { version: "desc" },
      select: { id: true },
    });
    if (!latest) return null;
    const plan = await loadPlan(this.prisma, latest.id);
    return plan ? planView(plan, await this.inForceId(pid, year)) : null;
  }

  /** Every version of a person's plan for a year, newest first. */
  async versions(actor: Actor, personId: number | undefined, year: number): Promise<PlanVersion[]> {
    const pid = personId ?? actor.personId;
    if (pid === null || pid === undefined) throw notFound();
    check(canRead(await accessTo(this.prisma, actor, pid)));
    const rows = await this.prisma.performancePlan.findMany({
      where: { personId: pid, year },
      orderBy: { version: "desc" },
    });
    return rows.map((p) => ({
      id: p.id,
      version: p.version,
      status: p.status,
      createdAt: p.createdAt.toISOString(),
      submittedAt: p.submittedAt?.toISOString() ?? null,
      decidedAt: p.decidedAt?.toISOString() ?? null,
    }));
  }

  /** Submitted plans waiting for the actor's decision. */
  async plansToReview(
    actor: Actor,
  ): Promise<
    { id: number; personId: number; personName: string; year: number; version: number; submittedAt: string }[]
  > {
    if (actor.personId === null || actor.orgId === null) return [];
    const submitted = await this.prisma.performancePlan.findMany({
      where: { orgId: actor.orgId, status: "SUBMITTED", personId: { not: actor.personId } },
      include: { person: { select: { fullName: true } } },
      orderBy: { submittedAt: "asc" },
    });
    const out = [];
    for (const p of submitted) {
      const a = await accessTo(this.prisma, actor, p.personId);
      if (!a.reviewer) continue;
      out.push({
        id: p.id,
        personId: p.personId,
        personName: p.person.fullName,
        year: p.year,
        version: p.version,
        submittedAt: (p.submittedAt ?? p.createdAt).toISOString(),
      });
    }
    return out;
  }

  /** DRAFT or RETURNED → SUBMITTED; the reviewer is notified. Warnings never block. */
  async submitPlan(actor: Actor, planId: number): Promise<{ plan: PlanView; warnings: PlanWarning[] }> {
    const { plan, access } = await this.planFor(actor, planId, (a) => a.self || a.admin);
    if (plan.status !== "DRAFT" && plan.status !== "RETURNED") {
      throw new DomainError("reporting:errors.planNotDraft", { status: plan.status });
    }
    const settings = await getOrgSettings(this.prisma, plan.orgId);
    const warnings = planWarnings(plan.goals, settings.reporting.minSkillMeasures);
    const reviewers = await reviewersOf(this.prisma, access.person);
    if (reviewers.length === 0) warnings.push({ key: "reporting:warnings.noReviewer", params: {} });
    const now = this.deps.clock.now();
    await this.prisma.$transaction(async (tx) => {
      const res = await tx.performancePlan.updateMany({
        where: { id: plan.id, status: { in: ["DRAFT", "RETURNED"] } },
        data: { status: "SUBMITTED", submittedAt: now },
      });
      if (res.count !== 1) throw new DomainError("reporting:errors.planNotDraft", { status: "SUBMITTED" });
      await notifyPeople(
        tx,
        reviewers.map((r) => r.id),
        "plan.submitted",
        `plan.submitted:${plan.id}:${now.getTime()}`,
        {
          key: "reporting:notify.planSubmitted",
          params: {
            name: plan.person.fullName,
            year: plan.year,
            version: plan.version,
            goals: plan.goals.length,
            measures: plan.goals.reduce((n, g) => n + g.measures.length, 0),
            warnings: warnings.length,
          },
          buttons: planReviewButtons(plan.id),
        },
      );
    });
    return { plan: await this.getPlan(actor, plan.id), warnings };
  }

  /** SUBMITTED → APPROVED by the reviewer; the version approved before is superseded. */
  async approvePlan(actor: Actor, planId: number): Promise<PlanView> {
    const decisionKey = takeRequestKey();
    const { plan } = await this.planFor(actor, planId, (a) => a.reviewer);
    if (await this.decided(decisionKey)) return this.getPlan(actor, plan.id);
    const now = this.deps.clock.now();
    await this.prisma.$transaction(async (tx) => {
      const res = await tx.performancePlan.updateMany({
        where: { id: plan.id, status: "SUBMITTED" },
        data: {
          status: "APPROVED",
          decidedAt: now,
          decidedById: actor.personId,
          comment: null,
          decisionKey: decisionKey ?? null,
        },
      });
      if (res.count !== 1)
        throw new DomainError("reporting:errors.planNotSubmitted", { status: plan.status });
      await tx.performancePlan.updateMany({
        where: { personId: plan.personId, year: plan.year, status: "APPROVED", id: { not: plan.id } },
        data: { status: "SUPERSEDED" },
      });
      await notifyPeople(tx, [plan.personId], "plan.approved", `plan.approved:${plan.id}`, {
        key: "reporting:notify.planApproved",
        params: { year: plan.year, version: plan.version },
        buttons: ownPlanButtons(plan.id),
      });
    });
    return this.getPlan(actor, plan.id);
  }

  /**
   * True when the request (src/shared/request-key.ts) already made its decision: a replayed
   * approve or return answers with the plan as it left it.
   */
  private async decided(decisionKey: string | undefined): Promise<boolean> {
    if (!decisionKey) return false;
    return (await this.prisma.performancePlan.count({ where: { decisionKey } })) > 0;
  }

  /** SUBMITTED → RETURNED by the reviewer, with a comment the official receives. */
  async returnPlan(actor: Actor, planId: number, comment: string): Promise<PlanView> {
    const decisionKey = takeRequestKey();
    const text = comment?.trim() ?? "";
    if (!text) throw new DomainError("reporting:validation.commentRequired");
    if (!hasWords(text)) throw new DomainError("reporting:validation.noWords");
    if (text.length > 2000)
      throw new DomainError("reporting:validation.tooLong", { max: 2000, length: text.length });
    const { plan } = await this.planFor(actor, planId, (a) => a.reviewer);
    if (await this.decided(decisionKey)) return this.getPlan(actor, plan.id);
    const now = this.deps.clock.now();
    await this.prisma.$transaction(async (tx) => {
      const res = await tx.performancePlan.updateMany({
        where: { id: plan.id, status: "SUBMITTED" },
        data: {
          status: "RETURNED",
          decidedAt: now,
          decidedById: actor.personId,
          comment: text,
          decisionKey: decisionKey ?? null,
        },
      });
      if (res.count !== 1)
        throw new DomainError("reporting:errors.planNotSubmitted", { status: plan.status });
      await notifyPeople(tx, [plan.personId], "plan.returned", `plan.returned:${plan.id}:${now.getTime()}`, {
        key: "reporting:notify.planReturned",
        params: { year: plan.year, version: plan.version, comment: text },
        buttons: ownPlanButtons(plan.id),
      });
    });
    return this.getPlan(actor, plan.id);
  }

  /**
   * Each measure of the plan in force (else the working version) with what was achieved in
   * every period of the year, for `/plan`. Entries of reports made on an earlier version are
   * matched by goal and measure number.
   */
  async planProgress(actor: Actor, personId: number | undefined, year: number): Promise<PlanProgress> {
    const pid = personId ?? actor.personId;
    if (pid === null || pid === undefined) throw notFound();
    const access = await accessTo(this.prisma, actor, pid);
    check(canRead(access));
    const chosen =
      (await approvedPlan(this.prisma, pid, year)) ??
      (await this.prisma.performancePlan.findFirst({
        where: { personId: pid, year, status: { not: "SUPERSEDED" } },
        orderBy: { version: "desc" },
      }));
    const plan = chosen ? await loadPlan(this.prisma, chosen.id) : null;
    const periods = await ensureYear(this.prisma, access.person.orgId, year);
    const reports = await this.prisma.report.findMany({
      where: { personId: pid, period: { year } },
      include: { entries: { include: { measure: { include: { goal: { select: { number: true } } } } } } },
    });
    const byPeriod = new Map(reports.map((r) => [r.periodId, r]));
    const result: PlanProgress = {
      year,
      personId: pid,
      personName: access.person.fullName,
      plan: plan ? { id: plan.id, version: plan.version, status: plan.status } : null,
      periods: periods.map((p) => {
        const r = byPeriod.get(p.id);
        return {
          id: p.id,
          kind: p.kind,
          deadline: p.deadline.toISOString(),
          reportId: r?.id ?? null,
          reportStatus: r?.status ?? null,
          overallCompletion: r?.overallCompletion ?? null,
        };
      }),
      goals: [],
    };
    if (!plan) return result;
    for (const g of plan.goals) {
      result.goals.push({
        number: g.number,
        title: g.title,
        section: g.section,
        measures: g.measures.map((m) => {
          const results: PeriodResult[] = periods.map((p) => {
            const r = byPeriod.get(p.id);
            const e =
              r?.entries.find((x) => x.measureId === m.id) ??
              r?.entries.find((x) => x.measure.number === m.number && x.measure.goal.number === g.number);
            return {
              periodId: p.id,
              kind: p.kind,
              due: isDueIn(m.quarters, p.kind),
              reportId: r?.id ?? null,
              achievedText: e?.achievedText ?? null,
              completion: e?.completion ?? null,
              skipped: e?.skipped ?? false,
            };
          });
          const latest = [...results].reverse().find((x) => x.completion !== null && !x.skipped);
          return { ...measureView(m), results, latestCompletion: latest?.completion ?? null };
        }),
      });
    }
    return result;
  }
}
