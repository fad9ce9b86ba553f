/**
 * Inline keyboards of the petition screens. Citizen buttons start with "pc:", staff
 * buttons with "pt:" (src/shared/actions.ts); each handler re-checks in the service.
 */
import type { TFunction } from "i18next";
import type { InlineKeyboardButton } from "grammy/types";
import type { StaffAction } from "../../petitions/permissions.js";
import type {
  CitizenPetitionCard,
  CitizenPetitionSummary,
  StaffPetitionCard,
  StaffPetitionSummary,
} from "../../petitions/types.js";
import { action } from "../../shared/actions.js";

type Rows = InlineKeyboardButton[][];

const button = (text: string, data: string): InlineKeyboardButton => ({ text, callback_data: data });

function inRows(buttons: InlineKeyboardButton[], columns: number): Rows {
  const rows: Rows = [];
  for (let i = 0; i < buttons.length; i += columns) rows.push(buttons.slice(i, i + columns));
  return rows;
}

// ─────────────────────────── citizen ───────────────────────────

export function citizenListKeyboard(list: CitizenPetitionSummary[], limit: number): Rows {
  return inRows(
    list.slice(0, limit).map((p) => button(`📄 ${p.number}`, action("pc", "open", p.id))),
    2,
  );
}

export function ratingRow(t: TFunction, id: number): InlineKeyboardButton[] {
  return [1, 2, 3, 4, 5].map((score) =>
    button(t(`petitions:button.rate.${score}`), action("pc", "rate", id, score)),
  );
}

export function citizenCardKeyboard(t: TFunction, c: CitizenPetitionCard): Rows {
  const rows: Rows = [];
  if (c.canRate) rows.push(ratingRow(t, c.id));
  const acts: InlineKeyboardButton[] = [];
  if (c.canReply) acts.push(button(t("petitions:button.reply"), action("pc", "reply", c.id)));
  if (c.canAddInfo) acts.push(button(t("petitionsBot:card.addInfo"), action("pc", "add", c.id)));
  if (c.canWithdraw) acts.push(button(t("petitionsBot:card.withdraw"), action("pc", "wd", c.id)));
  if (c.attachments.length > 0 || (c.answer?.attachments.length ?? 0) > 0)
    acts.push(button(t("petitionsBot:card.files"), action("pc", "files", c.id)));
  rows.push(...inRows(acts, 2));
  rows.push([button(t("petitionsBot:card.back"), "pc:my")]);
  return rows;
}

// ─────────────────────────── staff ───────────────────────────

/**
 * The buttons of the actions the viewer may take now, in the order of the work. A petition
 * that has an assignee (`assigned`) is offered for reassigning, not assigning.
 */
export function staffActionRows(
  t: TFunction,
  id: number,
  allowed: readonly StaffAction[],
  assigned = false,
): Rows {
  const has = (a: StaffAction) => allowed.includes(a);
  const buttons: InlineKeyboardButton[] = [];
  if (has("assign")) {
    buttons.push(
      assigned
        ? button(t("petitions:button.reassign"), action("pt", "rsg", id))
        : button(t("petitions:button.assign"), action("pt", "asg", id)),
    );
  }
  if (has("accept")) buttons.push(button(t("petitions:button.accept"), action("pt", "acc", id)));
  if (has("answer")) buttons.push(button(t("petitions:button.answer"), action("pt", "ans", id)));
  if (has("ask")) buttons.push(button(t("petitions:button.ask"), action("pt", "ask", id)));
  if (has("extend")) buttons.push(button(t("petitions:button.extend"), action("pt", "ext", id)));
  if (has("forward")) buttons.push(button(t("petitions:button.forward"), action("pt", "fwd", id)));
  if (has("return")) buttons.push(button(t("petitions:button.return"), action("pt", "ret", id)));
  if (has("decideExtension")) {
    buttons.push(button(t("petitions:button.approveExtension"), action("pt", "xok", id)));
    buttons.push(button(t("petitions:button.refuseExtension"), action("pt", "xno", id)));
  }
  if (has("reviewAnswer")) {
    buttons.push(button(t("petitions:button.approveAnswer"), action("pt", "aok", id)));
    buttons.push(button(t("petitions:button.sendBackAnswer"), action("pt", "ano", id)));
  }
  return inRows(buttons, 2);
}

export function staffCardKeyboard(t: TFunction, c: StaffPetitionCard): Rows {
  const rows = staffActionRows(t, c.id, c.allowedActions, c.assignee !== null);
  if (c.attachments.length > 0)
    rows.push([button(t("petitionsBot:staffCard.sendFiles"), action("pt", "files", c.id))]);
  return rows;
}

export function detailsRow(t: TFunction, id: number): InlineKeyboardButton[] {
  return [button(t("petitions:button.open"), action("pt", "open", id))];
}

export function staffListKeyboard(list: StaffPetitionSummary[], limit: number, extra: Rows = []): Rows {
  return [
    ...inRows(
      list.slice(0, limit).map((p) => button(`📄 ${p.number}`, action("pt", "open", p.id))),
      2,
    ),
    ...extra,
  ];
}

export type AssigneeFilterKey = "open" | "soon" | "late";

export function assigneeFilterRow(t: TFunction, current: AssigneeFilterKey): InlineKeyboardButton[] {
  const label = (k: AssigneeFilterKey) => `${k === current ? "• " : ""}${t(`petitionsBot:list.filter.${k}`)}`;
  return [
    button(label("open"), "pt:list:mine:open"),
    button(label("soon"), "pt:list:mine:soon"),
    button(label("late"), "pt:list:mine:late"),
  ];
}

export function queueKeyboard(t: TFunction, list: StaffPetitionSummary[], limit: number): Rows {
  return list
    .slice(0, limit)
    .map((p) => [
      button(t("petitionsBot:queue.assign", { number: p.number }), action("pt", "asg", p.id)),
      button(`📄 ${p.number}`, action("pt", "open", p.id)),
    ]);
}

export function statisticsPeriodKeyboard(t: TFunction): Rows {
  return [
    [
      button(t("petitionsBot:stats.thisQuarter"), "pt:stats:q"),
      button(t("petitionsBot:stats.lastQuarter"), "pt:stats:lq"),
    ],
    [button(t("petitionsBot:stats.thisYear"), "pt:stats:y")],
  ];
}
