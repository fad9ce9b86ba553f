import type { ConversationFlavor } from "@grammyjs/conversations";
import type { Context } from "grammy";
import type { TFunction } from "i18next";
import type { Config } from "../config.js";
import type { Actor } from "../directory/actor.js";
import type { UserWithPerson } from "../directory/users.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import type { Locale } from "../i18n.js";
import type { Logger } from "../logger.js";
import type { Services } from "../services.js";
import type { Clock } from "../shared/clock.js";

/** Everything the bot needs from outside; tests and the sandbox pass their own. */
export interface BotDeps {
  config: Config;
  prisma: PrismaClient;
  clock: Clock;
  logger: Logger;
  services: Services;
}

interface Extras {
  deps: BotDeps;
  services: Services;
  clock: Clock;
  log: Logger;
  /** The chat user (created on first contact); absent only for updates without a sender. */
  user: UserWithPerson;
  actor: Actor;
  locale: Locale;
  t: TFunction;
}

/** The context of the main middleware tree. */
export type BotContext = ConversationFlavor<Context & Extras>;

/** The context inside conversations (plugins give it `t` and `locale`; see conversations/kit.ts). */
export type ConvContext = Context & { t: TFunction; locale: Locale };
