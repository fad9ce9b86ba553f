/**
 * Mongolian texts never glue a case ending to a placeholder ("{{org}}-ийн", "</b>-д"): the
 * ending comes from the case formatters ("{{org, gen}}"), which can also word a name that
 * takes no ending. A number's ordinal "-р" ("{{row}}-р мөр") is not a case ending.
 */
import { describe, expect, it } from "vitest";
import { loadResources } from "../../src/i18n.js";
import { CASES, FALLBACK_NOUNS } from "../../src/shared/mn-inflect.js";
import { gluedEndings } from "../support/chat.js";

function texts(tree: object, prefix = ""): [string, string][] {
  return Object.entries(tree).flatMap(([k, v]) =>
    v && typeof v === "object"
      ? texts(v, `${prefix}${k}.`)
      : [[`${prefix}${k}`, String(v)] as [string, string]],
  );
}

const mn = Object.entries(loadResources().mn ?? {}).flatMap(([ns, tree]) =>
  texts(tree).map(([key, text]) => [`${ns}:${key}`, text] as const),
);

/** Placeholders that hold numbers or dates: they always take an ending. */
const NUMBERS_AND_DATES = new Set([
  "n",
  "count",
  "min",
  "max",
  "due",
  "date",
  "opens",
  "opensAt",
  "asOf",
  "deadline",
]);

describe("Mongolian texts", () => {
  it("glue no case ending to a placeholder, bold text, a quotation or a command", () => {
    const glued = mn.filter(([, text]) => /(\}\}|<\/b>|»|\/[a-z]+)-(?!р[^а-яёөү])[а-яёөүА-ЯЁӨҮ]/u.test(text));
    expect(glued.map(([key, text]) => `${key}: ${text}`)).toEqual([]);
  });

  it("use only known cases, and name the noun for a name that cannot take an ending", () => {
    const bad: string[] = [];
    for (const [key, text] of mn) {
      for (const m of text.matchAll(/\{\{\s*([\w.]+)\s*,\s*(\w+)(?:\(([^)]*)\))?\s*\}\}/g)) {
        const [, name, format, options] = m;
        if (format === "lc") continue;
        if (!(CASES as readonly string[]).includes(format!)) bad.push(`${key}: unknown case ${format}`);
        const noun =
          /noun:\s*\S/.test(options ?? "") || name! in FALLBACK_NOUNS || NUMBERS_AND_DATES.has(name!);
        if (!noun) bad.push(`${key}: {{${name}, ${format}}} has no noun to fall back on`);
      }
    }
    expect(bad).toEqual([]);
  });

  it("leave English texts without case formatters", () => {
    const en = Object.values(loadResources().en ?? {}).flatMap((tree) => texts(tree).map(([, t]) => t));
    expect(en.filter((t) => /\{\{\s*[\w.]+\s*,\s*(gen|acc|dat|abl|ins|com|dir)\b/.test(t))).toEqual([]);
  });

  it("the check of the bot's messages finds a glued ending and passes the right forms", () => {
    expect(gluedEndings("Аймгийн Засаг даргын Тамгын газар-ийн ажилтан О.Сарантуяа-тэй, хэлтэс-т")).toEqual([
      "газар-ийн",
      "Сарантуяа-тэй",
      "хэлтэс-т",
    ]);
    expect(
      gluedEndings("2027.01.09-ний дотор, 2-ыг, Аймгийн ЗДТГ-т, Хяналт-шинжилгээ, Бат-Эрдэнэд, 3-р мөр"),
    ).toEqual([]);
  });
});
