import { limit } from "@grammyjs/ratelimiter";
import type { MiddlewareFn } from "grammy";
import type { BotContext } from "../context.js";

/**
 * Flood protection per user: more than `max` updates in `windowMs` are dropped, and the
 * user is told once per window, in their language.
 */
export interface FloodLimit {
  max: number;
  windowMs: number;
}

export const DEFAULT_FLOOD_LIMIT: FloodLimit = { max: 12, windowMs: 4000 };

export function rateLimit({ max, windowMs }: FloodLimit = DEFAULT_FLOOD_LIMIT): MiddlewareFn<BotContext> {
  return limit<BotContext, never>({
    timeFrame: windowMs,
    limit: max,
    alwaysReply: false,
    keyGenerator: (ctx) => ctx.from?.id.toString(),
    onLimitExceeded: async (ctx) => {
      ctx.log.warn({ event: "rate_limited" }, "update dropped by the flood limit");
      if (ctx.callbackQuery) await ctx.answerCallbackQuery().catch(() => {});
      if (ctx.chat) await ctx.reply(ctx.t("common:errors.rateLimited")).catch(() => {});
    },
  }) as MiddlewareFn<BotContext>;
}
