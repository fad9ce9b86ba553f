/**
 * The petition clerk's desk: the queue of petitions waiting for an official (with assign
 * buttons), assigning with an instruction note (also for unit heads, from the "new
 * petition for your unit" message), registering paper / oral / phone / e-mail / 11-11
 * petitions, searching the register, and the quarterly statistics with a public summary.
 */
import { Composer, InputFile } from "grammy";
import { isStaff, requireRole } from "../../directory/actor.js";
import { quarterRange } from "../../petitions/deadlines.js";
import { statisticsChartPng, statisticsFileName, statisticsXlsx } from "../../petitions/statistics-export.js";
import { orgTimeZone } from "../../petitions/organizations.js";
import { STATISTICS_ROLES } from "../../petitions/permissions.js";
import { assignmentState, checkStaffAction } from "../../petitions/staff-queries.js";
import { action } from "../../shared/actions.js";
import { DomainError } from "../../shared/errors.js";
import { localParts } from "../../shared/local-time.js";
import type { BotContext } from "../context.js";
import { enterConversation } from "../conversations/kit.js";
import { ASSIGN, clerkConversations, SEARCH } from "../conversations/petition-clerk.js";
import { REGISTER, registerConversations } from "../conversations/petition-register.js";
import { petitionIdFrom } from "../conversations/petition-steps.js";
import { queueKeyboard, statisticsPeriodKeyboard } from "../keyboards/petitions.js";
import { LISTED, publicSummaryText, statisticsText, staffListText } from "./petitions-format.js";

export const feature = new Composer<BotContext>();
export const conversations = [...clerkConversations, ...registerConversations];

feature.callbackQuery("pt:queue", async (ctx) => {
  const list = await ctx.services.petitions.clerkQueue(ctx.actor);
  await ctx.answerCallbackQuery();
  await ctx.reply(
    staffListText(
      { t: ctx.t, locale: ctx.locale },
      ctx.t("petitionsBot:queue.title"),
      list,
      "petitionsBot:queue.empty",
    ),
    { reply_markup: { inline_keyboard: queueKeyboard(ctx.t, list, LISTED) } },
  );
});

/**
 * "Assign" (on a new-petition notice, in the queue): re-checked now; a petition someone
 * has assigned meanwhile is described as it is, with "Reassign" and "Open" instead.
 */
feature.callbackQuery(/^pt:asg:/, async (ctx) => {
  const id = petitionIdFrom(ctx);
  if (id === null) throw new DomainError("common:errors.notFound");
  const state = await assignmentState(ctx.deps.prisma, ctx.actor, id);
  if (state.assignee === null) return enterConversation(ctx, ASSIGN, "petitionsBot:assign.name");
  await ctx.answerCallbackQuery();
  await ctx.reply(
    ctx.t("petitionsBot:assign.alreadyAssigned", {
      number: state.number,
      name: state.assignee.fullName,
      status: ctx.t(`petitions:status.${state.status}`),
    }),
    {
      reply_markup: {
        inline_keyboard: [
          [
            { text: ctx.t("petitions:button.reassign"), callback_data: action("pt", "rsg", state.id) },
            { text: ctx.t("petitions:button.open"), callback_data: action("pt", "open", state.id) },
          ],
        ],
      },
    },
  );
});

/** "Reassign": the petition has an assignee and the person pressing knows it. */
feature.callbackQuery(/^pt:rsg:/, async (ctx) => {
  const id = petitionIdFrom(ctx);
  if (id === null) throw new DomainError("common:errors.notFound");
  await checkStaffAction(ctx.deps.prisma, ctx.actor, id, "assign");
  await enterConversation(ctx, ASSIGN, "petitionsBot:assign.name");
});

feature.callbackQuery("pt:new", async (ctx) => {
  requireRole(ctx.actor, "PETITION_CLERK", "ORG_ADMIN");
  await enterConversation(ctx, REGISTER, "petitionsBot:register.name");
});

feature.callbackQuery("pt:search", async (ctx) => {
  if (!isStaff(ctx.actor)) throw new DomainError("common:errors.staffOnly");
  await enterConversation(ctx, SEARCH, "petitionsBot:search.name");
});

// ─────────────────────────── statistics ───────────────────────────

feature.callbackQuery("pt:stats", async (ctx) => {
  requireRole(ctx.actor, ...STATISTICS_ROLES);
  await ctx.answerCallbackQuery();
  await ctx.reply(ctx.t("petitionsBot:stats.choose"), {
    reply_markup: { inline_keyboard: statisticsPeriodKeyboard(ctx.t) },
  });
});

/** This quarter, the previous one, or this year, in the organisation's time zone. */
function periodOf(ctx: BotContext, which: string, timeZone: string) {
  const today = localParts(ctx.clock.now(), timeZone);
  const quarter = Math.floor((today.month - 1) / 3) + 1;
  if (which === "y") {
    const from = quarterRange(today.year, 1, timeZone).from;
    const to = quarterRange(today.year, 4, timeZone).to;
    return { range: { from, to }, label: ctx.t("petitionsBot:stats.yearLabel", { year: today.year }) };
  }
  let year = today.year;
  let q = quarter;
  if (which === "lq") {
    q = quarter === 1 ? 4 : quarter - 1;
    if (quarter === 1) year -= 1;
  }
  return {
    range: quarterRange(year, q as 1 | 2 | 3 | 4, timeZone),
    label: ctx.t("petitionsBot:stats.quarterLabel", { year, quarter: q }),
  };
}

async function statisticsOf(ctx: BotContext, which: string) {
  requireRole(ctx.actor, ...STATISTICS_ROLES);
  const orgId = ctx.actor.orgId;
  const { range, label } = periodOf(ctx, which, await orgTimeZone(ctx.deps.prisma, orgId));
  const { petitions } = ctx.services;
  const stats = await petitions.statistics(ctx.actor, { orgId, ...range });
  const summary = await petitions.publicSummary(orgId, range);
  return { stats, summary, label };
}

feature.callbackQuery(/^pt:stats:(q|lq|y)$/, async (ctx) => {
  const which = ctx.match[1] as string;
  const { stats, summary, label } = await statisticsOf(ctx, which);
  await ctx.answerCallbackQuery();
  const l = { t: ctx.t, locale: ctx.locale };
  await ctx.reply(statisticsText(l, stats, summary.org, label), {
    reply_markup: {
      inline_keyboard: [
        [
          { text: ctx.t("petitionsBot:stats.chart"), callback_data: `pt:stats:${which}:png` },
          { text: ctx.t("petitionsBot:stats.xlsx"), callback_data: `pt:stats:${which}:xlsx` },
        ],
      ],
    },
  });
  await ctx.reply(publicSummaryText(l, summary, label));
});

/** The same figures as a chart (photo) or a workbook (document). */
feature.callbackQuery(/^pt:stats:(q|lq|y):(png|xlsx)$/, async (ctx) => {
  const [, which, format] = ctx.match;
  const { stats, summary, label } = await statisticsOf(ctx, which as string);
  await ctx.answerCallbackQuery();
  const lang = { t: ctx.t, locale: ctx.locale };
  const heading = { org: summary.org, period: label };
  if (format === "png") {
    await ctx.replyWithPhoto(new InputFile(await statisticsChartPng(stats, lang, heading), "statistics.png"));
  } else {
    const name = statisticsFileName(ctx.t("petitionsBot:stats.fileName"), label);
    await ctx.replyWithDocument(new InputFile(await statisticsXlsx(stats, lang, heading), name));
  }
});
