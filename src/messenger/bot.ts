/**
 * The Messenger bot: a second `createBot` instance with the citizen features only (start,
 * language, help, petitions), whose Bot API is Messenger (api.ts) and whose users are
 * Messenger users (the update's synthetic id is the user row's, see ids.ts).
 */
import type { Bot, MiddlewareFn } from "grammy";
import type { BotContext, BotDeps } from "../bot/context.js";
import * as petitionsCitizen from "../bot/features/petitions-citizen.js";
import * as start from "../bot/features/start.js";
import { createBot } from "../bot/index.js";
import { bindLog } from "../bot/middlewares/context.js";
import type { UpdateGuards } from "../bot/middlewares/dedupe.js";
import type { FloodLimit } from "../bot/middlewares/rate-limit.js";
import { setLocale } from "../bot/middlewares/user.js";
import { actorOf, findUserWithPerson } from "../directory/users.js";
import { isLocale } from "../i18n.js";
import { MESSENGER_BOT_INFO, type MessengerTranslator } from "./api.js";
import { userIdOfMessengerChat } from "./ids.js";

/** Loads the Messenger user the bridge created or refreshed for this update. */
function loadMessengerUser(): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    const userId = ctx.from ? userIdOfMessengerChat(ctx.from.id) : null;
    if (userId === null) return;
    const user = await findUserWithPerson(ctx.deps.prisma, userId);
    if (!user || user.channel !== "MESSENGER") return;
    ctx.user = user;
    ctx.actor = actorOf(user, false);
    setLocale(ctx, isLocale(user.locale) ? user.locale : ctx.deps.config.DEFAULT_LOCALE);
    bindLog(ctx, { userId: user.id, channel: "messenger" });
    await next();
  };
}

export function createMessengerBot(
  deps: BotDeps,
  translator: MessengerTranslator,
  opts: { guards?: UpdateGuards; floodLimit?: FloodLimit } = {},
): Bot<BotContext> {
  const guards = opts.guards
    ? {
        ...opts.guards,
        ...(opts.guards.chatLocks ? { chatLocks: opts.guards.chatLocks.withPrefix("messenger:") } : {}),
      }
    : undefined;
  return createBot(deps, {
    botInfo: MESSENGER_BOT_INFO as never,
    client: { fetch: translator.fetch as never },
    throttle: false,
    ...(opts.floodLimit ? { floodLimit: opts.floodLimit } : {}),
    ...(guards ? { guards } : {}),
    channel: {
      features: [start, petitionsCitizen],
      loadUser: loadMessengerUser(),
      conversationPrefix: "messenger:",
    },
  });
}
