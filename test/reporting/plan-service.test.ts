import { beforeEach, describe, expect, it } from "vitest";
import { importPlan } from "../../src/reporting/plan-import.js";
import { PlanService } from "../../src/reporting/plan-service.js";
import { ReportService } from "../../src/reporting/report-service.js";
import { ManualClock } from "../../src/shared/clock.js";
import { useTestDatabase } from "../support/db.js";
import {
  caught,
  createPlan,
  exampleFile,
  MIXED_PLAN,
  notificationsOf,
  seedWorld,
  type World,
} from "./fixtures.js";

describe("plans", () => {
  const db = useTestDatabase();
  let w: World;
  let clock: ManualClock;
  let plans: PlanService;

  const importAs = (key: keyof World["actors"], file = "plan-000-hr-specialist.xlsx", year = 2026) =>
    importPlan(db().prisma, clock, { actor: w.actors[key], year, file: exampleFile(file), fileName: file });

  beforeEach(async () => {
    w = await seedWorld(db().prisma);
    clock = new ManualClock("2026-01-20T02:00:00Z");
    plans = new PlanService({ prisma: db().prisma, clock });
  });

  it("submits with seed 003's warnings and notifies the unit head with the plan buttons", async () => {
    const { prisma } = db();
    const imported = await importAs("official");
    const { plan, warnings } = await plans.submitPlan(w.actors.official, imported.planId);
    expect(plan).toMatchObject({
      status: "SUBMITTED",
      version: 1,
      goalCount: 4,
      measureCount: 24,
      approvedPlanId: null,
    });
    expect(plan.submittedAt).toBe("2026-01-20T02:00:00.000Z");
    expect(warnings).toEqual([
      { key: "reporting:warnings.noIndicator", params: { count: 3, measures: "1.12, 1.13, 1.14" } },
    ]);
    const [note, ...more] = await notificationsOf(prisma, w.users.adminHead);
    expect(more).toHaveLength(0);
    expect(note?.kind).toBe("plan.submitted");
    expect(note?.payload).toEqual({
      key: "reporting:notify.planSubmitted",
      params: { name: "Н.Вансэмбэрүү", year: 2026, version: 1, goals: 4, measures: 24, warnings: 1 },
      buttons: [
        [
          { key: "reporting:buttons.approve", data: `pl:ok:${imported.planId}` },
          { key: "reporting:buttons.return", data: `pl:ret:${imported.planId}` },
        ],
        [{ key: "reporting:buttons.openPlan", data: `pl:open:${imported.planId}` }],
      ],
    });
    expect(await notificationsOf(prisma, w.users.foodHead)).toHaveLength(0);
    // Submitting twice is refused.
    expect((await caught(plans.submitPlan(w.actors.official, imported.planId))).key).toBe(
      "reporting:errors.planNotDraft",
    );
  });

  it("warns about skills measures and dates, and when nobody can approve", async () => {
    const seed001 = await importAs("foodHead", "plan-001-food-agriculture.xlsx", 2022);
    const { warnings } = await plans.submitPlan(w.actors.foodHead, seed001.planId);
    expect(warnings.map((x) => x.key)).toEqual([
      "reporting:warnings.fewSkills",
      "reporting:warnings.noDates",
    ]);

    await db().prisma.person.update({ where: { id: w.people.orgHead }, data: { active: false } });
    const own = await importAs("adminHead");
    const res = await plans.submitPlan(w.actors.adminHead, own.planId);
    expect(res.warnings.map((x) => x.key)).toContain("reporting:warnings.noReviewer");
  });

  it("is approved or returned by the head, and the official is told", async () => {
    const { prisma } = db();
    const first = await importAs("official");
    await plans.submitPlan(w.actors.official, first.planId);
    clock.advanceDays(1);
    const returned = await plans.returnPlan(
      w.actors.adminHead,
      first.planId,
      "Ур чадварын хэсэгт хугацааг сараар бичнэ үү.",
    );
    expect(returned).toMatchObject({
      status: "RETURNED",
      comment: "Ур чадварын хэсэгт хугацааг сараар бичнэ үү.",
    });
    expect((await caught(plans.returnPlan(w.actors.adminHead, first.planId, "  "))).key).toBe(
      "reporting:validation.commentRequired",
    );
    const toOfficial = await notificationsOf(prisma, w.users.official);
    expect(toOfficial.map((n) => n.kind)).toEqual(["plan.returned"]);
    expect(toOfficial[0]?.payload).toMatchObject({
      key: "reporting:notify.planReturned",
      params: { year: 2026, version: 1, comment: "Ур чадварын хэсэгт хугацааг сараар бичнэ үү." },
    });

    // A returned plan can be sent again as it is, and approved.
    await plans.submitPlan(w.actors.official, first.planId);
    expect(await notificationsOf(prisma, w.users.adminHead)).toHaveLength(2);
    const approved = await plans.approvePlan(w.actors.adminHead, first.planId);
    expect(approved).toMatchObject({ status: "APPROVED", comment: null, approvedPlanId: first.planId });
    const last = (await notificationsOf(prisma, w.users.official)).at(-1);
    expect(last?.payload).toMatchObject({
      key: "reporting:notify.planApproved",
      buttons: [[{ key: "reporting:buttons.openPlan", data: `pl:open:${first.planId}` }]],
    });
    expect((await caught(plans.approvePlan(w.actors.adminHead, first.planId))).key).toBe(
      "reporting:errors.planNotSubmitted",
    );
  });

  it("keeps the approved version in force until a new version is approved", async () => {
    const { prisma } = db();
    const v1 = await importAs("official");
    await plans.submitPlan(w.actors.official, v1.planId);
    await plans.approvePlan(w.actors.adminHead, v1.planId);

    const v2 = await importAs("official", "plan-000-hr-specialist.csv");
    expect(v2).toMatchObject({ version: 2, superseded: [] });
    const working = await plans.currentPlan(w.actors.official, undefined, 2026);
    expect(working).toMatchObject({ id: v2.planId, version: 2, status: "DRAFT", approvedPlanId: v1.planId });
    expect((await prisma.performancePlan.findUniqueOrThrow({ where: { id: v1.planId } })).status).toBe(
      "APPROVED",
    );

    // A third import replaces the unapproved second one at once.
    const v3 = await importAs("official", "plan-000-hr-specialist.csv");
    expect(v3).toMatchObject({ version: 3, superseded: [v2.planId] });
    await plans.submitPlan(w.actors.official, v3.planId);
    await plans.approvePlan(w.actors.adminHead, v3.planId);
    const versions = await plans.versions(w.actors.official, undefined, 2026);
    expect(versions.map((v) => [v.version, v.status])).toEqual([
      [3, "APPROVED"],
      [2, "SUPERSEDED"],
      [1, "SUPERSEDED"],
    ]);
    // The old approved version stays readable.
    const old = await plans.getPlan(w.actors.official, v1.planId);
    expect(old).toMatchObject({ status: "SUPERSEDED", approvedPlanId: v3.planId, measureCount: 24 });
    expect(old.goals[0]?.measures[0]).toMatchObject({ number: "1.1", target: "92%", targetType: "PERCENT" });
  });

  it("falls back to the parent unit's head, then the organisation head", async () => {
    const { prisma } = db();
    const hr = await importAs("hrOfficial");
    await plans.submitPlan(w.actors.hrOfficial, hr.planId);
    expect((await notificationsOf(prisma, w.users.adminHead)).map((n) => n.kind)).toEqual(["plan.submitted"]);
    await plans.approvePlan(w.actors.adminHead, hr.planId);

    const head = await importAs("adminHead");
    await plans.submitPlan(w.actors.adminHead, head.planId);
    expect((await notificationsOf(prisma, w.users.orgHead)).map((n) => n.kind)).toEqual(["plan.submitted"]);
    expect((await caught(plans.approvePlan(w.actors.adminHead, head.planId))).key).toBe(
      "common:errors.forbidden",
    );
    expect((await plans.approvePlan(w.actors.orgHead, head.planId)).status).toBe("APPROVED");
  });

  it("shows a plan only to the official, their head, the evaluation team and admins", async () => {
    const p = await importAs("official");
    await plans.submitPlan(w.actors.official, p.planId);
    for (const key of ["official", "adminHead", "orgHead", "evaluator", "orgAdmin"] as const) {
      expect((await plans.getPlan(w.actors[key], p.planId)).id).toBe(p.planId);
    }
    expect((await caught(plans.getPlan(w.actors.colleague, p.planId))).key).toBe("common:errors.forbidden");
    expect((await caught(plans.currentPlan(w.actors.colleague, w.people.official, 2026))).key).toBe(
      "common:errors.forbidden",
    );
    expect((await caught(plans.getPlan(w.actors.otherHead, p.planId))).key).toBe("common:errors.notFound");
    expect((await caught(plans.approvePlan(w.actors.foodHead, p.planId))).key).toBe(
      "common:errors.forbidden",
    );
    expect((await caught(plans.approvePlan(w.actors.evaluator, p.planId))).key).toBe(
      "common:errors.forbidden",
    );
    expect((await caught(plans.submitPlan(w.actors.adminHead, p.planId))).key).toBe(
      "common:errors.forbidden",
    );
    expect((await caught(plans.getPlan(w.actors.official, 999_999))).key).toBe("common:errors.notFound");
    expect(await plans.plansToReview(w.actors.adminHead)).toMatchObject([
      { id: p.planId, personName: "Н.Вансэмбэрүү" },
    ]);
    expect(await plans.plansToReview(w.actors.foodHead)).toEqual([]);
    expect(await plans.currentPlan(w.actors.colleague, undefined, 2026)).toBeNull();
  });

  it("shows each measure's progress across the year's periods", async () => {
    const { prisma } = db();
    clock.set("2026-03-10T02:00:00Z");
    const plan = await createPlan(prisma, w.orgId, w.people.official, 2026, MIXED_PLAN);
    const reports = new ReportService({ prisma, clock });
    const q1 = await reports.openReport(w.actors.official);
    const m11 = plan.goals[0]?.measures.find((m) => m.number === "1.1");
    await reports.saveAnswer(w.actors.official, q1.id, m11?.id ?? 0, { achieved: "80", completion: 87 });

    const progress = await plans.planProgress(w.actors.official, undefined, 2026);
    expect(progress.plan).toEqual({ id: plan.id, version: 1, status: "APPROVED" });
    expect(progress.periods.map((p) => [p.kind, p.reportId, p.reportStatus])).toEqual([
      ["Q1", q1.id, "DRAFT"],
      ["H1", null, null],
      ["Q3", null, null],
      ["YEAR", null, null],
    ]);
    const measure = progress.goals[0]?.measures[0];
    expect(measure).toMatchObject({ number: "1.1", latestCompletion: 87 });
    expect(measure?.results.map((r) => [r.kind, r.due, r.achievedText, r.completion])).toEqual([
      ["Q1", true, "80%", 87],
      ["H1", true, null, null],
      ["Q3", true, null, null],
      ["YEAR", true, null, null],
    ]);
    expect(progress.goals[0]?.measures[4]?.results.map((r) => r.due)).toEqual([false, false, true, true]);
    expect((await caught(plans.planProgress(w.actors.colleague, w.people.official, 2026))).key).toBe(
      "common:errors.forbidden",
    );
    expect((await plans.planProgress(w.actors.adminHead, w.people.official, 2026)).personName).toBe(
      "Н.Вансэмбэрүү",
    );
  });
});
