import type { MiddlewareFn } from "grammy";
import type { Logger } from "../../logger.js";
import { withRequestKeys } from "../../shared/request-key.js";
import type { BotContext, BotDeps } from "../context.js";

const LOG = Symbol("the update's logger, made when first used");

interface LazyLog {
  bindings: Record<string, unknown>;
  logger?: Logger;
}

/**
 * Puts the dependencies and a per-update child logger on the context. The child logger is
 * made the first time something logs (most updates log nothing).
 */
export function attachDeps(deps: BotDeps): MiddlewareFn<BotContext> {
  return (ctx, next) => {
    ctx.deps = deps;
    // Keyed by the update: a replay of it makes the same calls with the same keys.
    ctx.services = withRequestKeys(deps.services, `u:${ctx.update.update_id}`);
    ctx.clock = deps.clock;
    const lazy: LazyLog = { bindings: { updateId: ctx.update.update_id, chatId: ctx.chat?.id } };
    (ctx as unknown as Record<symbol, LazyLog>)[LOG] = lazy;
    Object.defineProperty(ctx, "log", {
      configurable: true,
      enumerable: true,
      get: () => (lazy.logger ??= deps.logger.child(lazy.bindings)),
      set: (logger: Logger) => {
        lazy.logger = logger;
      },
    });
    return next();
  };
}

/** Adds bindings (the user, the person) to the update's logger. */
export function bindLog(ctx: BotContext, bindings: Record<string, unknown>): void {
  const lazy = (ctx as unknown as Record<symbol, LazyLog | undefined>)[LOG];
  if (lazy && !lazy.logger) Object.assign(lazy.bindings, bindings);
  else ctx.log = ctx.log.child(bindings);
}
