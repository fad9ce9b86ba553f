/**
 * The steps of the report conversation: one measure (achieved level, narrative, completion,
 * evidence) and one additional task (title, result, completion). Every answer is saved
 * through the report service the moment it is given.
 */
import { InlineKeyboard } from "grammy";
import type { InlineKeyboardButton } from "grammy/types";
import {
  NARRATIVE_MAX,
  narrativeHasFigures,
  validateAchieved,
  validateCompletion,
  validateNarrative,
} from "../../reporting/parse.js";
import type { AnswerPatch } from "../../reporting/report-service.js";
import type { EntryView, TaskView } from "../../reporting/report-view.js";
import { hasWords } from "../../shared/text.js";
import { DomainError } from "../../shared/errors.js";
import { measureCard, percent, short } from "../features/reporting-format.js";
import { type Answer, type Check, type Kit, type Nav, OPTION_PREFIX as OPT } from "./kit.js";

/** The kit's prefix for option buttons of the current question. */

/** How a step or a measure ended. */
export type Flow = "next" | "prev" | "leave" | "cancel" | "stop";

export type MeasureStep = "achieved" | "narrative" | "completion" | "evidence";

/** What the conversation keeps while it runs (rebuilt identically on replay). */
export interface ReportState {
  reportId: number;
  entries: EntryView[];
  /** Measures whose narrative got the "add figures" suggestion already (once each). */
  nudged: Set<number>;
}

type Outcome<T> = { ok: true; value: T } | { ok: false; error: DomainError };

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
function isRetryable(err: DomainError): boolean {
  return err.key.startsWith("reporting:validation.") || err.key === "reporting:errors.tooManyEvidence";
}

function optionRows(options: { label: string; value: string }[], columns: number): InlineKeyboardButton[][] {
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

function asCheck<T>(
  r: { ok: true; value: T } | { ok: false; key: string; params?: Record<string, unknown> },
): Check<T> {
  return r.ok ? { ok: true, value: r.value } : { ok: false, key: r.key, params: r.params ?? {} };
}

// ───────────────────────────── one measure ─────────────────────────────

/** The first step a partly answered measure still needs. */
export function firstMissingStep(e: EntryView): MeasureStep {
  if (e.skipped || e.achievedText === null) return "achieved";
  if (e.narrative === null) return "narrative";
  if (e.completion === null) return "completion";
  return "evidence";
}

async function save(
  kit: Kit,
  st: ReportState,
  index: number,
  patch: AnswerPatch,
): Promise<Outcome<EntryView>> {
  const entry = st.entries[index] as EntryView;
  // Only the changed fields come back: the result is kept in the conversation's replay log.
  const res = await attempt(() =>
    kit.call((s) => s.reporting.reports.saveEntryAnswer(kit.actor, st.reportId, entry.measureId, patch)),
  );
  if (!res.ok) {
    await kit.say(kit.t(res.error.key, res.error.params));
    return res;
  }
  const saved: EntryView = { ...entry, ...res.value };
  st.entries[index] = saved;
  return { ok: true, value: saved };
}

/**
 * Walks one measure from `start`: the card, then each step; every answer saved at once.
 * A step that has an answer already offers to keep it. "next" when the measure is done
 * (or skipped as not due), "prev" for back on its first step, "leave"/"cancel" as the user
 * chose, "stop" when the report cannot be changed any more.
 */
export async function measureFlow(
  kit: Kit,
  st: ReportState,
  index: number,
  opts: { start: MeasureStep; canGoBack: boolean },
): Promise<Flow> {
  const t = kit.t;
  await kit.say(measureCard(t, st.entries[index] as EntryView, st.entries.length));
  let step: MeasureStep = opts.start;
  const navFor = (s: MeasureStep): Nav[] => {
    const nav: Nav[] = [];
    if (s !== "achieved" || opts.canGoBack) nav.push("back");
    if (s !== "evidence") nav.push("skip");
    nav.push("leave", "cancel");
    return nav;
  };
  const previousStep: Record<MeasureStep, MeasureStep | null> = {
    achieved: null,
    narrative: "achieved",
    completion: "narrative",
    evidence: "completion",
  };
  const keep = (current: string | null) =>
    current === null
      ? []
      : [{ label: t("reportingBot:button.keep", { value: short(current, 24) }), value: "keep" }];

  for (;;) {
    const e = st.entries[index] as EntryView;
    let nav: Nav | undefined;
    if (step === "achieved") {
      const boolean = e.targetType === "BOOLEAN";
      const a = await askInput(
        kit,
        t(`reportingBot:ask.achieved.${e.targetType}`, { target: e.target ?? "—" }),
        {
          nav: navFor(step),
          max: NARRATIVE_MAX,
          options: boolean
            ? [
                { label: t("common:conversation.yes"), value: "yes" },
                { label: t("common:conversation.no"), value: "no" },
              ]
            : e.skipped
              ? []
              : keep(e.achievedText),
          parse: (text) => {
            const r = validateAchieved(e.targetType, text);
            return r.ok ? { ok: true, value: text } : { ok: false, key: r.key, params: r.params ?? {} };
          },
        },
      );
      nav = a.nav;
      if (!a.nav) {
        const achieved =
          a.value.option === "keep"
            ? undefined
            : a.value.option === "yes"
              ? t("common:conversation.yes")
              : a.value.option === "no"
                ? t("common:conversation.no")
                : (a.value.text as string);
        const res = await save(
          kit,
          st,
          index,
          achieved === undefined ? { skipped: false } : { achieved, skipped: false },
        );
        if (!res.ok) {
          if (isRetryable(res.error)) continue;
          return "stop";
        }
        step = "narrative";
        continue;
      }
    } else if (step === "narrative") {
      const a = await askInput(kit, t("reportingBot:ask.narrative", { max: NARRATIVE_MAX }), {
        nav: navFor(step),
        max: NARRATIVE_MAX,
        options: keep(e.narrative),
        columns: 1,
        parse: (text) => {
          const r = validateNarrative(text);
          if (!r.ok) return asCheck(r);
          return r.value === null
            ? { ok: false, key: "reporting:validation.empty" }
            : { ok: true, value: r.value };
        },
      });
      nav = a.nav;
      if (!a.nav) {
        if (a.value.option === "keep") {
          step = "completion";
          continue;
        }
        const text = a.value.text as string;
        const res = await save(kit, st, index, { narrative: text });
        if (!res.ok) {
          if (isRetryable(res.error)) continue;
          return "stop";
        }
        if (!narrativeHasFigures(text) && !st.nudged.has(e.measureId)) {
          // Seed 003: results with figures (growth, decline). Suggested once; never forced.
          st.nudged.add(e.measureId);
          const c = await pick(
            kit,
            t("reportingBot:ask.nudge"),
            [
              [{ label: t("reportingBot:button.addFigures"), value: "rewrite" }],
              [{ label: t("reportingBot:button.keepText"), value: "keep" }],
            ],
            [],
          );
          if (c.nav) return "cancel";
          if (c.value === "rewrite") continue;
        }
        step = "completion";
        continue;
      }
    } else if (step === "completion") {
      const suggested = e.suggestedCompletion;
      const options =
        suggested === null
          ? []
          : [{ label: t("reportingBot:button.suggested", { value: suggested }), value: "s" }];
      if (e.completion !== null && e.completion !== suggested) options.push(...keep(percent(e.completion)));
      const a = await askInput(
        kit,
        suggested === null
          ? t("reportingBot:ask.completion")
          : t("reportingBot:ask.completionSuggested", { value: suggested }),
        { nav: navFor(step), options, parse: (text) => asCheck(validateCompletion(text)) },
      );
      nav = a.nav;
      if (!a.nav) {
        if (a.value.option !== "keep") {
          const completion = a.value.option === "s" ? (suggested as number) : (a.value.text as number);
          const res = await save(kit, st, index, { completion });
          if (!res.ok) {
            if (isRetryable(res.error)) continue;
            return "stop";
          }
        }
        step = "evidence";
        continue;
      }
    } else {
      const done = await evidenceStep(kit, st, index, navFor(step));
      if (done !== "back") return done;
      nav = "back";
    }

    // Navigation from a question.
    if (nav === "back") {
      const prev = previousStep[step];
      if (prev === null) return "prev";
      step = prev;
      continue;
    }
    if (nav === "skip") {
      const res = await save(kit, st, index, { skipped: true });
      if (!res.ok && !isRetryable(res.error)) return "stop";
      await kit.say(t("reportingBot:report.skipped", { number: e.number }));
      return "next";
    }
    return nav === "leave" ? "leave" : "cancel";
  }
}

/** Photos and files as evidence, one after another, until "Done". */
async function evidenceStep(kit: Kit, st: ReportState, index: number, nav: Nav[]): Promise<Flow | "back"> {
  const t = kit.t;
  let prompt = t("reportingBot:ask.evidence");
  for (;;) {
    const a = await kit.askAny(
      prompt,
      (ctx) =>
        Boolean(ctx.message?.photo || ctx.message?.document || ctx.callbackQuery?.data === `${OPT}done`),
      {
        nav,
        keyboard: optionRows([{ label: t("reportingBot:button.done"), value: "done" }], 1),
        wrongKey: "reportingBot:report.evidenceWrong",
      },
    );
    if (a.nav === "back") return "back";
    if (a.nav === "leave") return "leave";
    if (a.nav) return "cancel";
    const msg = a.value.message;
    if (!msg) return "next";
    const entry = st.entries[index] as EntryView;
    const photo = msg.photo?.at(-1);
    const doc = msg.document;
    const file = photo
      ? { kind: "PHOTO" as const, fileId: photo.file_id, size: photo.file_size ?? null }
      : {
          kind: "DOCUMENT" as const,
          fileId: doc?.file_id ?? "",
          fileName: doc?.file_name ?? null,
          mimeType: doc?.mime_type ?? null,
          size: doc?.file_size ?? null,
        };
    const res = await attempt(() =>
      kit.call((s) => s.reporting.reports.addEvidence(kit.actor, entry.entryId, file)),
    );
    if (!res.ok) {
      await kit.say(t(res.error.key, res.error.params));
      if (!isRetryable(res.error)) return "stop";
      continue;
    }
    // Results of service calls are kept in the replay log: never change them in place.
    st.entries[index] = { ...entry, evidence: [...entry.evidence, res.value] };
    prompt = t("reportingBot:ask.evidenceMore", { count: entry.evidence.length + 1 });
  }
}

// ───────────────────────────── additional tasks ─────────────────────────────

/**
 * Asks a task's title, result and completion (showing the current values when changing
 * one). Returns the saved task, or the navigation that ended it.
 */
export async function taskFlow(
  kit: Kit,
  reportId: number,
  existing: TaskView | null,
): Promise<{ task: TaskView } | { nav: "back" | "leave" | "cancel" } | { stop: true }> {
  const t = kit.t;
  let title = existing?.title ?? "";
  let result: string | null = existing?.result ?? null;
  let completion: number | null = existing?.completion ?? null;
  let step: "title" | "result" | "completion" = "title";
  for (;;) {
    if (step === "title") {
      const prompt = existing
        ? `${t("reportingBot:task.askTitle")}\n${t("reportingBot:task.current", { value: short(title, 300) })}`
        : t("reportingBot:task.askTitle");
      const a = await kit.askText(prompt, {
        max: 1000,
        nav: ["back", "leave", "cancel"],
        validate: (s) =>
          hasWords(s) ? { ok: true, value: s } : { ok: false, key: "reporting:validation.noWords" },
      });
      if (a.nav === "back" || a.nav === "skip") return { nav: "back" };
      if (a.nav) return { nav: a.nav };
      title = a.value;
      step = "result";
    } else if (step === "result") {
      const prompt =
        existing && result
          ? `${t("reportingBot:task.askResult")}\n${t("reportingBot:task.current", { value: short(result, 300) })}`
          : t("reportingBot:task.askResult");
      const a = await kit.askText(prompt, { max: NARRATIVE_MAX, nav: ["back", "skip", "leave", "cancel"] });
      if (a.nav === "back") {
        step = "title";
        continue;
      }
      if (a.nav === "leave" || a.nav === "cancel") return { nav: a.nav };
      if (!a.nav) result = a.value;
      step = "completion";
    } else {
      const a = await askInput(kit, t("reportingBot:task.askCompletion"), {
        nav: ["back", "skip", "leave", "cancel"],
        options: [{ label: t("reportingBot:button.suggested", { value: 100 }), value: "100" }],
        parse: (text) => asCheck(validateCompletion(text)),
      });
      if (a.nav === "back") {
        step = "result";
        continue;
      }
      if (a.nav === "leave" || a.nav === "cancel") return { nav: a.nav };
      if (!a.nav) completion = a.value.option === "100" ? 100 : (a.value.text as number);
      const input = { title, result, completion };
      const res = await attempt(() =>
        kit.call((s) =>
          existing
            ? s.reporting.reports.updateTask(kit.actor, existing.id, input)
            : s.reporting.reports.addTask(kit.actor, reportId, input),
        ),
      );
      if (!res.ok) {
        await kit.say(t(res.error.key, res.error.params));
        if (isRetryable(res.error)) {
          step = "title";
          continue;
        }
        return { stop: true };
      }
      await kit.say(
        t(existing ? "reportingBot:task.updated" : "reportingBot:task.added", {
          title: short(res.value.title, 200),
          completion: percent(res.value.completion),
        }),
      );
      return { task: res.value };
    }
  }
}
