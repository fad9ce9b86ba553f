import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { LOCALES_DIR } from "../../src/i18n.js";
import { fitText, MissingTranslationError, renderPayload } from "../../src/scheduling/render.js";

describe("renderPayload", () => {
  it("translates nested keys, formats dates, joins lines and escapes plain values once", () => {
    const payload = {
      key: "scheduling:report.overdueList",
      params: {
        year: 2026,
        period: { t: "scheduling:period.H1" },
        deadline: { date: "2026-06-15T15:59:59.999Z" },
        count: 2,
        names: { join: ["Б.Болд <дарга>", "Д.Дорж & Co"], sep: ", " },
      },
      buttons: [[{ key: "scheduling:button.reviewList", data: "rv:list" }]],
    };
    const mn = renderPayload(payload, "mn", "Asia/Ulaanbaatar");
    expect(mn.text).toBe(
      "⚠️ 2026 оны хагас жилийн тайлангаа хугацаанд нь (2026.06.15) илгээгээгүй албан хаагч: 2\n" +
        "Б.Болд &lt;дарга&gt;, Д.Дорж &amp; Co",
    );
    expect(mn.buttons).toEqual([[{ text: "Хянах тайлангууд", data: "rv:list" }]]);
    const en = renderPayload(payload, "en", "Asia/Ulaanbaatar");
    expect(en.text).toContain("half-year 2026 report by the deadline (2026.06.15): 2");
  });

  it("skips empty parts of a joined value", () => {
    const text = renderPayload(
      {
        key: "scheduling:digest.weeklyTitle",
        params: {
          date: { date: "2026-03-16T01:00:00Z" },
          body: { join: [{ t: "scheduling:digest.review", params: { count: 3 } }, "", null] },
        },
      },
      "en",
      "Asia/Ulaanbaatar",
    ).text;
    expect(text).toBe("📋 <b>Weekly digest</b> (2026.03.16)\n\n📝 Reports waiting for your review: 3");
  });

  it("refuses a key that does not exist rather than showing it", () => {
    expect(() => renderPayload({ key: "scheduling:nope" }, "mn", "Asia/Ulaanbaatar")).toThrow(
      MissingTranslationError,
    );
    expect(() =>
      renderPayload(
        { key: "scheduling:report.overdue", params: { period: { t: "scheduling:period.Q9" } } },
        "mn",
        "Asia/Ulaanbaatar",
      ),
    ).toThrow(/scheduling:period.Q9/);
  });

  it("shortens an over-long text to Telegram's limit without cutting a tag", () => {
    const long = `<b>Гарчиг</b>\n${"мөр &amp; текст\n".repeat(400)}`;
    const fitted = fitText(long);
    expect(fitted.length).toBeLessThanOrEqual(4096);
    expect(fitted.endsWith("…")).toBe(true);
    expect(fitted).not.toMatch(/<b>/);
    expect(fitText("short")).toBe("short");
  });
});

describe("scheduling locale files", () => {
  const read = (lng: string) =>
    JSON.parse(readFileSync(path.join(LOCALES_DIR, lng, "scheduling.json"), "utf8")) as Record<
      string,
      unknown
    >;
  const keys = (o: Record<string, unknown>, prefix = ""): string[] =>
    Object.entries(o).flatMap(([k, v]) =>
      v && typeof v === "object" ? keys(v as Record<string, unknown>, `${prefix}${k}.`) : [`${prefix}${k}`],
    );

  it("has the same keys in Mongolian and English", () => {
    expect(keys(read("mn")).sort()).toEqual(keys(read("en")).sort());
  });

  it("has every scheduling key used in src/scheduling and src/jobs", async () => {
    const { readdirSync } = await import("node:fs");
    const root = path.resolve(LOCALES_DIR, "..", "src");
    const used = new Set<string>();
    for (const dir of ["scheduling", "jobs"]) {
      for (const f of readdirSync(path.join(root, dir))) {
        const src = readFileSync(path.join(root, dir, f), "utf8");
        for (const m of src.matchAll(/"scheduling:([\w.]+)"/g)) used.add(m[1]!);
        for (const m of src.matchAll(/`scheduling:([\w.]+)\$\{/g)) used.add(`${m[1]!}*`);
      }
    }
    const mn = new Set(keys(read("mn")));
    const has = (k: string) =>
      k.endsWith("*") ? [...mn].some((x) => x.startsWith(k.slice(0, -1))) : mn.has(k);
    expect([...used].filter((k) => !has(k))).toEqual([]);
    for (const base of ["report.reminder", "petition.reminder"]) {
      for (const suffix of ["", "Tomorrow", "Today"]) expect(mn.has(`${base}${suffix}`)).toBe(true);
    }
    for (const kind of ["Q1", "H1", "Q3", "YEAR"]) expect(mn.has(`period.${kind}`)).toBe(true);
  });
});
