/**
 * Turns a notification payload (locale key, parameters, buttons) into the text and
 * keyboard of one recipient, in their language, at delivery time.
 *
 * Texts are Telegram HTML. Plain string parameters are HTML-escaped here; translated
 * parameters (`{ t }`) are rendered first and inserted as they are, so a value is escaped
 * exactly once whichever way the template writes its placeholders. Button labels are
 * plain text and are not escaped.
 */
import { escapeHtml, formatDate, getI18n, type Locale, translator } from "../i18n.js";
import type { MessagePayload, PayloadValue } from "./outbox.js";
import type { OutgoingMessage } from "./sender.js";

/** Telegram's limit on a message text. */
export const MAX_TEXT_LENGTH = 4096;

/** A payload names a locale key that neither language has: sending it would show the key. */
export class MissingTranslationError extends Error {
  constructor(readonly key: string) {
    super(`missing translation: ${key}`);
    this.name = "MissingTranslationError";
  }
}

type Mode = "html" | "plain";

interface RenderContext {
  locale: Locale;
  timeZone: string;
}

function translate(
  ctx: RenderContext,
  key: string,
  params: Record<string, PayloadValue> | undefined,
  mode: Mode,
) {
  const values = resolveParams(ctx, params, mode);
  if (!getI18n().exists(key, { lng: ctx.locale, ...values })) throw new MissingTranslationError(key);
  return translator(ctx.locale)(key, { ...values, interpolation: { escapeValue: false } }) as string;
}

function resolveParams(ctx: RenderContext, params: Record<string, PayloadValue> | undefined, mode: Mode) {
  const out: Record<string, string | number | boolean> = {};
  for (const [name, value] of Object.entries(params ?? {})) out[name] = resolveValue(ctx, value, mode);
  return out;
}

function resolveValue(ctx: RenderContext, value: PayloadValue, mode: Mode): string | number | boolean {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return mode === "html" ? escapeHtml(value) : value;
  if (typeof value === "number" || typeof value === "boolean") return value;
  if ("t" in value) return translate(ctx, value.t, value.params, mode);
  if ("date" in value) return formatDate(value.date, ctx.timeZone);
  if ("join" in value) {
    return value.join
      .map((v) => resolveValue(ctx, v, mode))
      .filter((v) => v !== "")
      .join(value.sep ?? "\n");
  }
  return "";
}

/** Shortens an over-long text at a line break, without leaving a tag or entity cut in half. */
export function fitText(text: string, max = MAX_TEXT_LENGTH): string {
  if (text.length <= max) return text;
  const plain = text.replace(/<[^>]*>/g, "");
  let cut = plain.slice(0, max - 1);
  const lastBreak = cut.lastIndexOf("\n");
  if (lastBreak > max / 2) cut = cut.slice(0, lastBreak);
  cut = cut.replace(/&[a-z#0-9]*$/i, "");
  return `${cut}…`;
}

export function renderPayload(payload: MessagePayload, locale: Locale, timeZone: string): OutgoingMessage {
  const ctx: RenderContext = { locale, timeZone };
  const text = fitText(translate(ctx, payload.key, payload.params, "html"));
  const buttons = (payload.buttons ?? []).map((row) =>
    row.map((b) => ({ text: translate(ctx, b.key, b.params, "plain"), data: b.data })),
  );
  return {
    text,
    buttons,
    files: payload.files ?? [],
    ...(payload.resumeAt ? { resumeAt: payload.resumeAt } : {}),
  };
}
