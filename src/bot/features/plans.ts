/**
 * Performance plans in the chat: /plan and "My plan" (pl:view) show the official's plan and
 * each measure's progress across the year's periods; a spreadsheet (XLSX or CSV) sent to
 * the bot is imported as a new version of the sender's plan (every row error reported,
 * nothing half-imported); "Download the template" (pl:tpl); send for approval
 * (pl:sub:<id>, seed 003's remarks shown, never blocking); the head's approve and return
 * (pl:ok:<id>, pl:ret:<id>) and the plan itself (pl:open:<id>).
 */
import { Composer, InlineKeyboard } from "grammy";
import type { InlineKeyboardButton } from "grammy/types";
import type { TFunction } from "i18next";
import { isStaff } from "../../directory/actor.js";
import type { PlanView } from "../../reporting/plan-service.js";
import { action } from "../../shared/actions.js";
import { DomainError, ValidationError } from "../../shared/errors.js";
import type { BotContext } from "../context.js";
import { PLAN_RETURN, PLAN_RETURN_NAME } from "../conversations/plan-return.js";
import { MENU_ACTIONS } from "../menu.js";
import {
  acknowledge,
  actionId,
  downloadFile,
  enterWith,
  sendBlocks,
  sendFile,
  staleButton,
} from "./reporting-common.js";
import { planBlocks, progressBlocks, rowErrorLines, warningLines } from "./reporting-format.js";

export const feature = new Composer<BotContext>();

/** Larger files are not plans (a plan of 2000 rows is far smaller). */
const MAX_PLAN_FILE_BYTES = 5 * 1024 * 1024;
const XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const CSV_MIMES = ["text/csv", "text/comma-separated-values", "application/csv"];

function templateButton(t: TFunction): InlineKeyboardButton[] {
  return [InlineKeyboard.text(t("reportingBot:button.template"), action("pl", "tpl"))];
}

function ownPlanKeyboard(t: TFunction, plan: PlanView | null): InlineKeyboardButton[][] {
  const rows: InlineKeyboardButton[][] = [];
  if (plan) {
    rows.push([InlineKeyboard.text(t("reporting:buttons.openPlan"), action("pl", "open", plan.id))]);
    if (plan.status === "DRAFT" || plan.status === "RETURNED") {
      rows.push([InlineKeyboard.text(t("reportingBot:button.submitPlan"), action("pl", "sub", plan.id))]);
    }
  }
  rows.push(templateButton(t));
  return rows;
}

async function showOwnPlan(ctx: BotContext): Promise<void> {
  if (!isStaff(ctx.actor)) throw new DomainError("common:errors.staffOnly");
  const { plans, planFiles } = ctx.services.reporting;
  const year = await planFiles.currentYear(ctx.actor);
  const plan = await plans.currentPlan(ctx.actor, undefined, year);
  await acknowledge(ctx);
  if (!plan) {
    await ctx.reply(ctx.t("reportingBot:plan.none", { year }), {
      reply_markup: { inline_keyboard: [templateButton(ctx.t)] },
    });
    return;
  }
  const progress = await plans.planProgress(ctx.actor, undefined, year);
  await sendBlocks(
    ctx,
    [...progressBlocks(ctx.t, progress, plan), ctx.t("reportingBot:plan.importHint")],
    ownPlanKeyboard(ctx.t, plan),
  );
}

feature.command("plan", showOwnPlan);
feature.callbackQuery(MENU_ACTIONS.plan, showOwnPlan);

feature.callbackQuery("pl:tpl", async (ctx) => {
  const data = await ctx.services.reporting.planFiles.template(ctx.locale);
  await acknowledge(ctx);
  await sendFile(ctx, { data, fileName: ctx.t("reportingBot:plan.templateFile") });
});

/** The whole plan, with what the reader may do: send it (the official), decide (the head). */
feature.callbackQuery(/^pl:open:/, async (ctx) => {
  const id = actionId(ctx);
  if (id === null) return staleButton(ctx);
  const { plans, planChecks } = ctx.services.reporting;
  const plan = await plans.getPlan(ctx.actor, id);
  const warnings = await planChecks.warnings(ctx.actor, id);
  const rows: InlineKeyboardButton[][] = [];
  if (plan.personId === ctx.actor.personId) {
    if (plan.status === "DRAFT" || plan.status === "RETURNED") {
      rows.push([InlineKeyboard.text(ctx.t("reportingBot:button.submitPlan"), action("pl", "sub", plan.id))]);
    }
  } else if (plan.status === "SUBMITTED" && (await plans.plansToReview(ctx.actor)).some((p) => p.id === id)) {
    rows.push([
      InlineKeyboard.text(ctx.t("reporting:buttons.approve"), action("pl", "ok", plan.id)),
      InlineKeyboard.text(ctx.t("reporting:buttons.return"), action("pl", "ret", plan.id)),
    ]);
  }
  await acknowledge(ctx);
  await sendBlocks(ctx, planBlocks(ctx.t, plan, warnings), rows);
});

feature.callbackQuery(/^pl:sub:/, async (ctx) => {
  const id = actionId(ctx);
  if (id === null) return staleButton(ctx);
  const { plan, warnings } = await ctx.services.reporting.plans.submitPlan(ctx.actor, id);
  await acknowledge(ctx);
  await ctx.reply(
    [
      ctx.t("reportingBot:plan.submitted", { year: plan.year, version: plan.version }),
      ...(warnings.length > 0
        ? [ctx.t("reportingBot:plan.warningsTitle"), ...warningLines(ctx.t, warnings)]
        : []),
    ].join("\n"),
  );
});

feature.callbackQuery(/^pl:ok:/, async (ctx) => {
  const id = actionId(ctx);
  if (id === null) return staleButton(ctx);
  const plan = await ctx.services.reporting.plans.approvePlan(ctx.actor, id);
  await acknowledge(ctx);
  await ctx.reply(
    ctx.t("reportingBot:planReview.approved", {
      name: plan.personName,
      year: plan.year,
      version: plan.version,
    }),
  );
});

feature.callbackQuery(/^pl:ret:/, async (ctx) => {
  const id = actionId(ctx);
  if (id === null) return staleButton(ctx);
  const { plans } = ctx.services.reporting;
  if (!(await plans.plansToReview(ctx.actor)).some((p) => p.id === id)) {
    // Tell a stranger "not found"/"forbidden" as the service does; a reader: not waiting.
    const plan = await plans.getPlan(ctx.actor, id);
    if (plan.status !== "SUBMITTED") throw new DomainError("reporting:errors.planNotSubmitted");
    throw new DomainError("common:errors.forbidden");
  }
  await enterWith(ctx, PLAN_RETURN, PLAN_RETURN_NAME, id);
});

function isPlanFile(name: string, mime: string | undefined): boolean {
  return (
    /\.(xlsx|csv)$/i.test(name) || mime === XLSX_MIME || (mime !== undefined && CSV_MIMES.includes(mime))
  );
}

/** A plan spreadsheet sent to the bot: imported as a new version of the sender's plan. */
feature.on("message:document", async (ctx, next) => {
  const doc = ctx.message.document;
  const mime = doc.mime_type;
  const name = doc.file_name || (mime === XLSX_MIME ? "plan.xlsx" : "plan.csv");
  if (!isPlanFile(name, mime) || !isStaff(ctx.actor)) return next();
  if ((doc.file_size ?? 0) > MAX_PLAN_FILE_BYTES) {
    await ctx.reply(ctx.t("reportingBot:import.tooBig", { max: MAX_PLAN_FILE_BYTES / 1024 / 1024 }));
    return;
  }
  const captionYear = /\b(20\d\d)\b/.exec(ctx.message.caption ?? "")?.[1];
  const file = await downloadFile(ctx, doc.file_id);
  try {
    const r = await ctx.services.reporting.planFiles.import({
      actor: ctx.actor,
      ...(captionYear ? { year: Number(captionYear) } : {}),
      file,
      fileName: name,
    });
    const lines = [
      ctx.t("reportingBot:import.done", {
        year: r.year,
        version: r.version,
        goals: r.goals,
        measures: r.measures,
      }),
    ];
    if (r.superseded.length > 0)
      lines.push(ctx.t("reportingBot:import.superseded", { count: r.superseded.length }));
    if (r.warnings.length > 0)
      lines.push(ctx.t("reportingBot:plan.warningsTitle"), ...warningLines(ctx.t, r.warnings));
    lines.push(ctx.t("reportingBot:import.next"));
    await sendBlocks(
      ctx,
      [lines.join("\n")],
      [
        [InlineKeyboard.text(ctx.t("reportingBot:button.submitPlan"), action("pl", "sub", r.planId))],
        [InlineKeyboard.text(ctx.t("reporting:buttons.openPlan"), action("pl", "open", r.planId))],
      ],
    );
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    await sendBlocks(
      ctx,
      [
        ctx.t("reportingBot:import.failed", { file: name, count: err.errors.length }),
        rowErrorLines(ctx.t, err.errors).join("\n"),
        ctx.t("reportingBot:import.fixAndResend"),
      ],
      [templateButton(ctx.t)],
    );
  }
});
