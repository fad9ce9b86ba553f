/**
 * Small pieces the organisation settings dialogues share: running a service call whose
 * refusal is told to the admin (and ends the dialogue), the cancelled message, and the
 * person step (search by code or name, then choose).
 */
import type { InlineKeyboardButton } from "grammy/types";
import { DomainError } from "../../shared/errors.js";
import { hasLetters } from "../../shared/text.js";
import { type AdminPersonMatch, findPeople } from "../../directory/admin-queries.js";
import { backToMenu, personOption } from "../features/admin-views.js";
import type { Answer, Check, Kit, Nav } from "./kit.js";

/** The call's result, or null after telling the admin why the service refused. */
export async function attempt<R>(kit: Kit, fn: () => Promise<R>): Promise<{ value: R } | null> {
  try {
    return { value: await fn() };
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    await kit.say(kit.t(err.key, err.params));
    return null;
  }
}

/** A name typed by the admin (a person, a topic): at least two letters. */
export function inLetters(text: string): Check<string> {
  return hasLetters(text) ? { ok: true, value: text } : { ok: false, key: "admin:nameLetters" };
}

export function menuButton(kit: Kit, orgId: number): InlineKeyboardButton[][] {
  return [backToMenu(kit.t, orgId)];
}

export async function cancelled(kit: Kit, orgId: number): Promise<void> {
  await kit.say(kit.t("admin:cancelled"), menuButton(kit, orgId));
}

/** People listed at most for one search. */
const SEARCH_LIMIT = 10;

/**
 * Asks for a personnel code or part of a name until someone matches, then lets the admin
 * choose (a single match is taken as it is). `activeOnly` leaves deactivated people out.
 */
export async function askPerson(
  kit: Kit,
  orgId: number,
  prompt: string,
  opts: { nav: Nav[]; activeOnly?: boolean },
): Promise<Answer<AdminPersonMatch>> {
  const { t } = kit;
  for (;;) {
    const query = await kit.askText(prompt, { max: 100, nav: opts.nav });
    if (query.nav) return { nav: query.nav };
    const matches = await kit.call((_s, outer) =>
      findPeople(outer.deps.prisma, outer.actor, orgId, query.value, {
        activeOnly: opts.activeOnly ?? false,
        limit: SEARCH_LIMIT,
      }),
    );
    if (matches.length === 0) {
      await kit.say(t("admin:people.noMatch", { query: query.value }));
      continue;
    }
    if (matches.length === 1) return { value: matches[0]! };
    const pick = await kit.choose(
      t(matches.length >= SEARCH_LIMIT ? "admin:people.chooseMany" : "admin:people.choose", {
        count: SEARCH_LIMIT,
      }),
      matches.map((m) => ({ label: personOption(t, m), value: String(m.id) })),
      { nav: ["back", "cancel"] },
    );
    if (pick.nav === "back") continue;
    if (pick.nav) return { nav: pick.nav };
    const chosen = matches.find((m) => String(m.id) === pick.value);
    if (chosen) return { value: chosen };
  }
}
