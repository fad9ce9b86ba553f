/**
 * The official's report: /report, the menu's "Fill in my report", the reminders' "Open the
 * report" (rp:open) and the notifications' button for one report (rp:open:<id>). An
 * editable report opens the report conversation; a submitted or approved one is shown
 * with its export buttons (rp:docx:<id>, rp:xlsx:<id>).
 */
import { Composer, InlineKeyboard } from "grammy";
import { isStaff } from "../../directory/actor.js";
import { action, parseAction } from "../../shared/actions.js";
import { DomainError } from "../../shared/errors.js";
import type { BotContext } from "../context.js";
import { exportButtons, REPORT_CONVERSATION, REPORT_NAME } from "../conversations/report.js";
import { MENU_ACTIONS } from "../menu.js";
import { acknowledge, actionId, enterWith, sendBlocks, sendFile, staleButton } from "./reporting-common.js";
import { reportBlocks } from "./reporting-format.js";

export const feature = new Composer<BotContext>();

async function openReport(ctx: BotContext, reportId?: number): Promise<void> {
  if (!isStaff(ctx.actor)) throw new DomainError("common:errors.staffOnly");
  const reports = ctx.services.reporting.reports;
  let view;
  try {
    if (reportId === undefined) {
      // An editable report: the conversation loads its view itself.
      const ref = await reports.openReportRef(ctx.actor);
      if (ref.editable) return enterWith(ctx, REPORT_CONVERSATION, REPORT_NAME, ref.id);
      reportId = ref.id;
    }
    view = await reports.getReport(ctx.actor, reportId);
  } catch (err) {
    if (err instanceof DomainError && err.key === "reporting:errors.noApprovedPlan") {
      await acknowledge(ctx);
      await ctx.reply(ctx.t(err.key, err.params), {
        reply_markup: {
          inline_keyboard: [[InlineKeyboard.text(ctx.t("common:menu.plan"), MENU_ACTIONS.plan)]],
        },
      });
      return;
    }
    throw err;
  }
  if (view.editable) return enterWith(ctx, REPORT_CONVERSATION, REPORT_NAME, view.id);
  await acknowledge(ctx);
  await sendBlocks(ctx, reportBlocks(ctx.t, view), [exportButtons(ctx.t, view.id)]);
}

feature.command("report", (ctx) => openReport(ctx));

feature.callbackQuery(MENU_ACTIONS.report, (ctx) => openReport(ctx));

feature.callbackQuery(/^rp:open:/, async (ctx) => {
  const id = actionId(ctx);
  if (id === null) return staleButton(ctx);
  await openReport(ctx, id);
});

/**
 * The report paper is the Mongolian document of seed 000 whatever language the reader uses
 * the bot in; a reader in another language is offered a copy in theirs beside it.
 */
feature.callbackQuery(/^rp:(docx|xlsx)(en)?:/, async (ctx) => {
  const id = actionId(ctx);
  if (id === null) return staleButton(ctx);
  const exporter = ctx.services.reporting.export;
  const verb = parseAction(ctx.callbackQuery.data)?.verb ?? "";
  const kind = verb.startsWith("docx") ? "docx" : "xlsx";
  const locale = verb.endsWith("en") ? "en" : "mn";
  const file =
    kind === "docx" ? await exporter.docx(ctx.actor, id, locale) : await exporter.xlsx(ctx.actor, id, locale);
  await acknowledge(ctx);
  await sendFile(ctx, file);
  if (locale === "mn" && ctx.locale !== "mn") {
    await ctx.reply(ctx.t("reportingBot:export.officialIsMongolian"), {
      reply_markup: new InlineKeyboard().text(
        ctx.t("reportingBot:button.englishCopy"),
        action("rp", `${kind}en`, id),
      ),
    });
  }
});
