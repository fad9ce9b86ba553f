/**
 * The main menu: what a user sees depends on their roles. Each entry's action id is
 * handled by its feature's composer (which checks permissions again in the service).
 */
import type { InlineKeyboardButton } from "grammy/types";
import type { TFunction } from "i18next";
import type { Actor } from "../directory/actor.js";
import { hasRole, isStaff } from "../directory/actor.js";
import { maySeeStatistics } from "../petitions/permissions.js";

export const MENU_ACTIONS = {
  petitionNew: "pc:new",
  petitionMine: "pc:my",
  report: "rp:open",
  plan: "pl:view",
  assigned: "pt:list:mine",
  unitReports: "rv:list",
  unitPetitions: "pt:list:unit",
  clerkQueue: "pt:queue",
  registerPaper: "pt:new",
  search: "pt:search",
  statistics: "pt:stats",
  evaluation: "rv:eval",
  invite: "dir:inv",
  admin: "dir:admin",
  language: "lang:ask",
  help: "menu:help",
} as const;

export type MenuItem = keyof typeof MENU_ACTIONS;

/** The menu entries an actor may use, in display order. */
export function menuItems(actor: Actor): MenuItem[] {
  const items: MenuItem[] = [];
  if (isStaff(actor)) {
    if (hasRole(actor, "OFFICIAL", "UNIT_HEAD")) items.push("report", "plan");
    items.push("assigned");
    if (hasRole(actor, "UNIT_HEAD", "ORG_HEAD")) items.push("unitReports", "unitPetitions");
    if (hasRole(actor, "PETITION_CLERK")) items.push("clerkQueue", "registerPaper", "search");
    if (maySeeStatistics(actor)) items.push("statistics");
    if (hasRole(actor, "EVALUATION_TEAM")) items.push("evaluation");
    if (hasRole(actor, "ORG_ADMIN")) items.push("invite", "admin");
  } else if (actor.superAdmin) {
    items.push("invite", "admin");
  }
  items.push("petitionNew", "petitionMine", "language", "help");
  return items;
}

export function menuKeyboard(t: TFunction, actor: Actor): InlineKeyboardButton[][] {
  const buttons = menuItems(actor).map((item) => ({
    text: t(`common:menu.${item}`),
    callback_data: MENU_ACTIONS[item],
  }));
  const rows: InlineKeyboardButton[][] = [];
  for (let i = 0; i < buttons.length; i += 2) rows.push(buttons.slice(i, i + 2));
  return rows;
}
