/**
 * Performance reporting in the bot: the official's report (./reporting-official.ts), the
 * head's review and the evaluation overview (./reporting-review.ts) and plans (./plans.ts),
 * with their conversations.
 */
import { Composer } from "grammy";
import type { BotContext } from "../context.js";
import { planConversations } from "../conversations/plan-return.js";
import { reportConversations } from "../conversations/report.js";
import { reviewConversations } from "../conversations/report-review.js";
import * as plans from "./plans.js";
import * as official from "./reporting-official.js";
import * as review from "./reporting-review.js";

export const feature = new Composer<BotContext>(official.feature, review.feature, plans.feature);

export const conversations = [...reportConversations, ...reviewConversations, ...planConversations];
