/**
 * The report conversation (/report, the menu, the button of every reminder): the official
 * walks through each measure due in the open period, then additional tasks, then a
 * summary with edit buttons, then submits. Every answer is saved at once, so leaving, a
 * restart of the bot or a lost phone loses nothing; /report resumes at the first measure
 * still unanswered. A returned report opens with the head's comment.
 */
import { createConversation } from "@grammyjs/conversations";
import { InlineKeyboard } from "grammy";
import type { InlineKeyboardButton } from "grammy/types";
import type { TFunction } from "i18next";
import { formatDate } from "../../i18n.js";
import { action } from "../../shared/actions.js";
import type { ReportView, TaskView } from "../../reporting/report-view.js";
import type { BotContext, ConvContext } from "../context.js";
import {
  percent,
  periodLabel,
  ratingLabel,
  short,
  splitMessages,
  summaryBlocks,
} from "../features/reporting-format.js";
import { type BotConversation, conversationNames, type Kit, makeKit } from "./kit.js";
import {
  attempt,
  firstMissingStep,
  type MeasureStep,
  measureFlow,
  pick,
  type ReportState,
  taskFlow,
} from "./report-steps.js";

export const REPORT_CONVERSATION = "report";
export const REPORT_NAME = "reportingBot:report.name";
conversationNames[REPORT_CONVERSATION] = REPORT_NAME;

type Position =
  | { at: "measure"; index: number; start: MeasureStep; editing: boolean }
  | { at: "tasks" }
  | { at: "summary" };

/** The export buttons under a report (handled by the reporting feature). */
export function exportButtons(t: TFunction, reportId: number): InlineKeyboardButton[] {
  return [
    InlineKeyboard.text(t("reportingBot:button.docx"), action("rp", "docx", reportId)),
    InlineKeyboard.text(t("reportingBot:button.xlsx"), action("rp", "xlsx", reportId)),
  ];
}

function intro(t: TFunction, view: ReportView): string {
  const lines = [
    t("reportingBot:report.intro", {
      period: periodLabel(t, view.period.kind, view.period.year),
      deadline: formatDate(view.period.deadline),
      answered: view.answered,
      total: view.total,
    }),
  ];
  if (view.deadlinePassed) lines.push(t("reportingBot:report.lateNotice"));
  if (view.total === 0) lines.push(t("reportingBot:report.noMeasures"));
  lines.push(t("reportingBot:report.howTo"));
  return lines.join("\n");
}

async function reportConversation(conversation: BotConversation, _ctx: ConvContext, reportId?: number) {
  const kit = await makeKit(conversation, REPORT_NAME);
  const t = kit.t;
  const opened = await attempt(() =>
    kit.call((s) =>
      reportId !== undefined
        ? s.reporting.reports.getReport(kit.actor, reportId)
        : s.reporting.reports.openReport(kit.actor),
    ),
  );
  if (!opened.ok) return kit.say(t(opened.error.key, opened.error.params));
  const view = opened.value;
  if (!view.editable) return kit.say(t("reporting:errors.notEditable"));

  // A returned report: the head's comment comes first.
  if (view.returnComment) await kit.say(t("reportingBot:report.returned", { comment: view.returnComment }));
  await kit.say(intro(t, view));

  // A copy: results of service calls are kept in the replay log and must not change.
  const st: ReportState = { reportId: view.id, entries: [...view.entries], nudged: new Set() };
  const first = view.firstUnansweredIndex;
  let pos: Position =
    first !== null && st.entries[first]
      ? { at: "measure", index: first, start: firstMissingStep(st.entries[first]), editing: false }
      : { at: "summary" };
  /** How many measures the user stepped back: going forward then walks them in order. */
  let backtrack = 0;
  let tasks = view.tasks.length;

  const leave = () => kit.say(t("reportingBot:report.left"));
  const cancel = () => kit.say(t("reportingBot:report.cancelled"));

  for (;;) {
    if (pos.at === "measure") {
      const here: Extract<Position, { at: "measure" }> = pos;
      const flow = await measureFlow(kit, st, here.index, {
        start: here.start,
        canGoBack: here.editing || here.index > 0,
      });
      if (flow === "leave") return leave();
      if (flow === "cancel") return cancel();
      if (flow === "stop") return;
      if (here.editing) {
        pos = { at: "summary" };
      } else if (flow === "prev") {
        backtrack++;
        pos = { at: "measure", index: here.index - 1, start: "achieved", editing: false };
      } else {
        let next: number;
        if (backtrack > 0 && here.index + 1 < st.entries.length) {
          backtrack--;
          next = here.index + 1;
        } else {
          backtrack = 0;
          next = st.entries.findIndex((e, i) => i > here.index && !e.answered);
        }
        const entry = next >= 0 ? st.entries[next] : undefined;
        pos = entry
          ? {
              at: "measure",
              index: next,
              start: backtrack > 0 ? "achieved" : firstMissingStep(entry),
              editing: false,
            }
          : { at: "tasks" };
      }
      continue;
    }

    if (pos.at === "tasks") {
      const last = st.entries.length - 1;
      const c = await pick(
        kit,
        t("reportingBot:task.prompt", { count: tasks }),
        [
          [{ label: t("reportingBot:button.addTask"), value: "add" }],
          [{ label: t("reportingBot:button.noMoreTasks"), value: "none" }],
        ],
        last >= 0 ? ["back", "leave", "cancel"] : ["leave", "cancel"],
      );
      if (c.nav === "back") {
        pos = { at: "measure", index: last, start: "achieved", editing: false };
        continue;
      }
      if (c.nav === "leave") return leave();
      if (c.nav) return cancel();
      if (c.value === "add") {
        const r = await taskFlow(kit, st.reportId, null);
        if ("stop" in r) return;
        if ("task" in r) tasks++;
        else if (r.nav === "leave") return leave();
        else if (r.nav === "cancel") return cancel();
        continue;
      }
      pos = { at: "summary" };
      continue;
    }

    // The summary: overall completion, each measure's line, edit buttons, submit.
    const got = await attempt(() =>
      kit.call(async (s) => ({
        view: await s.reporting.reports.getReport(kit.actor, st.reportId),
        sum: await s.reporting.reports.summary(kit.actor, st.reportId),
      })),
    );
    if (!got.ok) return kit.say(t(got.error.key, got.error.params));
    const { view: current, sum } = got.value;
    if (!current.editable) return kit.say(t("reporting:errors.notEditable"));
    st.entries = [...current.entries];
    tasks = current.tasks.length;
    for (const text of splitMessages(summaryBlocks(t, current, sum))) await kit.say(text);

    const measureButtons = current.entries.map((e) => ({
      label: `${e.skipped ? "🚫" : e.answered ? "✏️" : "▫️"} ${e.number}`,
      value: `m${e.index}`,
    }));
    const taskButtons = current.tasks.map((task, i) => ({
      label: t("reportingBot:button.editTask", { n: i + 1 }),
      value: `t${task.id}`,
    }));
    const rows = [
      ...chunk(measureButtons, 4),
      ...chunk(taskButtons, 3),
      [{ label: t("reportingBot:button.addTask"), value: "add" }],
      ...(sum.canSubmit ? [[{ label: t("reportingBot:button.submit"), value: "submit" }]] : []),
    ];
    const prompt = sum.canSubmit
      ? t("reportingBot:summary.promptReady")
      : t("reportingBot:summary.promptMissing", { measures: sum.missing.map((m) => m.number).join(", ") });
    const c = await pick(kit, prompt, rows, ["leave", "cancel"]);
    if (c.nav === "leave") return leave();
    if (c.nav) return cancel();
    const choice = c.value;

    if (choice.startsWith("m")) {
      const index = Number(choice.slice(1));
      if (st.entries[index]) pos = { at: "measure", index, start: "achieved", editing: true };
      continue;
    }
    if (choice.startsWith("t")) {
      const task = current.tasks.find((x) => `t${x.id}` === choice);
      if (task) {
        const end = await editTask(kit, st.reportId, task, current.tasks.indexOf(task) + 1);
        if (end === "leave") return leave();
        if (end === "cancel") return cancel();
        if (end === "stop") return;
      }
      continue;
    }
    if (choice === "add") {
      const r = await taskFlow(kit, st.reportId, null);
      if ("stop" in r) return;
      if ("nav" in r && r.nav === "leave") return leave();
      if ("nav" in r && r.nav === "cancel") return cancel();
      continue;
    }
    if (choice === "submit") {
      const confirm = await pick(
        kit,
        sum.late
          ? t("reportingBot:submit.confirmLate", { deadline: formatDate(sum.deadline) })
          : t("reportingBot:submit.confirm"),
        [
          [{ label: t("reportingBot:button.submit"), value: "yes" }],
          [{ label: t("common:conversation.back"), value: "no" }],
        ],
        ["cancel"],
      );
      if (confirm.nav) return cancel();
      if (confirm.value !== "yes") continue;
      const done = await attempt(() =>
        kit.call((s) => s.reporting.reports.submit(kit.actor, st.reportId, { repeatable: true })),
      );
      if (!done.ok) {
        await kit.say(t(done.error.key, done.error.params));
        continue;
      }
      const r = done.value;
      await kit.say(
        t(r.late ? "reportingBot:submit.doneLate" : "reportingBot:submit.done", {
          period: periodLabel(t, r.period.kind, r.period.year),
          completion: percent(r.overallCompletion),
          rating: ratingLabel(t, r.suggestedRating),
        }),
        [exportButtons(t, r.id)],
      );
      return;
    }
  }
}

/** A task from the summary: change it (all three answers) or remove it. */
async function editTask(
  kit: Kit,
  reportId: number,
  task: TaskView,
  n: number,
): Promise<"ok" | "leave" | "cancel" | "stop"> {
  const t = kit.t;
  const c = await pick(
    kit,
    t("reportingBot:task.card", {
      n,
      title: short(task.title, 300),
      result: short(task.result, 600) || "—",
      completion: percent(task.completion),
    }),
    [
      [
        { label: t("reportingBot:button.changeTask"), value: "change" },
        { label: t("reportingBot:button.removeTask"), value: "remove" },
      ],
    ],
    ["back"],
  );
  if (c.nav) return "ok";
  if (c.value === "remove") {
    const r = await attempt(() => kit.call((s) => s.reporting.reports.removeTask(kit.actor, task.id)));
    if (!r.ok) {
      await kit.say(t(r.error.key, r.error.params));
      return "stop";
    }
    await kit.say(t("reportingBot:task.removed"));
    return "ok";
  }
  const r = await taskFlow(kit, reportId, task);
  if ("stop" in r) return "stop";
  if ("nav" in r && (r.nav === "leave" || r.nav === "cancel")) return r.nav;
  return "ok";
}

function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export const reportConversations = [
  createConversation<BotContext, ConvContext>(reportConversation, REPORT_CONVERSATION),
];
