/**
 * /start (with its deep links), /menu, /help and /language.
 *  - `?start=inv_<code>` links this Telegram account to a person of the directory;
 *  - `?start=org_<slug>` preselects an organisation for a citizen.
 * The first time, the language is asked first; a deep link is carried through that choice.
 */
import { Composer } from "grammy";
import { greetingFor, setLocale as storeLocale, setPreferredOrgBySlug } from "../../directory/users.js";
import { isLocale } from "../../i18n.js";
import type { BotContext } from "../context.js";
import { menuKeyboard } from "../menu.js";
import { setLocale } from "../middlewares/user.js";

export const feature = new Composer<BotContext>();

/** Handles one deep-link payload; returns true when it replied itself. */
export type DeepLinkHandler = (ctx: BotContext, payload: string) => Promise<boolean>;
const deepLinks: { prefix: string; handle: DeepLinkHandler }[] = [];

/** Other features register their deep links here (e.g. invites: "inv_"). */
export function registerDeepLink(prefix: string, handle: DeepLinkHandler): void {
  deepLinks.push({ prefix, handle });
}

registerDeepLink("org_", async (ctx, payload) => {
  const org = await setPreferredOrgBySlug(ctx.deps.prisma, ctx.user.id, payload.slice(4));
  if (!org) {
    await ctx.reply(ctx.t("common:start.orgUnknown"));
    return false;
  }
  ctx.user.preferredOrgId = org.id;
  await ctx.reply(ctx.t("common:start.welcomeCitizenOrg", { org: org.name }), {
    reply_markup: { inline_keyboard: menuKeyboard(ctx.t, ctx.actor) },
  });
  return true;
});

async function runDeepLink(ctx: BotContext, payload: string): Promise<boolean> {
  const link = deepLinks.find((d) => payload.startsWith(d.prefix));
  return link ? link.handle(ctx, payload) : false;
}

function languageKeyboard(ctx: BotContext, payload = "") {
  // The deep link rides along in the button when it fits Telegram's 64 bytes.
  const carry = (lng: string) => {
    const data = `lang:set:${lng}${payload ? `:${payload}` : ""}`;
    return Buffer.byteLength(data) <= 64 ? data : `lang:set:${lng}`;
  };
  return {
    inline_keyboard: [
      [
        { text: ctx.t("common:language.mn"), callback_data: carry("mn") },
        { text: ctx.t("common:language.en"), callback_data: carry("en") },
      ],
    ],
  };
}

export async function showMenu(ctx: BotContext, greet = false): Promise<void> {
  const { actor } = ctx;
  let text = ctx.t("common:menu.title");
  if (greet) {
    const g = await greetingFor(ctx.deps.prisma, actor, ctx.user);
    if (g.kind === "staff") {
      const roles = actor.roles.map((r) => ctx.t(`common:roles.${r}`)).join(", ");
      text = ctx.t("common:start.welcomeStaff", { name: g.name, org: g.org, roles });
    } else {
      text = g.org
        ? ctx.t("common:start.welcomeCitizenOrg", { org: g.org })
        : ctx.t("common:start.welcomeCitizen");
      if (g.emptyDeployment) text = `${text}\n\n${ctx.t("common:start.emptyDeployment")}`;
    }
  }
  await ctx.reply(text, { reply_markup: { inline_keyboard: menuKeyboard(ctx.t, actor) } });
}

feature.command("start", async (ctx) => {
  const payload = ctx.match.trim();
  if (!isLocale(ctx.user.locale)) {
    await ctx.reply(ctx.t("common:language.choose"), { reply_markup: languageKeyboard(ctx, payload) });
    return;
  }
  if (payload && (await runDeepLink(ctx, payload))) return;
  await showMenu(ctx, true);
});

feature.command("menu", (ctx) => showMenu(ctx));

async function help(ctx: BotContext) {
  await ctx.reply(ctx.t(ctx.actor.personId ? "common:help.staff" : "common:help.citizen"));
}
feature.command("help", help);
feature.callbackQuery("menu:help", async (ctx) => {
  await ctx.answerCallbackQuery();
  await help(ctx);
});

async function askLanguage(ctx: BotContext) {
  await ctx.reply(ctx.t("common:language.choose"), { reply_markup: languageKeyboard(ctx) });
}
feature.command("language", askLanguage);
feature.callbackQuery("lang:ask", async (ctx) => {
  await ctx.answerCallbackQuery();
  await askLanguage(ctx);
});

feature.callbackQuery(/^lang:set:(mn|en)(?::(.+))?$/, async (ctx) => {
  const [, lng, payload] = ctx.match;
  if (!isLocale(lng)) return;
  const firstTime = !isLocale(ctx.user.locale);
  await storeLocale(ctx.deps.prisma, ctx.user.id, lng);
  ctx.user.locale = lng;
  setLocale(ctx, lng);
  await ctx.answerCallbackQuery();
  await ctx.editMessageReplyMarkup({ reply_markup: { inline_keyboard: [] } }).catch(() => {});
  await ctx.reply(ctx.t("common:language.saved"));
  if (payload && (await runDeepLink(ctx, payload))) return;
  await showMenu(ctx, firstTime);
});
