/**
 * Changing a deadline of the reporting calendar: the period of the year, the new deadline
 * (typed 2026.03.20), and the opening day (optional: by default the organisation's
 * `opensDaysBefore` days before the deadline).
 */
import { createConversation } from "@grammyjs/conversations";
import type { PeriodKind } from "../../generated/prisma/enums.js";
import { formatDate } from "../../i18n.js";
import { DomainError } from "../../shared/errors.js";
import { addDays, normalizeDate } from "../../shared/local-time.js";
import type { BotContext, ConvContext } from "../context.js";
import { calendarOf } from "../../directory/admin-queries.js";
import { adminAction, backToMenu, periodName } from "../features/admin-views.js";
import { attempt, cancelled } from "./admin-steps.js";
import { type BotConversation, type Check, conversationNames, makeKit } from "./kit.js";

export const SET_DEADLINE = "admin-set-deadline";
export const SET_DEADLINE_NAME = "admin:setDeadline.conversation";
conversationNames[SET_DEADLINE] = SET_DEADLINE_NAME;

/** A day typed as 2026.03.20 (or 2026-03-20), as YYYY-MM-DD. */
function dayCheck(text: string, years: readonly number[]): Check<string> {
  const day = normalizeDate(text);
  if (!day) return { ok: false, key: "admin:setDeadline.badDate", params: { value: text } };
  if (!years.includes(Number(day.slice(0, 4)))) {
    return {
      ok: false,
      key: "admin:setDeadline.wrongYear",
      params: { value: text, years: years.join(", ") },
    };
  }
  return { ok: true, value: day };
}

async function setDeadlineConversation(
  conversation: BotConversation,
  _ctx: ConvContext,
  orgId: number,
  year: number,
) {
  const kit = await makeKit(conversation, SET_DEADLINE_NAME);
  const { t } = kit;
  const loaded = await attempt(kit, () =>
    kit.call((_s, outer) => calendarOf(outer.deps.prisma, outer.actor, orgId, outer.clock.now(), year)),
  );
  if (!loaded) return;
  const cal = loaded.value;
  // A year-end report may be due early the next year.
  const years = [year, year + 1];

  let kind: PeriodKind | null = null;
  let deadline = "";
  let step: "period" | "deadline" | "opens" = "period";
  for (;;) {
    if (step === "period") {
      const a = await kit.choose(
        t("admin:setDeadline.askPeriod", { year }),
        cal.periods.map((p) => ({
          label: t("admin:setDeadline.option", {
            period: periodName(t, p.kind),
            deadline: formatDate(p.deadline, cal.timezone),
            interpolation: { escapeValue: false },
          }),
          value: p.kind,
        })),
        { nav: ["cancel"] },
      );
      if (a.nav) return cancelled(kit, orgId);
      kind = a.value;
      step = "deadline";
    } else if (step === "deadline") {
      const a = await kit.askText(
        t("admin:setDeadline.askDeadline", { period: periodName(t, kind!), year }),
        { max: 20, nav: ["back", "cancel"], validate: (s) => dayCheck(s, years) },
      );
      if (a.nav === "back") step = "period";
      else if (a.nav) return cancelled(kit, orgId);
      else {
        deadline = a.value;
        step = "opens";
      }
    } else {
      const byDefault = addDays(deadline, -cal.opensDaysBefore);
      const a = await kit.askText(
        t("admin:setDeadline.askOpens", {
          days: cal.opensDaysBefore,
          date: formatDate(`${byDefault}T12:00:00Z`, "UTC"),
        }),
        { max: 20, nav: ["skip", "back", "cancel"], validate: (s) => dayCheck(s, [year - 1, ...years]) },
      );
      if (a.nav === "back") {
        step = "deadline";
        continue;
      }
      if (a.nav === "cancel") return cancelled(kit, orgId);
      const input = { year, kind: kind!, deadline, opens: a.nav === "skip" ? null : a.value };
      try {
        const saved = await kit.call((s, outer) =>
          s.directoryAdmin.setCalendarDeadline(outer.actor, orgId, input),
        );
        return kit.say(
          t("admin:setDeadline.saved", {
            period: periodName(t, input.kind),
            year,
            opens: formatDate(saved.opensAt, cal.timezone),
            deadline: formatDate(saved.deadline, cal.timezone),
          }),
          [
            [{ text: t("admin:menu.calendar"), callback_data: adminAction.calendar(orgId, year) }],
            backToMenu(t, orgId),
          ],
        );
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        await kit.say(t(err.key, err.params));
        // An opening day after the deadline: ask for the opening day again.
        if (err.key !== "directory:errors.opensAfterDeadline") return;
      }
    }
  }
}

export const calendarConversations = [
  createConversation<BotContext, ConvContext>(setDeadlineConversation, SET_DEADLINE),
];
