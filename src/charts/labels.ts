/**
 * Texts for charts and spreadsheets: translated without the HTML escaping the bot's
 * messages need, and wrapped to a width with the chart font.
 */
import type { TFunction } from "i18next";
import type { Locale } from "../i18n.js";
import { textWidth } from "./fonts.js";

/** The user's language: the translator and the locale (for names with an English form). */
export interface Lang {
  t: TFunction;
  locale: Locale;
}

/** A translated text as plain text (interpolated values are not HTML-escaped). */
export function plain(t: TFunction): (key: string, params?: Record<string, unknown>) => string {
  return (key, params) => String(t(key, { ...params, interpolation: { escapeValue: false } }));
}

/** The name in the user's language: the English one when there is one. */
export function nameIn(locale: Locale, x: { name: string; nameEn?: string | null }): string {
  return locale === "en" && x.nameEn ? x.nameEn : x.name;
}

const ROMAN = ["I", "II", "III", "IV"] as const;

/** "2026 оны I улирал" / "Q1 2026". */
export function quarterLabel(t: TFunction, year: number, quarter: 1 | 2 | 3 | 4): string {
  return plain(t)("charts:quarter", { year, quarter, roman: ROMAN[quarter - 1] });
}

/**
 * Splits a label into lines no wider than `maxWidth` at `fontSize` (at most `maxLines`;
 * the rest is left to Vega's ellipsis on the last line).
 */
export function wrapLabel(text: string, maxWidth: number, fontSize: number, maxLines = 2): string[] {
  const words = text.trim().split(/\s+/);
  const lines: string[] = [];
  let line = "";
  for (const word of words) {
    const next = line ? `${line} ${word}` : word;
    if (line && textWidth(next, fontSize) > maxWidth && lines.length < maxLines - 1) {
      lines.push(line);
      line = word;
    } else {
      line = next;
    }
  }
  if (line) lines.push(line);
  return lines;
}

/** 85.7 → "85.7%", null → the "none" mark. */
export function percentText(t: TFunction, x: number | null): string {
  return x === null ? plain(t)("charts:none") : `${x}%`;
}
