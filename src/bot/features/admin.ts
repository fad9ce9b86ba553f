/**
 * "⚙️ Organisation settings" (dir:admin): an organisation admin changes the directory in
 * the chat: people (find, card, roles, deactivate, disconnect Telegram, invite, add),
 * petition topics and routing rules, the reporting calendar, and a whole directory file.
 * A super admin first picks the organisation.
 *
 * Every button carries the ids it acts on (`dir:<verb>:<id>`, see adminAction); handlers
 * parse them and call the directory services, which check that the actor administers that
 * organisation. A forged or foreign button gets a polite refusal and changes nothing.
 */
import { Composer } from "grammy";
import type { InlineKeyboardButton } from "grammy/types";
import { requireRole } from "../../directory/actor.js";
import { createInvite, inviteLink } from "../../directory/invites.js";
import { formatDate } from "../../i18n.js";
import { idAt, type ParsedAction, parseAction } from "../../shared/actions.js";
import { localYear } from "../../shared/local-time.js";
import type { BotContext } from "../context.js";
import { calendarConversations, SET_DEADLINE, SET_DEADLINE_NAME } from "../conversations/admin-calendar.js";
import {
  IMPORT_DIRECTORY,
  IMPORT_DIRECTORY_NAME,
  importConversations,
} from "../conversations/admin-import.js";
import {
  ADD_PERSON,
  ADD_PERSON_NAME,
  FIND_PERSON,
  FIND_PERSON_NAME,
  peopleConversations,
} from "../conversations/admin-people.js";
import {
  ADD_RULE,
  ADD_RULE_NAME,
  ADD_TOPIC,
  ADD_TOPIC_NAME,
  routingConversations,
} from "../conversations/admin-routing.js";
import { enterConversation } from "../conversations/kit.js";
import {
  calendarOf,
  orgOverview,
  organizationsToAdminister,
  personCard,
  routingRule,
  topicsOf,
} from "../../directory/admin-queries.js";
import {
  ALL_ROLES_MASK,
  adminAction,
  calendarKeyboard,
  calendarText,
  cardKeyboard,
  cardText,
  maskToRoles,
  menuKeyboard,
  menuText,
  roleEditorKeyboard,
  rolesToMask,
  ruleText,
  rulesKeyboard,
  rulesText,
  topicsKeyboard,
  topicsText,
} from "./admin-views.js";

export const feature = new Composer<BotContext>();

export const conversations = [
  ...peopleConversations,
  ...routingConversations,
  ...calendarConversations,
  ...importConversations,
];

type Keyboard = InlineKeyboardButton[][];

async function answer(ctx: BotContext): Promise<void> {
  if (ctx.callbackQuery) await ctx.answerCallbackQuery().catch(() => {});
}

/** Answers the button, then sends the screen. */
async function show(ctx: BotContext, text: string, keyboard: Keyboard = []): Promise<void> {
  await answer(ctx);
  await ctx.reply(text, keyboard.length > 0 ? { reply_markup: { inline_keyboard: keyboard } } : {});
}

/** Takes the buttons off the message a choice was made on (a confirmation, the role editor). */
async function closeButtons(ctx: BotContext): Promise<void> {
  await ctx.editMessageReplyMarkup({ reply_markup: { inline_keyboard: [] } }).catch(() => {});
}

/** Enters a dialogue with its arguments unless another one is in progress. */
async function enter(ctx: BotContext, id: string, nameKey: string, ...args: unknown[]): Promise<void> {
  if (Object.keys(ctx.conversation.active()).length > 0) return enterConversation(ctx, id, nameKey);
  await answer(ctx);
  await ctx.conversation.enter(id, ...args);
}

/**
 * Registers the handler of `dir:<verb>:<id>...`: the first `ids` ids must be valid, or the
 * press is answered as an outdated button.
 */
function onButton(
  verb: string,
  ids: number,
  handle: (ctx: BotContext, id: number[], parsed: ParsedAction) => Promise<void>,
): void {
  feature.callbackQuery(new RegExp(`^dir:${verb}(?::|$)`), async (ctx) => {
    const parsed = parseAction(ctx.callbackQuery.data);
    const values = parsed ? Array.from({ length: ids }, (_, i) => idAt(parsed, i)) : [null];
    if (!parsed || values.some((v) => v === null)) {
      await ctx.answerCallbackQuery({ text: ctx.t("common:unhandled.staleButton") });
      return;
    }
    await handle(ctx, values as number[], parsed);
  });
}

function currentYear(ctx: BotContext, timezone: string): number {
  return localYear(ctx.clock.now(), timezone);
}

// ───────────────────────────── the settings menu ─────────────────────────────

async function showMenu(ctx: BotContext, orgId: number): Promise<void> {
  const o = await orgOverview(ctx.deps.prisma, ctx.actor, orgId);
  await show(
    ctx,
    menuText(ctx.t, o),
    menuKeyboard(ctx.t, o, currentYear(ctx, o.timezone), ctx.actor.superAdmin),
  );
}

feature.callbackQuery("dir:admin", async (ctx) => {
  if (ctx.actor.superAdmin) {
    const orgs = await organizationsToAdminister(ctx.deps.prisma, ctx.actor);
    if (orgs.length === 0) return show(ctx, ctx.t("admin:menu.noOrganizations"));
    return show(
      ctx,
      ctx.t("admin:menu.pickOrganization"),
      orgs.map((o) => [
        {
          text: ctx.t("admin:menu.organization", {
            name: o.name,
            slug: o.slug,
            interpolation: { escapeValue: false },
          }),
          callback_data: adminAction.org(o.id),
        },
      ]),
    );
  }
  requireRole(ctx.actor, "ORG_ADMIN");
  await showMenu(ctx, ctx.actor.orgId);
});

onButton("org", 1, (ctx, [orgId]) => showMenu(ctx, orgId!));

// ───────────────────────────── people ─────────────────────────────

onButton("ppl", 1, async (ctx, [orgId]) => {
  await orgOverview(ctx.deps.prisma, ctx.actor, orgId!);
  await enter(ctx, FIND_PERSON, FIND_PERSON_NAME, orgId);
});

onButton("padd", 1, async (ctx, [orgId]) => {
  await orgOverview(ctx.deps.prisma, ctx.actor, orgId!);
  await enter(ctx, ADD_PERSON, ADD_PERSON_NAME, orgId);
});

async function showCard(ctx: BotContext, personId: number, before?: string): Promise<void> {
  const person = await personCard(ctx.deps.prisma, ctx.actor, personId);
  const text = cardText(ctx.t, person);
  await show(ctx, before ? `${before}\n\n${text}` : text, cardKeyboard(ctx.t, person));
}

onButton("p", 1, (ctx, [personId]) => showCard(ctx, personId!));

onButton("rl", 1, async (ctx, [personId]) => {
  const person = await personCard(ctx.deps.prisma, ctx.actor, personId!);
  await show(
    ctx,
    ctx.t("admin:roles.edit", { name: person.fullName }),
    roleEditorKeyboard(ctx.t, person.id, rolesToMask(person.roles)),
  );
});

/** The mask of roles at `index` of the action (0 = no role). */
function maskAt(parsed: ParsedAction, index: number): number | null {
  const raw = parsed.ids[index];
  if (!raw || !/^\d{1,2}$/.test(raw)) return null;
  const mask = Number(raw);
  return mask <= ALL_ROLES_MASK ? mask : null;
}

onButton("rt", 1, async (ctx, [personId], parsed) => {
  const mask = maskAt(parsed, 1);
  if (mask === null)
    return void (await ctx.answerCallbackQuery({ text: ctx.t("common:unhandled.staleButton") }));
  const person = await personCard(ctx.deps.prisma, ctx.actor, personId!);
  await answer(ctx);
  const keyboard = roleEditorKeyboard(ctx.t, person.id, mask);
  await ctx.editMessageReplyMarkup({ reply_markup: { inline_keyboard: keyboard } }).catch(async () => {
    await ctx.reply(ctx.t("admin:roles.edit", { name: person.fullName }), {
      reply_markup: { inline_keyboard: keyboard },
    });
  });
});

onButton("rs", 1, async (ctx, [personId], parsed) => {
  const mask = maskAt(parsed, 1);
  if (mask === null)
    return void (await ctx.answerCallbackQuery({ text: ctx.t("common:unhandled.staleButton") }));
  const person = await ctx.services.directoryAdmin.setRoles(ctx.actor, personId!, maskToRoles(mask));
  await closeButtons(ctx);
  await showCard(ctx, person.id, ctx.t("admin:roles.saved", { name: person.fullName }));
});

onButton("off", 1, async (ctx, [personId]) => {
  const person = await personCard(ctx.deps.prisma, ctx.actor, personId!);
  if (!person.active) return showCard(ctx, person.id);
  await show(ctx, ctx.t("admin:person.confirmDeactivate", { name: person.fullName }), [
    [
      {
        text: ctx.t("admin:button.yesDeactivate"),
        callback_data: adminAction.deactivateConfirmed(person.id),
      },
    ],
    [{ text: ctx.t("admin:button.no"), callback_data: adminAction.person(person.id) }],
  ]);
});

onButton("offy", 1, async (ctx, [personId]) => {
  const person = await ctx.services.directoryAdmin.updatePerson(ctx.actor, personId!, { active: false });
  await closeButtons(ctx);
  await showCard(ctx, person.id, ctx.t("admin:person.deactivated", { name: person.fullName }));
});

onButton("on", 1, async (ctx, [personId]) => {
  const person = await ctx.services.directoryAdmin.updatePerson(ctx.actor, personId!, { active: true });
  await showCard(ctx, person.id, ctx.t("admin:person.reactivated", { name: person.fullName }));
});

onButton("unl", 1, async (ctx, [personId]) => {
  const person = await personCard(ctx.deps.prisma, ctx.actor, personId!);
  if (person.userId === null) {
    return showCard(ctx, person.id, ctx.t("admin:person.notLinked", { name: person.fullName }));
  }
  await show(ctx, ctx.t("admin:person.confirmUnlink", { name: person.fullName }), [
    [{ text: ctx.t("admin:button.yesUnlink"), callback_data: adminAction.unlinkConfirmed(person.id) }],
    [{ text: ctx.t("admin:button.no"), callback_data: adminAction.person(person.id) }],
  ]);
});

onButton("unly", 1, async (ctx, [personId]) => {
  await ctx.services.directoryAdmin.unlinkAccount(ctx.actor, personId!);
  const person = await personCard(ctx.deps.prisma, ctx.actor, personId!);
  await closeButtons(ctx);
  await showCard(ctx, person.id, ctx.t("admin:person.unlinked", { name: person.fullName }));
});

onButton("pinv", 1, async (ctx, [personId]) => {
  const { prisma, clock, config } = ctx.deps;
  const invite = await createInvite(prisma, clock, {
    actor: ctx.actor,
    personId: personId!,
    ttlDays: config.INVITE_TTL_DAYS,
  });
  const person = await personCard(prisma, ctx.actor, personId!);
  await show(
    ctx,
    ctx.t("admin:invite.created", {
      name: person.fullName,
      link: inviteLink(invite.startParam, ctx.me.username),
      date: formatDate(invite.expiresAt),
    }),
    [[{ text: ctx.t("admin:button.backToCard"), callback_data: adminAction.person(person.id) }]],
  );
});

// ───────────────────────────── topics and routing ─────────────────────────────

onButton("top", 1, async (ctx, [orgId]) => {
  const topics = await topicsOf(ctx.deps.prisma, ctx.actor, orgId!);
  await show(ctx, topicsText(ctx.t, ctx.locale, topics), topicsKeyboard(ctx.t, orgId!));
});

onButton("tadd", 1, async (ctx, [orgId]) => {
  await orgOverview(ctx.deps.prisma, ctx.actor, orgId!);
  await enter(ctx, ADD_TOPIC, ADD_TOPIC_NAME, orgId);
});

async function showRules(ctx: BotContext, orgId: number, before?: string): Promise<void> {
  const rules = await ctx.services.directoryAdmin.listRoutingRules(ctx.actor, orgId);
  const topics = await topicsOf(ctx.deps.prisma, ctx.actor, orgId);
  const text = rulesText(ctx.t, ctx.locale, rules, topics);
  await show(ctx, before ? `${before}\n\n${text}` : text, rulesKeyboard(ctx.t, orgId, rules));
}

onButton("rul", 1, (ctx, [orgId]) => showRules(ctx, orgId!));

onButton("radd", 1, async (ctx, [orgId], parsed) => {
  await orgOverview(ctx.deps.prisma, ctx.actor, orgId!);
  const topicId = idAt(parsed, 1);
  await enter(ctx, ADD_RULE, ADD_RULE_NAME, orgId, ...(topicId !== null ? [topicId] : []));
});

onButton("rdel", 1, async (ctx, [ruleId]) => {
  const rule = await routingRule(ctx.deps.prisma, ctx.actor, ruleId!);
  const topics = await topicsOf(ctx.deps.prisma, ctx.actor, rule.orgId);
  await show(ctx, ctx.t("admin:rules.confirmRemove", { rule: ruleText(ctx.t, ctx.locale, rule, topics) }), [
    [{ text: ctx.t("admin:button.yesRemove"), callback_data: adminAction.removeRuleConfirmed(rule.id) }],
    [{ text: ctx.t("admin:button.no"), callback_data: adminAction.rules(rule.orgId) }],
  ]);
});

onButton("rdely", 1, async (ctx, [ruleId]) => {
  const rule = await routingRule(ctx.deps.prisma, ctx.actor, ruleId!);
  await ctx.services.directoryAdmin.removeRoutingRule(ctx.actor, rule.id);
  await closeButtons(ctx);
  await showRules(ctx, rule.orgId, ctx.t("admin:rules.removed"));
});

// ───────────────────────────── the reporting calendar ─────────────────────────────

/** A plausible calendar year from a button, or null. */
function yearAt(parsed: ParsedAction, index: number): number | null {
  const year = idAt(parsed, index);
  return year !== null && year >= 2000 && year <= 2100 ? year : null;
}

onButton("cal", 1, async (ctx, [orgId], parsed) => {
  const year = yearAt(parsed, 1);
  if (year === null)
    return void (await ctx.answerCallbackQuery({ text: ctx.t("common:unhandled.staleButton") }));
  const calendar = await calendarOf(ctx.deps.prisma, ctx.actor, orgId!, ctx.clock.now(), year);
  await show(ctx, calendarText(ctx.t, calendar), calendarKeyboard(ctx.t, orgId!, calendar.year));
});

onButton("cset", 1, async (ctx, [orgId], parsed) => {
  const year = yearAt(parsed, 1);
  if (year === null)
    return void (await ctx.answerCallbackQuery({ text: ctx.t("common:unhandled.staleButton") }));
  await orgOverview(ctx.deps.prisma, ctx.actor, orgId!);
  await enter(ctx, SET_DEADLINE, SET_DEADLINE_NAME, orgId, year);
});

// ───────────────────────────── a directory file ─────────────────────────────

onButton("imp", 1, async (ctx, [orgId]) => {
  await orgOverview(ctx.deps.prisma, ctx.actor, orgId!);
  await enter(ctx, IMPORT_DIRECTORY, IMPORT_DIRECTORY_NAME, orgId);
});
