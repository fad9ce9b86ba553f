/**
 * createBot(deps): the whole Telegram bot, independent of how updates arrive (long
 * polling, webhooks, the sandbox or tests all call `bot.handleUpdate` in the end).
 */

import { autoRetry } from "@grammyjs/auto-retry";
import { conversations } from "@grammyjs/conversations";
import { sequentialize } from "@grammyjs/runner";
import { apiThrottler } from "@grammyjs/transformer-throttler";
import { Bot, type BotError, Composer, type MiddlewareFn, type Transformer } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import { isTransientDbError } from "../db/transient.js";
import { getI18n, isLocale } from "../i18n.js";
import { DomainError } from "../shared/errors.js";
import { apiFetch } from "./api-fetch.js";
import type { BotContext, BotDeps, ConvContext } from "./context.js";
import { followContinuations } from "./conversations/kit.js";
import { fallback, type FeatureModule, features as telegramFeatures } from "./features/index.js";
import { chatLock } from "./middlewares/chat-lock.js";
import { attachDeps } from "./middlewares/context.js";
import { dedupe, type UpdateGuards } from "./middlewares/dedupe.js";
import { privateOnly } from "./middlewares/private-only.js";
import { sanitize } from "./middlewares/sanitize.js";
import { DEFAULT_FLOOD_LIMIT, type FloodLimit, rateLimit } from "./middlewares/rate-limit.js";
import {
  conversationStorage,
  leaveUnfinishedOnTransient,
  markUnfinished,
  type UpdateFaults,
} from "./middlewares/unfinished.js";
import { loadUser, userPreloadArgs } from "./middlewares/user.js";

/** Bump to discard conversations in progress when their steps change incompatibly. */
export const CONVERSATION_STATE_VERSION = 4;

export interface CreateBotOptions {
  /** Skips the getMe call (tests, sandbox, webhooks). */
  botInfo?: UserFromGetMe;
  /** Bot API client options: apiRoot (self-hosted server), fetch (emulator). */
  client?: ConstructorParameters<typeof Bot>[1] extends infer O
    ? O extends { client?: infer C }
      ? C
      : never
    : never;
  /** Updates one user may send in a window before being asked to slow down. */
  floodLimit?: FloodLimit;
  /** Telegram rate limits and retries; off for tests against the emulator. */
  throttle?: boolean;
  /**
   * Production (src/app.ts): skip re-delivered updates and keep one chat's updates in
   * order across instances (middlewares/dedupe.ts, middlewares/chat-lock.ts).
   */
  guards?: UpdateGuards;
  /** Fault injection for the crash-safety tests (middlewares/unfinished.ts). */
  faults?: UpdateFaults;
  /**
   * Another channel's bot (Messenger): its own feature set, its own way of loading the
   * user, and conversation keys under its own prefix (chat ids of channels may collide).
   */
  channel?: {
    features: FeatureModule[];
    loadUser: MiddlewareFn<BotContext>;
    conversationPrefix: string;
  };
}

/**
 * Pacing of the bot's own calls, within Telegram's limits: 30 calls a second in all; in a
 * private chat a short burst (one step's messages: the answer, the next question, a card)
 * goes out at once, and the sustained rate is one a second; a group 20 a minute. One call at
 * a time per chat, so messages arrive in the order sent.
 */
export const TELEGRAM_PACING = {
  global: { reservoir: 30, reservoirRefreshAmount: 30, reservoirRefreshInterval: 1000 },
  group: {
    maxConcurrent: 1,
    minTime: 1000,
    reservoir: 20,
    reservoirRefreshAmount: 20,
    reservoirRefreshInterval: 60_000,
  },
  out: {
    maxConcurrent: 1,
    reservoir: 5,
    reservoirIncreaseAmount: 1,
    reservoirIncreaseInterval: 1000,
    reservoirIncreaseMaximum: 5,
  },
};

/** Telegram HTML for every message unless a call says otherwise. */
export const htmlByDefault: Transformer = (prev, method, payload, signal) => {
  if (
    payload &&
    typeof payload === "object" &&
    !("parse_mode" in payload) &&
    (method === "sendMessage" || method === "editMessageText" || ("caption" in payload && payload.caption))
  ) {
    Object.assign(payload, { parse_mode: "HTML" });
  }
  return prev(method, payload, signal);
};

export function createBot(deps: BotDeps, opts: CreateBotOptions = {}): Bot<BotContext> {
  const token = deps.config.BOT_TOKEN ?? "0:sandbox";
  const bot = new Bot<BotContext>(token, {
    ...(opts.botInfo ? { botInfo: opts.botInfo } : {}),
    // The lean Bot API fetch (api-fetch.ts) unless the caller brings its own (an emulator).
    client: { apiRoot: deps.config.TELEGRAM_API_ROOT, fetch: apiFetch as never, ...opts.client },
  });
  bot.api.config.use(htmlByDefault);
  if (opts.throttle ?? true) {
    bot.api.config.use(apiThrottler(TELEGRAM_PACING));
    bot.api.config.use(autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 60 }));
  }

  const features = opts.channel?.features ?? telegramFeatures;
  const conversationMiddleware = features.flatMap((f) => f.conversations ?? []);

  const app = new Composer<BotContext>();
  app.use(
    // The update's service calls are keyed by it (ctx.services): a replay repeats no change.
    attachDeps(deps),
    privateOnly(),
    opts.channel?.loadUser ?? loadUser(),
    rateLimit(opts.floodLimit ?? DEFAULT_FLOOD_LIMIT),
    conversations<BotContext, ConvContext>({
      storage: conversationStorage(deps.prisma, CONVERSATION_STATE_VERSION, {
        faults: opts.faults,
        prefix: opts.channel?.conversationPrefix,
      }),
      // Inside conversations a fresh Api is built per context: give it the same defaults.
      plugins: [
        (ctx, next) => {
          ctx.api.config.use(htmlByDefault);
          return next();
        },
      ],
    }),
    leaveUnfinishedOnTransient(),
  );
  // Leaves any conversation; installed before them so it always gets through.
  app.command("cancel", async (ctx) => {
    const active = Object.keys(ctx.conversation.active());
    await ctx.conversation.exitAll();
    await ctx.reply(ctx.t(active.length ? "common:cancel.done" : "common:cancel.nothing"));
  });
  // A conversation that continues as new (conversations/kit.ts) is entered again here.
  app.use(followContinuations(), ...conversationMiddleware);
  for (const f of features) app.use(f.feature);
  app.use(fallback.feature);

  // No NUL, broken surrogate or absurd nesting gets further (the ledger stores the update).
  bot.use(sanitize());
  // The Telegram user is read with the update's claim (and its chat's lock) when it can be.
  const preload = opts.channel?.loadUser ? undefined : userPreloadArgs;
  if (opts.guards) bot.use(dedupe(opts.guards, opts.faults, preload));
  // Updates of one chat run one after another (two quick presses must not race).
  bot.use(sequentialize((ctx) => ctx.chat?.id.toString() ?? ctx.from?.id.toString()));
  if (opts.guards) bot.use(chatLock(opts.guards, opts.faults, preload));
  bot.errorBoundary(handleError, app);
  bot.catch((err) =>
    deps.logger.error({ err: err.error, updateId: err.ctx.update.update_id }, "error handler failed"),
  );
  return bot;
}

/**
 * Logs the error and tells the user in their language; a DomainError is a rule, not a
 * crash. A transient database failure is not answered: the update is left unfinished and
 * handled again (middlewares/unfinished.ts), so the error goes on to the ledger.
 */
async function handleError(err: BotError<BotContext>): Promise<void> {
  const ctx = err.ctx;
  if (isTransientDbError(err.error)) {
    markUnfinished(ctx);
    (ctx.log ?? ctx.deps?.logger)?.warn(
      { err: (err.error as Error)?.message ?? String(err.error), updateId: ctx.update.update_id },
      "update left unfinished after a transient database failure: it will be handled again",
    );
    throw err.error;
  }
  const t = ctx.t ?? getI18n().getFixedT(isLocale(ctx.from?.language_code) ? ctx.from.language_code : "mn");
  const domain = err.error instanceof DomainError ? err.error : undefined;
  if (domain) {
    ctx.log?.info({ key: domain.key }, "request refused");
  } else {
    (ctx.log ?? ctx.deps?.logger)?.error({ err: err.error }, "update failed");
  }
  const text = domain ? t(domain.key, domain.params) : t("common:errors.unexpected");
  try {
    if (ctx.callbackQuery) await ctx.answerCallbackQuery(domain ? { text: text.slice(0, 200) } : {});
    if (ctx.chat) await ctx.reply(text);
  } catch {
    // the chat may be gone; nothing more to do
  }
}
