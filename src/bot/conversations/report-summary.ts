/**
 * The end of the report conversation: the additional tasks' question, and the summary with
 * its edit buttons and "Submit". Each turn is one run of the conversation (./report.ts):
 * adding or changing a task, or answering "no" to submitting, shows the summary again in a
 * fresh run.
 */
import { InlineKeyboard } from "grammy";
import type { InlineKeyboardButton } from "grammy/types";
import type { TFunction } from "i18next";
import { formatDate } from "../../i18n.js";
import type { ReportSummary } from "../../reporting/report-service.js";
import type { TaskView } from "../../reporting/report-view.js";
import { action } from "../../shared/actions.js";
import {
  percent,
  periodLabel,
  ratingLabel,
  short,
  type SummaryFigures,
  summaryBlocks,
  summaryLine,
  splitMessages,
} from "../features/reporting-format.js";
import type { Kit } from "./kit.js";
import { goTo, type ReportPosition } from "./report-position.js";
import { attempt, pick, taskFlow } from "./report-steps.js";

/** The export buttons under a report (handled by the reporting feature). */
export function exportButtons(t: TFunction, reportId: number): InlineKeyboardButton[] {
  return [
    InlineKeyboard.text(t("reportingBot:button.docx"), action("rp", "docx", reportId)),
    InlineKeyboard.text(t("reportingBot:button.xlsx"), action("rp", "xlsx", reportId)),
  ];
}

const left = (kit: Kit) => kit.say(kit.t("reportingBot:report.left"));
const cancelled = (kit: Kit) => kit.say(kit.t("reportingBot:report.cancelled"));

/** "Any additional tasks?": add one (then asked again), or go on to the summary. */
export async function tasksQuestion(kit: Kit, pos: ReportPosition): Promise<void> {
  const t = kit.t;
  const base = { reportId: pos.reportId, nudged: pos.nudged };
  const got = await attempt(() =>
    kit.call(async (s) => {
      const at = await s.reporting.reports.entryAt(kit.actor, pos.reportId, null);
      return { editable: at.editable, measures: at.total, tasks: at.tasks };
    }),
  );
  if (!got.ok) return kit.say(t(got.error.key, got.error.params));
  if (!got.value.editable) return kit.say(t("reporting:errors.notEditable"));
  const last = got.value.measures - 1;
  const c = await pick(
    kit,
    t("reportingBot:task.prompt", { count: got.value.tasks }),
    [
      [{ label: t("reportingBot:button.addTask"), value: "add" }],
      [{ label: t("reportingBot:button.noMoreTasks"), value: "none" }],
    ],
    last >= 0 ? ["back", "leave", "cancel"] : ["leave", "cancel"],
  );
  if (c.nav === "back") {
    return goTo(kit, {
      ...base,
      at: "measure",
      index: last,
      start: "achieved",
      editing: false,
      backtrack: 0,
    });
  }
  if (c.nav === "leave") return left(kit);
  if (c.nav) return cancelled(kit);
  if (c.value === "add") {
    const r = await taskFlow(kit, pos.reportId, null);
    if ("stop" in r) return;
    if ("nav" in r && r.nav === "leave") return left(kit);
    if ("nav" in r && r.nav === "cancel") return cancelled(kit);
    return goTo(kit, { ...base, at: "tasks" });
  }
  return goTo(kit, { ...base, at: "summary" });
}

/** The summary's figures, and the numbers of the measures still to answer. */
function figures(sum: ReportSummary): SummaryFigures & { canSubmit: boolean; missing: string[] } {
  return {
    periodKind: sum.periodKind,
    year: sum.year,
    deadline: sum.deadline,
    late: sum.late,
    total: sum.total,
    answered: sum.answered,
    skipped: sum.skipped,
    overallCompletion: sum.overallCompletion,
    suggestedRating: sum.suggestedRating,
    notDueAgainstPlan: sum.notDueAgainstPlan,
    withoutFigures: sum.withoutFigures,
    canSubmit: sum.canSubmit,
    missing: sum.missing.map((m) => m.number),
  };
}

/** The summary: overall completion, each measure's line, edit buttons, submit. */
export async function summaryTurn(kit: Kit, pos: ReportPosition): Promise<void> {
  const t = kit.t;
  const base = { reportId: pos.reportId, nudged: pos.nudged };
  const again = () => goTo(kit, { ...base, at: "summary" });
  const got = await attempt(() =>
    kit.call(async (s) => {
      const view = await s.reporting.reports.getReport(kit.actor, pos.reportId);
      const sum = await s.reporting.reports.summary(kit.actor, pos.reportId);
      return {
        view: { editable: view.editable, entries: view.entries.map(summaryLine), tasks: view.tasks },
        sum: figures(sum),
      };
    }),
  );
  if (!got.ok) return kit.say(t(got.error.key, got.error.params));
  const { view: current, sum } = got.value;
  if (!current.editable) return kit.say(t("reporting:errors.notEditable"));
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
    : t("reportingBot:summary.promptMissing", { measures: sum.missing.join(", ") });
  const c = await pick(kit, prompt, rows, ["leave", "cancel"]);
  if (c.nav === "leave") return left(kit);
  if (c.nav) return cancelled(kit);
  const choice = c.value;

  if (choice.startsWith("m")) {
    const index = Number(choice.slice(1));
    if (!current.entries[index]) return again();
    return goTo(kit, { ...base, at: "measure", index, start: "achieved", editing: true, backtrack: 0 });
  }
  if (choice.startsWith("t")) {
    const task = current.tasks.find((x) => `t${x.id}` === choice);
    if (task) {
      const end = await editTask(kit, pos.reportId, task, current.tasks.indexOf(task) + 1);
      if (end === "leave") return left(kit);
      if (end === "cancel") return cancelled(kit);
      if (end === "stop") return;
    }
    return again();
  }
  if (choice === "add") {
    const r = await taskFlow(kit, pos.reportId, null);
    if ("stop" in r) return;
    if ("nav" in r && r.nav === "leave") return left(kit);
    if ("nav" in r && r.nav === "cancel") return cancelled(kit);
    return again();
  }
  if (choice !== "submit") return again();
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
  if (confirm.nav) return cancelled(kit);
  if (confirm.value !== "yes") return again();
  const done = await attempt(() =>
    kit.call(async (s) => {
      const r = await s.reporting.reports.submit(kit.actor, pos.reportId, { repeatable: true });
      return {
        id: r.id,
        late: r.late,
        period: { kind: r.period.kind, year: r.period.year },
        overallCompletion: r.overallCompletion,
        suggestedRating: r.suggestedRating,
      };
    }),
  );
  if (!done.ok) {
    await kit.say(t(done.error.key, done.error.params));
    return again();
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
