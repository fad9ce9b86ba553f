/**
 * The citizen's short dialogues about a petition already filed: adding information,
 * replying to the office's question (text and files), and commenting on a rating.
 * The petition id comes from the button that started the dialogue.
 */
import { createConversation } from "@grammyjs/conversations";
import { getOrgSettings } from "../../directory/settings.js";
import type { CitizenPetitionCard } from "../../petitions/types.js";
import { REASON_MAX, validateNote } from "../../petitions/validation.js";
import type { BotContext, ConvContext } from "../context.js";
import { type BotConversation, conversationNames, type Kit, makeKit } from "./kit.js";
import { attempt, compose, excerpt, petitionIdFrom } from "./petition-steps.js";
import { type OpenQuestion, openQuestionsFor } from "../../petitions/open-questions.js";
import { action } from "../../shared/actions.js";

export const ADD_INFO = "petition-add-info";
export const REPLY = "petition-reply";
export const RATE_COMMENT = "petition-rate-comment";
export const TYPED_REPLY = "petition-typed-reply";
export const TYPED_REPLY_NAME = "petitionsBot:reply.name";
conversationNames[ADD_INFO] = "petitionsBot:addInfo.name";
conversationNames[REPLY] = "petitionsBot:reply.name";
conversationNames[RATE_COMMENT] = "petitionsBot:rate.name";

async function loadCard(kit: Kit, ctx: ConvContext): Promise<CitizenPetitionCard | null> {
  const id = petitionIdFrom(ctx) ?? 0;
  return attempt(kit, () => kit.call((s) => s.petitions.cardForCitizen(kit.actor.userId, id)));
}

async function maxFilesOf(kit: Kit, orgId: number): Promise<number> {
  return kit.call(
    async (_s, outer) => (await getOrgSettings(outer.deps.prisma, orgId)).petitions.maxAttachments,
  );
}

async function addInfoConversation(conversation: BotConversation, ctx: ConvContext) {
  const kit = await makeKit(conversation, "petitionsBot:addInfo.name");
  const card = await loadCard(kit, ctx);
  if (!card) return;
  if (!card.canAddInfo) return kit.say(kit.t("petitions:errors.closed"));
  const done = await compose(
    kit,
    {
      prompt: kit.t("petitionsBot:addInfo.ask", { number: card.number }),
      maxFiles: await maxFilesOf(kit, card.org.id),
    },
    (m) => kit.call((s) => s.petitions.addInfo(kit.actor.userId, card.id, m.text, m.files)),
  );
  if (done) await kit.say(kit.t("petitionsBot:addInfo.done", { number: card.number }));
}

async function replyConversation(conversation: BotConversation, ctx: ConvContext) {
  const kit = await makeKit(conversation, "petitionsBot:reply.name");
  const card = await loadCard(kit, ctx);
  if (!card) return;
  if (!card.canReply)
    return kit.say(kit.t(card.canAddInfo ? "petitions:errors.noQuestion" : "petitions:errors.closed"));
  const question = [...card.history].reverse().find((e) => e.type === "QUESTION")?.note ?? "";
  const done = await compose(
    kit,
    {
      prompt: kit.t("petitionsBot:reply.ask", { number: card.number, question }),
      maxFiles: await maxFilesOf(kit, card.org.id),
    },
    (m) => kit.call((s) => s.petitions.citizenReply(kit.actor.userId, card.id, m.text, m.files)),
  );
  if (done) await kit.say(kit.t("petitionsBot:reply.done", { number: card.number }));
}

async function rateCommentConversation(conversation: BotConversation, ctx: ConvContext) {
  const kit = await makeKit(conversation, "petitionsBot:rate.name");
  const card = await loadCard(kit, ctx);
  if (!card) return;
  if (card.rating === null) return kit.say(kit.t("petitions:errors.notAnswered"));
  if (card.ratingComment !== null) return kit.say(kit.t("petitions:errors.alreadyRated"));
  const r = await kit.askText(kit.t("petitionsBot:rate.askComment", { number: card.number }), {
    max: REASON_MAX,
    nav: ["cancel"],
    validate: (s) => validateNote(s, "petitions:errors.textRequired"),
  });
  if (r.nav) return kit.say(kit.t("petitionsBot:rate.noComment"));
  const saved = await attempt(kit, () =>
    kit.call((s) => s.petitions.commentOnRating(kit.actor.userId, card.id, r.value)),
  );
  if (saved) await kit.say(kit.t("petitionsBot:rate.commentSaved"));
}

/**
 * A message typed while several of the office's questions are open: the citizen says
 * which petition it answers (nothing is sent before they do).
 */
async function typedReplyConversation(conversation: BotConversation, _ctx: ConvContext, text: string) {
  const kit = await makeKit(conversation, TYPED_REPLY_NAME);
  const { t } = kit;
  const open = await kit.call((_s, outer) => openQuestionsFor(outer.deps.prisma, outer.user.id));
  if (open.length === 0) return kit.say(t("petitions:errors.noQuestion"));
  const r = await kit.choose(
    t("petitionsBot:reply.which", { text: excerpt(text, 300) }),
    open.map((q) => ({
      label: t("petitionsBot:reply.whichOption", { number: q.number, question: excerpt(q.question, 40) }),
      value: String(q.petitionId),
    })),
    { nav: ["cancel"] },
  );
  if (r.nav) return kit.say(t("petitionsBot:reply.notSent"));
  const chosen = open.find((q) => String(q.petitionId) === r.value) as OpenQuestion;
  const sent = await attempt(kit, () =>
    kit.call((s) => s.petitions.citizenReply(kit.actor.userId, chosen.petitionId, text)),
  );
  if (sent)
    await kit.say(t("petitionsBot:reply.done", { number: chosen.number }), openRow(kit, chosen.petitionId));
}

function openRow(kit: Kit, id: number) {
  return [[{ text: kit.t("petitions:button.myPetition"), callback_data: action("pc", "open", id) }]];
}

export const citizenConversations = [
  createConversation<BotContext, ConvContext>(addInfoConversation, ADD_INFO),
  createConversation<BotContext, ConvContext>(replyConversation, REPLY),
  createConversation<BotContext, ConvContext>(rateCommentConversation, RATE_COMMENT),
  createConversation<BotContext, ConvContext>(typedReplyConversation, TYPED_REPLY),
];
