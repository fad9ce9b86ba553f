/**
 * Buttons under reminders: "remind me tomorrow" (`sc:snz:<rp|pt>:<id>`). The scheduling
 * service decides whether a snooze is still useful and enqueues tomorrow's reminder.
 */
import { Composer } from "grammy";
import { parseSnoozeAction, snooze } from "../../scheduling/snooze.js";
import { parseAction } from "../../shared/actions.js";
import { DomainError } from "../../shared/errors.js";
import type { BotContext } from "../context.js";

export const feature = new Composer<BotContext>();

feature.callbackQuery(/^sc:snz:/, async (ctx) => {
  const target = parseSnoozeAction(parseAction(ctx.callbackQuery.data));
  if (!target) throw new DomainError("common:unhandled.staleButton");
  const result = await snooze(ctx.deps.prisma, ctx.clock, ctx.user.id, target.subject, target.id);
  await ctx.answerCallbackQuery({ text: ctx.t(result.messageKey, result.params) });
  if (result.status === "snoozed") {
    await ctx.editMessageReplyMarkup({ reply_markup: { inline_keyboard: [] } }).catch(() => {});
  }
});
