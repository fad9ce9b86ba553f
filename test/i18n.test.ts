/**
 * Every user-visible text lives in locales/: both languages have the same keys, and every
 * key written in the code exists.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { LOCALES_DIR, loadResources } from "../src/i18n.js";

const SRC = path.join(LOCALES_DIR, "..", "src");
const PLURAL = /_(zero|one|two|few|many|other)$/;

function flatten(obj: object, prefix = ""): string[] {
  return Object.entries(obj).flatMap(([k, v]) =>
    v && typeof v === "object" ? flatten(v, `${prefix}${k}.`) : [`${prefix}${k}`],
  );
}

function keysOf(lng: string): Set<string> {
  const res = loadResources()[lng] ?? {};
  return new Set(
    Object.entries(res).flatMap(([ns, tree]) => flatten(tree).map((k) => `${ns}:${k.replace(PLURAL, "")}`)),
  );
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (name === "generated") return [];
    return statSync(p).isDirectory() ? sourceFiles(p) : p.endsWith(".ts") ? [p] : [];
  });
}

describe("locales", () => {
  const mn = keysOf("mn");
  const en = keysOf("en");
  const namespaces = readdirSync(path.join(LOCALES_DIR, "mn")).map((f) => f.replace(/\.json$/, ""));

  it("have the same namespaces in both languages", () => {
    expect(readdirSync(path.join(LOCALES_DIR, "en")).sort()).toEqual(
      readdirSync(path.join(LOCALES_DIR, "mn")).sort(),
    );
  });

  it("have the same keys in Mongolian and English", () => {
    expect([...mn].filter((k) => !en.has(k))).toEqual([]);
    expect([...en].filter((k) => !mn.has(k))).toEqual([]);
  });

  it("have no empty texts", () => {
    for (const lng of ["mn", "en"]) {
      const res = loadResources()[lng] ?? {};
      for (const [ns, tree] of Object.entries(res)) {
        const walk = (o: Record<string, unknown>, p: string) => {
          for (const [k, v] of Object.entries(o)) {
            if (v && typeof v === "object") walk(v as Record<string, unknown>, `${p}${k}.`);
            else expect(String(v).trim(), `${lng}/${ns}:${p}${k}`).not.toBe("");
          }
        };
        walk(tree as Record<string, unknown>, "");
      }
    }
  });

  it("define every key the code uses", () => {
    const literal = new RegExp(`["'\`]((?:${namespaces.join("|")}):[A-Za-z0-9_.]+)["'\`]`, "g");
    const missing: string[] = [];
    for (const file of sourceFiles(SRC)) {
      const text = readFileSync(file, "utf8");
      for (const m of text.matchAll(literal)) {
        const key = m[1]!;
        if (key.endsWith(".")) continue; // a prefix completed at run time
        // A list or object read with returnObjects is defined by its children.
        const defined =
          mn.has(key) || mn.has(key.replace(PLURAL, "")) || [...mn].some((k) => k.startsWith(`${key}.`));
        if (!defined) missing.push(`${path.relative(SRC, file)}: ${key}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it("define every key a dynamic prefix can produce for the known enums", () => {
    for (const role of [
      "OFFICIAL",
      "UNIT_HEAD",
      "PETITION_CLERK",
      "EVALUATION_TEAM",
      "ORG_ADMIN",
      "ORG_HEAD",
    ]) {
      expect(mn.has(`common:roles.${role}`)).toBe(true);
    }
  });
});
