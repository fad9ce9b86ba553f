/**
 * The bot's features, in the order they see updates. Each module exports a `feature`
 * composer and, when it has multi-step dialogues, `conversations` (installed before all
 * features so a conversation in progress receives its updates first).
 */
import type { Composer, Middleware } from "grammy";
import type { BotContext } from "../context.js";
import * as admin from "./admin.js";
import * as invites from "./invites.js";
import * as petitionsCitizen from "./petitions-citizen.js";
import * as petitionsClerk from "./petitions-clerk.js";
import * as petitionsStaff from "./petitions-staff.js";
import * as reminders from "./reminders.js";
import * as reporting from "./reporting.js";
import * as start from "./start.js";
import * as unhandled from "./unhandled.js";

export interface FeatureModule {
  feature: Composer<BotContext>;
  conversations?: Middleware<BotContext>[];
}

export const features: FeatureModule[] = [
  start,
  invites,
  reporting,
  petitionsCitizen,
  petitionsStaff,
  petitionsClerk,
  admin,
  reminders,
];

/** Always last. */
export const fallback: FeatureModule = unhandled;
