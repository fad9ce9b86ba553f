import type { MiddlewareFn } from "grammy";
import type { BotContext, BotDeps } from "../context.js";

/** Puts the dependencies and a per-update child logger on the context. */
export function attachDeps(deps: BotDeps): MiddlewareFn<BotContext> {
  return (ctx, next) => {
    ctx.deps = deps;
    ctx.services = deps.services;
    ctx.clock = deps.clock;
    ctx.log = deps.logger.child({ updateId: ctx.update.update_id, chatId: ctx.chat?.id });
    return next();
  };
}
