/**
 * i18next with one JSON file per feature namespace: locales/<lang>/<namespace>.json.
 * Keys are written "namespace:path.to.key". Mongolian is the default language.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import i18next, { type i18n, type TFunction } from "i18next";
import { PROJECT_ROOT } from "./db/schema-engine.js";
import { CASES, FALLBACK_NOUNS, inflectOr } from "./shared/mn-inflect.js";

export const LOCALES = ["mn", "en"] as const;
export type Locale = (typeof LOCALES)[number];
export const LOCALES_DIR = path.join(PROJECT_ROOT, "locales");

export function isLocale(x: unknown): x is Locale {
  return typeof x === "string" && (LOCALES as readonly string[]).includes(x);
}

export function loadResources(dir = LOCALES_DIR) {
  const resources: Record<string, Record<string, object>> = {};
  for (const lng of LOCALES) {
    resources[lng] = {};
    for (const file of readdirSync(path.join(dir, lng)).filter((f) => f.endsWith(".json"))) {
      resources[lng][file.slice(0, -5)] = JSON.parse(readFileSync(path.join(dir, lng, file), "utf8"));
    }
  }
  return resources;
}

export function escapeHtml(value: unknown): string {
  return String(value)
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}

let instance: i18n | undefined;

/**
 * Mongolian case endings as formatters: "{{org, gen}}", "{{name, com}}", "{{due, gen}}",
 * "{{n, acc}}" (cases: gen acc dat abl ins com dir; see src/shared/mn-inflect.ts). In other
 * languages the value is left as it is. A value that cannot take an ending (Latin script, an
 * unknown acronym) is followed by a noun in that case: by the placeholder's name (org →
 * "байгууллага", name → "нэртэй хүн") or given as "{{x, gen(noun: байгууллага)}}".
 * "{{x, lc}}" writes a name with a small first letter in the middle of a sentence.
 */
export function addCaseFormatters(inst: i18n): void {
  // "{{period, lc}}": a name that starts a sentence on its own, in the middle of one
  // ("2026 оны хагас жил"); a first word in capitals ("I улирал") stays as it is.
  inst.services.formatter?.add("lc", (value: unknown, lng: string | undefined) => {
    const s = String(value ?? "");
    if (lng !== "mn" || !/^\p{Lu}\p{Ll}/u.test(s)) return s;
    return s[0]!.toLocaleLowerCase("mn") + s.slice(1);
  });
  for (const c of CASES) {
    inst.services.formatter?.add(
      c,
      (value: unknown, lng: string | undefined, options: Record<string, unknown>) => {
        if (lng !== "mn" || value === undefined || value === null || value === "") return String(value ?? "");
        const key = typeof options.interpolationkey === "string" ? options.interpolationkey : "";
        const noun = typeof options.noun === "string" ? options.noun : FALLBACK_NOUNS[key];
        return inflectOr(value, c, noun) ?? String(value);
      },
    );
  }
}

/** The shared i18next instance (initialised synchronously on first use). */
export function getI18n(defaultLocale: Locale = "mn"): i18n {
  if (instance) return instance;
  const resources = loadResources();
  const inst = i18next.createInstance();
  void inst.init({
    initAsync: false,
    resources,
    lng: defaultLocale,
    fallbackLng: defaultLocale === "mn" ? ["mn", "en"] : ["en", "mn"],
    ns: Object.keys(resources.mn ?? {}),
    defaultNS: "common",
    // Messages are sent as Telegram HTML: interpolated values are escaped; use {{- x}} for
    // a value that is already HTML.
    interpolation: { escapeValue: true, escape: escapeHtml },
    returnNull: false,
  });
  addCaseFormatters(inst);
  instance = inst;
  return inst;
}

const translators = new Map<Locale, TFunction>();

/**
 * The translator of a locale, made once and memoised: the shared instance and its
 * formatters never change, so a text is looked up and interpolated once per key and values
 * (a conversation renders its earlier questions again at every update). Calls with values
 * that are not plain strings, numbers or booleans (a Date, an array), with long values, or
 * that return something other than a string go to i18next every time.
 */
export function translator(locale: Locale): TFunction {
  let t = translators.get(locale);
  if (!t) {
    t = memoized(getI18n().getFixedT(locale));
    translators.set(locale, t);
  }
  return t;
}

/** Texts kept per locale before the memo starts over (a bound on its memory). */
const MEMO_LIMIT = 20_000;
/** A value longer than this (a petition's text, say) is not part of a memo key. */
const MEMO_VALUE_MAX = 300;

function memoized(t: TFunction): TFunction {
  const memo = new Map<string, string>();
  const call = t as unknown as (...args: unknown[]) => unknown;
  const fn = (...args: unknown[]) => {
    const [key, options] = args;
    const memoKey = args.length <= 2 && typeof key === "string" ? keyOf(key, options) : undefined;
    if (memoKey === undefined) return call(...args);
    const hit = memo.get(memoKey);
    if (hit !== undefined) return hit;
    const text = call(key, options);
    if (typeof text === "string") {
      if (memo.size >= MEMO_LIMIT) memo.clear();
      memo.set(memoKey, text);
    }
    return text;
  };
  return Object.assign(fn, t) as unknown as TFunction; // with its own properties (lng, ns)
}

/** A memo key for a key and its options, or undefined when they cannot be one. */
function keyOf(key: string, options: unknown, depth = 0): string | undefined {
  if (options === undefined) return key;
  if (typeof options !== "object" || options === null || Object.getPrototypeOf(options) !== Object.prototype)
    return undefined;
  let out = `${key}\u0000`;
  for (const name in options) {
    const v = (options as Record<string, unknown>)[name];
    out += `${name}:`;
    switch (typeof v) {
      case "string":
        if (v.length > MEMO_VALUE_MAX) return undefined;
        out += JSON.stringify(v); // quoted and escaped: no two sets of values share a key
        break;
      case "number":
        out += `n${v}`;
        break;
      case "boolean":
        out += `b${v}`;
        break;
      case "undefined":
        out += "u";
        break;
      case "object": {
        if (v === null) {
          out += "z";
          break;
        }
        // one level of plain options, e.g. { interpolation: { escapeValue: false } }
        const inner = depth === 0 ? keyOf("", v, 1) : undefined;
        if (inner === undefined) return undefined;
        out += `{${inner}}`;
        break;
      }
      default:
        return undefined;
    }
    out += ",";
  }
  return out;
}

const TZ = "Asia/Ulaanbaatar";

/** 2026.11.22 — the way Mongolian official papers write dates (both languages). */
export function formatDate(d: Date | string, timeZone = TZ): string {
  return dateFormat(timeZone).format(new Date(d)).replaceAll("-", ".");
}

export function formatDateTime(d: Date | string, timeZone = TZ): string {
  return `${formatDate(d, timeZone)} ${timeFormat(timeZone).format(new Date(d))}`;
}

// An Intl format is costly to make and never changes: one per time zone.
const dateFormats = new Map<string, Intl.DateTimeFormat>();
const timeFormats = new Map<string, Intl.DateTimeFormat>();

function dateFormat(timeZone: string): Intl.DateTimeFormat {
  let f = dateFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
    dateFormats.set(timeZone, f);
  }
  return f;
}

function timeFormat(timeZone: string): Intl.DateTimeFormat {
  let f = timeFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", hour12: false });
    timeFormats.set(timeZone, f);
  }
  return f;
}
