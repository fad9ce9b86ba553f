import type { MiddlewareFn } from "grammy";
import { getI18n } from "../../i18n.js";
import type { BotContext } from "../context.js";

/** The bot works in private chats; in a group it says so once per message and stops. */
export function privateOnly(): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    const type = ctx.chat?.type;
    if (type === undefined || type === "private") return next();
    if (ctx.message?.text?.startsWith("/")) {
      await ctx.reply(getI18n().t("common:unhandled.groupOnly"));
    }
  };
}
