import { describe, expect, it } from "vitest";
import {
  narrativeHasFigures,
  parseDateRange,
  parseQuarters,
  parseTarget,
  suggestCompletion,
  validateAchieved,
  validateCompletion,
  validateNarrative,
} from "../../src/reporting/parse.js";

function target(raw: string, indicator = "") {
  const r = parseTarget(raw, indicator);
  if (!r.ok) throw new Error(`${raw}: ${r.key}`);
  return { type: r.value.type, value: r.value.value, values: r.value.values, atLeast: r.value.atLeast };
}

describe("target and baseline cells (seeds 000 and 001)", () => {
  it("reads percents, also two indicators in one cell", () => {
    expect(target("92%")).toMatchObject({ type: "PERCENT", value: 92, values: [92] });
    expect(target("90%")).toMatchObject({ type: "PERCENT", value: 90 });
    expect(target("0%")).toMatchObject({ type: "PERCENT", value: 0 });
    expect(target("90% 92%")).toMatchObject({ type: "PERCENT", value: 90, values: [90, 92] });
    expect(target("65% 75%")).toMatchObject({ type: "PERCENT", value: 65, values: [65, 75] });
    expect(target("70% 85%")).toMatchObject({ type: "PERCENT", value: 70, values: [70, 85] });
    expect(target("92,5%")).toMatchObject({ type: "PERCENT", value: 92.5 });
  });

  it("reads labelled percents and 'not less than' percents", () => {
    expect(target("Хэрэгжилт - 80%")).toMatchObject({ type: "PERCENT", value: 80 });
    expect(target("Хэрэгжилт - 100%")).toMatchObject({ type: "PERCENT", value: 100 });
    expect(target("Шийдвэрлэлт - 90%")).toMatchObject({ type: "PERCENT", value: 90 });
    expect(target("95-аас доошгүй хувь")).toMatchObject({ type: "PERCENT", value: 95, atLeast: true });
    expect(target("98-аас доошгүй хувь")).toMatchObject({ type: "PERCENT", value: 98, atLeast: true });
    expect(target("95 хувиас доошгүй")).toMatchObject({ type: "PERCENT", value: 95, atLeast: true });
    expect(target("100 хувь")).toMatchObject({ type: "PERCENT", value: 100, atLeast: false });
  });

  it("reads counts in digits and in words", () => {
    expect(target("4 удаа")).toMatchObject({ type: "COUNT", value: 4 });
    expect(target("2")).toMatchObject({ type: "COUNT", value: 2 });
    expect(target("46")).toMatchObject({ type: "COUNT", value: 46 });
    expect(target("2 50")).toMatchObject({ type: "COUNT", value: 2, values: [2, 50] });
    expect(target("Хоёроос доошгүй")).toMatchObject({ type: "COUNT", value: 2, atLeast: true });
    expect(target("Нэгээс доошгүй")).toMatchObject({ type: "COUNT", value: 1, atLeast: true });
    expect(target("Гурваас доошгүй")).toMatchObject({ type: "COUNT", value: 3, atLeast: true });
    expect(target("Гурваас доошгүй удаа")).toMatchObject({ type: "COUNT", value: 3, atLeast: true });
    expect(target("Хоёроос доошгүй удаа")).toMatchObject({ type: "COUNT", value: 2 });
    expect(target("Таваас доошгүй")).toMatchObject({ type: "COUNT", value: 5 });
    expect(target("Дөрвөн удаа")).toMatchObject({ type: "COUNT", value: 4, atLeast: false });
    expect(target("10-с доошгүй")).toMatchObject({ type: "COUNT", value: 10, atLeast: true });
  });

  it("uses the indicator: a bare number under a percent indicator is a percent", () => {
    expect(target("95", "Хэрэгжилтийн хувь")).toMatchObject({ type: "PERCENT", value: 95 });
    expect(target("3", "Гаргасан судалгааны тоо")).toMatchObject({ type: "COUNT", value: 3 });
    expect(target("3 60", "Сургалтын тоо, хамрагдсан албан хаагчийн тоо")).toMatchObject({
      type: "COUNT",
      values: [3, 60],
    });
  });

  it("reads yes/no measures", () => {
    expect(target("тийм -1, үгүй -0")).toMatchObject({ type: "BOOLEAN", value: 1 });
    expect(target("1", "Хуваарь батлагдсан эсэх (тийм -1, үгүй -0) Хэрэгжилтийн хувь")).toMatchObject({
      type: "BOOLEAN",
      value: 1,
    });
    expect(target("Хөдөлмөрийн дотоод журам шинэчлэгдсэн байна.", "Шинэчилсэн эсэх")).toMatchObject({
      type: "BOOLEAN",
      value: 1,
    });
    expect(target("", "Туршлага судалсан эсэх")).toMatchObject({ type: "BOOLEAN", value: 1 });
  });

  it("keeps prose as TEXT and an empty cell as TEXT without value", () => {
    expect(target("Хөдөлмөрийн дотоод журамд тусгаж, хэрэгжилтийг хангасан байна.")).toMatchObject({
      type: "TEXT",
      value: null,
    });
    expect(target("")).toMatchObject({ type: "TEXT", value: null, values: [] });
    expect(target("2022 оны 05 дугаар сарын 01-ний өдөрт багтаан")).toMatchObject({ type: "TEXT" });
  });

  it("refuses cells that look like figures but are not", () => {
    for (const bad of ["150%", "1O0%", "%", "-5%", "9..2%", "2.5 удаа"]) {
      const r = parseTarget(bad);
      expect(r.ok, bad).toBe(false);
      if (!r.ok) {
        expect(r.key).toBe("reporting:import.badTarget");
        expect(r.params).toEqual({ value: bad });
      }
    }
  });
});

describe("periods", () => {
  const q = (raw: string) => {
    const r = parseQuarters(raw);
    if (!r.ok) throw new Error(raw);
    return r.value;
  };
  it("reads quarters as the plans write them", () => {
    expect(q("I-IV улирал")).toEqual([1, 2, 3, 4]);
    expect(q("I-II улирал")).toEqual([1, 2]);
    expect(q("II улирал")).toEqual([2]);
    expect(q("IV улирал")).toEqual([4]);
    expect(q("II-IV улирал")).toEqual([2, 3, 4]);
    expect(q("III-IV улирал")).toEqual([3, 4]);
    expect(q("I, III улирал")).toEqual([1, 3]);
    expect(q("Q1-Q4")).toEqual([1, 2, 3, 4]);
    expect(q("1-2 улирал")).toEqual([1, 2]);
    expect(q("Жилдээ")).toEqual([1, 2, 3, 4]);
    expect(q("Улирал бүр")).toEqual([1, 2, 3, 4]);
    expect(q("Хагас жил")).toEqual([1, 2]);
    expect(q("")).toBeNull();
  });
  it("reads months", () => {
    expect(q("3 сар")).toEqual([1]);
    expect(q("1-6 сар")).toEqual([1, 2]);
    expect(q("5 дугаар сар")).toEqual([2]);
    expect(q("6-р сар")).toEqual([2]);
    expect(q("10-12 сар")).toEqual([4]);
  });
  it("refuses what is not a quarter", () => {
    for (const bad of ["I-V улирал", "V улирал", "IV-II улирал", "13 сар", "удахгүй"]) {
      const r = parseQuarters(bad);
      expect(r.ok, bad).toBe(false);
      if (!r.ok) expect(r.key).toBe("reporting:import.badPeriod");
    }
  });
});

describe("start–end dates", () => {
  it("reads seed 000's dates into months", () => {
    const a = parseDateRange("2025.01.02-06.15");
    expect(a).toEqual({
      ok: true,
      value: { startMonth: 1, endMonth: 6, year: 2025, startDate: "2025-01-02", endDate: "2025-06-15" },
    });
    const b = parseDateRange("2025.01.02-2025.06.15");
    expect(b.ok && b.value).toMatchObject({ startMonth: 1, endMonth: 6, endDate: "2025-06-15" });
    const c = parseDateRange("2025.01.02 – 2025.06.15");
    expect(c.ok && c.value).toMatchObject({ startMonth: 1, endMonth: 6 });
    const d = parseDateRange("2025.03-2025.12");
    expect(d.ok && d.value).toMatchObject({ startMonth: 3, endMonth: 12, startDate: null });
    const e = parseDateRange("01.02-06.15");
    expect(e.ok && e.value).toMatchObject({ startMonth: 1, endMonth: 6, year: null });
    expect(parseDateRange("")).toEqual({ ok: true, value: null });
  });
  it("refuses malformed, reversed and cross-year ranges", () => {
    expect(parseDateRange("2025.13.01-12.01")).toMatchObject({ ok: false, key: "reporting:import.badDates" });
    expect(parseDateRange("2024.03.05 1-12.05")).toMatchObject({
      ok: false,
      key: "reporting:import.badDates",
    });
    expect(parseDateRange("2025.06.15-01.02")).toMatchObject({
      ok: false,
      key: "reporting:import.datesReversed",
    });
    expect(parseDateRange("2024.12.01-2025.02.01")).toMatchObject({
      ok: false,
      key: "reporting:import.datesYear",
    });
  });
});

describe("achieved levels typed by officials", () => {
  it("percent", () => {
    expect(validateAchieved("PERCENT", "92")).toEqual({ ok: true, value: 92, text: "92%" });
    expect(validateAchieved("PERCENT", "92%")).toEqual({ ok: true, value: 92, text: "92%" });
    expect(validateAchieved("PERCENT", "92,5")).toEqual({ ok: true, value: 92.5, text: "92.5%" });
    expect(validateAchieved("PERCENT", " 72% 80% ")).toEqual({ ok: true, value: 72, text: "72% 80%" });
    expect(validateAchieved("PERCENT", "Хэрэгжилт - 80%")).toMatchObject({ ok: true, value: 80 });
    // Over the target is a real result (the completion is capped elsewhere, not the level).
    expect(validateAchieved("PERCENT", "150")).toMatchObject({ ok: true, value: 150, text: "150%" });
    expect(validateAchieved("PERCENT", "1200")).toMatchObject({
      ok: false,
      key: "reporting:validation.percentRange",
    });
    expect(validateAchieved("PERCENT", "ихэнх нь")).toMatchObject({
      ok: false,
      key: "reporting:validation.percent",
    });
  });
  it("count", () => {
    expect(validateAchieved("COUNT", "2")).toEqual({ ok: true, value: 2, text: "2" });
    expect(validateAchieved("COUNT", "4 удаа")).toEqual({ ok: true, value: 4, text: "4 удаа" });
    expect(validateAchieved("COUNT", "3 60")).toMatchObject({ ok: true, value: 3 });
    expect(validateAchieved("COUNT", "Гурван удаа")).toMatchObject({ ok: true, value: 3 });
    expect(validateAchieved("COUNT", "2.5")).toMatchObject({ ok: false, key: "reporting:validation.count" });
    expect(validateAchieved("COUNT", "50%")).toMatchObject({ ok: false, key: "reporting:validation.count" });
    expect(validateAchieved("COUNT", "олон")).toMatchObject({ ok: false, key: "reporting:validation.count" });
  });
  it("yes/no", () => {
    expect(validateAchieved("BOOLEAN", "тийм")).toEqual({ ok: true, value: 1, text: "тийм" });
    expect(validateAchieved("BOOLEAN", "Үгүй")).toEqual({ ok: true, value: 0, text: "Үгүй" });
    expect(validateAchieved("BOOLEAN", "yes")).toMatchObject({ ok: true, value: 1 });
    expect(validateAchieved("BOOLEAN", "no")).toMatchObject({ ok: true, value: 0 });
    expect(validateAchieved("BOOLEAN", "1")).toMatchObject({ ok: true, value: 1 });
    expect(validateAchieved("BOOLEAN", "магадгүй")).toMatchObject({
      ok: false,
      key: "reporting:validation.boolean",
    });
  });
  it("text and the shared limits", () => {
    expect(validateAchieved("TEXT", "Журам батлагдсан.")).toEqual({
      ok: true,
      value: null,
      text: "Журам батлагдсан.",
    });
    expect(validateAchieved("TEXT", "   ")).toMatchObject({ ok: false, key: "reporting:validation.empty" });
    expect(validateAchieved("TEXT", "a".repeat(2001))).toMatchObject({
      ok: false,
      key: "reporting:validation.tooLong",
      params: { max: 2000, length: 2001 },
    });
  });
});

describe("completion", () => {
  it("is suggested from achieved vs target", () => {
    expect(suggestCompletion("PERCENT", 92, 92)).toBe(100);
    expect(suggestCompletion("PERCENT", 92, 46)).toBe(50);
    expect(suggestCompletion("PERCENT", 90, 99)).toBe(100);
    expect(suggestCompletion("PERCENT", 97, 90)).toBe(93);
    expect(suggestCompletion("COUNT", 3, 2)).toBe(67);
    expect(suggestCompletion("COUNT", 24, 30)).toBe(100);
    expect(suggestCompletion("COUNT", 0, 0)).toBe(100);
    expect(suggestCompletion("BOOLEAN", 1, 1)).toBe(100);
    expect(suggestCompletion("BOOLEAN", 1, 0)).toBe(0);
    expect(suggestCompletion("TEXT", null, null)).toBeNull();
    expect(suggestCompletion("PERCENT", null, 50)).toBeNull();
    expect(suggestCompletion("PERCENT", 90, null)).toBeNull();
  });
  it("is validated as a whole number 0–100", () => {
    expect(validateCompletion("85")).toEqual({ ok: true, value: 85 });
    expect(validateCompletion("85%")).toEqual({ ok: true, value: 85 });
    expect(validateCompletion(100)).toEqual({ ok: true, value: 100 });
    expect(validateCompletion("92,6")).toEqual({ ok: true, value: 93 });
    expect(validateCompletion("101")).toMatchObject({ ok: false, key: "reporting:validation.completion" });
    expect(validateCompletion("-1")).toMatchObject({ ok: false });
    expect(validateCompletion("бүгд")).toMatchObject({ ok: false });
  });
});

describe("narratives", () => {
  it("are at most 2000 characters and nudged towards figures", () => {
    expect(validateNarrative("  ")).toEqual({ ok: true, value: null });
    expect(validateNarrative("x".repeat(2000))).toMatchObject({ ok: true });
    expect(validateNarrative("x".repeat(2001))).toMatchObject({
      ok: false,
      key: "reporting:validation.tooLong",
    });
    expect(narrativeHasFigures("Засгийн газрын иргэд олон нийттэй харилцах төвөөр 56 өргөдөл ирсэн")).toBe(
      true,
    );
    expect(narrativeHasFigures("Хөтөлбөрийг танилцуулахаар ажиллаж байна.")).toBe(false);
    expect(narrativeHasFigures(null)).toBe(false);
  });
});
