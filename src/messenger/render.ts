/**
 * Rendering a Bot API message for Messenger, within the platform's limits: text of at most
 * 2000 characters (longer text is split at line or word boundaries), no HTML (bold becomes
 * Messenger's *bold*), up to 13 quick replies with titles of at most 20 characters, button
 * templates of up to 3 buttons with text of at most 640, payloads of at most 1000.
 *
 * Buttons with callback data become quick replies whose payload is "<message id>~<data>":
 * the bridge turns a tap back into a callback query of that message. A label too long for a
 * quick reply takes its short form from the locales (messenger:short); when a label has
 * none, or there are more options than fit, the options are listed as a numbered list in
 * the text and the quick replies carry the numbers (typing the number works too), with
 * "More ›" for further pages.
 */

import type { OutgoingMessage, QuickReply, TemplateButton } from "./types.js";

export const LIMITS = {
  text: 2000,
  quickReplies: 13,
  quickReplyTitle: 20,
  templateText: 640,
  templateButtons: 3,
  buttonTitle: 20,
  payload: 1000,
} as const;

export interface RenderButton {
  label: string;
  data?: string;
  url?: string;
}

export interface RenderInput {
  text: string;
  html: boolean;
  buttons: RenderButton[];
  /** Offer Messenger's phone-number quick reply (Telegram's request_contact keyboard). */
  phone: boolean;
  /** The synthetic message id the buttons belong to. */
  messageId: number;
  /** Which page of a long option list (0 first). */
  page?: number;
  /** A label's short form from the locales, if it has one. */
  shortLabel(label: string): string | undefined;
  /** "More ›" in the user's language. */
  moreLabel: string;
}

export interface Rendered {
  messages: OutgoingMessage[];
  /** Callback data by number (1-based index), when the options were listed as numbers. */
  numbered: string[] | null;
}

export const PAYLOAD_SEPARATOR = "~";
export const MORE_PREFIX = "more";

export function optionPayload(messageId: number, data: string): string {
  return `${messageId}${PAYLOAD_SEPARATOR}${data}`;
}

export function morePayload(messageId: number, page: number): string {
  return `${MORE_PREFIX}${PAYLOAD_SEPARATOR}${messageId}${PAYLOAD_SEPARATOR}${page}`;
}

export type ParsedPayload =
  | { kind: "option"; messageId: number; data: string }
  | { kind: "more"; messageId: number; page: number }
  | { kind: "other"; value: string };

export function parsePayload(payload: string): ParsedPayload {
  const more = new RegExp(`^${MORE_PREFIX}${PAYLOAD_SEPARATOR}(\\d+)${PAYLOAD_SEPARATOR}(\\d+)$`).exec(
    payload,
  );
  if (more) return { kind: "more", messageId: Number(more[1]), page: Number(more[2]) };
  const i = payload.indexOf(PAYLOAD_SEPARATOR);
  if (i > 0 && /^\d+$/.test(payload.slice(0, i))) {
    return { kind: "option", messageId: Number(payload.slice(0, i)), data: payload.slice(i + 1) };
  }
  return { kind: "other", value: payload };
}

const ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'", nbsp: " " };

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === "#") {
      const code = e[1] === "x" || e[1] === "X" ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1));
      return Number.isFinite(code) ? String.fromCodePoint(code) : m;
    }
    return ENTITIES[e.toLowerCase()] ?? m;
  });
}

/** Wraps the inner text in a marker, outside its edge spaces (Messenger needs "*x*", not "* x *"). */
function mark(inner: string, marker: string): string {
  const m = /^(\s*)([\s\S]*?)(\s*)$/.exec(inner);
  if (!m || !m[2]) return inner;
  return `${m[1]}${marker}${m[2]}${marker}${m[3]}`;
}

/** Telegram HTML to Messenger's plain text with its light formatting. */
export function htmlToText(html: string): string {
  let s = html;
  s = s.replace(/<br\s*\/?>/gi, "\n");
  s = s.replace(/<a\s[^>]*href="([^"]*)"[^>]*>([\s\S]*?)<\/a>/gi, (_m, href: string, label: string) => {
    const url = decodeEntities(href);
    const text = label.replace(/<[^>]+>/g, "");
    return decodeEntities(text) === url ? text : `${text} (${href})`;
  });
  s = s.replace(/<(b|strong)(\s[^>]*)?>([\s\S]*?)<\/\1>/gi, (_m, _t, _a, inner: string) => mark(inner, "*"));
  s = s.replace(/<(i|em)(\s[^>]*)?>([\s\S]*?)<\/\1>/gi, (_m, _t, _a, inner: string) => mark(inner, "_"));
  s = s.replace(/<(s|strike|del)(\s[^>]*)?>([\s\S]*?)<\/\1>/gi, (_m, _t, _a, inner: string) =>
    mark(inner, "~"),
  );
  s = s.replace(/<pre(\s[^>]*)?>([\s\S]*?)<\/pre>/gi, (_m, _a, inner: string) => `\`\`\`\n${inner}\n\`\`\``);
  s = s.replace(/<code(\s[^>]*)?>([\s\S]*?)<\/code>/gi, (_m, _a, inner: string) => mark(inner, "`"));
  s = s.replace(/<\/?[a-z][a-z0-9-]*(\s[^>]*)?>/gi, "");
  return decodeEntities(s);
}

/** Splits text into pieces of at most `max` characters, at a line break or a space when possible. */
export function splitText(text: string, max: number = LIMITS.text): string[] {
  const out: string[] = [];
  let rest = text;
  while ([...rest].length > max) {
    const head = [...rest].slice(0, max).join("");
    let cut = head.lastIndexOf("\n");
    if (cut < max / 2) cut = Math.max(cut, head.lastIndexOf(" "));
    if (cut <= 0) cut = head.length; // one word longer than a message: nothing else to do
    out.push(head.slice(0, cut).trimEnd());
    rest = rest.slice(cut).replace(/^[\n ]/, "");
  }
  if (rest.trim() || out.length === 0) out.push(rest);
  return out;
}

function fits(label: string, max: number): boolean {
  return label.length > 0 && [...label].length <= max;
}

/** A label as a quick reply title: itself, or its short form from the locales, or null. */
function titleOf(label: string, input: RenderInput): string | null {
  if (fits(label, LIMITS.quickReplyTitle)) return label;
  const short = input.shortLabel(label);
  return short && fits(short, LIMITS.quickReplyTitle) ? short : null;
}

/** "3. First words…" within 20 characters, never cutting a word (the full label is in the text). */
function numberedTitle(n: number, label: string): string {
  const prefix = `${n}. `;
  const words = label.split(/\s+/).filter(Boolean);
  let title = prefix;
  for (const w of words) {
    const next = title === prefix ? `${title}${w}` : `${title} ${w}`;
    if ([...next].length > LIMITS.quickReplyTitle - 1) {
      return title === prefix ? String(n) : `${title}…`;
    }
    title = next;
  }
  return title;
}

export function render(input: RenderInput): Rendered {
  let text = input.html ? htmlToText(input.text) : input.text;
  const callbacks = input.buttons.filter((b) => b.data !== undefined);
  const urls = input.buttons.filter((b) => b.url !== undefined && b.data === undefined);
  const payload = (data: string) => optionPayload(input.messageId, data);

  if (urls.length > 0) {
    const all = [...callbacks, ...urls];
    const titles = all.map((b) => titleOf(b.label, input));
    if (
      all.length <= LIMITS.templateButtons &&
      fits(text, LIMITS.templateText) &&
      titles.every((x) => x !== null) &&
      !input.phone
    ) {
      const buttons: TemplateButton[] = all.map((b, i) =>
        b.url !== undefined
          ? { type: "web_url", title: titles[i] as string, url: b.url }
          : { type: "postback", title: titles[i] as string, payload: payload(b.data as string) },
      );
      return {
        messages: [{ attachment: { type: "template", payload: { template_type: "button", text, buttons } } }],
        numbered: null,
      };
    }
    text = `${text}\n\n${urls.map((b) => `${b.label}: ${b.url}`).join("\n")}`;
  }

  const quick: QuickReply[] = [];
  let numbered: string[] | null = null;
  const slots = LIMITS.quickReplies - (input.phone ? 1 : 0);
  const titles = callbacks.map((b) => titleOf(b.label, input));
  if (callbacks.length <= slots && titles.every((x) => x !== null)) {
    callbacks.forEach((b, i) =>
      quick.push({ content_type: "text", title: titles[i] as string, payload: payload(b.data as string) }),
    );
  } else if (callbacks.length > 0) {
    numbered = callbacks.map((b) => b.data as string);
    text = `${text}\n\n${callbacks.map((b, i) => `${i + 1}. ${b.label}`).join("\n")}`;
    const perPage = callbacks.length <= slots ? slots : slots - 1;
    const page = Math.min(Math.max(input.page ?? 0, 0), Math.ceil(callbacks.length / perPage) - 1);
    const from = page * perPage;
    callbacks.slice(from, from + perPage).forEach((b, i) =>
      quick.push({
        content_type: "text",
        title: numberedTitle(from + i + 1, b.label),
        payload: payload(b.data as string),
      }),
    );
    if (from + perPage < callbacks.length) {
      quick.push({
        content_type: "text",
        title: input.moreLabel,
        payload: morePayload(input.messageId, page + 1),
      });
    } else if (page > 0) {
      quick.push({ content_type: "text", title: input.moreLabel, payload: morePayload(input.messageId, 0) });
    }
  }
  if (input.phone) quick.push({ content_type: "user_phone_number" });

  const pieces = splitText(text.trim() ? text : "…");
  const messages: OutgoingMessage[] = pieces.map((p) => ({ text: p }));
  if (quick.length) (messages.at(-1) as OutgoingMessage).quick_replies = quick;
  return { messages, numbered };
}

/** The "More ›" page of options again (quick replies only; the list is in the earlier text). */
export function renderPage(input: RenderInput & { prompt: string }): OutgoingMessage {
  const r = render({ ...input, text: "", html: false });
  const last = r.messages.at(-1) as OutgoingMessage;
  return { text: input.prompt, ...(last.quick_replies ? { quick_replies: last.quick_replies } : {}) };
}
