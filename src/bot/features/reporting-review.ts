/**
 * The head's side of reports: the buttons of a submitted report's notification (open,
 * approve, return, rate), the evidence files, "Unit reports" (rv:list) and the evaluation
 * team's overview (rv:eval). The review service checks every permission.
 */
import { Composer, InlineKeyboard, InputFile } from "grammy";
import type { InlineKeyboardButton } from "grammy/types";
import type { TFunction } from "i18next";
import { action } from "../../shared/actions.js";
import { DomainError } from "../../shared/errors.js";
import { evaluationChartPng } from "../../reporting/evaluation-chart.js";
import type { ReviewView } from "../../reporting/review-service.js";
import type { BotContext } from "../context.js";
import { exportButtons } from "../conversations/report.js";
import {
  REPORT_RATE,
  REPORT_RATE_NAME,
  REPORT_RETURN,
  REPORT_RETURN_NAME,
} from "../conversations/report-review.js";
import { MENU_ACTIONS } from "../menu.js";
import { acknowledge, actionId, enterWith, sendBlocks, staleButton } from "./reporting-common.js";
import { evaluationBlocks, periodLabel, reportBlocks, short, unitReportsBlocks } from "./reporting-format.js";

export const feature = new Composer<BotContext>();

/** What the reader may do under a report. */
function reviewKeyboard(t: TFunction, view: ReviewView): InlineKeyboardButton[][] {
  const rows: InlineKeyboardButton[][] = [];
  const decide: InlineKeyboardButton[] = [];
  if (view.canApprove)
    decide.push(InlineKeyboard.text(t("reporting:buttons.approve"), action("rv", "ok", view.id)));
  if (view.canReturn)
    decide.push(InlineKeyboard.text(t("reporting:buttons.return"), action("rv", "ret", view.id)));
  if (decide.length > 0) rows.push(decide);
  if (view.canRate)
    rows.push([InlineKeyboard.text(t("reporting:buttons.rate"), action("rv", "rate", view.id))]);
  const files = view.entries.reduce((n, e) => n + e.evidence.length, 0);
  if (files > 0) {
    rows.push([
      InlineKeyboard.text(t("reportingBot:button.evidence", { count: files }), action("rv", "ev", view.id)),
    ]);
  }
  rows.push(exportButtons(t, view.id));
  return rows;
}

async function showForReview(ctx: BotContext, reportId: number): Promise<void> {
  const view = await ctx.services.reporting.review.openForReview(ctx.actor, reportId);
  await acknowledge(ctx);
  await sendBlocks(ctx, reportBlocks(ctx.t, view), reviewKeyboard(ctx.t, view));
}

feature.callbackQuery(/^rv:open:/, async (ctx) => {
  const id = actionId(ctx);
  if (id === null) return staleButton(ctx);
  await showForReview(ctx, id);
});

feature.callbackQuery(/^rv:ok:/, async (ctx) => {
  const id = actionId(ctx);
  if (id === null) return staleButton(ctx);
  const review = ctx.services.reporting.review;
  const view = await review.approve(ctx.actor, id);
  const after = await review.openForReview(ctx.actor, id);
  await acknowledge(ctx);
  await ctx.reply(
    ctx.t("reportingBot:review.approved", {
      name: view.personName,
      period: periodLabel(ctx.t, view.period.kind, view.period.year),
    }),
    { reply_markup: { inline_keyboard: reviewKeyboard(ctx.t, after) } },
  );
});

feature.callbackQuery(/^rv:ret:/, async (ctx) => {
  const id = actionId(ctx);
  if (id === null) return staleButton(ctx);
  const view = await ctx.services.reporting.review.openForReview(ctx.actor, id);
  if (!view.canReturn) throw new DomainError("reporting:errors.reportNotSubmitted");
  await enterWith(ctx, REPORT_RETURN, REPORT_RETURN_NAME, id);
});

feature.callbackQuery(/^rv:rate:/, async (ctx) => {
  const id = actionId(ctx);
  if (id === null) return staleButton(ctx);
  const view = await ctx.services.reporting.review.openForReview(ctx.actor, id);
  if (!view.canRate) {
    throw new DomainError(
      view.status === "SUBMITTED" || view.status === "APPROVED"
        ? "reporting:errors.evaluationPeriodOnly"
        : "reporting:errors.cannotRate",
    );
  }
  await enterWith(ctx, REPORT_RATE, REPORT_RATE_NAME, id);
});

/** The evidence photos and files of a report, each captioned with its measure. */
feature.callbackQuery(/^rv:ev:/, async (ctx) => {
  const id = actionId(ctx);
  if (id === null) return staleButton(ctx);
  const view = await ctx.services.reporting.review.openForReview(ctx.actor, id);
  await acknowledge(ctx);
  for (const e of view.entries) {
    for (const file of e.evidence) {
      const caption = ctx.t("reportingBot:review.evidenceCaption", {
        number: e.number,
        title: short(e.title, 200),
      });
      if (file.kind === "PHOTO") await ctx.replyWithPhoto(file.fileId, { caption });
      else await ctx.replyWithDocument(file.fileId, { caption });
    }
  }
});

/** The head's view of the unit's reports for the current period, with buttons to open any. */
feature.callbackQuery(MENU_ACTIONS.unitReports, async (ctx) => {
  const v = await ctx.services.reporting.review.unitReports(ctx.actor);
  await acknowledge(ctx);
  const buttons = v.units.flatMap((u) => [
    ...u.submitted.map((r) => ({ label: `📥 ${r.fullName}`, id: r.reportId })),
    ...u.returned.map((r) => ({ label: `↩️ ${r.fullName}`, id: r.reportId })),
    ...u.approved.map((r) => ({ label: `✅ ${r.fullName}`, id: r.reportId })),
  ]);
  const rows: InlineKeyboardButton[][] = [];
  for (let i = 0; i < Math.min(buttons.length, 60); i += 2) {
    rows.push(buttons.slice(i, i + 2).map((b) => InlineKeyboard.text(b.label, action("rv", "open", b.id))));
  }
  await sendBlocks(ctx, unitReportsBlocks(ctx.t, v), rows);
});

/** The evaluation team's overview: each unit's completion and ratings, extremes flagged. */
feature.callbackQuery(MENU_ACTIONS.evaluation, async (ctx) => {
  const v = await ctx.services.reporting.review.evaluationOverview(ctx.actor);
  await acknowledge(ctx);
  const rows = v.flagged
    .slice(0, 40)
    .map((f) => [InlineKeyboard.text(`🚩 ${f.fullName}`, action("rv", "open", f.reportId))]);
  rows.push([InlineKeyboard.text(ctx.t("reportingBot:evaluation.chart"), action("rv", "evc"))]);
  await sendBlocks(ctx, evaluationBlocks(ctx.t, v), rows);
});

/** The same overview as a chart: each unit's completion and ratings (seed 003 drew it by hand). */
feature.callbackQuery("rv:evc", async (ctx) => {
  const v = await ctx.services.reporting.review.evaluationOverview(ctx.actor);
  await acknowledge(ctx);
  const png = await evaluationChartPng(v, { t: ctx.t, locale: ctx.locale });
  await ctx.replyWithPhoto(new InputFile(png, "evaluation.png"));
});
