import { beforeEach, describe, expect, it } from "vitest";
import {
  currentPeriod,
  ensureYear,
  isDueIn,
  nextPeriod,
  periodQuarters,
  setPeriod,
} from "../../src/reporting/calendar.js";
import { localTime } from "../../src/shared/local-time.js";
import { useTestDatabase } from "../support/db.js";

describe("quarters of periods", () => {
  it("H1 covers quarters 1–2, Q3 covers 3, YEAR all four", () => {
    expect(periodQuarters("Q1")).toEqual([1]);
    expect(periodQuarters("H1")).toEqual([1, 2]);
    expect(periodQuarters("Q3")).toEqual([3]);
    expect(periodQuarters("YEAR")).toEqual([1, 2, 3, 4]);
  });
  it("a measure is due when its quarters meet the period's", () => {
    expect(isDueIn([1, 2, 3, 4], "Q1")).toBe(true);
    expect(isDueIn([3, 4], "H1")).toBe(false);
    expect(isDueIn([2], "H1")).toBe(true);
    expect(isDueIn([2], "Q3")).toBe(false);
    expect(isDueIn([4], "YEAR")).toBe(true);
    expect(isDueIn([], "Q3")).toBe(true);
  });
  it("local time is Asia/Ulaanbaatar (UTC+8)", () => {
    expect(localTime("Asia/Ulaanbaatar", 2026, 3, 20, 23, 59, 59).toISOString()).toBe(
      "2026-03-20T15:59:59.000Z",
    );
    expect(localTime("Asia/Ulaanbaatar", 2026, 1, 1).toISOString()).toBe("2025-12-31T16:00:00.000Z");
  });
});

describe("reporting calendar", () => {
  const db = useTestDatabase();
  let orgId: number;
  beforeEach(async () => {
    orgId = (await db().prisma.organization.create({ data: { slug: "zdtg", name: "ЗДТГ" } })).id;
  });

  it("creates the year's periods from the default deadlines, once", async () => {
    const { prisma } = db();
    const periods = await ensureYear(prisma, orgId, 2026);
    expect(periods.map((p) => [p.kind, p.opensAt.toISOString(), p.deadline.toISOString()])).toEqual([
      ["Q1", "2026-03-05T16:00:00.000Z", "2026-03-20T15:59:59.000Z"],
      ["H1", "2026-05-31T16:00:00.000Z", "2026-06-15T15:59:59.000Z"],
      ["Q3", "2026-09-05T16:00:00.000Z", "2026-09-20T15:59:59.000Z"],
      ["YEAR", "2026-11-25T16:00:00.000Z", "2026-12-10T15:59:59.000Z"],
    ]);
    await ensureYear(prisma, orgId, 2026);
    expect(await prisma.reportingPeriod.count()).toBe(4);
  });

  it("follows the organisation's settings and keeps periods set from the directory", async () => {
    const { prisma } = db();
    await prisma.organization.update({
      where: { id: orgId },
      data: { settings: { reporting: { opensDaysBefore: 7, deadlines: { H1: "06-20" } } } },
    });
    await setPeriod(prisma, orgId, { year: 2026, kind: "Q1", deadline: "2026-04-05" });
    const periods = await ensureYear(prisma, orgId, 2026);
    const byKind = Object.fromEntries(periods.map((p) => [p.kind, p]));
    expect(byKind.Q1?.deadline.toISOString()).toBe("2026-04-05T15:59:59.000Z");
    expect(byKind.Q1?.opensAt.toISOString()).toBe("2026-03-28T16:00:00.000Z");
    expect(byKind.H1?.deadline.toISOString()).toBe("2026-06-20T15:59:59.000Z");
    expect(byKind.H1?.opensAt.toISOString()).toBe("2026-06-12T16:00:00.000Z");
  });

  it("knows the current period around its boundaries", async () => {
    const { prisma } = db();
    const at = (iso: string) => currentPeriod(prisma, orgId, new Date(iso));
    expect(await at("2026-03-05T15:59:59Z")).toBeNull();
    expect((await nextPeriod(prisma, orgId, new Date("2026-03-05T15:59:59Z")))?.kind).toBe("Q1");

    const opened = await at("2026-03-05T16:00:00Z");
    expect([opened?.period.kind, opened?.late]).toEqual(["Q1", false]);
    const lastSecond = await at("2026-03-20T15:59:59Z");
    expect([lastSecond?.period.kind, lastSecond?.late]).toEqual(["Q1", false]);
    const afterDeadline = await at("2026-03-20T16:00:00Z");
    expect([afterDeadline?.period.kind, afterDeadline?.late]).toEqual(["Q1", true]);
    const stillLate = await at("2026-05-31T15:59:59Z");
    expect([stillLate?.period.kind, stillLate?.late]).toEqual(["Q1", true]);
    const h1 = await at("2026-05-31T16:00:00Z");
    expect([h1?.period.kind, h1?.late]).toEqual(["H1", false]);
    const year = await at("2026-12-31T10:00:00Z");
    expect([year?.period.kind, year?.late]).toEqual(["YEAR", true]);
    // In January the previous year-end report stays open for late submission.
    const january = await at("2027-01-10T02:00:00Z");
    expect([january?.period.kind, january?.period.year, january?.late]).toEqual(["YEAR", 2026, true]);
    expect((await nextPeriod(prisma, orgId, new Date("2027-01-10T02:00:00Z")))?.year).toBe(2027);
  });
});
