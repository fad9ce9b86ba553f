/**
 * Installed last: whatever no feature handled gets a helpful answer, never silence.
 */
import { Composer } from "grammy";
import type { BotContext } from "../context.js";
import { menuKeyboard } from "../menu.js";

export const feature = new Composer<BotContext>();

feature.on("callback_query", async (ctx) => {
  await ctx.answerCallbackQuery({ text: ctx.t("common:unhandled.staleButton"), show_alert: false });
});

feature.on("edited_message", async (ctx) => {
  await ctx.reply(ctx.t("common:unhandled.edited"));
});

feature.on("message:text", async (ctx) => {
  const text = ctx.message.text;
  if (text.startsWith("/")) {
    const command = text.split(/\s|@/)[0] ?? text;
    await ctx.reply(ctx.t("common:unhandled.command", { command }));
    return;
  }
  await ctx.reply(ctx.t("common:unhandled.text"), {
    reply_markup: { inline_keyboard: menuKeyboard(ctx.t, ctx.actor) },
  });
});

feature.on("message", async (ctx) => {
  await ctx.reply(ctx.t("common:unhandled.sticker"), {
    reply_markup: { inline_keyboard: menuKeyboard(ctx.t, ctx.actor) },
  });
});
