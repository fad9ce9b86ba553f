/**
 * The question helpers of the report conversation: a question answered by typing or by a
 * few buttons, a choice among buttons, and a service call whose broken rule comes back as
 * a value.
 */
import { InlineKeyboard } from "grammy";
import type { InlineKeyboardButton } from "grammy/types";
import { DomainError } from "../../shared/errors.js";
import { hasWords } from "../../shared/text.js";
import { type Answer, type Check, type Kit, type Nav, OPTION_PREFIX as OPT } from "./kit.js";

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: DomainError };

/** Runs a service call; a rule broken comes back as a value instead of an exception. */
export async function attempt<T>(fn: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (err) {
    if (err instanceof DomainError) return { ok: false, error: err };
    throw err;
  }
}

/** A validation problem is asked again; anything else (not editable, forbidden) ends. */
export function isRetryable(err: DomainError): boolean {
  return err.key.startsWith("reporting:validation.") || err.key === "reporting:errors.tooManyEvidence";
}

export function optionRows(
  options: { label: string; value: string }[],
  columns: number,
): InlineKeyboardButton[][] {
  const rows: InlineKeyboardButton[][] = [];
  for (let i = 0; i < options.length; i += columns) {
    rows.push(options.slice(i, i + columns).map((o) => InlineKeyboard.text(o.label, `${OPT}${o.value}`)));
  }
  return rows;
}

/**
 * A question answered by typing or by one of a few buttons: typed text is checked by
 * `parse` (its message shown, and the question asked again, when wrong).
 */
export async function askInput<T>(
  kit: Kit,
  prompt: string,
  opts: {
    nav: Nav[];
    options?: { label: string; value: string }[];
    columns?: number;
    max?: number;
    parse: (text: string) => Check<T>;
  },
): Promise<Answer<{ option: string; text?: undefined } | { text: T; option?: undefined }>> {
  const options = opts.options ?? [];
  const keyboard = optionRows(options, opts.columns ?? 2);
  const max = opts.max ?? 4000;
  for (;;) {
    const answer = await kit.askAny(
      prompt,
      (ctx) => typeof ctx.message?.text === "string" || Boolean(ctx.callbackQuery?.data?.startsWith(OPT)),
      { nav: opts.nav, keyboard, wrongKey: "common:conversation.textExpected" },
    );
    if (answer.nav) return { nav: answer.nav };
    const ctx = answer.value;
    const data = ctx.callbackQuery?.data;
    if (data !== undefined) {
      const value = data.slice(OPT.length);
      if (options.some((o) => o.value === value)) return { value: { option: value } };
      await kit.say(kit.t("common:unhandled.staleButton"));
      continue;
    }
    const text = (ctx.message?.text ?? "").trim();
    if (text.length > max) {
      await kit.say(kit.t("common:conversation.tooLong", { length: text.length, max }));
      continue;
    }
    const parsed = opts.parse(text);
    if (!parsed.ok) {
      await kit.say(kit.t(parsed.key, parsed.params));
      continue;
    }
    return { value: { text: parsed.value } };
  }
}

/**
 * A choice among buttons laid out in the given rows (typing a button's label works too).
 * Returns the chosen value or the navigation.
 */
export async function pick(
  kit: Kit,
  prompt: string,
  rows: { label: string; value: string }[][],
  nav: Nav[],
): Promise<Answer<string>> {
  const options = rows.flat();
  const keyboard = rows.map((row) => row.map((o) => InlineKeyboard.text(o.label, `${OPT}${o.value}`)));
  const a = await kit.askAny(
    prompt,
    (ctx) => {
      const data = ctx.callbackQuery?.data;
      if (data?.startsWith(OPT)) return options.some((o) => `${OPT}${o.value}` === data);
      const text = ctx.message?.text?.trim();
      return text !== undefined && options.some((o) => o.label === text);
    },
    { nav, keyboard, wrongKey: "common:conversation.useButtons" },
  );
  if (a.nav) return { nav: a.nav };
  const data = a.value.callbackQuery?.data;
  const chosen = data
    ? options.find((o) => `${OPT}${o.value}` === data)
    : options.find((o) => o.label === a.value.message?.text?.trim());
  return { value: chosen?.value ?? "" };
}

/** A comment, reason or result: in words or figures, not only emoji or symbols. */
export function inWords(text: string): Check<string> {
  if (!text) return { ok: false, key: "reporting:validation.empty" };
  return hasWords(text) ? { ok: true, value: text } : { ok: false, key: "reporting:validation.noWords" };
}

export function asCheck<T>(
  r: { ok: true; value: T } | { ok: false; key: string; params?: Record<string, unknown> },
): Check<T> {
  return r.ok ? { ok: true, value: r.value } : { ok: false, key: r.key, params: r.params ?? {} };
}
