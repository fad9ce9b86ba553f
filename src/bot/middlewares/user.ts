import type { MiddlewareFn } from "grammy";
import { type Alongside, actorOf, ensureUser } from "../../directory/users.js";
import { isLocale, translator } from "../../i18n.js";
import { OPEN_STATUSES } from "../../petitions/permissions.js";
import type { BotContext } from "../context.js";
import { bindLog } from "./context.js";
import { conversationKeyOf, prefetchConversation } from "./unfinished.js";

/**
 * Loads (or creates) the chat user and their directory record once per update and puts
 * `user`, `actor`, `locale` and `t` on the context.
 */
export function loadUser(): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    const from = ctx.from;
    if (!from || from.is_bot) return; // channel posts, service messages: nothing to do
    const { prisma, clock, config } = ctx.deps;
    // The chat's conversation state comes in the same statement (middlewares/unfinished.ts).
    // A typed message may be a citizen's reply to an open question: whether they have an
    // open petition at all comes along too (features/petitions-citizen.ts).
    const alongside: Alongside = {
      conversationKey: conversationKeyOf(ctx),
      ...(ctx.message?.text !== undefined ? { petitionStatuses: OPEN_STATUSES } : {}),
    };
    const user = await ensureUser(
      prisma,
      { channel: "TELEGRAM", externalId: String(from.id), chatId: String(ctx.chat?.id ?? from.id) },
      clock.now(),
      alongside,
    );
    if (alongside.conversationKey !== undefined && alongside.conversationValue !== undefined)
      prefetchConversation(ctx, alongside.conversationKey, alongside.conversationValue);
    if (alongside.hasPetitionIn === false)
      (ctx as unknown as Record<symbol, boolean>)[NO_OPEN_PETITION] = true;
    ctx.user = user;
    ctx.actor = actorOf(user, config.ADMIN_TELEGRAM_IDS.includes(String(from.id)));
    setLocale(ctx, isLocale(user.locale) ? user.locale : config.DEFAULT_LOCALE);
    bindLog(ctx, { userId: user.id, personId: ctx.actor.personId ?? undefined });
    await next();
  };
}

const NO_OPEN_PETITION = Symbol("the user has no open petition as a citizen");

/** False only when the update's user load found no open petition of theirs (so no open question). */
export function mayHaveOpenPetition(ctx: BotContext): boolean {
  return (ctx as unknown as Record<symbol, boolean | undefined>)[NO_OPEN_PETITION] !== true;
}

export function setLocale(ctx: BotContext, locale: "mn" | "en"): void {
  ctx.locale = locale;
  ctx.t = translator(locale);
}
