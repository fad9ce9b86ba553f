import type { MiddlewareFn } from "grammy";
import { actorOf, ensureUser } from "../../directory/users.js";
import { getI18n, isLocale } from "../../i18n.js";
import type { BotContext } from "../context.js";

/**
 * Loads (or creates) the chat user and their directory record once per update and puts
 * `user`, `actor`, `locale` and `t` on the context.
 */
export function loadUser(): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    const from = ctx.from;
    if (!from || from.is_bot) return; // channel posts, service messages: nothing to do
    const { prisma, clock, config } = ctx.deps;
    const user = await ensureUser(
      prisma,
      { channel: "TELEGRAM", externalId: String(from.id), chatId: String(ctx.chat?.id ?? from.id) },
      clock.now(),
    );
    ctx.user = user;
    ctx.actor = actorOf(user, config.ADMIN_TELEGRAM_IDS.includes(String(from.id)));
    setLocale(ctx, isLocale(user.locale) ? user.locale : config.DEFAULT_LOCALE);
    ctx.log = ctx.log.child({ userId: user.id, personId: ctx.actor.personId ?? undefined });
    await next();
  };
}

export function setLocale(ctx: BotContext, locale: "mn" | "en"): void {
  ctx.locale = locale;
  ctx.t = getI18n().getFixedT(locale);
}
