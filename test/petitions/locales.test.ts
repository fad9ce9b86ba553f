import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  FileKind,
  PetitionChannel,
  PetitionEventType,
  PetitionKind,
  PetitionStatus,
  SenderType,
} from "../../src/generated/prisma/enums.js";
import { PROJECT_ROOT } from "../../src/db/schema-engine.js";
import { translator } from "../../src/i18n.js";

type Tree = { [k: string]: string | Tree };

function load(lang: string): Tree {
  return JSON.parse(readFileSync(path.join(PROJECT_ROOT, "locales", lang, "petitions.json"), "utf8"));
}

function flatten(tree: Tree, prefix = ""): string[] {
  return Object.entries(tree).flatMap(([k, v]) =>
    typeof v === "string" ? [`${prefix}${k}`] : flatten(v, `${prefix}${k}.`),
  );
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory()
      ? sourceFiles(path.join(dir, d.name))
      : d.name.endsWith(".ts")
        ? [path.join(dir, d.name)]
        : [],
  );
}

describe("petitions locale files", () => {
  const mn = flatten(load("mn")).sort();
  const en = flatten(load("en")).sort();

  it("Mongolian and English have the same keys", () => {
    expect(en).toEqual(mn);
  });

  it("every petitions key used in the code exists", () => {
    const used = new Set<string>();
    for (const file of sourceFiles(path.join(PROJECT_ROOT, "src/petitions"))) {
      for (const m of readFileSync(file, "utf8").matchAll(/"petitions:([A-Za-z0-9_.]+)"/g))
        used.add(m[1] as string);
    }
    expect(used.size).toBeGreaterThan(50);
    // A key with plural forms exists as key_one / key_other.
    const missing = [...used].filter((k) => !mn.includes(k) && !mn.includes(`${k}_other`));
    expect(missing).toEqual([]);
  });

  it("names every enum value (kinds, channels, senders, statuses, events) and rating buttons", () => {
    const need = [
      ...Object.values(PetitionKind).map((k) => `kind.${k}`),
      ...Object.values(PetitionChannel).map((k) => `channel.${k}`),
      ...Object.values(SenderType).map((k) => `senderType.${k}`),
      ...Object.values(PetitionStatus).flatMap((k) => [`status.${k}`, `citizenStatus.${k}`]),
      ...Object.values(PetitionEventType).map((k) => `staffEvent.${k}`),
      ...[1, 2, 3, 4, 5].map((n) => `button.rate.${n}`),
    ];
    expect(need.filter((k) => !mn.includes(k))).toEqual([]);
    expect(Object.values(FileKind)).toHaveLength(2);
  });

  it("renders with parameters in both languages", () => {
    const params = { number: "ӨГ-2026-000001", kind: "Өргөдөл", due: "2026.04.09", org: "Сэлэнгэ" };
    const mnText = translator("mn")("petitions:notify.assigned", params);
    expect(mnText).toContain("ӨГ-2026-000001");
    expect(mnText).toContain("2026.04.09");
    expect(translator("en")("petitions:notify.citizenExtended", params)).toContain("Сэлэнгэ");
    expect(translator("mn")("petitions:errors.textTooShort", { min: 10 })).toContain("10");
  });
});
