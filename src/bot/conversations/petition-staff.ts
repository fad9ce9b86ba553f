/**
 * The assignee's and the head's dialogues on a petition, started from a notification or
 * the staff card: return to the clerk, forward, ask for an extension, refuse one, ask the
 * petitioner, answer, send an answer back. Each first checks with the permission rules
 * that the action is allowed now, asks what it needs, and calls PetitionService.
 */
import { createConversation } from "@grammyjs/conversations";
import type { Actor } from "../../directory/actor.js";
import { getOrgSettings } from "../../directory/settings.js";
import { formatDate } from "../../i18n.js";
import type { ActionResult } from "../../petitions/petition-service.js";
import type { StaffAction } from "../../petitions/permissions.js";
import { forwardTargets } from "../../petitions/organizations.js";
import { checkStaffAction } from "../../petitions/staff-queries.js";
import {
  FORWARD_NAME_MAX,
  hasWords,
  MESSAGE_MAX,
  REASON_MAX,
  validateNote,
} from "../../petitions/validation.js";
import type { Services } from "../../services.js";
import { action } from "../../shared/actions.js";
import { DomainError } from "../../shared/errors.js";
import type { BotContext, ConvContext } from "../context.js";
import { type BotConversation, conversationNames, type Kit, makeKit } from "./kit.js";
import { attempt, compose, isFixable, nameIn, petitionIdFrom } from "./petition-steps.js";

export const RETURN = "petition-return";
export const FORWARD = "petition-forward";
export const EXTEND = "petition-extend";
export const REFUSE_EXTENSION = "petition-refuse-extension";
export const ASK = "petition-ask";
export const ANSWER = "petition-answer";
export const SEND_BACK = "petition-send-back";

/** Which permission each dialogue needs, for the check before it starts. */
export const STAFF_DIALOGUES: Record<string, { action: StaffAction; nameKey: string }> = {
  [RETURN]: { action: "return", nameKey: "petitionsBot:staff.returnName" },
  [FORWARD]: { action: "forward", nameKey: "petitionsBot:staff.forwardName" },
  [EXTEND]: { action: "extend", nameKey: "petitionsBot:staff.extendName" },
  [REFUSE_EXTENSION]: { action: "decideExtension", nameKey: "petitionsBot:staff.refuseName" },
  [ASK]: { action: "ask", nameKey: "petitionsBot:staff.askName" },
  [ANSWER]: { action: "answer", nameKey: "petitionsBot:staff.answerName" },
  [SEND_BACK]: { action: "reviewAnswer", nameKey: "petitionsBot:staff.sendBackName" },
};
for (const [id, d] of Object.entries(STAFF_DIALOGUES)) conversationNames[id] = d.nameKey;

const detailsButton = (kit: Kit, id: number) => [
  [{ text: kit.t("petitions:button.open"), callback_data: action("pt", "open", id) }],
];

/**
 * Opens one of the dialogues: its kit, and the petition if the dialogue's action is allowed
 * now (otherwise it says why and gives null).
 */
async function open(conversation: BotConversation, ctx: ConvContext, dialogue: string) {
  const { action: act, nameKey } = STAFF_DIALOGUES[dialogue]!;
  const kit = await makeKit(conversation, nameKey);
  const id = petitionIdFrom(ctx) ?? 0;
  const p = await attempt(kit, () =>
    kit.call((_s, outer) => checkStaffAction(outer.deps.prisma, outer.actor, id, act, outer.clock.now())),
  );
  return { kit, p };
}

interface NoteSpec {
  prompt: string;
  requiredKey: string;
  max: number;
  run: (services: Services, actor: Actor, note: string) => Promise<ActionResult>;
  done: (r: ActionResult) => string;
}

/**
 * Asks for one required note and runs the action with it; a note the service refuses is
 * asked again, any other refusal ends the dialogue.
 */
async function withNote(kit: Kit, p: { id: number; number: string }, spec: NoteSpec): Promise<void> {
  for (;;) {
    const r = await kit.askText(spec.prompt, {
      max: spec.max,
      nav: ["cancel"],
      validate: (s) => validateNote(s, spec.requiredKey, spec.max),
    });
    if (r.nav) return kit.say(kit.t("petitionsBot:staff.cancelled"));
    try {
      const result = await kit.call((s, outer) => spec.run(s, outer.actor, r.value));
      return kit.say(spec.done(result), detailsButton(kit, p.id));
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      await kit.say(kit.t(err.key, err.params));
      if (!isFixable(err)) return;
    }
  }
}

/** A dialogue that asks for one note and runs the action with it. */
function noteDialogue(dialogue: string, spec: (kit: Kit, p: { id: number; number: string }) => NoteSpec) {
  return async (conversation: BotConversation, ctx: ConvContext) => {
    const { kit, p } = await open(conversation, ctx, dialogue);
    if (!p) return;
    await withNote(kit, p, spec(kit, p));
  };
}

const returnConversation = noteDialogue(RETURN, (kit, p) => ({
  prompt: kit.t("petitionsBot:staff.askReturnReason", { number: p.number }),
  requiredKey: "petitions:errors.reasonRequired",
  max: REASON_MAX,
  run: (s, actor, note) => s.petitions.returnToClerk(actor, p.id, note),
  done: () => kit.t("petitionsBot:staff.returned", { number: p.number }),
}));

const refuseExtensionConversation = noteDialogue(REFUSE_EXTENSION, (kit, p) => ({
  prompt: kit.t("petitionsBot:staff.askRefuseReason", { number: p.number }),
  requiredKey: "petitions:errors.reasonRequired",
  max: REASON_MAX,
  run: (s, actor, note) => s.petitions.decideExtension(actor, p.id, { approve: false, note }),
  done: (r) => kit.t("petitionsBot:staff.extensionRefused", { number: p.number, due: formatDate(r.dueAt) }),
}));

const askConversation = noteDialogue(ASK, (kit, p) => ({
  prompt: kit.t("petitionsBot:staff.askQuestion", { number: p.number }),
  requiredKey: "petitions:errors.questionRequired",
  max: MESSAGE_MAX,
  run: (s, actor, note) => s.petitions.askCitizen(actor, p.id, note),
  done: () => kit.t("petitionsBot:staff.questionSent", { number: p.number }),
}));

const sendBackConversation = noteDialogue(SEND_BACK, (kit, p) => ({
  prompt: kit.t("petitionsBot:staff.askSendBackNote", { number: p.number }),
  requiredKey: "petitions:errors.reasonRequired",
  max: REASON_MAX,
  run: (s, actor, note) => s.petitions.sendBackAnswer(actor, p.id, note),
  done: () => kit.t("petitionsBot:staff.sentBack", { number: p.number }),
}));

async function forwardConversation(conversation: BotConversation, ctx: ConvContext) {
  const { kit, p } = await open(conversation, ctx, FORWARD);
  const { t } = kit;
  if (!p) return;
  // Past the forward term: said before anything is asked (the forward is recorded as late).
  const term = await kit.call(async (s, outer) => {
    const card = await s.petitions.cardForStaff(outer.actor, p.id);
    const settings = await getOrgSettings(outer.deps.prisma, card.org.id);
    return { late: card.forwardLate, date: card.forwardBy, days: settings.petitions.forwardDays };
  });
  if (term.late) {
    await kit.say(
      t("petitionsBot:staff.forwardLate", { number: p.number, date: formatDate(term.date), days: term.days }),
    );
  }
  const targets = await kit.call((_s, outer) => forwardTargets(outer.deps.prisma, outer.actor));
  for (;;) {
    const choice = await kit.choose(
      t("petitionsBot:staff.askForwardTo", { number: p.number }),
      [
        ...targets.map((o) => ({ label: nameIn(kit.locale, o), value: String(o.id) })),
        { label: t("petitionsBot:staff.forwardOther"), value: "other" },
      ],
      { nav: ["cancel"] },
    );
    if (choice.nav) return kit.say(t("petitionsBot:staff.cancelled"));
    let toOrgId: number | null = null;
    let toName: string | null = null;
    if (choice.value === "other") {
      const name = await kit.askText(t("petitionsBot:staff.askForwardName"), {
        max: FORWARD_NAME_MAX,
        nav: ["back", "cancel"],
        validate: (s) =>
          hasWords(s) ? { ok: true, value: s } : { ok: false, key: "petitions:errors.noWords" },
      });
      if (name.nav === "back") continue;
      if (name.nav) return kit.say(t("petitionsBot:staff.cancelled"));
      toName = name.value;
    } else {
      toOrgId = Number(choice.value);
    }
    const reason = await kit.askText(t("petitionsBot:staff.askForwardReason"), {
      max: REASON_MAX,
      nav: ["back", "cancel"],
      validate: (s) => validateNote(s, "petitions:errors.reasonRequired", REASON_MAX),
    });
    if (reason.nav === "back") continue;
    if (reason.nav) return kit.say(t("petitionsBot:staff.cancelled"));
    try {
      const card = await kit.call(async (s, outer) => {
        await s.petitions.forward(outer.actor, p.id, { toOrgId, toName, reason: reason.value });
        return s.petitions.cardForStaff(outer.actor, p.id);
      });
      // An organisation of the system is named in the official's language.
      const target = targets.find((o) => o.id === toOrgId);
      const to = target ? nameIn(kit.locale, target) : (card.forwardedTo?.name ?? toName ?? "");
      const newNumber = card.forwardedTo?.number;
      const key = newNumber
        ? card.citizenInChat
          ? "petitionsBot:staff.forwardedRegistered"
          : "petitionsBot:staff.forwardedRegisteredOffline"
        : card.citizenInChat
          ? "petitionsBot:staff.forwarded"
          : "petitionsBot:staff.forwardedOffline";
      return kit.say(t(key, { number: p.number, to, newNumber }), detailsButton(kit, p.id));
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      await kit.say(t(err.key, err.params));
      const retry = [
        "petitions:errors.forwardTargetRequired",
        "petitions:errors.forwardTargetInvalid",
        "petitions:errors.tooLong",
      ];
      if (!retry.includes(err.key) && !isFixable(err)) return;
    }
  }
}

async function extendConversation(conversation: BotConversation, ctx: ConvContext) {
  const { kit, p } = await open(conversation, ctx, EXTEND);
  const { t } = kit;
  if (!p) return;
  const max = await kit.call(
    async (_s, outer) =>
      (await getOrgSettings(outer.deps.prisma, outer.actor.orgId ?? 0)).petitions.maxExtensionDays,
  );
  for (;;) {
    // The number is checked here, at its own step, against the organisation's rules.
    const days = await kit.askText(t("petitionsBot:staff.askExtensionDays", { number: p.number, max }), {
      max: 10,
      nav: ["cancel"],
      validate: (s) => {
        if (!/^\d{1,4}$/.test(s)) return { ok: false, key: "petitionsBot:staff.daysNumber" };
        const n = Number(s);
        return n >= 1 && n <= max
          ? { ok: true, value: String(n) }
          : { ok: false, key: "petitions:errors.extensionDaysInvalid", params: { max } };
      },
    });
    if (days.nav) return kit.say(t("petitionsBot:staff.cancelled"));
    const reason = await kit.askText(t("petitionsBot:staff.askExtensionReason"), {
      max: REASON_MAX,
      nav: ["back", "cancel"],
      validate: (s) => validateNote(s, "petitions:errors.reasonRequired", REASON_MAX),
    });
    if (reason.nav === "back") continue;
    if (reason.nav) return kit.say(t("petitionsBot:staff.cancelled"));
    try {
      await kit.call((s, outer) =>
        s.petitions.requestExtension(outer.actor, p.id, { days: Number(days.value), reason: reason.value }),
      );
      return kit.say(
        t("petitionsBot:staff.extensionRequested", { number: p.number, days: days.value }),
        detailsButton(kit, p.id),
      );
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      await kit.say(t(err.key, err.params));
      if (err.key !== "petitions:errors.extensionDaysInvalid" && !isFixable(err)) return;
    }
  }
}

async function answerConversation(conversation: BotConversation, ctx: ConvContext) {
  const { kit, p } = await open(conversation, ctx, ANSWER);
  const { t } = kit;
  if (!p) return;
  const info = await kit.call(async (s, outer) => {
    const card = await s.petitions.cardForStaff(outer.actor, p.id);
    const settings = await getOrgSettings(outer.deps.prisma, card.org.id);
    return { inChat: card.citizenInChat, maxFiles: settings.petitions.maxAttachments };
  });
  const result = await compose(
    kit,
    {
      prompt: t(info.inChat ? "petitionsBot:staff.askAnswer" : "petitionsBot:staff.askAnswerOffline", {
        number: p.number,
      }),
      maxFiles: info.maxFiles,
      sendKey: "petitionsBot:staff.sendAnswer",
    },
    (m) =>
      kit.call((s, outer) => s.petitions.answer(outer.actor, p.id, { text: m.text, attachments: m.files })),
  );
  if (!result) return;
  const key =
    result.status === "ANSWER_REVIEW"
      ? "petitionsBot:staff.answerForReview"
      : info.inChat
        ? "petitionsBot:staff.answerSent"
        : "petitionsBot:staff.answerRecorded";
  await kit.say(t(key, { number: p.number }), detailsButton(kit, p.id));
}

export const staffConversations = [
  createConversation<BotContext, ConvContext>(returnConversation, RETURN),
  createConversation<BotContext, ConvContext>(forwardConversation, FORWARD),
  createConversation<BotContext, ConvContext>(extendConversation, EXTEND),
  createConversation<BotContext, ConvContext>(refuseExtensionConversation, REFUSE_EXTENSION),
  createConversation<BotContext, ConvContext>(askConversation, ASK),
  createConversation<BotContext, ConvContext>(answerConversation, ANSWER),
  createConversation<BotContext, ConvContext>(sendBackConversation, SEND_BACK),
];
