/**
 * The clerk's (and a unit head's) dialogues: assigning a petition to an official with an
 * instruction note (цохолт), and searching the register by number, name or phone.
 */
import { createConversation } from "@grammyjs/conversations";
import type { InlineKeyboardButton } from "grammy/types";
import { type PersonMatch, searchPeople } from "../../directory/people-search.js";
import { assignmentCandidates, assignmentState } from "../../petitions/staff-queries.js";
import { hasWords, validateOptionalNote } from "../../petitions/validation.js";
import { action } from "../../shared/actions.js";
import { DomainError } from "../../shared/errors.js";
import type { BotContext, ConvContext } from "../context.js";
import { staffListText } from "../features/petitions-format.js";
import { staffListKeyboard } from "../keyboards/petitions.js";
import { type BotConversation, conversationNames, makeKit } from "./kit.js";
import { attempt, isFixable, petitionIdFrom } from "./petition-steps.js";

export const ASSIGN = "petition-assign";
export const SEARCH = "petition-search";
conversationNames[ASSIGN] = "petitionsBot:assign.name";
conversationNames[SEARCH] = "petitionsBot:search.name";

/** A name or personnel code to search for (it is quoted back when nobody matches). */
const QUERY_MAX = 100;

/** Errors after which another person can be chosen. */
const CHOOSE_AGAIN = new Set([
  "petitions:errors.assigneeNotFound",
  "petitions:errors.assigneeOutsideUnit",
  "petitions:errors.alreadyAssigned",
]);

async function assignConversation(conversation: BotConversation, ctx: ConvContext) {
  const kit = await makeKit(conversation, "petitionsBot:assign.name");
  const { t } = kit;
  const id = petitionIdFrom(ctx) ?? 0;
  const p = await attempt(kit, () =>
    kit.call((_s, outer) => assignmentState(outer.deps.prisma, outer.actor, id)),
  );
  if (!p) return;
  // The assignee this dialogue started from: the service refuses if it changes meanwhile.
  const expectedAssigneeId = p.assignee?.id ?? null;
  const suggested = await kit.call((_s, outer) => assignmentCandidates(outer.deps.prisma, outer.actor, p.id));

  choosing: for (;;) {
    // 1. The person: a suggested one, or found by name or personnel code.
    const keyboard: InlineKeyboardButton[][] = suggested.map((c) => [
      { text: c.fullName, callback_data: `opt:p${c.id}` },
    ]);
    const r = await kit.askAny(
      [
        ...(p.assignee
          ? [
              t("petitionsBot:assign.current", {
                name: p.assignee.fullName,
                status: t(`petitions:status.${p.status}`),
              }),
            ]
          : []),
        t(suggested.length ? "petitionsBot:assign.askSuggested" : "petitionsBot:assign.ask", {
          number: p.number,
        }),
      ].join("\n"),
      (c) => c.message?.text !== undefined || (c.callbackQuery?.data ?? "").startsWith("opt:p"),
      { nav: ["cancel"], keyboard, wrongKey: "petitionsBot:assign.wrong" },
    );
    if (r.nav) return kit.say(t("petitionsBot:staff.cancelled"));
    let person: { id: number; fullName: string } | undefined;
    const data = r.value.callbackQuery?.data;
    if (data) {
      person = suggested.find((c) => `opt:p${c.id}` === data);
      if (!person) continue;
    } else {
      const query = (r.value.message?.text ?? "").trim();
      const length = [...query].length;
      if (length > QUERY_MAX) {
        await kit.say(t("common:conversation.tooLong", { length, max: QUERY_MAX }));
        continue;
      }
      const matches: PersonMatch[] = await kit.call((_s, outer) =>
        searchPeople(outer.deps.prisma, outer.actor, outer.actor.orgId ?? 0, query),
      );
      if (matches.length === 0) {
        await kit.say(t("petitionsBot:assign.noMatch", { query }));
        continue;
      }
      const pick = await kit.choose(
        t("petitionsBot:assign.choose"),
        matches.map((m) => ({
          label: t(m.linked ? "petitionsBot:assign.option" : "petitionsBot:assign.optionUnlinked", {
            name: m.fullName,
            unit: m.unitName ?? "—",
            interpolation: { escapeValue: false },
          }),
          value: String(m.id),
        })),
        { nav: ["back", "cancel"] },
      );
      if (pick.nav === "back") continue;
      if (pick.nav) return kit.say(t("petitionsBot:staff.cancelled"));
      person = matches.find((m) => String(m.id) === pick.value);
      if (!person) continue;
    }

    // 2. The instruction note, optional.
    for (;;) {
      const note = await kit.askText(t("petitionsBot:assign.askNote", { name: person.fullName }), {
        max: 4096,
        nav: ["skip", "back", "cancel"],
        validate: (s) => {
          const v = validateOptionalNote(s);
          return v.ok ? { ok: true, value: v.value ?? "" } : v;
        },
      });
      if (note.nav === "back") continue choosing;
      if (note.nav === "cancel") return kit.say(t("petitionsBot:staff.cancelled"));
      const text = note.nav === "skip" ? null : note.value;
      const personId = person.id;
      try {
        await kit.call((s, outer) =>
          s.petitions.assign(outer.actor, p.id, { personId, note: text, expectedAssigneeId }),
        );
        return kit.say(t("petitionsBot:assign.done", { number: p.number, name: person.fullName }), [
          [{ text: t("petitions:button.open"), callback_data: action("pt", "open", p.id) }],
        ]);
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        await kit.say(t(err.key, err.params));
        if (CHOOSE_AGAIN.has(err.key)) continue choosing;
        if (!isFixable(err)) return;
      }
    }
  }
}

async function searchConversation(conversation: BotConversation, _ctx: ConvContext) {
  const kit = await makeKit(conversation, "petitionsBot:search.name");
  const { t } = kit;
  const q = await kit.askText(t("petitionsBot:search.ask"), {
    max: QUERY_MAX,
    nav: ["cancel"],
    validate: (s) => (hasWords(s) ? { ok: true, value: s } : { ok: false, key: "petitions:errors.noWords" }),
  });
  if (q.nav) return kit.say(t("petitionsBot:staff.cancelled"));
  const found = await attempt(kit, () => kit.call((s, outer) => s.petitions.search(outer.actor, q.value)));
  if (!found) return;
  const title = t("petitionsBot:search.title", { query: q.value });
  await kit.say(staffListText({ t, locale: kit.locale }, title, found, "petitionsBot:search.none"), [
    ...staffListKeyboard(found, 20),
    [{ text: t("petitionsBot:search.again"), callback_data: "pt:search" }],
  ]);
}

export const clerkConversations = [
  createConversation<BotContext, ConvContext>(assignConversation, ASSIGN),
  createConversation<BotContext, ConvContext>(searchConversation, SEARCH),
];
