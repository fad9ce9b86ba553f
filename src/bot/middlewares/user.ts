import type { MiddlewareFn } from "grammy";
import {
  type Alongside,
  type ChatIdentity,
  type ChatUserRow,
  actorOf,
  chatUserArgs,
  ensureUser,
} from "../../directory/users.js";
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
    const request = userRequest(ctx);
    if (!request) return; // channel posts, service messages: nothing to do
    const { prisma, clock, config } = ctx.deps;
    const { who, alongside } = request;
    const user = await ensureUser(prisma, who, clock.now(), alongside, takePreloadedUser(ctx));
    if (alongside.conversationKey !== undefined && alongside.conversationValue !== undefined)
      prefetchConversation(ctx, alongside.conversationKey, alongside.conversationValue);
    if (alongside.hasPetitionIn === false)
      (ctx as unknown as Record<symbol, boolean>)[NO_OPEN_PETITION] = true;
    ctx.user = user;
    ctx.actor = actorOf(user, config.ADMIN_TELEGRAM_IDS.includes(who.externalId));
    setLocale(ctx, isLocale(user.locale) ? user.locale : config.DEFAULT_LOCALE);
    bindLog(ctx, { userId: user.id, personId: ctx.actor.personId ?? undefined });
    await next();
  };
}

const NO_OPEN_PETITION = Symbol("the user has no open petition as a citizen");
const PRELOADED = Symbol("the user's row, read with the update's claim");

/**
 * What the user load of an update asks: the chat identity and, in the same statement, the
 * chat's conversation state (middlewares/unfinished.ts) and, for a typed message (maybe a
 * citizen's reply to an open question), whether they have an open petition at all
 * (features/petitions-citizen.ts). Undefined for updates without a person behind them.
 */
export function userRequest(ctx: BotContext): { who: ChatIdentity; alongside: Alongside } | undefined {
  const from = ctx.from;
  if (!from || from.is_bot) return undefined;
  return {
    who: { channel: "TELEGRAM", externalId: String(from.id), chatId: String(ctx.chat?.id ?? from.id) },
    alongside: {
      conversationKey: conversationKeyOf(ctx),
      ...(ctx.message?.text !== undefined ? { petitionStatuses: OPEN_STATUSES } : {}),
    },
  };
}

/** The arguments of albabot_chat_user for this update's user load (read with its claim). */
export function userPreloadArgs(ctx: BotContext): unknown[] | undefined {
  const request = userRequest(ctx);
  return request ? chatUserArgs(request.who, request.alongside) : undefined;
}

/** Keeps the user's row read with the claim (after the chat's lock) for the user load. */
export function setPreloadedUser(ctx: BotContext, row: ChatUserRow | undefined): void {
  (ctx as unknown as Record<symbol, { row: ChatUserRow | undefined }>)[PRELOADED] = { row };
}

function takePreloadedUser(ctx: BotContext): { row: ChatUserRow | undefined } | undefined {
  const bag = ctx as unknown as Record<symbol, { row: ChatUserRow | undefined } | undefined>;
  const preloaded = bag[PRELOADED];
  bag[PRELOADED] = undefined;
  return preloaded;
}

/** False only when the update's user load found no open petition of theirs (so no open question). */
export function mayHaveOpenPetition(ctx: BotContext): boolean {
  return (ctx as unknown as Record<symbol, boolean | undefined>)[NO_OPEN_PETITION] !== true;
}

export function setLocale(ctx: BotContext, locale: "mn" | "en"): void {
  ctx.locale = locale;
  ctx.t = translator(locale);
}
