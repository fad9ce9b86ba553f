import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { translator } from "../../src/i18n.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const SRC = path.join(ROOT, "src/reporting");

function load(lang: string, ns: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(ROOT, "locales", lang, `${ns}.json`), "utf8"));
}

function flatten(obj: Record<string, unknown>, prefix = ""): string[] {
  return Object.entries(obj).flatMap(([k, v]) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? flatten(v as Record<string, unknown>, `${prefix}${k}.`)
      : [`${prefix}${k}`],
  );
}

function has(keys: Set<string>, key: string): boolean {
  return keys.has(key) || (keys.has(`${key}_one`) && keys.has(`${key}_other`));
}

describe("reporting locales", () => {
  const mn = new Set(flatten(load("mn", "reporting")));
  const en = new Set(flatten(load("en", "reporting")));

  it("has the same keys in Mongolian and English", () => {
    expect([...mn].filter((k) => !en.has(k))).toEqual([]);
    expect([...en].filter((k) => !mn.has(k))).toEqual([]);
  });

  it("has every key the reporting code uses", () => {
    const used = new Set<string>();
    for (const file of readdirSync(SRC).filter((f) => f.endsWith(".ts"))) {
      const text = readFileSync(path.join(SRC, file), "utf8");
      for (const m of text.matchAll(/["`]reporting:([\w.]+)["`]/g)) used.add(m[1] as string);
      // Keys completed at run time: period, rating, section, status and column names.
      for (const m of text.matchAll(/`reporting:([\w.]+)\.\$\{/g)) used.add(`${m[1]}.*`);
    }
    const expanded = [...used].flatMap((k) => {
      if (!k.endsWith(".*")) return [k];
      const prefix = k.slice(0, -1);
      const found = [...mn].filter((x) => x.startsWith(prefix));
      return found.length ? [] : [k];
    });
    expect(used.size).toBeGreaterThan(60);
    for (const key of expanded) {
      expect(has(mn, key), `mn ${key}`).toBe(true);
      expect(has(en, key), `en ${key}`).toBe(true);
    }
    for (const kind of ["Q1", "H1", "Q3", "YEAR"]) expect(mn.has(`period.name.${kind}`)).toBe(true);
    for (const r of ["EXCELLENT", "GOOD", "SATISFACTORY", "UNSATISFACTORY"])
      expect(en.has(`rating.${r}`)).toBe(true);
  });

  it("reads naturally with nested period and rating names", () => {
    expect(translator("mn")("reporting:rating.SATISFACTORY")).toBe("Хангалттай");
    expect(translator("mn")("reporting:period.name.H1")).toBe("Хагас жил");
    expect(translator("mn")("reporting:validation.reasonRequired", { suggested: "GOOD" })).toContain(
      "(Сайн)",
    );
    expect(translator("en")("reporting:errors.noOpenPeriodNext", { kind: "Q1", opensAt: "2026.03.06" })).toBe(
      "No reporting period is open now. The First quarter report opens on 2026.03.06.",
    );
    expect(translator("mn")("reporting:warnings.noDates", { count: 2, measures: "1.1, 1.2" })).toContain(
      "1.1, 1.2",
    );
  });
});
