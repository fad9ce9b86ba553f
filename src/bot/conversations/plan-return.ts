/**
 * The head returns a submitted plan with a comment; the official is notified and may send
 * a corrected file.
 */
import { createConversation } from "@grammyjs/conversations";
import type { BotContext, ConvContext } from "../context.js";
import { type BotConversation, conversationNames, makeKit } from "./kit.js";
import { inWords } from "./report-input.js";
import { attempt } from "./report-steps.js";

export const PLAN_RETURN = "planReturn";
export const PLAN_RETURN_NAME = "reportingBot:planReview.returnName";
conversationNames[PLAN_RETURN] = PLAN_RETURN_NAME;

async function planReturnConversation(conversation: BotConversation, _ctx: ConvContext, planId: number) {
  const kit = await makeKit(conversation, PLAN_RETURN_NAME);
  const t = kit.t;
  const plan = await attempt(() => kit.call((s) => s.reporting.plans.getPlan(kit.actor, planId)));
  if (!plan.ok) return kit.say(t(plan.error.key, plan.error.params));
  const comment = await kit.askText(
    t("reportingBot:planReview.askComment", { name: plan.value.personName, year: plan.value.year }),
    { max: 2000, nav: ["cancel"], validate: inWords },
  );
  if (comment.nav) return kit.say(t("reportingBot:planReview.notReturned"));
  const done = await attempt(() =>
    kit.call((s) => s.reporting.plans.returnPlan(kit.actor, planId, comment.value)),
  );
  if (!done.ok) return kit.say(t(done.error.key, done.error.params));
  return kit.say(t("reportingBot:planReview.returned", { name: plan.value.personName }));
}

export const planConversations = [
  createConversation<BotContext, ConvContext>(planReturnConversation, PLAN_RETURN),
];
