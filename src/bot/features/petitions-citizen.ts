/**
 * Citizen petitions in the bot: filing one (/new, "File a petition"), the list and card
 * (/my, "My petitions"), adding information, replying to the office's question,
 * withdrawing, rating the answer and commenting on the rating, and the files of a
 * petition. Citizens see the organisation's name only, never who handles their petition.
 */
import { Composer } from "grammy";
import {
  ADD_INFO,
  citizenConversations,
  RATE_COMMENT,
  REPLY,
  TYPED_REPLY,
  TYPED_REPLY_NAME,
} from "../conversations/petition-citizen.js";
import { type OpenQuestion, openQuestionsFor } from "../../petitions/open-questions.js";
import {
  INTAKE,
  INTAKE_NAME,
  type IntakeStart,
  intakeConversation,
} from "../conversations/petition-intake.js";
import { enterConversation } from "../conversations/kit.js";
import { petitionIdFrom } from "../conversations/petition-steps.js";
import { createConversation } from "@grammyjs/conversations";
import { action, idAt, parseAction } from "../../shared/actions.js";
import { DomainError } from "../../shared/errors.js";
import type { BotContext, ConvContext } from "../context.js";
import { mayHaveOpenPetition } from "../middlewares/user.js";
import { citizenCardKeyboard, citizenListKeyboard } from "../keyboards/petitions.js";
import { menuKeyboard } from "../menu.js";
import { citizenCardText, citizenListText, LISTED } from "./petitions-format.js";
import { sendFiles } from "./petitions-files.js";

export const feature = new Composer<BotContext>();

export const conversations = [
  createConversation<BotContext, ConvContext>(intakeConversation, INTAKE),
  ...citizenConversations,
];

/** The petition id of the pressed button; a forged one is "not found". */
function idOf(ctx: BotContext): number {
  const id = petitionIdFrom(ctx);
  if (id === null) throw new DomainError("common:errors.notFound");
  return id;
}

// ─────────────────────────── filing ───────────────────────────

const begin: IntakeStart = {};
feature.command("new", (ctx) => enterConversation(ctx, INTAKE, INTAKE_NAME, begin));
feature.callbackQuery("pc:new", (ctx) => enterConversation(ctx, INTAKE, INTAKE_NAME, begin));

/** A contact shared when no petition asks for it (e.g. after /cancel): take the button away. */
feature.on("message:contact", async (ctx) => {
  await ctx.reply(ctx.t("petitionsBot:intake.contactNotNeeded"), { reply_markup: { remove_keyboard: true } });
});

// ─────────────────────────── list and card ───────────────────────────

async function showMine(ctx: BotContext) {
  const list = await ctx.services.petitions.listForCitizen(ctx.user.id);
  const l = { t: ctx.t, locale: ctx.locale };
  const keyboard = list.length
    ? citizenListKeyboard(list, LISTED)
    : [[{ text: ctx.t("common:menu.petitionNew"), callback_data: "pc:new" }]];
  await ctx.reply(citizenListText(l, list), { reply_markup: { inline_keyboard: keyboard } });
}

feature.command("my", showMine);
feature.callbackQuery("pc:my", async (ctx) => {
  await ctx.answerCallbackQuery();
  await showMine(ctx);
});

feature.callbackQuery(/^pc:open:/, async (ctx) => {
  const card = await ctx.services.petitions.cardForCitizen(ctx.user.id, idOf(ctx));
  await ctx.answerCallbackQuery();
  await ctx.reply(citizenCardText({ t: ctx.t, locale: ctx.locale }, card), {
    reply_markup: { inline_keyboard: citizenCardKeyboard(ctx.t, card) },
  });
});

feature.callbackQuery(/^pc:files:/, async (ctx) => {
  const card = await ctx.services.petitions.cardForCitizen(ctx.user.id, idOf(ctx));
  await ctx.answerCallbackQuery();
  await sendFiles(ctx, [...card.attachments, ...(card.answer?.attachments ?? [])]);
});

// ─────────────────────────── adding, replying, withdrawing ───────────────────────────

feature.callbackQuery(/^pc:add:/, async (ctx) => {
  const card = await ctx.services.petitions.cardForCitizen(ctx.user.id, idOf(ctx));
  if (!card.canAddInfo) throw new DomainError("petitions:errors.closed");
  await enterConversation(ctx, ADD_INFO, "petitionsBot:addInfo.name");
});

feature.callbackQuery(/^pc:reply:/, async (ctx) => {
  const card = await ctx.services.petitions.cardForCitizen(ctx.user.id, idOf(ctx));
  if (!card.canReply)
    throw new DomainError(card.canAddInfo ? "petitions:errors.noQuestion" : "petitions:errors.closed");
  await enterConversation(ctx, REPLY, "petitionsBot:reply.name");
});

/**
 * Free text while the office's question is open is the reply to it: sent at once when one
 * question is open, after choosing the petition when several are. Otherwise the text goes on.
 */
feature.on("message:text", async (ctx, next) => {
  const text = ctx.message.text;
  if (text.startsWith("/") || !mayHaveOpenPetition(ctx)) return next();
  const open = await openQuestionsFor(ctx.deps.prisma, ctx.user.id);
  if (open.length === 0) return next();
  if (open.length > 1) return enterConversation(ctx, TYPED_REPLY, TYPED_REPLY_NAME, text);
  const q = open[0] as OpenQuestion;
  const r = await ctx.services.petitions.citizenReply(ctx.user.id, q.petitionId, text);
  await ctx.reply(ctx.t("petitionsBot:reply.typedDone", { number: r.number }), {
    reply_markup: {
      inline_keyboard: [
        [
          { text: ctx.t("petitionsBot:reply.addMore"), callback_data: action("pc", "reply", r.id) },
          { text: ctx.t("petitions:button.myPetition"), callback_data: action("pc", "open", r.id) },
        ],
      ],
    },
  });
});

feature.callbackQuery(/^pc:wd:/, async (ctx) => {
  const card = await ctx.services.petitions.cardForCitizen(ctx.user.id, idOf(ctx));
  if (!card.canWithdraw) throw new DomainError("petitions:errors.closed");
  await ctx.answerCallbackQuery();
  await ctx.reply(ctx.t("petitionsBot:withdraw.confirm", { number: card.number }), {
    reply_markup: {
      inline_keyboard: [
        [
          { text: ctx.t("petitionsBot:withdraw.yes"), callback_data: action("pc", "wdy", card.id) },
          { text: ctx.t("petitionsBot:withdraw.no"), callback_data: action("pc", "open", card.id) },
        ],
      ],
    },
  });
});

feature.callbackQuery(/^pc:wdy:/, async (ctx) => {
  const result = await ctx.services.petitions.withdraw(ctx.user.id, idOf(ctx));
  await ctx.answerCallbackQuery();
  await ctx.editMessageReplyMarkup({ reply_markup: { inline_keyboard: [] } }).catch(() => {});
  await ctx.reply(ctx.t("petitionsBot:withdraw.done", { number: result.number }), {
    reply_markup: { inline_keyboard: menuKeyboard(ctx.t, ctx.actor) },
  });
});

// ─────────────────────────── rating ───────────────────────────

feature.callbackQuery(/^pc:rate:/, async (ctx) => {
  const parsed = parseAction(ctx.callbackQuery.data);
  const id = parsed ? idAt(parsed, 0) : null;
  if (!parsed || id === null) throw new DomainError("common:errors.notFound");
  const score = idAt(parsed, 1) ?? 0;
  const result = await ctx.services.petitions.rate(ctx.user.id, id, score);
  await ctx.answerCallbackQuery({ text: ctx.t("petitionsBot:rate.thanksShort") });
  await ctx.editMessageReplyMarkup({ reply_markup: { inline_keyboard: [] } }).catch(() => {});
  await ctx.reply(ctx.t("petitionsBot:rate.thanks", { number: result.number, score }), {
    reply_markup: {
      inline_keyboard: [
        [
          { text: ctx.t("petitionsBot:rate.addComment"), callback_data: action("pc", "rcm", id) },
          { text: ctx.t("petitions:button.myPetition"), callback_data: action("pc", "open", id) },
        ],
      ],
    },
  });
});

feature.callbackQuery(/^pc:rcm:/, async (ctx) => {
  const card = await ctx.services.petitions.cardForCitizen(ctx.user.id, idOf(ctx));
  if (card.rating === null) throw new DomainError("petitions:errors.notAnswered");
  if (card.ratingComment !== null) throw new DomainError("petitions:errors.alreadyRated");
  await enterConversation(ctx, RATE_COMMENT, "petitionsBot:rate.name");
});
