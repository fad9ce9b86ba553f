/**
 * Building blocks of the petition dialogues: a step runner with back and edit-from-summary,
 * the steps the citizen's intake and the clerk's registration share (kind, topic, text,
 * files, anonymity, name, address), reading a photo or document from a message, and a
 * composer for free messages with files (additions, replies, answers).
 *
 * Every rule (lengths, phone format, file limits) comes from src/petitions: the steps only
 * parse what arrived and ask again with the service's explanation.
 */
import type { InlineKeyboardButton, Message, ReplyKeyboardMarkup, ReplyKeyboardRemove } from "grammy/types";
import type { PetitionKind } from "../../generated/prisma/enums.js";
import { checkAttachmentFile } from "../../petitions/attachment-rules.js";
import type { IntakeOptions, Named } from "../../petitions/types.js";
import {
  ADDRESS_MAX,
  type AttachmentInput,
  hasWords,
  MESSAGE_MAX,
  NAME_MAX,
  validateAddress,
  validateName,
  validateText,
} from "../../petitions/validation.js";
import { idAt, parseAction } from "../../shared/actions.js";
import { DomainError } from "../../shared/errors.js";
import type { BotContext, ConvContext } from "../context.js";
import type { Answer, Kit, Nav } from "./kit.js";

// ─────────────────────────── the step runner ───────────────────────────

/**
 * What a step reports: go on, go back, stop (cancelled or finished), or jump to another
 * step (the summary's edit buttons, or a field the service refused). A jump from the
 * summary puts the runner in edit mode: the edited step returns to the summary.
 */
export type StepResult<S extends string> = "next" | "back" | "cancel" | "done" | { goto: S };

/** Where a step machine stands between two steps: the step to ask next and how it got there. */
export interface StepPosition<S extends string> {
  at: S;
  /** The steps answered on the way, for Back. */
  trail: S[];
  /** Editing from the summary: the step returns to the summary. */
  editing: boolean;
}

export interface StepMachine<S extends string> {
  order: readonly S[];
  summary: S;
  /** Where to begin when earlier steps are already answered (they stay reachable with Back). */
  start?: S;
  /** Where to go on from (a dialogue continued as a new conversation): instead of `start`. */
  resume?: StepPosition<S>;
  applies(step: S): boolean;
  run(step: S, how: { nav: Nav[]; editing: boolean }): Promise<StepResult<S>>;
  /**
   * Called between two steps with where the machine stands. True ends the run there
   * ("continued"): the caller goes on from that position in a new conversation
   * (`Kit.continueAs`), so each update replays the step in progress, not all before it.
   */
  between?(position: StepPosition<S>): Promise<boolean>;
}

/** Runs the steps in order with back, edit and jump; resolves how the dialogue ended. */
export async function runSteps<S extends string>(
  m: StepMachine<S>,
): Promise<"cancel" | "done" | "continued"> {
  const trail: S[] = [...(m.resume?.trail ?? [])];
  let editing = m.resume?.editing ?? false;
  const nextAfter = (step: S): S => {
    const i = m.order.indexOf(step);
    return m.order.slice(i + 1).find((s) => m.applies(s)) ?? m.summary;
  };
  let at: S = m.resume?.at ?? m.order.find((s) => m.applies(s)) ?? m.summary;
  if (!m.resume && m.start !== undefined && m.applies(m.start)) {
    trail.push(...m.order.slice(0, m.order.indexOf(m.start)).filter((s) => m.applies(s)));
    at = m.start;
  }
  for (let first = true; ; first = false) {
    if (!first && m.between && (await m.between({ at, trail: [...trail], editing }))) return "continued";
    const canBack = (editing && at !== m.summary) || trail.some((s) => m.applies(s));
    const result = await m.run(at, { nav: canBack ? ["back", "cancel"] : ["cancel"], editing });
    if (result === "cancel" || result === "done") return result;
    if (typeof result === "object") {
      editing = result.goto !== m.summary || editing;
      at = result.goto;
      continue;
    }
    if (result === "back") {
      if (editing && at !== m.summary) {
        at = m.summary;
        continue;
      }
      editing = false;
      let prev = trail.pop();
      while (prev !== undefined && !m.applies(prev)) prev = trail.pop();
      if (prev !== undefined) at = prev;
      continue;
    }
    // next
    if (editing || at === m.summary) {
      at = m.summary;
      continue;
    }
    trail.push(at);
    at = nextAfter(at);
  }
}

/** Maps a navigation answer to a step result. */
export function navResult<S extends string>(nav: Nav): StepResult<S> {
  return nav === "back" ? "back" : nav === "skip" ? "next" : "cancel";
}

// ─────────────────────────── small helpers ───────────────────────────

/** The name of an organisation, topic or unit in the user's language. */
export function nameIn(locale: string, x: Pick<Named, "name" | "nameEn"> | null | undefined): string {
  if (!x) return "";
  return locale === "en" && x.nameEn ? x.nameEn : x.name;
}

/** The petition id of a button ("pc:add:12" → 12), or null when forged or malformed. */
export function petitionIdFrom(ctx: { callbackQuery?: { data?: string } }): number | null {
  const parsed = parseAction(ctx.callbackQuery?.data);
  return parsed ? idAt(parsed, 0) : null;
}

/** Sends a message with a reply keyboard (or its removal) through the kit's conversation. */
export async function sendMarkup(
  kit: Kit,
  text: string,
  markup: ReplyKeyboardMarkup | ReplyKeyboardRemove,
): Promise<void> {
  await kit.external(async (outer: BotContext) => {
    await outer.reply(text, { reply_markup: markup });
  });
}

/** The field a refused petition names (IntakeError), if any. */
export function fieldOf(err: unknown): string | null {
  if (!(err instanceof DomainError)) return null;
  return typeof err.params.field === "string" ? err.params.field : null;
}

/** Runs a service call; a DomainError is said to the user and gives null. */
export async function attempt<R>(kit: Kit, fn: () => Promise<R>): Promise<R | null> {
  try {
    return await fn();
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    await kit.say(kit.t(err.key, err.params));
    return null;
  }
}

/** A photo (largest size) or a document of a message, as the petition stores it. */
export function attachmentOf(msg: Message | undefined): AttachmentInput | null {
  if (!msg) return null;
  const photo = msg.photo?.at(-1);
  if (photo) {
    return {
      kind: "PHOTO",
      fileId: photo.file_id,
      fileUniqueId: photo.file_unique_id,
      fileName: null,
      mimeType: "image/jpeg",
      size: photo.file_size ?? null,
    };
  }
  const doc = msg.document;
  if (doc) {
    return {
      kind: "DOCUMENT",
      fileId: doc.file_id,
      fileUniqueId: doc.file_unique_id,
      fileName: doc.file_name ?? null,
      mimeType: doc.mime_type ?? null,
      size: doc.file_size ?? null,
    };
  }
  return null;
}

/** "photo" or the document's name, for lists and refusals. */
export function fileName(kit: Pick<Kit, "t">, a: { kind: string; fileName?: string | null }): string {
  return a.kind === "PHOTO" || !a.fileName ? kit.t("petitionsBot:files.photoName") : a.fileName;
}

/**
 * Checks a received file with the petition rules and says why when it is refused.
 * Returns the file, or null (already answered).
 */
export async function acceptFile(kit: Kit, msg: Message | undefined): Promise<AttachmentInput | null> {
  const file = attachmentOf(msg);
  if (!file) {
    await kit.say(kit.t("petitions:errors.attachmentInvalid"));
    return null;
  }
  const check = checkAttachmentFile(file);
  if (!check.ok) {
    await kit.say(
      kit.t(check.key, {
        ...check.params,
        name: (check.params.name as string | null) ?? fileName(kit, file),
      }),
    );
    return null;
  }
  return check.value;
}

const opt = (text: string, value: string): InlineKeyboardButton => ({ text, callback_data: `opt:${value}` });

// ─────────────────────────── shared intake steps ───────────────────────────

export async function askKind(
  kit: Kit,
  opts: IntakeOptions,
  nav: Nav[],
  promptKey = "petitionsBot:intake.askKind",
): Promise<Answer<PetitionKind>> {
  const { t } = kit;
  const lines = opts.kinds.map((k) =>
    t("petitionsBot:intake.kindLine", { kind: t(`petitions:kind.${k}`), hint: t(`petitions:kindHint.${k}`) }),
  );
  return kit.choose(
    `${t(promptKey)}\n\n${lines.join("\n")}`,
    opts.kinds.map((k) => ({ label: t(`petitions:kind.${k}`), value: k })),
    { nav, columns: 2 },
  );
}

export async function askTopic(kit: Kit, opts: IntakeOptions, nav: Nav[]): Promise<Answer<number>> {
  const r = await kit.choose(
    kit.t("petitionsBot:intake.askTopic"),
    opts.topics.map((x) => ({ label: nameIn(kit.locale, x), value: String(x.id) })),
    { nav },
  );
  return r.nav ? r : { value: Number(r.value) };
}

export async function askPetitionText(kit: Kit, opts: IntakeOptions, nav: Nav[]): Promise<Answer<string>> {
  return kit.askText(kit.t("petitionsBot:intake.askText", { min: opts.textMin, max: opts.textMax }), {
    max: opts.textMax,
    nav,
    validate: (s) => validateText(s, opts.textMin, opts.textMax),
  });
}

/**
 * Photos and documents, one message each, up to `max`; "No attachments" / "Done" goes on,
 * "Remove all" starts over. A refused file is named with the reason.
 */
export async function askFiles(
  kit: Kit,
  current: AttachmentInput[],
  max: number,
  nav: Nav[],
): Promise<Answer<AttachmentInput[]>> {
  const { t } = kit;
  const files = [...current];
  for (;;) {
    const list = files.map((f, i) => `${i + 1}. ${fileName(kit, f)}`).join("\n");
    const prompt =
      files.length === 0
        ? t("petitionsBot:files.ask", { max })
        : t("petitionsBot:files.askMore", { count: files.length, max, list });
    const keyboard = [[opt(t(files.length ? "petitionsBot:files.done" : "petitionsBot:files.none"), "done")]];
    if (files.length > 0) keyboard.push([opt(t("petitionsBot:files.clear"), "clear")]);
    const r = await kit.askAny(prompt, () => true, { nav, keyboard });
    if (r.nav) return r;
    const c: ConvContext = r.value;
    const data = c.callbackQuery?.data;
    if (data === "opt:done") return { value: files };
    if (data === "opt:clear") {
      files.length = 0;
      continue;
    }
    if (data !== undefined) continue;
    if (c.message?.text !== undefined) {
      await kit.say(t("petitionsBot:files.textHere"));
      continue;
    }
    if (files.length >= max) {
      await kit.say(t("petitions:errors.tooManyAttachments", { max }));
      continue;
    }
    const file = await acceptFile(kit, c.message);
    if (!file) continue;
    files.push(file);
    if (files.length >= max) {
      await kit.say(t("petitionsBot:files.limitReached", { max }));
      return { value: files };
    }
  }
}

export async function askAnonymous(kit: Kit, nav: Nav[], promptKey: string): Promise<Answer<boolean>> {
  const r = await kit.choose(
    kit.t(promptKey),
    [
      { label: kit.t("petitionsBot:intake.named"), value: "named" },
      { label: kit.t("petitionsBot:intake.anonymous"), value: "anonymous" },
    ],
    { nav },
  );
  return r.nav ? r : { value: r.value === "anonymous" };
}

export async function askName(kit: Kit, nav: Nav[], promptKey: string): Promise<Answer<string>> {
  return kit.askText(kit.t(promptKey), { max: NAME_MAX, nav, validate: (s) => validateName(s) });
}

export async function askAddress(kit: Kit, nav: Nav[], promptKey: string): Promise<Answer<string>> {
  return kit.askText(kit.t(promptKey), {
    max: ADDRESS_MAX,
    nav,
    validate: (s) => {
      const r = validateAddress(s, true);
      return r.ok ? { ok: true, value: r.value ?? "" } : r;
    },
  });
}

/** The petition's own fields: the citizen's intake and the clerk's registration ask them alike. */
export type PetitionStep = "kind" | "topic" | "text" | "files" | "anonymous" | "name";

export interface PetitionDraft {
  kind: PetitionKind | null;
  topicId: number | null;
  text: string | null;
  attachments: AttachmentInput[];
  anonymous: boolean;
  petitionerName: string | null;
}

/**
 * Asks one of the petition's own fields into `d`. `applies` is the dialogue's rule for
 * which steps are asked; `prompts` are the questions worded for the citizen or the clerk.
 */
export async function askPetitionStep<S extends string>(
  kit: Kit,
  step: PetitionStep,
  d: PetitionDraft,
  opts: IntakeOptions,
  nav: Nav[],
  applies: (step: PetitionStep) => boolean,
  prompts: { kind?: string; anonymous: string; name: string },
): Promise<StepResult<S>> {
  switch (step) {
    case "kind": {
      const r = await askKind(kit, opts, nav, prompts.kind);
      if (r.nav) return navResult(r.nav);
      d.kind = r.value;
      if (!applies("anonymous")) d.anonymous = false;
      return "next";
    }
    case "topic": {
      const r = await askTopic(kit, opts, nav);
      if (r.nav) return navResult(r.nav);
      d.topicId = r.value;
      return "next";
    }
    case "text": {
      const r = await askPetitionText(kit, opts, nav);
      if (r.nav) return navResult(r.nav);
      d.text = r.value;
      return "next";
    }
    case "files": {
      const r = await askFiles(kit, d.attachments, opts.maxAttachments, nav);
      if (r.nav) return navResult(r.nav);
      d.attachments = r.value;
      return "next";
    }
    case "anonymous": {
      const r = await askAnonymous(kit, nav, prompts.anonymous);
      if (r.nav) return navResult(r.nav);
      d.anonymous = r.value;
      return "next";
    }
    case "name": {
      const r = await askName(kit, nav, prompts.name);
      if (r.nav) return navResult(r.nav);
      d.petitionerName = r.value;
      return "next";
    }
  }
}

/** The summary lines of the petition's own fields: the topic (when chosen), the text, the files. */
export function petitionSummaryLines(
  kit: Pick<Kit, "t" | "locale">,
  o: IntakeOptions,
  d: PetitionDraft,
): string[] {
  const { t, locale } = kit;
  const topic = o.topics.find((x) => x.id === d.topicId);
  const lines: string[] = [];
  if (topic) lines.push(t("petitionsBot:summary.topic", { value: nameIn(locale, topic) }));
  lines.push(t("petitionsBot:summary.text", { value: excerpt(d.text ?? "", 1500) }));
  if (d.attachments.length > 0) {
    lines.push(
      t("petitionsBot:summary.files", {
        count: d.attachments.length,
        value: d.attachments.map((a) => fileName(kit, a)).join(", "),
      }),
    );
  }
  return lines;
}

/** The text cut to `max` characters (with an ellipsis). */
export function excerpt(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join("")}…`;
}

// ─────────────────────────── free messages with files ───────────────────────────

export interface Composed {
  text: string;
  files: AttachmentInput[];
}

/** Refusals that the writer can fix by adding to or changing the message. */
const FIXABLE = new Set([
  "petitions:errors.textRequired",
  "petitions:errors.tooLong",
  "petitions:errors.answerTooShort",
  "petitions:errors.questionRequired",
  "petitions:errors.reasonRequired",
  "petitions:errors.tooManyAttachments",
  "petitions:errors.attachmentInvalid",
  "petitions:errors.fileTooLarge",
  "petitions:errors.fileTypeRefused",
]);

export function isFixable(err: unknown): boolean {
  return err instanceof DomainError && FIXABLE.has(err.key);
}

/**
 * Collects a message made of text (one or several messages, joined) and files, until
 * "Send". `submit` calls the service: a refusal the writer can fix is explained and the
 * message kept for more; any other refusal ends the dialogue. Null when cancelled.
 */
export async function compose<R>(
  kit: Kit,
  opts: { prompt: string; maxFiles: number; sendKey?: string },
  submit: (message: Composed) => Promise<R>,
): Promise<R | null> {
  const { t } = kit;
  const message: Composed = { text: "", files: [] };
  let prompt = opts.prompt;
  const status = () =>
    t("petitionsBot:compose.status", {
      chars: [...message.text].length,
      files: message.files.length,
      send: t(opts.sendKey ?? "petitionsBot:compose.send"),
    });
  for (;;) {
    const filled = message.text.length > 0 || message.files.length > 0;
    const keyboard = filled
      ? [
          [
            opt(t(opts.sendKey ?? "petitionsBot:compose.send"), "send"),
            opt(t("petitionsBot:compose.clear"), "clear"),
          ],
        ]
      : [];
    const r = await kit.askAny(prompt, () => true, { nav: ["cancel"], keyboard });
    if (r.nav) {
      await kit.say(t("petitionsBot:compose.cancelled"));
      return null;
    }
    const c: ConvContext = r.value;
    const data = c.callbackQuery?.data;
    if (data === "opt:send") {
      try {
        return await submit({ text: message.text, files: [...message.files] });
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        await kit.say(t(err.key, err.params));
        if (!isFixable(err)) return null;
        prompt = status();
        continue;
      }
    }
    if (data === "opt:clear") {
      message.text = "";
      message.files = [];
      prompt = opts.prompt;
      continue;
    }
    if (data !== undefined) continue;
    const m = c.message;
    // Each part is checked as it arrives (and the limit for the whole): a part in no words
    // (emoji or symbols alone) or one that would pass the limit is refused at once and not kept.
    const addText = async (s: string | undefined): Promise<boolean> => {
      const x = s?.trim();
      if (!x) return true;
      if (!hasWords(x)) {
        await kit.say(t("petitions:errors.noWords"));
        return false;
      }
      const joined = message.text ? `${message.text}\n\n${x}` : x;
      if ([...joined].length > MESSAGE_MAX) {
        await kit.say(t("petitions:errors.tooLong", { max: MESSAGE_MAX }));
        return false;
      }
      message.text = joined;
      return true;
    };
    if (m?.text !== undefined) {
      await addText(m.text);
    } else if (message.files.length >= opts.maxFiles) {
      await kit.say(t("petitions:errors.tooManyAttachments", { max: opts.maxFiles }));
    } else {
      const captionTooLong = [...(m?.caption ?? "")].length > MESSAGE_MAX;
      const file = captionTooLong ? null : await acceptFile(kit, m);
      if (file && (await addText(m?.caption))) message.files.push(file);
      else if (captionTooLong) await kit.say(t("petitions:errors.tooLong", { max: MESSAGE_MAX }));
    }
    prompt = status();
  }
}
