import { describe, expect, it } from "vitest";
import { formatDate, formatDateTime, getI18n, translator } from "../../src/i18n.js";

// translator(locale) remembers texts by key and values; it must always say what i18next says.
describe("translator", () => {
  const direct = (lng: "mn" | "en") => getI18n().getFixedT(lng);

  it("gives the same texts as i18next, first and second time, in both languages", () => {
    for (const lng of ["mn", "en"] as const) {
      const t = translator(lng);
      const calls: [string, Record<string, unknown>?][] = [
        ["common:start.welcomeCitizen"],
        ["common:start.welcomeCitizenOrg", { org: "Аймгийн Засаг даргын Тамгын газар" }],
        ["common:start.welcomeStaff", { name: "Б.Болд", org: "Сумын Тамгын газар", roles: "<x>" }],
        [
          "common:start.welcomeStaff",
          { name: "Б.Болд", org: "Acme LLC", roles: "a", interpolation: { escapeValue: false } },
        ],
      ];
      for (const [key, options] of calls) {
        const expected = direct(lng)(key, options as never);
        expect(t(key, options as never)).toBe(expected);
        expect(t(key, options as never)).toBe(expected);
      }
    }
  });

  it("keeps values apart that look alike once joined", () => {
    const t = translator("en");
    const a = t("common:start.welcomeStaff", { name: 'x",roles:"y', org: "o", roles: "r" });
    const b = t("common:start.welcomeStaff", { name: "x", roles: "y", org: "o" });
    expect(a).not.toBe(b);
    expect(t("common:start.welcomeStaff", { name: 1, org: "o", roles: "r" })).toBe(
      direct("en")("common:start.welcomeStaff", { name: 1, org: "o", roles: "r" }),
    );
    expect(t("common:start.welcomeStaff", { name: "1", org: "o", roles: "r" })).toBe(
      direct("en")("common:start.welcomeStaff", { name: "1", org: "o", roles: "r" }),
    );
  });

  it("passes long values, Dates, arrays and object results through to i18next", () => {
    const t = translator("en");
    const long = "ж".repeat(5000);
    expect(t("common:start.welcomeCitizenOrg", { org: long })).toContain(long);
    const when = new Date("2026-03-10T01:00:00Z");
    expect(t("common:start.welcomeCitizenOrg", { org: when as never })).toBe(
      direct("en")("common:start.welcomeCitizenOrg", { org: when as never }),
    );
    const lines = t("reporting:template.help", { returnObjects: true }) as unknown;
    const again = t("reporting:template.help", { returnObjects: true }) as unknown;
    expect(lines).toEqual(direct("en")("reporting:template.help", { returnObjects: true }));
    expect(again).toEqual(lines);
  });

  it("formats dates in Ulaanbaatar time", () => {
    expect(formatDate("2026-03-09T17:00:00Z")).toBe("2026.03.10");
    expect(formatDateTime("2026-03-09T17:05:00Z")).toBe("2026.03.10 01:05");
    expect(formatDate("2026-03-09T17:00:00Z", "UTC")).toBe("2026.03.09");
  });
});
