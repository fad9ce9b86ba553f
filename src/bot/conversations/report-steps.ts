/**
 * The steps of one measure in the report conversation: the achieved level (or "not due in
 * this period", with a reason), the narrative (an over-long one is kept and offered
 * shortened or back to edit), the start–end dates when the plan gives the measure a
 * period, the completion and the evidence. Every answer is saved through the report
 * service the moment it is given; "⏭ Skip" moves on and leaves the measure unanswered.
 */
import { escapeHtml } from "../../i18n.js";
import {
  NARRATIVE_MAX,
  NOT_DUE_REASON_MAX,
  narrativeHasFigures,
  shortenText,
  validateAchieved,
  validateCompletion,
} from "../../reporting/parse.js";
import type { AnswerPatch } from "../../reporting/report-service.js";
import type { EntryView } from "../../reporting/report-view.js";
import { measureCard, percent, short } from "../features/reporting-format.js";
import { type Kit, type Nav, OPTION_PREFIX as OPT } from "./kit.js";
import {
  askInput,
  asCheck,
  attempt,
  inWords,
  isRetryable,
  type Outcome,
  optionRows,
  pick,
} from "./report-input.js";

export { attempt, pick } from "./report-input.js";
export { taskFlow } from "./report-task.js";

/** How a step or a measure ended. */
export type Flow = "next" | "prev" | "leave" | "cancel" | "stop";

export type MeasureStep = "achieved" | "narrative" | "dates" | "completion" | "evidence";

/** Telegram's limit on a message: a longer narrative cannot arrive at all. */
const MESSAGE_MAX = 4096;

/** What the conversation of one measure keeps while it runs (rebuilt identically on replay). */
export interface MeasureState {
  reportId: number;
  /** The measure's entry as last saved. */
  entry: EntryView;
  /** How many measures the report has (the card says "2 of 5"). */
  total: number;
  /** Measures whose narrative got the "add figures" suggestion already (once each). */
  nudged: Set<number>;
}

/** The steps of a measure, in order: the dates only when the plan or an answer has them. */
function stepsOf(e: EntryView): MeasureStep[] {
  return e.planDates !== null || e.dates !== null
    ? ["achieved", "narrative", "dates", "completion", "evidence"]
    : ["achieved", "narrative", "completion", "evidence"];
}

/** The first step a partly answered measure still needs. */
export function firstMissingStep(e: EntryView): MeasureStep {
  if (e.skipped || e.achievedText === null) return "achieved";
  if (e.narrative === null) return "narrative";
  if (stepsOf(e).includes("dates") && e.dates === null) return "dates";
  if (e.completion === null) return "completion";
  return "evidence";
}

async function save(kit: Kit, st: MeasureState, patch: AnswerPatch): Promise<Outcome<EntryView>> {
  const entry = st.entry;
  // Only the changed fields come back: the result is kept in the conversation's replay log.
  const res = await attempt(() =>
    kit.call((s) => s.reporting.reports.saveEntryAnswer(kit.actor, st.reportId, entry.measureId, patch)),
  );
  if (!res.ok) {
    await kit.say(kit.t(res.error.key, res.error.params));
    return res;
  }
  const saved: EntryView = { ...entry, ...res.value };
  st.entry = saved;
  return { ok: true, value: saved };
}

const nonEmpty = (text: string) =>
  text ? { ok: true as const, value: text } : { ok: false as const, key: "reporting:validation.empty" };

/**
 * Walks one measure from `start`: the card, then each step; every answer saved at once.
 * A step that has an answer already offers to keep it. "next" when the measure is done,
 * declared not due or skipped for later, "prev" for back on its first step,
 * "leave"/"cancel" as the user chose, "stop" when the report cannot be changed any more.
 */
export async function measureFlow(
  kit: Kit,
  st: MeasureState,
  opts: { start: MeasureStep; canGoBack: boolean },
): Promise<Flow> {
  const t = kit.t;
  await kit.say(measureCard(t, st.entry, st.total));
  let step: MeasureStep = opts.start;
  const navFor = (s: MeasureStep): Nav[] => {
    const nav: Nav[] = [];
    if (s !== "achieved" || opts.canGoBack) nav.push("back");
    if (s !== "evidence") nav.push("skip");
    nav.push("leave", "cancel");
    return nav;
  };
  const keep = (current: string | null) =>
    current === null
      ? []
      : [{ label: t("reportingBot:button.keep", { value: short(current, 24) }), value: "keep" }];

  for (;;) {
    const e = st.entry;
    const steps = stepsOf(e);
    const following = (): MeasureStep => steps[steps.indexOf(step) + 1] ?? "evidence";
    let nav: Nav | undefined;
    if (step === "achieved") {
      const boolean = e.targetType === "BOOLEAN";
      const notDue = { label: t("reportingBot:button.notDue"), value: "notdue" };
      const a = await askInput(
        kit,
        t(`reportingBot:ask.achieved.${e.targetType}`, { target: e.target ?? "—" }),
        {
          nav: navFor(step),
          max: NARRATIVE_MAX,
          columns: boolean ? 2 : 1,
          options: boolean
            ? [
                { label: t("common:conversation.yes"), value: "yes" },
                { label: t("common:conversation.no"), value: "no" },
                notDue,
              ]
            : [...(e.skipped ? [] : keep(e.achievedText)), notDue],
          parse: (text) => {
            const r = validateAchieved(e.targetType, text);
            return r.ok ? { ok: true, value: text } : { ok: false, key: r.key, params: r.params ?? {} };
          },
        },
      );
      nav = a.nav;
      if (!a.nav) {
        if (a.value.option === "notdue") {
          const r = await notDueFlow(kit, st);
          if (r === "back") continue;
          return r;
        }
        const achieved =
          a.value.option === "keep"
            ? undefined
            : a.value.option === "yes"
              ? t("common:conversation.yes")
              : a.value.option === "no"
                ? t("common:conversation.no")
                : (a.value.text as string);
        if (achieved !== undefined) {
          const res = await save(kit, st, { achieved });
          if (!res.ok) {
            if (isRetryable(res.error)) continue;
            return "stop";
          }
        }
        step = following();
        continue;
      }
    } else if (step === "narrative") {
      const a = await askInput(kit, t("reportingBot:ask.narrative", { max: NARRATIVE_MAX }), {
        nav: navFor(step),
        max: MESSAGE_MAX,
        options: keep(e.narrative),
        columns: 1,
        parse: inWords,
      });
      nav = a.nav;
      if (!a.nav) {
        if (a.value.option === "keep") {
          step = following();
          continue;
        }
        const text = a.value.text as string;
        let patch: AnswerPatch = { narrative: text };
        if (text.length > NARRATIVE_MAX) {
          const c = await narrativeTooLong(kit, text);
          if (c === "edit") continue;
          if (c !== "shorten") return c;
          patch = { narrative: text, shortenNarrative: true };
        }
        const res = await save(kit, st, patch);
        if (!res.ok) {
          if (isRetryable(res.error)) continue;
          return "stop";
        }
        const saved = res.value.narrative ?? "";
        if (patch.shortenNarrative) {
          await kit.say(
            t("reportingBot:narrative.savedShort", { length: saved.length, end: saved.slice(-80) }),
          );
        }
        if (!narrativeHasFigures(saved) && !st.nudged.has(e.measureId)) {
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
        step = following();
        continue;
      }
    } else if (step === "dates") {
      const options = [];
      if (e.planDates !== null && e.planDates !== e.dates) {
        options.push({ label: t("reportingBot:button.planDates", { value: e.planDates }), value: "plan" });
      }
      options.push(...keep(e.dates));
      const a = await askInput(
        kit,
        t("reportingBot:ask.dates", { example: e.planDates ?? "2026.01.02-06.15" }),
        {
          nav: navFor(step),
          max: 40,
          options,
          columns: 1,
          parse: nonEmpty,
        },
      );
      nav = a.nav;
      if (!a.nav) {
        if (a.value.option !== "keep") {
          const dates = a.value.option === "plan" ? (e.planDates as string) : (a.value.text as string);
          const res = await save(kit, st, { dates });
          if (!res.ok) {
            if (isRetryable(res.error)) continue;
            return "stop";
          }
        }
        step = following();
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
          const res = await save(kit, st, { completion });
          if (!res.ok) {
            if (isRetryable(res.error)) continue;
            return "stop";
          }
        }
        step = "evidence";
        continue;
      }
    } else {
      const done = await evidenceStep(kit, st, navFor(step));
      if (done !== "back") return done;
      nav = "back";
    }

    // Navigation from a question.
    if (nav === "back") {
      const prev = steps[steps.indexOf(step) - 1];
      if (prev === undefined) return "prev";
      step = prev;
      continue;
    }
    if (nav === "skip") {
      // Later: nothing is saved; the summary and submitting ask for the measure.
      if (!st.entry.answered) {
        await kit.say(t("reportingBot:report.later", { number: e.number }));
      }
      return "next";
    }
    return nav === "leave" ? "leave" : "cancel";
  }
}

/**
 * "Not due in this period": where the plan says the measure is due, the official is told
 * so and may insist (the head then sees it, and it counts as 0%); then the reason.
 * "back" returns to the measure's first question.
 */
async function notDueFlow(kit: Kit, st: MeasureState): Promise<Flow | "back"> {
  const t = kit.t;
  const e = st.entry;
  if (e.dueByPlan) {
    const c = await pick(
      kit,
      t("reportingBot:notDue.planSaysDue", { number: e.number, dates: e.planDates ?? "—" }),
      [
        [{ label: t("reportingBot:button.notDueAnyway"), value: "insist" }],
        [{ label: t("reportingBot:button.answerIt"), value: "back" }],
      ],
      ["leave", "cancel"],
    );
    if (c.nav) return c.nav === "leave" ? "leave" : "cancel";
    if (c.value !== "insist") return "back";
  }
  const a = await askInput(kit, t("reportingBot:notDue.askReason", { max: NOT_DUE_REASON_MAX }), {
    nav: ["back", "leave", "cancel"],
    max: NOT_DUE_REASON_MAX,
    columns: 1,
    options:
      e.notDueReason === null
        ? []
        : [{ label: t("reportingBot:button.keep", { value: short(e.notDueReason, 24) }), value: "keep" }],
    parse: (text) =>
      /[\p{L}\p{N}]/u.test(text)
        ? { ok: true, value: text }
        : { ok: false, key: "reporting:validation.notDueReason" },
  });
  if (a.nav === "back" || a.nav === "skip") return "back";
  if (a.nav) return a.nav;
  const reason = a.value.option === "keep" ? (e.notDueReason as string) : (a.value.text as string);
  const res = await save(kit, st, { notDue: { reason } });
  if (!res.ok) return isRetryable(res.error) ? "back" : "stop";
  await kit.say(
    t(res.value.notDueFlagged ? "reportingBot:notDue.markedFlagged" : "reportingBot:notDue.marked", {
      number: e.number,
    }),
  );
  return "next";
}

/**
 * A narrative over the limit: it is kept, and the official chooses to save it shortened
 * (at a sentence or word boundary) or to get it back to edit and send again.
 */
async function narrativeTooLong(kit: Kit, text: string): Promise<"shorten" | "edit" | "leave" | "cancel"> {
  const t = kit.t;
  const shortened = shortenText(text, NARRATIVE_MAX);
  const c = await pick(
    kit,
    t("reportingBot:narrative.tooLong", { length: text.length, max: NARRATIVE_MAX }),
    [
      [{ label: t("reportingBot:button.saveShortened", { length: shortened.length }), value: "shorten" }],
      [{ label: t("reportingBot:button.editText"), value: "edit" }],
    ],
    ["leave", "cancel"],
  );
  if (c.nav) return c.nav === "leave" ? "leave" : "cancel";
  if (c.value === "shorten") return "shorten";
  await kit.say(t("reportingBot:narrative.editHint", { max: NARRATIVE_MAX }));
  await kit.say(`<code>${escapeHtml(text)}</code>`);
  return "edit";
}

/** Photos and files as evidence, one after another, until "Done". */
async function evidenceStep(kit: Kit, st: MeasureState, nav: Nav[]): Promise<Flow | "back"> {
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
    const entry = st.entry;
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
    st.entry = { ...entry, evidence: [...entry.evidence, res.value] };
    prompt = t("reportingBot:ask.evidenceMore", { count: entry.evidence.length + 1 });
  }
}
