/**
 * Junk at a conversation's step, table-driven: each step is one line naming the chat, the
 * step's question and which junk applies; `fuzzStep` throws every piece at it and checks
 * that each is answered at once in the user's language (never the generic "something went
 * wrong"), that the step is asked again (a message is answered with the question; a button
 * that is not the step's may be answered with a pop-up), and that nothing stored changed.
 * The test then gives the step's real answer: the conversation moves on from the same step.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect } from "vitest";
import { PROJECT_ROOT } from "../../src/db/schema-engine.js";
import type { PrismaClient } from "../../src/generated/prisma/client.js";
import type { TestBot, TestChat } from "../support/chat.js";

export interface Junk {
  label: string;
  /** A message (text, file, sticker, command) rather than a button press. */
  message: boolean;
  /** `question`: the message id of the step's question as first asked. */
  send: (c: TestChat, buttons: ButtonMemory, question: number) => Promise<void>;
}

const text = (label: string, body: string): Junk => ({
  label,
  message: true,
  send: (c) => c.send(body),
});
/** A button press with forged data (someone else's petition, a score out of range). */
export const press = (label: string, data: string): Junk => ({
  label,
  message: false,
  send: (c) => c.pressData(data),
});

export const EMOJI = text("emoji only", "😀😀😀😀😀😀😀😀😀😀😀😀");
export const NUL = text("U+0000", "\u0000");
export const SURROGATE = text("a lone surrogate", "\uD800abc");
export const LONG = text("10,000 characters", "ж".repeat(10_000));
export const STICKER: Junk = { label: "a sticker", message: true, send: (c) => c.sendSticker() };
export const PHOTO: Junk = { label: "a photo", message: true, send: (c) => c.sendPhoto() };
export const DOCUMENT: Junk = {
  label: "a document",
  message: true,
  send: (c) => c.sendDocument({ name: "scan.pdf" }),
};
export const HELP = text("/help", "/help");
export const MENU = text("/menu", "/menu");
export const FORGED = press("opt:999", "opt:999");
export const TRUNCATED = press("opt:", "opt:");
export const NO_COLON = press("opt", "opt");
export const EMPTY = press("empty data", "");
/** A button of an earlier question of the conversation (its buttons were taken off). */
export const STALE: Junk = {
  label: "a button of an earlier question",
  message: false,
  async send(c, buttons, question) {
    const stale = buttons.earlier(c, question);
    if (!stale) throw new Error("no earlier question with buttons in this chat");
    await c.pressData(stale.data, stale.messageId);
  },
};

/** Every junk but files: for steps that take a file. */
export const NOT_FILES = [EMOJI, NUL, SURROGATE, LONG, STICKER, HELP, MENU];
export const BUTTONS = [FORGED, TRUNCATED, NO_COLON, EMPTY];
/** Where text or a choice is due. */
export const ALL = [...NOT_FILES, PHOTO, ...BUTTONS];
/** The same, with a button of the question before (not on a conversation's first step). */
export const ALL_STALE = [...ALL, STALE];

/**
 * The buttons of every bot message as it was sent (the bot takes a question's buttons off
 * once it is answered; a client may still press them).
 */
export class ButtonMemory {
  private readonly sent = new Map<number, { messageId: number; data: string[] }[]>();

  constructor(private readonly tb: TestBot) {
    tb.emulator.subscribe((e) => {
      if (e.type !== "message" || e.message.from !== "bot") return;
      const data = (e.message.buttons ?? []).flat().flatMap((b) => (b.data ? [b.data] : []));
      if (data.length === 0) return;
      const list = this.sent.get(e.chatId) ?? [];
      list.push({ messageId: e.message.messageId, data });
      this.sent.set(e.chatId, list);
    });
  }

  /** The step's question: the latest message of the chat that came with buttons. */
  current(c: TestChat): number {
    return this.sent.get(c.id)?.at(-1)?.messageId ?? 0;
  }

  /** The latest conversation button (opt:/nav:) of a question sent before `question`. */
  earlier(c: TestChat, question: number): { messageId: number; data: string } | undefined {
    const list = this.sent.get(c.id) ?? [];
    for (const m of [...list].reverse()) {
      if (m.messageId >= question) continue;
      const data = m.data.find((d) => d.startsWith("opt:")) ?? m.data.find((d) => d.startsWith("nav:"));
      if (data) return { messageId: m.messageId, data };
    }
    return undefined;
  }
}

// ─────────────────────────── the user's language ───────────────────────────

const leafCache = new Map<string, RegExp[]>();

/**
 * Each sentence of a locale as a pattern (placeholders match anything): the texts with at
 * least 8 letters of their own (a short label such as "common" could begin anything).
 */
function localePatterns(locale: string): RegExp[] {
  const cached = leafCache.get(locale);
  if (cached) return cached;
  const dir = path.join(PROJECT_ROOT, "locales", locale);
  const out: RegExp[] = [];
  const walk = (v: unknown) => {
    if (typeof v === "string") {
      const parts = v.split(/\{\{[^}]*\}\}|\$t\([^)]*\)/);
      const letters = parts.join("").match(/\p{L}/gu)?.length ?? 0;
      if (letters < 8) return;
      const escaped = parts.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
      out.push(new RegExp(`^${escaped.join("[\\s\\S]*?")}`));
    } else if (v && typeof v === "object") {
      for (const x of Object.values(v)) walk(x);
    }
  };
  for (const f of readdirSync(dir).filter((x) => x.endsWith(".json"))) {
    walk(JSON.parse(readFileSync(path.join(dir, f), "utf8")));
  }
  leafCache.set(locale, out);
  return out;
}

/** True when the text begins with one of the locale's own texts. */
export function speaks(text: string, locale: string): boolean {
  return localePatterns(locale).some((p) => p.test(text));
}

// ─────────────────────────── what is stored ───────────────────────────

/** Tables that change with every update whatever it is (the ledger, the conversations' state). */
const VOLATILE = new Set([
  "_prisma_migrations",
  "ProcessedUpdate",
  "ConversationState",
  "JobRun",
  "OutboxTally",
  "User",
  "StoredFile",
]);

/** Every stored row but the update bookkeeping, as one comparable value. */
export async function storedState(prisma: PrismaClient): Promise<unknown> {
  const tables = await prisma.$queryRawUnsafe<{ tablename: string }[]>(
    `SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename`,
  );
  const parts = tables
    .filter((t) => !VOLATILE.has(t.tablename))
    .map(
      (t) =>
        `SELECT '${t.tablename}' AS t, (SELECT coalesce(json_agg(x ORDER BY x::text), '[]'::json)::text FROM "${t.tablename}" x) AS rows`,
    );
  parts.push(
    `SELECT 'User' AS t, (SELECT coalesce(json_agg(json_build_array(id, locale, "personId", "preferredOrgId") ORDER BY id), '[]'::json)::text FROM "User") AS rows`,
  );
  const rows = await prisma.$queryRawUnsafe<{ t: string; rows: string }[]>(parts.join(" UNION ALL "));
  return Object.fromEntries(rows.map((r) => [r.t, r.rows]));
}

// ─────────────────────────── the step ───────────────────────────

export interface Step {
  /** Shown when an assertion fails. */
  name: string;
  chat: TestChat;
  /** The step's question (and, for a message being composed, its status line). */
  question: RegExp;
  junk: Junk[];
  /** The language the chat's user chose. */
  locale?: "en" | "mn";
  /**
   * False where no conversation is waiting (a confirmation's buttons, the rating's stars):
   * a message there is answered as anywhere else, not with the question.
   */
  asksAgain?: boolean;
}

/** Throws each junk at the step (see the file's comment). */
export async function fuzzStep(tb: TestBot, buttons: ButtonMemory, step: Step): Promise<void> {
  const { chat: c } = step;
  const locale = step.locale ?? "en";
  const prisma = tb.deps.prisma;
  const before = await storedState(prisma);
  const question = buttons.current(c);
  for (const j of step.junk) {
    const what = `${step.name} ← ${j.label}`;
    const mark = c.all().length;
    const callsBefore = tb.emulator.calls.length;
    await j.send(c, buttons, question);
    const replies = c.all().slice(mark);
    const popups = tb.emulator.calls
      .slice(callsBefore)
      .filter((x) => x.method === "answerCallbackQuery" && typeof x.payload.text === "string")
      .map((x) => String(x.payload.text));
    expect(replies.length + popups.length, `${what}: answered`).toBeGreaterThan(0);
    for (const said of [...replies.map((m) => m.text ?? ""), ...popups]) {
      expect(said, `${what}: not the generic error`).not.toMatch(/went wrong|алдаа гарлаа/i);
      expect(said, `${what}: not a bare locale key`).not.toMatch(/^\w+:[\w.]+$/);
      expect(speaks(said, locale), `${what}: in ${locale}: ${said.slice(0, 120)}`).toBe(true);
    }
    if (j.message && step.asksAgain !== false) {
      expect(
        replies.some((m) => step.question.test(m.text ?? "")),
        `${what}: the question asked again; got ${replies.map((m) => (m.text ?? "").slice(0, 80)).join(" | ")}`,
      ).toBe(true);
    }
    expect(await storedState(prisma), `${what}: nothing stored changed`).toEqual(before);
  }
}
