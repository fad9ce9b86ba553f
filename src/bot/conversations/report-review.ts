/**
 * The head's short conversations about a submitted report: return it with a comment (the
 * official is notified and the report reopens with the comment), and rate it on the
 * organisation's scale (a reason is needed when the rating differs from the suggested one).
 */
import { createConversation } from "@grammyjs/conversations";
import { RATINGS } from "../../reporting/rating.js";
import type { Rating } from "../../generated/prisma/enums.js";
import type { BotContext, ConvContext } from "../context.js";
import { percent, periodLabel, ratingLabel } from "../features/reporting-format.js";
import { type BotConversation, conversationNames, makeKit } from "./kit.js";
import { inWords } from "./report-input.js";
import { attempt, pick } from "./report-steps.js";

export const REPORT_RETURN = "reportReturn";
export const REPORT_RETURN_NAME = "reportingBot:review.returnName";
export const REPORT_RATE = "reportRate";
export const REPORT_RATE_NAME = "reportingBot:review.rateName";
conversationNames[REPORT_RETURN] = REPORT_RETURN_NAME;
conversationNames[REPORT_RATE] = REPORT_RATE_NAME;

async function returnConversation(conversation: BotConversation, _ctx: ConvContext, reportId: number) {
  const kit = await makeKit(conversation, REPORT_RETURN_NAME);
  const t = kit.t;
  const opened = await attempt(() => kit.call((s) => s.reporting.review.openForReview(kit.actor, reportId)));
  if (!opened.ok) return kit.say(t(opened.error.key, opened.error.params));
  const view = opened.value;
  if (!view.canReturn) return kit.say(t("reporting:errors.reportNotSubmitted"));
  const comment = await kit.askText(
    t("reportingBot:review.askComment", {
      name: view.personName,
      period: periodLabel(t, view.period.kind, view.period.year),
    }),
    { max: 2000, nav: ["cancel"], validate: inWords },
  );
  if (comment.nav) return kit.say(t("reportingBot:review.notReturned"));
  const done = await attempt(() =>
    kit.call((s) => s.reporting.review.returnReport(kit.actor, reportId, comment.value)),
  );
  if (!done.ok) return kit.say(t(done.error.key, done.error.params));
  return kit.say(t("reportingBot:review.returned", { name: view.personName }));
}

async function rateConversation(conversation: BotConversation, _ctx: ConvContext, reportId: number) {
  const kit = await makeKit(conversation, REPORT_RATE_NAME);
  const t = kit.t;
  const opened = await attempt(() => kit.call((s) => s.reporting.review.openForReview(kit.actor, reportId)));
  if (!opened.ok) return kit.say(t(opened.error.key, opened.error.params));
  const view = opened.value;
  if (!view.canRate) return kit.say(t("reporting:errors.cannotRate"));
  const suggested = view.suggestedRating;
  for (;;) {
    const choice = await pick(
      kit,
      t("reportingBot:review.askRating", {
        name: view.personName,
        period: periodLabel(t, view.period.kind, view.period.year),
        completion: percent(view.overallCompletion),
        suggested: ratingLabel(t, suggested),
      }),
      RATINGS.map((r) => [
        {
          label:
            r === suggested
              ? t("reportingBot:review.suggestedOption", { rating: ratingLabel(t, r) })
              : ratingLabel(t, r),
          value: r,
        },
      ]),
      ["cancel"],
    );
    if (choice.nav) return kit.say(t("reportingBot:review.notRated"));
    const rating = choice.value as Rating;
    let reason: string | null = null;
    if (suggested !== null && rating !== suggested) {
      const why = await kit.askText(
        t("reportingBot:review.askReason", {
          rating: ratingLabel(t, rating),
          suggested: ratingLabel(t, suggested),
        }),
        { max: 2000, nav: ["back", "cancel"], validate: inWords },
      );
      if (why.nav === "back") continue;
      if (why.nav) return kit.say(t("reportingBot:review.notRated"));
      reason = why.value;
    }
    const done = await attempt(() =>
      kit.call((s) => s.reporting.review.rate(kit.actor, reportId, rating, reason)),
    );
    if (!done.ok) {
      await kit.say(t(done.error.key, done.error.params));
      if (done.error.key.startsWith("reporting:validation.")) continue;
      return;
    }
    return kit.say(t("reportingBot:review.rated", { name: view.personName, rating: ratingLabel(t, rating) }));
  }
}

export const reviewConversations = [
  createConversation<BotContext, ConvContext>(returnConversation, REPORT_RETURN),
  createConversation<BotContext, ConvContext>(rateConversation, REPORT_RATE),
];
