import { readFileSync } from "node:fs";
import path from "node:path";
import ExcelJS from "exceljs";
import { beforeEach, describe, expect, it } from "vitest";
import { importPlan, importPlanFile } from "../../src/reporting/plan-import.js";
import { planTemplate, writePlanFile } from "../../src/reporting/plan-template.js";
import { ManualClock } from "../../src/shared/clock.js";
import { ValidationError } from "../../src/shared/errors.js";
import { useTestDatabase } from "../support/db.js";
import { caught, exampleFile, EXAMPLES, FIXTURES, seedWorld, type World } from "./fixtures.js";

const clock = new ManualClock("2026-01-15T02:00:00Z");

async function measuresOf(prisma: ReturnType<ReturnType<typeof useTestDatabase>>["prisma"], planId: number) {
  return prisma.measure.findMany({
    where: { goal: { planId } },
    orderBy: [{ goal: { number: "asc" } }, { sortOrder: "asc" }],
  });
}

describe("plan template", () => {
  it("has the columns of seeds 000/001 in the user's language", async () => {
    for (const [locale, first, target] of [
      ["mn", "Зорилтын дугаар", "Хүрэх түвшин"],
      ["en", "Goal number", "Target"],
    ] as const) {
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load((await planTemplate(locale)) as never);
      const row = wb.worksheets[0]?.getRow(1).values as unknown[];
      expect(row.slice(1)).toHaveLength(11);
      expect(row[1]).toBe(first);
      expect(row[8]).toBe(target);
      expect(wb.worksheets[1]?.getCell(1, 1).value).toBeTruthy();
      const csv = (await planTemplate(locale, "csv")).toString("utf8");
      expect(csv.startsWith(`\uFEFF${first},`)).toBe(true);
    }
  });
});

describe("plan import", () => {
  const db = useTestDatabase();
  let w: World;
  beforeEach(async () => {
    w = await seedWorld(db().prisma);
  });

  it("imports seed 000's plan (XLSX): 4 goals, 24 measures with their targets and months", async () => {
    const { prisma } = db();
    const res = await importPlan(prisma, clock, {
      actor: w.actors.official,
      year: 2026,
      file: exampleFile("plan-000-hr-specialist.xlsx"),
      fileName: "plan-000-hr-specialist.xlsx",
    });
    expect(res).toMatchObject({ version: 1, status: "DRAFT", goals: 4, measures: 24, superseded: [] });
    const goals = await prisma.goal.findMany({ where: { planId: res.planId }, orderBy: { number: "asc" } });
    expect(goals.map((g) => [g.number, g.section])).toEqual([
      [1, "PLAN"],
      [2, "PLAN"],
      [3, "COMMON"],
      [4, "SKILLS"],
    ]);
    expect(goals[0]?.title).toBe("Хүний нөөцийн бодлогыг хэрэгжүүлж, хүний нөөцийн манлайллаар хангана.");
    const ms = await measuresOf(prisma, res.planId);
    expect(ms).toHaveLength(24);
    const by = new Map(ms.map((m) => [m.number, m]));
    expect(by.get("1.1")).toMatchObject({
      baseline: "90%",
      target: "92%",
      targetType: "PERCENT",
      targetValue: 92,
      startMonth: 1,
      endMonth: 6,
      quarters: [1, 2],
    });
    expect(by.get("1.5")).toMatchObject({
      baseline: "65% 75%",
      target: "70% 85%",
      targetType: "PERCENT",
      targetValue: 70,
    });
    expect(by.get("1.7")).toMatchObject({ targetType: "COUNT", targetValue: 24 });
    expect(by.get("1.10")).toMatchObject({ targetType: "COUNT", targetValue: 6 });
    expect(by.get("1.11")).toMatchObject({ target: "3 60", targetType: "COUNT", targetValue: 3 });
    expect(by.get("1.12")).toMatchObject({ target: null, targetType: "TEXT", targetValue: null });
    expect(by.get("1.17")).toMatchObject({ targetType: "BOOLEAN", targetValue: 1 });
    expect(by.get("2.1")).toMatchObject({ target: "100%", targetType: "PERCENT", targetValue: 100 });
    expect(by.get("4.1")).toMatchObject({
      targetType: "BOOLEAN",
      startMonth: 3,
      endMonth: 12,
      quarters: [1, 2, 3, 4],
    });
    expect(by.get("4.2")).toMatchObject({ target: "Нэгээс доошгүй", targetType: "COUNT", targetValue: 1 });
    const types = ms.reduce<Record<string, number>>((acc, m) => {
      acc[m.targetType] = (acc[m.targetType] ?? 0) + 1;
      return acc;
    }, {});
    expect(types).toEqual({ PERCENT: 12, COUNT: 7, BOOLEAN: 2, TEXT: 3 });
    expect(res.warnings).toEqual([
      { key: "reporting:warnings.noIndicator", params: { count: 3, measures: "1.12, 1.13, 1.14" } },
    ]);
  });

  it("reads the CSV of the same plan identically", async () => {
    const { prisma } = db();
    const xlsx = await importPlan(prisma, clock, {
      actor: w.actors.official,
      year: 2026,
      file: exampleFile("plan-000-hr-specialist.xlsx"),
      fileName: "plan-000-hr-specialist.xlsx",
    });
    const csv = await importPlan(prisma, clock, {
      actor: w.actors.official,
      year: 2026,
      file: exampleFile("plan-000-hr-specialist.csv"),
      fileName: "plan-000-hr-specialist.csv",
    });
    expect(csv).toMatchObject({ version: 2, goals: 4, measures: 24, superseded: [xlsx.planId] });
    const strip = (ms: Awaited<ReturnType<typeof measuresOf>>) =>
      ms.map(({ id: _i, goalId: _g, ...rest }) => rest);
    expect(strip(await measuresOf(prisma, csv.planId))).toEqual(strip(await measuresOf(prisma, xlsx.planId)));
  });

  it("imports seed 001's work plan: 5 goals, 30 measures with quarters and responsible positions", async () => {
    const { prisma } = db();
    const res = await importPlan(prisma, clock, {
      actor: w.actors.foodHead,
      year: 2022,
      file: exampleFile("plan-001-food-agriculture.xlsx"),
      fileName: "plan-001-food-agriculture.xlsx",
    });
    expect(res).toMatchObject({ goals: 5, measures: 30 });
    const ms = await measuresOf(prisma, res.planId);
    const by = new Map(ms.map((m) => [m.number, m]));
    expect([...by.keys()].slice(0, 4)).toEqual(["1.1", "1.2", "1.3", "2.1"]);
    expect(by.get("1.1")).toMatchObject({ targetType: "PERCENT", targetValue: 80, quarters: [1, 2, 3, 4] });
    expect(by.get("1.1")?.responsible).toBe(
      "Хяналт-шинжилгээ, үнэлгээ, дотоод аудитын асуудал хариуцсан мэргэжилтэн",
    );
    expect(by.get("2.2")).toMatchObject({ targetType: "PERCENT", targetValue: 90, quarters: [1, 2] });
    expect(by.get("2.4")).toMatchObject({ target: "Дөрвөн удаа", targetType: "COUNT", targetValue: 4 });
    expect(by.get("2.5")).toMatchObject({ target: "Гурваас доошгүй", targetType: "COUNT", targetValue: 3 });
    expect(by.get("2.6")).toMatchObject({ targetType: "PERCENT", targetValue: 95 });
    expect(by.get("2.8")).toMatchObject({ target: "100 хувь", targetType: "PERCENT", targetValue: 100 });
    expect(by.get("3.2")).toMatchObject({ targetType: "BOOLEAN", targetValue: 1, quarters: [1, 2] });
    expect(by.get("4.1")).toMatchObject({
      target: "10-с доошгүй",
      targetType: "COUNT",
      targetValue: 10,
      quarters: [2, 3, 4],
    });
    expect(by.get("4.6")).toMatchObject({ targetType: "COUNT", targetValue: 2 });
    expect(by.get("4.10")).toMatchObject({ targetType: "COUNT", targetValue: 5 });
    expect(by.get("4.11")).toMatchObject({ targetType: "PERCENT", targetValue: 95 });
    expect(by.get("4.12")).toMatchObject({ targetType: "COUNT", targetValue: 2, quarters: [3, 4] });
    expect(by.get("5.2")).toMatchObject({ targetType: "BOOLEAN" });
    expect(by.get("5.3")).toMatchObject({ targetType: "COUNT", targetValue: 2 });
    const types = ms.reduce<Record<string, number>>((acc, m) => {
      acc[m.targetType] = (acc[m.targetType] ?? 0) + 1;
      return acc;
    }, {});
    expect(types).toEqual({ PERCENT: 16, COUNT: 8, BOOLEAN: 6 });
    expect(res.warnings.map((x) => x.key)).toEqual([
      "reporting:warnings.fewSkills",
      "reporting:warnings.noDates",
    ]);
    expect(res.warnings[0]?.params).toEqual({ count: 0, min: 2 });
    expect(res.warnings[1]?.params.count).toBe(30);
  });

  it("accepts English headers, carried-over goal cells and Excel percent cells", async () => {
    const { prisma } = db();
    const csv = await writePlanFile(
      [
        {
          goalNumber: "1",
          goalTitle: "Goal one",
          section: "plan",
          measure: "Measure A",
          indicator: "Share",
          target: "92%",
        },
        {
          measure: "Measure B",
          indicator: "Trainings",
          target: "4 times",
          period: "Q1-Q2",
          dates: "2026.01-2026.06",
        },
        {
          goalNumber: "2",
          goalTitle: "Skills",
          section: "skills",
          measure: "Course",
          indicator: "Courses",
          target: "2",
        },
      ],
      "en",
      "csv",
    );
    const res = await importPlan(prisma, clock, {
      actor: w.actors.official,
      year: 2026,
      file: csv,
      fileName: "p.csv",
    });
    expect(res).toMatchObject({ goals: 2, measures: 3 });
    const ms = await measuresOf(prisma, res.planId);
    expect(ms.map((m) => [m.number, m.targetType, m.targetValue, m.quarters])).toEqual([
      ["1.1", "PERCENT", 92, [1, 2, 3, 4]],
      ["1.2", "COUNT", 4, [1, 2]],
      ["2.1", "COUNT", 2, [1, 2, 3, 4]],
    ]);

    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet("Plan");
    ws.addRow(["Тайлбар: 2026 оны төлөвлөгөө"]);
    ws.addRow([
      "Зорилтын дугаар",
      "Зорилт",
      "Зорилтыг хэрэгжүүлэх арга хэмжээ",
      "Шалгуур үзүүлэлт",
      "Хүрэх түвшин",
    ]);
    ws.addRow([1, "Зорилт", "Арга хэмжээ", "Хэрэгжилтийн хувь", 0.92]);
    ws.getCell("E3").numFmt = "0%";
    const file = Buffer.from(await wb.xlsx.writeBuffer());
    const res2 = await importPlan(prisma, clock, {
      actor: w.actors.colleague,
      year: 2026,
      file,
      fileName: "p.xlsx",
    });
    const [m] = await measuresOf(prisma, res2.planId);
    expect(m).toMatchObject({ number: "1.1", target: "92%", targetType: "PERCENT", targetValue: 92 });
  });

  it("reports every error of the broken file with its row and column, and writes nothing", async () => {
    const { prisma } = db();
    const file = readFileSync(path.join(FIXTURES, "broken-plan.csv"));
    const err = await caught(
      importPlan(prisma, clock, { actor: w.actors.official, year: 2025, file, fileName: "broken-plan.csv" }),
    );
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).errors).toEqual([
      { row: 3, column: "Хүрэх түвшин", key: "reporting:import.badTarget", params: { value: "150%" } },
      {
        row: 4,
        column: "Хугацаа (улирал)",
        key: "reporting:import.badPeriod",
        params: { value: "I-V улирал" },
      },
      {
        row: 5,
        column: "Эхлэх, дуусах хугацаа",
        key: "reporting:import.datesReversed",
        params: { value: "2025.06.15-01.02" },
      },
      {
        row: 6,
        column: "Арга хэмжээний дугаар",
        key: "reporting:import.measureGoalMismatch",
        params: { value: "2.1", goal: 1 },
      },
      { row: 7, column: "Зорилтын дугаар", key: "reporting:import.badGoalNumber", params: { value: "A" } },
      { row: 8, column: "Хэсэг", key: "reporting:import.badSection", params: { value: "бусад" } },
      { row: 9, column: "Зорилтыг хэрэгжүүлэх арга хэмжээ", key: "reporting:import.measureTitleMissing" },
      {
        row: 10,
        column: "Арга хэмжээний дугаар",
        key: "reporting:import.duplicateMeasure",
        params: { value: "2.1" },
      },
      {
        row: 10,
        column: "Эхлэх, дуусах хугацаа",
        key: "reporting:import.datesYear",
        params: { value: "2024.01.02-06.15", year: 2025 },
      },
      { row: 11, column: "Хүрэх түвшин", key: "reporting:import.badTarget", params: { value: "1O0%" } },
    ]);
    expect(await prisma.performancePlan.count()).toBe(0);
    expect(await prisma.measure.count()).toBe(0);
  });

  it("refuses files that are not plans", async () => {
    const { prisma } = db();
    const missing = await caught(
      importPlan(prisma, clock, {
        actor: w.actors.official,
        year: 2026,
        file: Buffer.from("Зорилтын дугаар,Зорилт,Хэсэг\n1,Зорилт,төлөвлөгөө\n"),
        fileName: "x.csv",
      }),
    );
    expect((missing as ValidationError).errors.map((e) => [e.row, e.key, e.column])).toEqual([
      [1, "reporting:import.missingColumn", "Зорилтыг хэрэгжүүлэх арга хэмжээ"],
      [1, "reporting:import.missingColumn", "Шалгуур үзүүлэлт"],
      [1, "reporting:import.missingColumn", "Хүрэх түвшин"],
    ]);
    const empty = await caught(
      importPlan(prisma, clock, {
        actor: w.actors.official,
        year: 2026,
        file: await planTemplate("mn"),
        fileName: "t.xlsx",
      }),
    );
    expect((empty as ValidationError).errors).toEqual([{ row: 2, key: "reporting:import.noMeasures" }]);
    const pdf = await caught(
      importPlan(prisma, clock, {
        actor: w.actors.official,
        year: 2026,
        file: Buffer.from([0x25, 0x50, 0x44, 0x46, 0x00, 0x01]),
        fileName: "plan.pdf",
      }),
    );
    expect(pdf.key).toBe("reporting:import.unreadable");
  });

  it("lets an admin or the head import for an official, nobody else", async () => {
    const { prisma } = db();
    const file = exampleFile("plan-000-hr-specialist.csv");
    const input = { year: 2026, file, fileName: "p.csv", personId: w.people.official };
    expect((await importPlan(prisma, clock, { ...input, actor: w.actors.orgAdmin })).version).toBe(1);
    expect((await importPlan(prisma, clock, { ...input, actor: w.actors.adminHead })).version).toBe(2);
    expect((await caught(importPlan(prisma, clock, { ...input, actor: w.actors.colleague }))).key).toBe(
      "common:errors.forbidden",
    );
    expect((await caught(importPlan(prisma, clock, { ...input, actor: w.actors.foodHead }))).key).toBe(
      "common:errors.forbidden",
    );
    expect((await caught(importPlan(prisma, clock, { ...input, actor: w.actors.otherHead }))).key).toBe(
      "common:errors.notFound",
    );
  });

  it("imports from disk for the command-line tool", async () => {
    const { prisma } = db();
    const res = await importPlanFile(prisma, clock, {
      file: path.join(EXAMPLES, "plan-001-food-agriculture.xlsx"),
      org: "zdtg",
      person: "E106",
      year: 2022,
    });
    expect(res).toMatchObject({ personId: w.people.foodHead, goals: 5, measures: 30 });
    expect(
      (await caught(importPlanFile(prisma, clock, { file: "x", org: "none", person: "E1", year: 2022 }))).key,
    ).toBe("common:errors.notFound");
  });
});
