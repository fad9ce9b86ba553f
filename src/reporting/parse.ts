/**
 * Readers for the cells of performance plans and for what officials type in a report.
 * Plans are written by hand in Word and Excel (seeds 000 and 001), so the same value comes
 * in many shapes: "92%", "90% 92%", "Хэрэгжилт - 80%", "95-аас доошгүй хувь", "4 удаа",
 * "Хоёроос доошгүй", "тийм -1, үгүй -0", "I-IV улирал", "2025.01.02-06.15". Everything here
 * is pure: no database, no clock.
 */
import type { TargetType } from "../generated/prisma/enums.js";
import { hasWords } from "../shared/text.js";

/** A reader's verdict: a value, or a locale key (with params) saying what is wrong. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; key: string; params?: Record<string, unknown> };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const refuse = (
  key: string,
  params?: Record<string, unknown>,
): { ok: false; key: string; params?: Record<string, unknown> } =>
  params ? { ok: false, key, params } : { ok: false, key };
const fail = <T>(key: string, params?: Record<string, unknown>): Parsed<T> =>
  params ? { ok: false, key, params } : { ok: false, key };

/** At most this many characters per measure text and narrative (seed 003). */
export const NARRATIVE_MAX = 2000;

/**
 * The highest achieved percent taken: a level above the target is real (seed 000 reports
 * 96% against 95%, and counts far over plan), so the level is not capped at 100; the
 * completion percent is (./rating.ts, suggestCompletion).
 */
export const ACHIEVED_PERCENT_MAX = 1000;

/** At most this many characters in the reason a measure is not due in the period. */
export const NOT_DUE_REASON_MAX = 500;

/** Trims, folds the many dashes and spaces of Word documents into plain ones. */
export function normalizeCell(raw: unknown): string {
  if (raw === null || raw === undefined) return "";
  return String(raw)
    .replace(/[\u00a0\u2007\u202f\t]/g, " ")
    .replace(/[\u2010-\u2015\u2212]/g, "-")
    .replace(/\s+/g, " ")
    .trim();
}

// ───────────────────────────── numbers ─────────────────────────────

/** "92", "92.5", "92,5" (Mongolian decimal comma) → number; anything else → null. */
export function parseNumber(token: string): number | null {
  if (!/^\d+(?:[.,]\d+)?$/.test(token)) return null;
  return Number(token.replace(",", "."));
}

/** Number words as they appear in plans: "Дөрвөн удаа", "Хоёроос доошгүй", "Таваас доошгүй". */
const NUMBER_WORDS: Record<string, number> = {};
for (const [n, forms] of [
  [1, ["нэг", "нэгэн", "нэгээс", "one"]],
  [2, ["хоёр", "хоёроос", "two"]],
  [3, ["гурав", "гурван", "гурваас", "three"]],
  [4, ["дөрөв", "дөрвөн", "дөрвөөс", "four"]],
  [5, ["тав", "таван", "таваас", "five"]],
  [6, ["зургаа", "зургаан", "зургаагаас", "six"]],
  [7, ["долоо", "долоон", "долоогоос", "seven"]],
  [8, ["найм", "найман", "наймаас", "eight"]],
  [9, ["ес", "есөн", "есөөс", "nine"]],
  [10, ["арав", "арван", "арваас", "ten"]],
] as const) {
  for (const f of forms) NUMBER_WORDS[f] = n;
}

/** Words that carry no value of their own around a number ("95-аас доошгүй хувь", "4 удаа"). */
const FILLERS = new Set([
  "аас",
  "ээс",
  "оос",
  "өөс",
  "иас",
  "с",
  "доошгүй",
  "дээш",
  "удаа",
  "удаагийн",
  "ба",
  "нь",
  "-",
  "times",
  "time",
  "at",
  "least",
  "or",
  "more",
]);
const PERCENT_WORDS = new Set(["%", "хувь", "хувиар", "хувиас", "хувьтай", "percent"]);
const AT_LEAST_WORDS = new Set(["доошгүй", "дээш", "least"]);

interface Figures {
  values: number[];
  percent: boolean;
  atLeast: boolean;
  /** A token with digits that is not a number ("1O0", "9..2", "-5"). */
  malformed: boolean;
  /** A word that is neither a number nor a filler: the cell is prose. */
  prose: boolean;
}

/** Splits a cell into numbers and filler words: "95-аас доошгүй хувь" → 95, percent, at least. */
function figuresOf(text: string): Figures {
  const s = text
    .toLowerCase()
    .replace(/%/g, " % ")
    .replace(/(\d)\s*-\s*(?=\p{L})/gu, "$1 ")
    .replace(/(\d)(?=\p{L})/gu, "$1 ");
  const tokens = s.split(/[\s;]+/).filter(Boolean);
  const f: Figures = { values: [], percent: false, atLeast: false, malformed: false, prose: false };
  for (const raw of tokens) {
    const tok = raw.replace(/[.,:]+$/, "");
    if (!tok) continue;
    const n = parseNumber(tok);
    if (n !== null) {
      f.values.push(n);
    } else if (NUMBER_WORDS[tok] !== undefined) {
      f.values.push(NUMBER_WORDS[tok]);
    } else if (PERCENT_WORDS.has(tok)) {
      f.percent = true;
    } else if (FILLERS.has(tok)) {
      if (AT_LEAST_WORDS.has(tok)) f.atLeast = true;
    } else if (/\d/.test(tok)) {
      f.malformed = true;
    } else {
      f.prose = true;
    }
  }
  return f;
}

function formatNumber(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Math.round(n * 100) / 100);
}

// ───────────────────────────── targets ─────────────────────────────

export interface ParsedTarget {
  type: TargetType;
  /** The primary value (the first of several indicators); null for TEXT. */
  value: number | null;
  /** Every value, in order: "90% 92%" → [90, 92]. */
  values: number[];
  /** "… доошгүй" (not less than). */
  atLeast: boolean;
  /** The cell as written (normalised spaces). */
  text: string;
}

const YES_NO =
  /тийм\s*[-–:=]?\s*1\b[\s\S]*үгүй\s*[-–:=]?\s*0\b|yes\s*[-–:=]?\s*1\b[\s\S]*no\s*[-–:=]?\s*0\b/i;
/** "… эсэх" (whether …): the indicator asks a yes/no question. */
const WHETHER = /эсэх|\bwhether\b/i;
const LABELLED_PERCENT = /^\p{L}[\p{L}\s.,]*?\s*[-:]\s*(\d+(?:[.,]\d+)?)\s*%$/u;

function indicatorMeansPercent(indicator: string): boolean {
  return /хув|%|percent/i.test(indicator) && !/(^|[^\p{L}])тоо([^\p{L}]|$)|count|number/iu.test(indicator);
}

/**
 * Reads a target or baseline cell and infers its type. `indicator` (the shalguur
 * üzüülelt) helps: "Хуваарь батлагдсан эсэх (тийм -1, үгүй -0)" makes a yes/no measure,
 * "Хэрэгжилтийн хувь" turns a bare "95" into a percent. Prose stays TEXT; an empty cell is
 * TEXT with no value. Fails only for cells that look like figures but are not
 * ("1O0%", "150%", "%").
 */
export function parseTarget(raw: unknown, indicator: unknown = ""): Parsed<ParsedTarget> {
  const text = normalizeCell(raw);
  const ind = normalizeCell(indicator);
  const result = (type: TargetType, values: number[], atLeast = false): Parsed<ParsedTarget> =>
    ok({ type, value: values[0] ?? null, values, atLeast, text });

  if (YES_NO.test(text) || YES_NO.test(ind)) {
    const v = yesNoValue(text);
    return result("BOOLEAN", [v ?? 1]);
  }
  if (!text) return WHETHER.test(ind) ? result("BOOLEAN", [1]) : result("TEXT", []);

  const labelled = LABELLED_PERCENT.exec(text);
  if (labelled?.[1]) {
    const v = Number(labelled[1].replace(",", "."));
    if (v > 100) return fail("reporting:import.badTarget", { value: text });
    return result("PERCENT", [v]);
  }

  const f = figuresOf(text);
  if (!f.prose) {
    if (f.malformed || f.values.length === 0) return fail("reporting:import.badTarget", { value: text });
    if (
      WHETHER.test(ind) &&
      f.values.length === 1 &&
      (f.values[0] === 0 || f.values[0] === 1) &&
      !f.percent
    ) {
      return result("BOOLEAN", f.values);
    }
    const percent = f.percent || (indicatorMeansPercent(ind) && f.values.every((v) => v <= 100));
    if (percent && f.values.some((v) => v > 100)) return fail("reporting:import.badTarget", { value: text });
    if (!percent && f.values.some((v) => !Number.isInteger(v))) {
      return fail("reporting:import.badTarget", { value: text });
    }
    return result(percent ? "PERCENT" : "COUNT", f.values, f.atLeast);
  }
  const yn = yesNoValue(text);
  if (yn !== null || WHETHER.test(ind)) return result("BOOLEAN", [yn ?? 1]);
  return result("TEXT", []);
}

// ───────────────────────────── yes / no ─────────────────────────────

const YES = new Set(["тийм", "тиймээ", "тийм ээ", "yes", "y", "1", "true", "да"]);
const NO = new Set(["үгүй", "угүй", "no", "n", "0", "false", "үгүй ээ"]);

/** "тийм"/"yes"/"1" → 1, "үгүй"/"no"/"0" → 0, anything else → null. */
export function yesNoValue(raw: unknown): 1 | 0 | null {
  const s = normalizeCell(raw)
    .toLowerCase()
    .replace(/[.!]+$/, "");
  if (YES.has(s)) return 1;
  if (NO.has(s)) return 0;
  return null;
}

// ───────────────────────────── periods ─────────────────────────────

export const ALL_QUARTERS = [1, 2, 3, 4] as const;

const ROMAN: Record<string, number> = { i: 1, ii: 2, iii: 3, iv: 4 };

function quarterToken(tok: string): number | null {
  const t = tok.trim().toLowerCase().replace(/^q/, "");
  if (ROMAN[t] !== undefined) return ROMAN[t];
  if (/^[1-4]$/.test(t)) return Number(t);
  return null;
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = from; i <= to; i++) out.push(i);
  return out;
}

export function quartersOfMonths(startMonth: number, endMonth: number): number[] {
  return range(Math.ceil(startMonth / 3), Math.ceil(endMonth / 3));
}

const WHOLE_YEAR =
  /^(жилдээ|жилийн турш|жил бүр|жилд|жилээр|улирал бүр|улирлаар|сар бүр|тухай бүр|байнга|тогтмол|year|annual|annually|all year|whole year|throughout the year|quarterly|monthly|every quarter|every month)$/;

/**
 * The quarters in which a measure is reported: "I-IV улирал" → [1,2,3,4], "I-II улирал" →
 * [1,2], "II улирал" → [2], "I, III улирал", "Жилдээ" → all, "Хагас жил" → [1,2], months
 * ("3 сар", "1-6 сар", "5 дугаар сар") → the quarters of those months. Empty → null.
 */
export function parseQuarters(raw: unknown): Parsed<number[] | null> {
  const text = normalizeCell(raw);
  if (!text) return ok(null);
  const s = text.toLowerCase().replace(/[.]+$/, "").trim();
  const bad = () => fail<number[] | null>("reporting:import.badPeriod", { value: text });

  if (WHOLE_YEAR.test(s)) return ok([...ALL_QUARTERS]);
  if (/^(эхний )?хагас жил(ийн)?$|^h1$|^first half( of the year)?$/.test(s)) return ok([1, 2]);
  if (/^(хоёрдугаар|сүүлийн) хагас жил(ийн)?$|^h2$|^second half( of the year)?$/.test(s)) return ok([3, 4]);

  // Months: "3 сар", "1-6 сар", "5 дугаар сар", "6-р сар", "1-р сараас 6-р сар".
  if (/сар|month/.test(s)) {
    const months = [...s.matchAll(/(\d{1,2})(?:\s*-?\s*(?:р| р|дугаар|дүгээр|дахь))?/g)].map((m) =>
      Number(m[1]),
    );
    if (months.length === 0 || months.length > 2 || months.some((m) => m < 1 || m > 12)) return bad();
    const [from, to = from] = months as [number, number?];
    if (to < from) return bad();
    return ok(quartersOfMonths(from, to));
  }

  // Quarters: "I-IV улирал", "II улирал", "I, III улирал", "Q1-Q4", "1-4 улирал".
  const body = s.replace(/улиралд|улирлаар|улирлын|улирал|quarters?/gu, " ").trim();
  if (!body) return bad();
  const quarters = new Set<number>();
  for (const part of body.split(/\s*[,;]\s*|\s+(?:ба|and)\s+/u).filter(Boolean)) {
    const [a, b, ...rest] = part.split(/\s*-\s*/);
    if (rest.length > 0 || a === undefined) return bad();
    const from = quarterToken(a);
    const to = b === undefined ? from : quarterToken(b);
    if (from === null || to === null || to < from) return bad();
    for (const q of range(from, to)) quarters.add(q);
  }
  return ok([...quarters].sort((x, y) => x - y));
}

// ───────────────────────────── dates ─────────────────────────────

export interface DateRange {
  startMonth: number;
  endMonth: number;
  /** The year written in the cell, when there is one. */
  year: number | null;
  /** ISO dates (YYYY-MM-DD) when days are given and the year is known. */
  startDate: string | null;
  endDate: string | null;
}

function pad2(n: number): string {
  return String(n).padStart(2, "0");
}

/**
 * Start–end of a measure: "2025.01.02-06.15", "2025.01.02-2025.06.15", "2025.01-2025.06",
 * "01.02-06.15", "1-6 сар". Seed 003 asks for months, so months are what is kept. Empty → null.
 */
export function parseDateRange(raw: unknown): Parsed<DateRange | null> {
  const text = normalizeCell(raw);
  if (!text) return ok(null);
  const bad = () => fail<DateRange | null>("reporting:import.badDates", { value: text });
  const s = text.replace(/\s*-\s*/g, "-").replace(/\//g, ".");

  let y1: number | null;
  let y2: number | null;
  let m1: number;
  let m2: number;
  let d1: number | null = null;
  let d2: number | null = null;

  const full = /^(?:(\d{4})\.)?(\d{1,2})\.(\d{1,2})-(?:(\d{4})\.)?(\d{1,2})\.(\d{1,2})$/.exec(s);
  const monthsOnly =
    /^(?:(\d{4})\.)?(\d{1,2})-(?:(\d{4})\.)?(\d{1,2})(?:\s*(?:сар|сард|month|months))?$/.exec(s);
  if (full) {
    y1 = full[1] ? Number(full[1]) : null;
    m1 = Number(full[2]);
    d1 = Number(full[3]);
    y2 = full[4] ? Number(full[4]) : y1;
    m2 = Number(full[5]);
    d2 = Number(full[6]);
  } else if (monthsOnly) {
    y1 = monthsOnly[1] ? Number(monthsOnly[1]) : null;
    m1 = Number(monthsOnly[2]);
    y2 = monthsOnly[3] ? Number(monthsOnly[3]) : y1;
    m2 = Number(monthsOnly[4]);
  } else {
    return bad();
  }
  if (m1 < 1 || m1 > 12 || m2 < 1 || m2 > 12) return bad();
  if ((d1 !== null && (d1 < 1 || d1 > 31)) || (d2 !== null && (d2 < 1 || d2 > 31))) return bad();
  if (y1 !== null && y2 !== null && y1 !== y2) {
    return fail("reporting:import.datesYear", { value: text });
  }
  const startKey = m1 * 100 + (d1 ?? 0);
  const endKey = m2 * 100 + (d2 ?? 0);
  if (endKey < startKey) return fail("reporting:import.datesReversed", { value: text });
  const year = y1 ?? y2;
  return ok({
    startMonth: m1,
    endMonth: m2,
    year,
    startDate: year !== null && d1 !== null ? `${year}-${pad2(m1)}-${pad2(d1)}` : null,
    endDate: year !== null && d2 !== null ? `${year}-${pad2(m2)}-${pad2(d2)}` : null,
  });
}

// ───────────────────────────── what officials type ─────────────────────────────

export interface AchievedValue {
  /** The primary figure (PERCENT, COUNT), 1/0 (BOOLEAN), null (TEXT). */
  value: number | null;
  /** What is kept and shown in the report ("92.5%", "4 удаа", "тийм", prose). */
  text: string;
}

export type AchievedCheck =
  ({ ok: true } & AchievedValue) | { ok: false; key: string; params?: Record<string, unknown> };

/**
 * Validates the achieved level an official types, against the measure's target type:
 * PERCENT "92", "92%", "92,5", "70% 85%", "150" (0–1000: over the target is allowed); COUNT "3", "4 удаа", "3 60" (whole,
 * not negative); BOOLEAN "тийм"/"үгүй"/"yes"/"no"/1/0; TEXT words up to 2000 characters.
 */
export function validateAchieved(targetType: TargetType, input: unknown): AchievedCheck {
  const text = normalizeCell(input);
  if (!text) return refuse("reporting:validation.empty");
  if (text.length > NARRATIVE_MAX) {
    return refuse("reporting:validation.tooLong", { max: NARRATIVE_MAX, length: text.length });
  }
  switch (targetType) {
    case "PERCENT": {
      const labelled = LABELLED_PERCENT.exec(text);
      const f = labelled?.[1] ? { ...figuresOf(labelled[1]), percent: true } : figuresOf(text);
      if (f.prose || f.malformed || f.values.length === 0) return refuse("reporting:validation.percent");
      if (f.values.some((v) => v < 0 || v > ACHIEVED_PERCENT_MAX)) {
        return refuse("reporting:validation.percentRange", { min: 0, max: ACHIEVED_PERCENT_MAX });
      }
      return {
        ok: true,
        value: f.values[0] ?? null,
        text: f.values.map((v) => `${formatNumber(v)}%`).join(" "),
      };
    }
    case "COUNT": {
      const f = figuresOf(text);
      if (f.prose || f.malformed || f.percent || f.values.length === 0)
        return refuse("reporting:validation.count");
      if (f.values.some((v) => !Number.isInteger(v) || v < 0)) return refuse("reporting:validation.count");
      return { ok: true, value: f.values[0] ?? null, text };
    }
    case "BOOLEAN": {
      const v = yesNoValue(text);
      if (v === null) return refuse("reporting:validation.boolean");
      return { ok: true, value: v, text };
    }
    default:
      if (!hasWords(text)) return refuse("reporting:validation.noWords");
      return { ok: true, value: null, text };
  }
}

/**
 * The completion percent suggested from what was achieved: PERCENT and COUNT
 * achieved ÷ target × 100 (a zero target counts as met), capped at 100; BOOLEAN yes 100,
 * no 0; TEXT no suggestion. Rounded to a whole number, 0–100.
 */
export function suggestCompletion(
  targetType: TargetType,
  targetValue: number | null | undefined,
  achievedValue: number | null | undefined,
): number | null {
  if (achievedValue === null || achievedValue === undefined) return null;
  switch (targetType) {
    case "PERCENT":
    case "COUNT": {
      if (targetValue === null || targetValue === undefined) return null;
      if (targetValue <= 0) return 100;
      return clampPercent(Math.round((achievedValue / targetValue) * 100));
    }
    case "BOOLEAN":
      return achievedValue >= 1 ? 100 : 0;
    default:
      return null;
  }
}

function clampPercent(n: number): number {
  return Math.min(100, Math.max(0, n));
}

/** The completion percent an official gives: "85", "85%", 85 → a whole number 0–100. */
export function validateCompletion(input: unknown): Parsed<number> {
  const text = normalizeCell(input)
    .replace(/\s*%$/, "")
    .replace(/\s*хувь$/i, "");
  const n = parseNumber(text);
  if (n === null || n < 0 || n > 100) return fail("reporting:validation.completion", { min: 0, max: 100 });
  return ok(Math.round(n));
}

/**
 * A narrative of what was done: trimmed, in words (not only emoji or symbols), at most 2000
 * characters (seed 003). Empty → null.
 */
export function validateNarrative(input: unknown): Parsed<string | null> {
  const text = String(input ?? "").trim();
  if (!text) return ok(null);
  if (!hasWords(text)) return fail("reporting:validation.noWords");
  if (text.length > NARRATIVE_MAX) {
    return fail("reporting:validation.tooLong", { max: NARRATIVE_MAX, length: text.length });
  }
  return ok(text);
}

/**
 * A text cut to at most `max` characters where a reader expects a cut: after the last
 * sentence that fits (when that keeps at least half of the room), else after the last whole
 * word, with "…". A text that fits is returned as it is.
 */
export function shortenText(input: string, max = NARRATIVE_MAX): string {
  const text = input.trim();
  if (text.length <= max) return text;
  const room = text.slice(0, max);
  let sentenceEnd = -1;
  for (const m of room.matchAll(/[.!?…]+(?=\s|$)/gu)) sentenceEnd = m.index + m[0].length;
  if (sentenceEnd >= max / 2 && (sentenceEnd === room.length || /\s/u.test(text[sentenceEnd] ?? " "))) {
    return room.slice(0, sentenceEnd).trim();
  }
  const cut = text.slice(0, max - 1);
  const space = cut.search(/\s\S*$/u);
  const words = (space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:–-]+$/u, "");
  return `${words}…`;
}

/**
 * When the work on a measure started and ended, as an official types it in a report:
 * "2026.01.02-06.15", "01.02-06.15", "2026.01-03" (the report's year is assumed when none is
 * written). Kept in the plan's own form: "2026.01.02-06.15".
 */
export function validateReportDates(input: unknown, year: number): Parsed<string> {
  const r = parseDateRange(input);
  if (!r.ok || r.value === null) return fail("reporting:validation.dates");
  const d = r.value;
  if (d.year !== null && d.year !== year) return fail("reporting:validation.datesYear", { year });
  const days = /^(?:\d{4}\.)?\d{1,2}\.(\d{1,2})-(?:\d{4}\.)?\d{1,2}\.(\d{1,2})$/.exec(
    normalizeCell(input)
      .replace(/\s*-\s*/g, "-")
      .replace(/\//g, "."),
  );
  const p = (n: number) => pad2(n);
  if (days) {
    return ok(`${year}.${p(d.startMonth)}.${p(Number(days[1]))}-${p(d.endMonth)}.${p(Number(days[2]))}`);
  }
  return ok(`${year}.${p(d.startMonth)}-${p(d.endMonth)}`);
}

/**
 * Seed 003 asks for results with figures (growth, decline), not a story of process. True
 * when the text holds at least one number; the conversation suggests adding figures once.
 */
export function narrativeHasFigures(text: string | null | undefined): boolean {
  return /\d/.test(text ?? "");
}
