/**
 * The staff side of petitions: the assignee's list (/petitions, "Petitions assigned to me"
 * with open / due soon / overdue), the unit's list, the staff card with the actions
 * allowed now, and the buttons of the notifications: accept, return, forward, extend,
 * ask the petitioner, answer; the head's approve / refuse of an extension and review of
 * an answer. Every button is parsed here and decided by PetitionService.
 */
import { Composer } from "grammy";
import { hasRole, isStaff } from "../../directory/actor.js";
import { formatDate } from "../../i18n.js";
import type { AssigneeFilter } from "../../petitions/types.js";
import { checkStaffAction, peopleNames } from "../../petitions/staff-queries.js";
import { DomainError } from "../../shared/errors.js";
import type { BotContext } from "../context.js";
import { enterConversation } from "../conversations/kit.js";
import { petitionIdFrom } from "../conversations/petition-steps.js";
import {
  ANSWER,
  ASK,
  EXTEND,
  FORWARD,
  REFUSE_EXTENSION,
  RETURN,
  SEND_BACK,
  STAFF_DIALOGUES,
  staffConversations,
} from "../conversations/petition-staff.js";
import {
  type AssigneeFilterKey,
  assigneeFilterRow,
  detailsRow,
  staffActionRows,
  staffCardKeyboard,
  staffListKeyboard,
} from "../keyboards/petitions.js";
import { sendFiles } from "./petitions-files.js";
import { LISTED, staffCardText, staffListText } from "./petitions-format.js";

export const feature = new Composer<BotContext>();
export const conversations = staffConversations;

function idOf(ctx: BotContext): number {
  const id = petitionIdFrom(ctx);
  if (id === null) throw new DomainError("common:errors.notFound");
  return id;
}

function requireStaff(ctx: BotContext): void {
  if (!isStaff(ctx.actor)) throw new DomainError("common:errors.staffOnly");
}

// ─────────────────────────── lists ───────────────────────────

const FILTERS: Record<AssigneeFilterKey, AssigneeFilter> = { open: "open", soon: "dueSoon", late: "overdue" };

async function showAssigned(ctx: BotContext, key: AssigneeFilterKey) {
  requireStaff(ctx);
  const list = await ctx.services.petitions.listForAssignee(ctx.actor, FILTERS[key]);
  const title = ctx.t("petitionsBot:list.mine", { filter: ctx.t(`petitionsBot:list.filter.${key}`) });
  await ctx.reply(
    staffListText({ t: ctx.t, locale: ctx.locale }, title, list, "petitionsBot:list.emptyMine"),
    {
      reply_markup: { inline_keyboard: staffListKeyboard(list, LISTED, [assigneeFilterRow(ctx.t, key)]) },
    },
  );
}

feature.command("petitions", (ctx) => showAssigned(ctx, "open"));
feature.callbackQuery(/^pt:list:mine(?::(open|soon|late))?$/, async (ctx) => {
  await ctx.answerCallbackQuery();
  await showAssigned(ctx, (ctx.match[1] as AssigneeFilterKey | undefined) ?? "open");
});

feature.callbackQuery("pt:list:unit", async (ctx) => {
  requireStaff(ctx);
  const { petitions } = ctx.services;
  // A unit head sees the unit's petitions; the organisation head (without a unit of their own) all open ones.
  const list = hasRole(ctx.actor, "UNIT_HEAD")
    ? await petitions.listForUnitHead(ctx.actor)
    : await petitions.listForOrg(ctx.actor);
  await ctx.answerCallbackQuery();
  await ctx.reply(
    staffListText(
      { t: ctx.t, locale: ctx.locale },
      ctx.t(hasRole(ctx.actor, "UNIT_HEAD") ? "petitionsBot:list.unit" : "petitionsBot:list.org"),
      list,
      "petitionsBot:list.emptyUnit",
    ),
    { reply_markup: { inline_keyboard: staffListKeyboard(list, LISTED) } },
  );
});

/**
 * The lists behind the digest and escalation buttons: what is overdue, what falls due this
 * week — of the unit for a unit head, of the organisation for a clerk or the organisation
 * head, otherwise the person's own.
 */
feature.callbackQuery(/^pt:list:(overdue|week)$/, async (ctx) => {
  requireStaff(ctx);
  const filter = ctx.match[1] === "overdue" ? "overdue" : "dueThisWeek";
  const { petitions } = ctx.services;
  const list = hasRole(ctx.actor, "UNIT_HEAD")
    ? await petitions.listForUnitHead(ctx.actor, filter)
    : hasRole(ctx.actor, "PETITION_CLERK", "ORG_HEAD")
      ? await petitions.listForOrg(ctx.actor, filter)
      : await petitions.listForAssignee(ctx.actor, filter);
  await ctx.answerCallbackQuery();
  await ctx.reply(
    staffListText(
      { t: ctx.t, locale: ctx.locale },
      ctx.t(filter === "overdue" ? "petitionsBot:list.late" : "petitionsBot:list.week"),
      list,
      "petitionsBot:list.emptyFiltered",
    ),
    { reply_markup: { inline_keyboard: staffListKeyboard(list, LISTED) } },
  );
});

// ─────────────────────────── the card ───────────────────────────

export async function showStaffCard(ctx: BotContext, id: number) {
  const card = await ctx.services.petitions.cardForStaff(ctx.actor, id);
  const assignedTo = card.history
    .map((e) => (e.data as { personId?: unknown } | null)?.personId)
    .filter((x): x is number => typeof x === "number");
  const names = await peopleNames(ctx.deps.prisma, ctx.actor, assignedTo);
  await ctx.reply(staffCardText({ t: ctx.t, locale: ctx.locale }, card, names), {
    reply_markup: { inline_keyboard: staffCardKeyboard(ctx.t, card) },
  });
}

feature.callbackQuery(/^pt:open:/, async (ctx) => {
  const id = idOf(ctx);
  await showStaffCard(ctx, id);
  await ctx.answerCallbackQuery();
});

feature.callbackQuery(/^pt:files:/, async (ctx) => {
  const card = await ctx.services.petitions.cardForStaff(ctx.actor, idOf(ctx));
  await ctx.answerCallbackQuery();
  await sendFiles(ctx, card.attachments);
});

// ─────────────────────────── one-press actions ───────────────────────────

/** After an action: a line of what happened and the buttons of what may be done next. */
async function afterAction(ctx: BotContext, id: number, text: string) {
  const card = await ctx.services.petitions.cardForStaff(ctx.actor, id);
  await ctx.reply(text, {
    reply_markup: {
      inline_keyboard: [
        ...staffActionRows(ctx.t, id, card.allowedActions, card.assignee !== null),
        detailsRow(ctx.t, id),
      ],
    },
  });
}

feature.callbackQuery(/^pt:acc:/, async (ctx) => {
  const r = await ctx.services.petitions.accept(ctx.actor, idOf(ctx));
  await ctx.answerCallbackQuery({ text: ctx.t("petitionsBot:staff.acceptedShort") });
  await afterAction(
    ctx,
    r.id,
    ctx.t("petitionsBot:staff.accepted", { number: r.number, due: formatDate(r.dueAt) }),
  );
});

feature.callbackQuery(/^pt:xok:/, async (ctx) => {
  const r = await ctx.services.petitions.decideExtension(ctx.actor, idOf(ctx), { approve: true });
  await ctx.answerCallbackQuery();
  await ctx
    .editMessageReplyMarkup({ reply_markup: { inline_keyboard: [detailsRow(ctx.t, r.id)] } })
    .catch(() => {});
  await ctx.reply(
    ctx.t("petitionsBot:staff.extensionApproved", { number: r.number, due: formatDate(r.dueAt) }),
    {
      reply_markup: { inline_keyboard: [detailsRow(ctx.t, r.id)] },
    },
  );
});

feature.callbackQuery(/^pt:aok:/, async (ctx) => {
  const r = await ctx.services.petitions.approveAnswer(ctx.actor, idOf(ctx));
  await ctx.answerCallbackQuery();
  await ctx
    .editMessageReplyMarkup({ reply_markup: { inline_keyboard: [detailsRow(ctx.t, r.id)] } })
    .catch(() => {});
  await ctx.reply(ctx.t("petitionsBot:staff.answerApproved", { number: r.number }), {
    reply_markup: { inline_keyboard: [detailsRow(ctx.t, r.id)] },
  });
});

// ─────────────────────────── actions with a dialogue ───────────────────────────

const DIALOGUE_OF: Record<string, string> = {
  ret: RETURN,
  fwd: FORWARD,
  ext: EXTEND,
  xno: REFUSE_EXTENSION,
  ask: ASK,
  ans: ANSWER,
  ano: SEND_BACK,
};

feature.callbackQuery(/^pt:(ret|fwd|ext|xno|ask|ans|ano):/, async (ctx) => {
  const dialogue = DIALOGUE_OF[ctx.match[1] as string] as string;
  const spec = STAFF_DIALOGUES[dialogue]!;
  // Refused before anything is asked; the dialogue asks the service again at the end.
  await checkStaffAction(ctx.deps.prisma, ctx.actor, idOf(ctx), spec.action, ctx.clock.now());
  await enterConversation(ctx, dialogue, spec.nameKey);
});
