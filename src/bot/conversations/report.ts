/**
 * The report conversation (/report, the menu, the button of every reminder): the official
 * walks through each measure due in the open period, then additional tasks, then a
 * summary with edit buttons, then submits. Every answer is saved at once, so leaving, a
 * restart of the bot or a lost phone loses nothing; /report resumes at the first measure
 * still unanswered. A returned report opens with the head's comment.
 *
 * One run of the conversation covers one part: the opening, one measure, the additional
 * tasks' question or one turn of the summary. Each part ends by entering the conversation
 * again at the next position (./report-position.ts), so what an update costs does not
 * grow with the measures answered before it. What a part logs of the service calls is the
 * few fields it needs.
 */
import { createConversation } from "@grammyjs/conversations";
import type { TFunction } from "i18next";
import type { PeriodKind } from "../../generated/prisma/enums.js";
import { formatDate } from "../../i18n.js";
import type { BotContext, ConvContext } from "../context.js";
import { periodLabel } from "../features/reporting-format.js";
import { type BotConversation, conversationNames, type Kit, makeKit } from "./kit.js";
import {
  goTo,
  type MeasurePosition,
  REPORT_CONVERSATION,
  REPORT_NAME,
  type ReportPosition,
} from "./report-position.js";
import { attempt, firstMissingStep, type MeasureState, measureFlow } from "./report-steps.js";
import { summaryTurn, tasksQuestion } from "./report-summary.js";

export { REPORT_CONVERSATION, REPORT_NAME } from "./report-position.js";
export { exportButtons } from "./report-summary.js";
conversationNames[REPORT_CONVERSATION] = REPORT_NAME;

interface IntroFacts {
  kind: PeriodKind;
  year: number;
  deadline: string;
  deadlinePassed: boolean;
  answered: number;
  total: number;
}

function intro(t: TFunction, view: IntroFacts): string {
  const lines = [
    t("reportingBot:report.intro", {
      period: periodLabel(t, view.kind, view.year),
      deadline: formatDate(view.deadline),
      answered: view.answered,
      total: view.total,
    }),
  ];
  if (view.deadlinePassed) lines.push(t("reportingBot:report.lateNotice"));
  if (view.total === 0) lines.push(t("reportingBot:report.noMeasures"));
  lines.push(t("reportingBot:report.howTo"));
  return lines.join("\n");
}

/**
 * Entered with a report's id (or none: the current period's) it opens the report; entered
 * again by itself it goes on at the position given.
 */
async function reportConversation(
  conversation: BotConversation,
  _ctx: ConvContext,
  at?: number | ReportPosition,
) {
  const kit = await makeKit(conversation, REPORT_NAME);
  if (at === undefined || typeof at === "number") return opening(kit, at);
  if (at.at === "measure") return measure(kit, at);
  if (at.at === "tasks") return tasksQuestion(kit, at);
  return summaryTurn(kit, at);
}

/** The head's comment of a returned report, the introduction, then the first measure to answer. */
async function opening(kit: Kit, reportId: number | undefined): Promise<void> {
  const t = kit.t;
  const opened = await attempt(() =>
    kit.call(async (s) => {
      const reports = s.reporting.reports;
      const id = reportId ?? (await reports.openReportRef(kit.actor)).id;
      const view = await reports.entryAt(kit.actor, id, null);
      return {
        id: view.id,
        editable: view.editable,
        returnComment: view.returnComment,
        intro: {
          kind: view.period.kind,
          year: view.period.year,
          deadline: view.period.deadline,
          deadlinePassed: view.deadlinePassed,
          answered: view.answered,
          total: view.total,
        } satisfies IntroFacts,
        first: view.firstUnansweredIndex,
      };
    }),
  );
  if (!opened.ok) return kit.say(t(opened.error.key, opened.error.params));
  const view = opened.value;
  if (!view.editable) return kit.say(t("reporting:errors.notEditable"));

  // A returned report: the head's comment comes first.
  if (view.returnComment) await kit.say(t("reportingBot:report.returned", { comment: view.returnComment }));
  await kit.say(intro(t, view.intro));
  const base = { reportId: view.id, nudged: [] };
  return goTo(
    kit,
    view.first !== null
      ? { ...base, at: "measure", index: view.first, start: "first", editing: false, backtrack: 0 }
      : { ...base, at: "summary" },
  );
}

/** One measure's steps; then the next measure, the additional tasks or the summary. */
async function measure(kit: Kit, pos: ReportPosition & MeasurePosition): Promise<void> {
  const t = kit.t;
  const got = await attempt(() =>
    kit.call(async (s) => {
      const at = await s.reporting.reports.entryAt(kit.actor, pos.reportId, pos.index);
      return { editable: at.editable, total: at.total, entry: at.entry, nextOpen: at.nextUnansweredIndex };
    }),
  );
  if (!got.ok) return kit.say(t(got.error.key, got.error.params));
  const { editable, total, entry, nextOpen } = got.value;
  if (!editable) return kit.say(t("reporting:errors.notEditable"));
  if (!entry) return goTo(kit, { reportId: pos.reportId, nudged: pos.nudged, at: "summary" });

  const st: MeasureState = { reportId: pos.reportId, entry, total, nudged: new Set(pos.nudged) };
  const flow = await measureFlow(kit, st, {
    start: pos.start === "first" ? firstMissingStep(entry) : pos.start,
    canGoBack: pos.editing || pos.index > 0,
  });
  if (flow === "leave") return kit.say(t("reportingBot:report.left"));
  if (flow === "cancel") return kit.say(t("reportingBot:report.cancelled"));
  if (flow === "stop") return;

  const base = { reportId: pos.reportId, nudged: [...st.nudged] };
  if (pos.editing) return goTo(kit, { ...base, at: "summary" });
  if (flow === "prev") {
    return goTo(kit, {
      ...base,
      at: "measure",
      index: pos.index - 1,
      start: "achieved",
      editing: false,
      backtrack: pos.backtrack + 1,
    });
  }
  // Forward: the measures stepped back over, in order; then the next one still unanswered.
  let backtrack = pos.backtrack;
  let next: number | null;
  if (backtrack > 0 && pos.index + 1 < total) {
    backtrack--;
    next = pos.index + 1;
  } else {
    backtrack = 0;
    next = nextOpen;
  }
  return goTo(
    kit,
    next !== null
      ? {
          ...base,
          at: "measure",
          index: next,
          start: backtrack > 0 ? "achieved" : "first",
          editing: false,
          backtrack,
        }
      : { ...base, at: "tasks" },
  );
}

export const reportConversations = [
  createConversation<BotContext, ConvContext>(reportConversation, REPORT_CONVERSATION),
];
