import { beforeEach, describe, expect, it } from "vitest";
import type { Rating, ReportStatus } from "../../src/generated/prisma/enums.js";
import { translator } from "../../src/i18n.js";
import { ensureYear } from "../../src/reporting/calendar.js";
import {
  evaluationChartPng,
  evaluationChartSize,
  evaluationChartSpec,
  evaluationChartSvg,
} from "../../src/reporting/evaluation-chart.js";
import { ReviewService } from "../../src/reporting/review-service.js";
import { ManualClock } from "../../src/shared/clock.js";
import { useTestDatabase } from "../support/db.js";
import { createPlan, type PersonKey, seedWorld, type World } from "../reporting/fixtures.js";
import { expectPng, saveArtifact, svgTexts } from "./support.js";

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
    ],
  },
];

describe("evaluation chart", () => {
  const db = useTestDatabase();
  let w: World;
  let review: ReviewService;
  let h1: number;

  async function report(
    who: PersonKey,
    status: ReportStatus,
    completion: number | null,
    rating: Rating | null,
  ) {
    const { prisma } = db();
    const plan = await createPlan(prisma, w.orgId, w.people[who], 2026, ONE_GOAL);
    await prisma.report.create({
      data: {
        planId: plan.id,
        personId: w.people[who],
        periodId: h1,
        status,
        overallCompletion: completion,
        rating,
        submittedAt: status === "DRAFT" ? null : new Date("2026-06-10T02:00:00Z"),
      },
    });
  }

  beforeEach(async () => {
    const { prisma } = db();
    w = await seedWorld(prisma);
    review = new ReviewService({ prisma, clock: new ManualClock("2026-06-20T02:00:00Z") });
    const periods = await ensureYear(prisma, w.orgId, 2026);
    h1 = periods.find((p) => p.kind === "H1")!.id;
    // Төрийн захиргааны удирдлагын хэлтэс: 96 маш сайн, 80 сайн; Хүний нөөцийн тасаг: returned only;
    // Хүнс, хөдөө аж ахуйн хэлтэс: 45 хангалтгүй, a draft.
    await report("official", "APPROVED", 96, "EXCELLENT");
    await report("adminHead", "SUBMITTED", 80, "GOOD");
    await report("hrOfficial", "RETURNED", 40, null);
    await report("foodOfficial", "SUBMITTED", 45, "UNSATISFACTORY");
    await report("foodHead", "DRAFT", null, null);
  });

  it("shows each unit's completion and ratings, with the extremes marked for a second look", async () => {
    const overview = await review.evaluationOverview(w.actors.evaluator, h1);
    const t = translator("mn");
    const size = evaluationChartSize(overview);
    expect(size.width).toBe(1400);
    const texts = svgTexts(await evaluationChartSvg(overview, { t, locale: "mn" }));
    for (const label of [
      "Албан хаагчдын гүйцэтгэлийн үнэлгээ, нэгжээр",
      "Дундаж биелэлт (%)",
      "Үнэлгээ (тайлангийн тоо)",
      "Хүний нөөцийн тасаг",
      "88%",
      "45%",
      "Маш сайн",
      "Хангалтгүй",
      "Үнэлээгүй",
    ]) {
      expect(texts).toContain(label);
    }
    expect(texts.join("\n")).toContain("2026 оны хагас жил · Тайлан: 3 / 5 · Дундаж биелэлт: 73.7%");
    // Unit names are wrapped, never cut.
    expect(texts.join("\n")).toContain("Төрийн захиргааны удирдлагын хэлтэс");
    expect(texts.join("\n")).toContain("Хүнс, хөдөө аж ахуйн хэлтэс");
    // One extreme in each of two units; the unit with no reports shows "—".
    expect(texts.filter((x) => x === "Дахин үнэлэх: 1")).toHaveLength(2);
    expect(texts).toContain("—");
    expect(texts.join("\n")).toContain("маш сайн, хангалтгүй гэж үнэлэгдсэн тайлан (2)");
    // No names of people.
    for (const name of ["Н.Вансэмбэрүү", "Ч.Дүүрэнбилиг", "Б.Мөнхбат"])
      expect(texts.join("\n")).not.toContain(name);

    const png = await evaluationChartPng(overview, { t, locale: "mn" });
    expectPng(png, size);
    saveArtifact("evaluation.mn.png", png);
  });

  it("outlines only the extreme ratings", async () => {
    const overview = await review.evaluationOverview(w.actors.evaluator, h1);
    const spec = JSON.stringify(evaluationChartSpec(overview, { t: translator("en"), locale: "en" }));
    const ratings = JSON.parse(spec).hconcat[1].layer[0].data.values as {
      rating: string;
      extreme: boolean;
    }[];
    expect(ratings.map((r) => [r.rating, r.extreme])).toEqual([
      ["Excellent", true],
      ["Good", false],
      ["Unsatisfactory", true],
    ]);
  });

  it("draws in English, and many units on a taller picture", async () => {
    const { prisma } = db();
    for (let i = 1; i <= 9; i++) {
      const unit = await prisma.unit.create({
        data: { orgId: w.orgId, code: `U${i}`, name: `Сумын хөгжлийн ${i}-р хэлтэс` },
      });
      const person = await prisma.person.create({
        data: {
          orgId: w.orgId,
          unitId: unit.id,
          code: `X${i}`,
          fullName: `Т.Ажилтан${i}`,
          roles: ["OFFICIAL"],
        },
      });
      // A plan for the year: the official owes the half-year report (src/reporting/due.ts).
      await createPlan(prisma, w.orgId, person.id, 2026, ONE_GOAL);
    }
    const overview = await review.evaluationOverview(w.actors.orgHead, h1);
    expect(overview.units).toHaveLength(12);
    const size = evaluationChartSize(overview);
    expect(size.height).toBeGreaterThan(
      evaluationChartSize({ ...overview, units: overview.units.slice(0, 3) }).height,
    );
    const t = translator("en");
    const texts = svgTexts(await evaluationChartSvg(overview, { t, locale: "en" }));
    expect(texts).toContain("Performance evaluation by unit");
    expect(texts).toContain("Second look: 1");
    expect(texts).toContain("Сумын хөгжлийн 9-р хэлтэс");
    const png = await evaluationChartPng(overview, { t, locale: "en" });
    expectPng(png, size);
    saveArtifact("evaluation.en.png", png);
  });
});
