import { beforeEach, describe, expect, it } from "vitest";
import type { Rating, ReportStatus } from "../../src/generated/prisma/enums.js";
import { ensureYear } from "../../src/reporting/calendar.js";
import { suggestRating } from "../../src/reporting/rating.js";
import { ReportService } from "../../src/reporting/report-service.js";
import { ReviewService } from "../../src/reporting/review-service.js";
import { ManualClock } from "../../src/shared/clock.js";
import { useTestDatabase } from "../support/db.js";
import { caught, createPlan, notificationsOf, type PersonKey, seedWorld, type World } from "./fixtures.js";

const ONE_GOAL = [
  {
    number: 1,
    title: "Иргэдийн санал хүсэлтийг шуурхай шийдвэрлэнэ.",
    measures: [
      {
        number: "1.1",
        title: "Өргөдлийг бүртгэнэ.",
        target: "100%",
        targetType: "PERCENT" as const,
        targetValue: 100,
      },
      { number: "1.2", title: "Мэдээг нэгтгэнэ.", target: "4", targetType: "COUNT" as const, targetValue: 4 },
    ],
  },
];

describe("suggested rating", () => {
  it("follows the default scale and a custom one", () => {
    const scale = { EXCELLENT: 90, GOOD: 70, SATISFACTORY: 50 };
    expect([100, 90, 89.9, 70, 69.9, 50, 49.9, 0].map((c) => suggestRating(c, scale))).toEqual([
      "EXCELLENT",
      "EXCELLENT",
      "GOOD",
      "GOOD",
      "SATISFACTORY",
      "SATISFACTORY",
      "UNSATISFACTORY",
      "UNSATISFACTORY",
    ]);
    const strict = { EXCELLENT: 95, GOOD: 80, SATISFACTORY: 60 };
    expect([95, 94, 80, 79, 60, 59].map((c) => suggestRating(c, strict))).toEqual([
      "EXCELLENT",
      "GOOD",
      "GOOD",
      "SATISFACTORY",
      "SATISFACTORY",
      "UNSATISFACTORY",
    ]);
    expect(suggestRating(null, scale)).toBeNull();
  });
});

describe("review", () => {
  const db = useTestDatabase();
  let w: World;
  let clock: ManualClock;
  let reports: ReportService;
  let review: ReviewService;

  /** Opens, fills (each measure at `completion`) and submits a report for `who`. */
  async function submitted(who: PersonKey, completion: number, year = 2026) {
    const { prisma } = db();
    if (!(await prisma.performancePlan.findFirst({ where: { personId: w.people[who], year } }))) {
      await createPlan(prisma, w.orgId, w.people[who], year, ONE_GOAL);
    }
    const r = await reports.openReport(w.actors[who]);
    for (const e of r.entries) {
      await reports.saveAnswer(w.actors[who], r.id, e.measureId, {
        narrative: "12 өргөдөл шийдвэрлэсэн.",
        completion,
      });
    }
    return reports.submit(w.actors[who], r.id);
  }

  beforeEach(async () => {
    const { prisma } = db();
    w = await seedWorld(prisma);
    clock = new ManualClock("2026-06-05T02:00:00Z");
    reports = new ReportService({ prisma, clock });
    review = new ReviewService({ prisma, clock });
  });

  it("returns with a comment; the official edits and resubmits; the head approves", async () => {
    const { prisma } = db();
    const r = await submitted("official", 75);
    const view = await review.openForReview(w.actors.adminHead, r.id);
    expect(view).toMatchObject({ canApprove: true, canReturn: true, canRate: true, suggestedRating: "GOOD" });
    expect(view.reviewers.map((x) => x.fullName)).toEqual(["Б.Мөнхбат"]);
    expect((await review.reportsToReview(w.actors.adminHead)).map((x) => x.reportId)).toEqual([r.id]);

    expect((await caught(review.returnReport(w.actors.adminHead, r.id, ""))).key).toBe(
      "reporting:validation.commentRequired",
    );
    clock.advanceDays(1);
    const comment = "1.2-т хүргүүлсэн мэдээний тоог бичнэ үү.";
    const back = await review.returnReport(w.actors.adminHead, r.id, comment);
    expect(back).toMatchObject({ status: "RETURNED", reviewerName: "Б.Мөнхбат" });
    const note = (await notificationsOf(prisma, w.users.official)).at(-1);
    expect(note?.payload).toEqual({
      key: "reporting:notify.reportReturned",
      params: { year: 2026, period: { t: "reporting:period.name.H1" }, comment },
      buttons: [[{ key: "reporting:buttons.openReport", data: `rp:open:${r.id}` }]],
    });

    const mine = await reports.openReport(w.actors.official);
    expect(mine).toMatchObject({
      id: r.id,
      status: "RETURNED",
      returnComment: comment,
      editable: true,
      late: false,
    });
    await reports.saveAnswer(w.actors.official, r.id, mine.entries[1]?.measureId as number, {
      achieved: "4",
      completion: 100,
    });
    clock.set("2026-06-18T02:00:00Z");
    const again = await reports.submit(w.actors.official, r.id);
    // Resubmitted after the deadline, but the first submission was on time.
    expect(again).toMatchObject({
      status: "SUBMITTED",
      late: false,
      overallCompletion: 87.5,
      suggestedRating: "GOOD",
    });
    expect((await notificationsOf(prisma, w.users.adminHead)).map((n) => n.kind)).toEqual([
      "report.submitted",
      "report.submitted",
    ]);

    const approved = await review.approve(w.actors.adminHead, r.id);
    expect(approved).toMatchObject({ status: "APPROVED", reviewedAt: "2026-06-18T02:00:00.000Z" });
    expect((await notificationsOf(prisma, w.users.official)).at(-1)?.payload).toMatchObject({
      key: "reporting:notify.reportApproved",
    });
    expect((await caught(review.approve(w.actors.adminHead, r.id))).key).toBe(
      "reporting:errors.reportNotSubmitted",
    );
    expect((await caught(review.returnReport(w.actors.adminHead, r.id, "Дахин"))).key).toBe(
      "reporting:errors.reportNotSubmitted",
    );
    expect(await review.reportsToReview(w.actors.adminHead)).toEqual([]);
  });

  it("rates, with a reason when the rating differs from the suggested one", async () => {
    const { prisma } = db();
    const r = await submitted("official", 75);
    expect((await caught(review.rate(w.actors.adminHead, r.id, "EXCELLENT"))).key).toBe(
      "reporting:validation.reasonRequired",
    );
    expect((await caught(review.rate(w.actors.adminHead, r.id, "BEST" as Rating))).key).toBe(
      "reporting:errors.badRating",
    );
    const rated = await review.rate(
      w.actors.adminHead,
      r.id,
      "EXCELLENT",
      "Нэмэлт үүргийг өндөр түвшинд биелүүлсэн.",
    );
    expect(rated).toMatchObject({
      rating: "EXCELLENT",
      ratingReason: "Нэмэлт үүргийг өндөр түвшинд биелүүлсэн.",
    });
    expect((await review.rate(w.actors.adminHead, r.id, "GOOD")).rating).toBe("GOOD");
    const row = await prisma.report.findUniqueOrThrow({ where: { id: r.id } });
    expect([row.ratedById, row.ratingReason]).toEqual([w.people.adminHead, null]);
    expect(
      (await notificationsOf(prisma, w.users.official)).filter((n) => n.kind === "report.rated"),
    ).toHaveLength(2);

    // The evaluation team rates half-year reports too; the official never rates their own.
    expect((await review.rate(w.actors.evaluator, r.id, "GOOD")).rating).toBe("GOOD");
    expect((await caught(review.rate(w.actors.official, r.id, "GOOD"))).key).toBe("common:errors.forbidden");
    expect((await caught(review.rate(w.actors.foodHead, r.id, "GOOD"))).key).toBe("common:errors.forbidden");

    // Returning clears the rating.
    const back = await review.returnReport(w.actors.adminHead, r.id, "Тоо баримт нэмнэ үү.");
    expect(back.rating).toBeNull();
    expect((await caught(review.rate(w.actors.adminHead, r.id, "GOOD"))).key).toBe(
      "reporting:errors.cannotRate",
    );
  });

  it("lets the evaluation team rate only half-year and year-end reports", async () => {
    clock.set("2026-03-10T02:00:00Z");
    const q1 = await submitted("official", 95);
    expect((await caught(review.rate(w.actors.evaluator, q1.id, "EXCELLENT"))).key).toBe(
      "reporting:errors.evaluationPeriodOnly",
    );
    expect((await review.openForReview(w.actors.evaluator, q1.id)).canRate).toBe(false);
    expect((await caught(review.approve(w.actors.evaluator, q1.id))).key).toBe("common:errors.forbidden");
  });

  it("uses the organisation's own rating scale", async () => {
    const { prisma } = db();
    await prisma.organization.update({
      where: { id: w.orgId },
      data: { settings: { reporting: { ratingScale: { EXCELLENT: 95, GOOD: 80, SATISFACTORY: 60 } } } },
    });
    expect((await submitted("official", 92)).suggestedRating).toBe("GOOD");
    expect((await submitted("colleague", 79)).suggestedRating).toBe("SATISFACTORY");
    expect((await submitted("foodOfficial", 59)).suggestedRating).toBe("UNSATISFACTORY");
  });

  it("only the official's head (or the fallbacks) reviews", async () => {
    const r = await submitted("official", 80);
    expect((await caught(review.approve(w.actors.foodHead, r.id))).key).toBe("common:errors.forbidden");
    expect((await caught(review.returnReport(w.actors.colleague, r.id, "Буцаалаа"))).key).toBe(
      "common:errors.forbidden",
    );
    expect((await caught(review.openForReview(w.actors.colleague, r.id))).key).toBe(
      "common:errors.forbidden",
    );
    expect((await caught(review.openForReview(w.actors.otherHead, r.id))).key).toBe("common:errors.notFound");
    expect((await caught(review.approve(w.actors.otherUnitHead, r.id))).key).toBe("common:errors.notFound");

    const hr = await submitted("hrOfficial", 80);
    expect((await review.openForReview(w.actors.adminHead, hr.id)).canApprove).toBe(true);
    const head = await submitted("adminHead", 80);
    expect((await caught(review.approve(w.actors.adminHead, head.id))).key).toBe("common:errors.forbidden");
    expect((await review.approve(w.actors.orgHead, head.id)).status).toBe("APPROVED");
    // The organisation head may act for any unit.
    expect((await review.approve(w.actors.orgHead, r.id)).status).toBe("APPROVED");
  });

  describe("with a known set of half-year reports", () => {
    async function report(
      who: PersonKey,
      status: ReportStatus,
      completion: number | null,
      rating: Rating | null,
    ) {
      const { prisma } = db();
      const plan = await createPlan(prisma, w.orgId, w.people[who], 2026, ONE_GOAL);
      const periods = await ensureYear(prisma, w.orgId, 2026);
      const h1 = periods.find((p) => p.kind === "H1");
      return prisma.report.create({
        data: {
          planId: plan.id,
          personId: w.people[who],
          periodId: h1?.id as number,
          status,
          overallCompletion: completion,
          rating,
          submittedAt: status === "DRAFT" ? null : new Date("2026-06-10T02:00:00Z"),
        },
      });
    }

    beforeEach(async () => {
      // ТЗУХ: official approved 96 EXCELLENT, colleague missing, adminHead submitted 80 GOOD
      // ХН (under ТЗУХ): hrOfficial returned 40
      // ХХАА: foodOfficial submitted 45 UNSATISFACTORY, foodHead draft (missing)
      await report("official", "APPROVED", 96, "EXCELLENT");
      await report("adminHead", "SUBMITTED", 80, "GOOD");
      await report("hrOfficial", "RETURNED", 40, null);
      await report("foodOfficial", "SUBMITTED", 45, "UNSATISFACTORY");
      await report("foodHead", "DRAFT", null, null);
    });

    it("shows the head their unit and the units below it", async () => {
      const view = await review.unitReports(w.actors.adminHead);
      expect(view.period.kind).toBe("H1");
      expect(view.units.map((u) => u.unitName)).toEqual([
        "Төрийн захиргааны удирдлагын хэлтэс",
        "Хүний нөөцийн тасаг",
      ]);
      const [admin, hr] = view.units;
      expect(admin?.approved.map((x) => [x.fullName, x.overallCompletion, x.rating])).toEqual([
        ["Н.Вансэмбэрүү", 96, "EXCELLENT"],
      ]);
      expect(admin?.submitted).toEqual([]);
      // С.Саруул has no plan for the year, so owes no report (src/reporting/due.ts).
      expect(admin?.missing).toEqual([]);
      expect(admin?.expected).toBe(1);
      expect(hr?.returned.map((x) => x.fullName)).toEqual(["Э.Төгсжаргал"]);
      expect(view.totals).toEqual({ expected: 2, submitted: 0, returned: 1, approved: 1, missing: 0 });

      const food = await review.unitReports(w.actors.foodHead);
      expect(food.units.map((u) => [u.unitName, u.submitted.length, u.missing.length])).toEqual([
        ["Хүнс, хөдөө аж ахуйн хэлтэс", 1, 0],
      ]);
      expect((await caught(review.unitReports(w.actors.foodHead, { unitId: w.units.admin }))).key).toBe(
        "common:errors.forbidden",
      );
      expect((await caught(review.unitReports(w.actors.colleague))).key).toBe("common:errors.forbidden");

      const all = await review.unitReports(w.actors.orgHead);
      expect(all.totals).toEqual({ expected: 5, submitted: 2, returned: 1, approved: 1, missing: 1 });
      const foodByOrgHead = await review.unitReports(w.actors.orgHead, { unitId: w.units.food });
      expect(
        foodByOrgHead.units[0]?.missing.map((x) => [x.fullName, x.reportId !== null, x.hasApprovedPlan]),
      ).toEqual([["Э.Балжинням", true, true]]);
      expect((await caught(review.unitReports(w.actors.orgHead, { unitId: w.units.other }))).key).toBe(
        "common:errors.notFound",
      );
    });

    it("gives the evaluation team each unit's completion and ratings, flagging the extremes", async () => {
      const overview = await review.evaluationOverview(w.actors.evaluator);
      expect(overview.units).toEqual([
        {
          unitId: w.units.admin,
          unitName: "Төрийн захиргааны удирдлагын хэлтэс",
          expected: 2,
          reports: 2,
          meanCompletion: 88,
          ratings: { EXCELLENT: 1, GOOD: 1, SATISFACTORY: 0, UNSATISFACTORY: 0, unrated: 0 },
        },
        {
          unitId: w.units.hr,
          unitName: "Хүний нөөцийн тасаг",
          expected: 1,
          reports: 0,
          meanCompletion: null,
          ratings: { EXCELLENT: 0, GOOD: 0, SATISFACTORY: 0, UNSATISFACTORY: 0, unrated: 0 },
        },
        {
          unitId: w.units.food,
          unitName: "Хүнс, хөдөө аж ахуйн хэлтэс",
          expected: 2,
          reports: 1,
          meanCompletion: 45,
          ratings: { EXCELLENT: 0, GOOD: 0, SATISFACTORY: 0, UNSATISFACTORY: 1, unrated: 0 },
        },
      ]);
      expect(overview.overall).toEqual({
        expected: 5,
        reports: 3,
        meanCompletion: 73.7,
        ratings: { EXCELLENT: 1, GOOD: 1, SATISFACTORY: 0, UNSATISFACTORY: 1, unrated: 0 },
      });
      expect(overview.flagged.map((f) => [f.fullName, f.rating, f.overallCompletion])).toEqual([
        ["Н.Вансэмбэрүү", "EXCELLENT", 96],
        ["Ч.Дүүрэнбилиг", "UNSATISFACTORY", 45],
      ]);
      expect((await review.evaluationOverview(w.actors.orgHead)).overall.reports).toBe(3);
      expect((await caught(review.evaluationOverview(w.actors.adminHead))).key).toBe(
        "common:errors.forbidden",
      );
      expect((await caught(review.evaluationOverview(w.actors.otherHead, overview.period.id))).key).toBe(
        "common:errors.notFound",
      );
    });
  });
});
