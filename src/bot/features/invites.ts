/**
 * Staff accounts: `?start=inv_<code>` links a Telegram account to a person of the
 * directory; an organisation admin creates invites in the bot ("Create an invite").
 */
import { createConversation } from "@grammyjs/conversations";
import { Composer } from "grammy";
import { isStaff } from "../../directory/actor.js";
import { createInvite, INVITE_PREFIX, inviteLink, redeemInvite } from "../../directory/invites.js";
import { searchPeople } from "../../directory/people-search.js";
import { actorForUser } from "../../directory/users.js";
import { formatDate } from "../../i18n.js";
import { DomainError } from "../../shared/errors.js";
import { commandList } from "../commands.js";
import type { BotContext, ConvContext } from "../context.js";
import { type BotConversation, conversationNames, enterConversation, makeKit } from "../conversations/kit.js";
import { menuKeyboard } from "../menu.js";
import { registerDeepLink } from "./start.js";

export const feature = new Composer<BotContext>();

registerDeepLink(INVITE_PREFIX, async (ctx, payload) => {
  const { prisma, clock, config } = ctx.deps;
  const linked = await redeemInvite(prisma, clock, { userId: ctx.user.id, code: payload });
  ctx.actor = await actorForUser(prisma, ctx.user.id, config.ADMIN_TELEGRAM_IDS);
  const text = linked.alreadyLinked
    ? ctx.t("admin:invite.alreadyLinked")
    : ctx.t("admin:invite.welcome", { name: linked.fullName, org: linked.orgName });
  await ctx.reply(text, { reply_markup: { inline_keyboard: menuKeyboard(ctx.t, ctx.actor) } });
  // Staff see the staff commands in this chat.
  if (ctx.chat) {
    await ctx.api
      .setMyCommands(commandList(ctx.locale, true), { scope: { type: "chat", chat_id: ctx.chat.id } })
      .catch((err) => ctx.log.warn({ err }, "setMyCommands for staff failed"));
  }
  return true;
});

const INVITE = "invite";
conversationNames[INVITE] = "admin:invite.conversation";

async function inviteConversation(conversation: BotConversation, _ctx: ConvContext) {
  const kit = await makeKit(conversation, "admin:invite.conversation");
  const orgId = kit.actor.orgId;
  if (orgId === null) return;
  for (;;) {
    const query = await kit.askText(kit.t("admin:invite.askPerson"), { max: 100, nav: ["cancel"] });
    if (query.nav) return kit.say(kit.t("common:cancel.done"));
    const matches = await kit.call((_s, outer) =>
      searchPeople(outer.deps.prisma, kit.actor, orgId, query.value),
    );
    if (matches.length === 0) {
      await kit.say(kit.t("admin:invite.noMatch", { query: query.value }));
      continue;
    }
    const choice = await kit.choose(
      kit.t("admin:invite.choose"),
      matches.map((m) => ({
        label: kit.t(m.linked ? "admin:invite.optionLinked" : "admin:invite.option", {
          name: m.fullName,
          unit: m.unitName ?? "—",
          interpolation: { escapeValue: false },
        }),
        value: String(m.id),
      })),
      { nav: ["back", "cancel"] },
    );
    if (choice.nav === "back") continue;
    if (choice.nav) return kit.say(kit.t("common:cancel.done"));
    const person = matches.find((m) => String(m.id) === choice.value);
    const invite = await kit.call((_s, outer) =>
      createInvite(outer.deps.prisma, outer.clock, {
        actor: kit.actor,
        personId: Number(choice.value),
        ttlDays: outer.deps.config.INVITE_TTL_DAYS,
      }).then((i) => ({
        startParam: i.startParam,
        expiresAt: i.expiresAt.toISOString(),
        bot: outer.me.username,
      })),
    );
    return kit.say(
      kit.t("admin:invite.created", {
        name: person?.fullName,
        link: inviteLink(invite.startParam, invite.bot),
        date: formatDate(invite.expiresAt),
      }),
    );
  }
}

export const conversations = [createConversation<BotContext, ConvContext>(inviteConversation, INVITE)];

feature.callbackQuery("dir:inv", async (ctx) => {
  if (!isStaff(ctx.actor) || !ctx.actor.roles.includes("ORG_ADMIN"))
    throw new DomainError("common:errors.forbidden");
  await enterConversation(ctx, INVITE, "admin:invite.conversation");
});
