/**
 * Replay traffic for the webhook benchmark: Telegram updates of many distinct chats,
 * citizens and officials, each chat going through one pass of its script, with unique
 * update ids. Updates come in waves (every chat's step 1, then every chat's step 2, …) so
 * one chat's consecutive updates are a whole wave apart, as with real people, and each
 * chat stays under the bot's flood limit. A run is a fixed number of updates (every chat
 * through its whole script), so two bots are measured on exactly the same work.
 */
import type { Update } from "grammy/types";

/** Telegram ids of the seeded officials start here (see seedOfficialsSql). */
export const OFFICIAL_TG_BASE = 60_000_000;
export const CITIZEN_TG_BASE = 50_000_000;
/** Measures in each seeded official's plan. */
export const MEASURES_PER_PLAN = 6;

type Step = { text: string } | { press: string } | { contact: string };

const PETITION_TEXT =
  "Манай гудамжны гэрэл 2 сараас хойш ажиллахгүй байна. Оройн цагаар хүүхдүүд харанхуйд явж байна. Шалгаж өгнө үү.";

/**
 * A citizen: first contact, language, menu, a whole petition intake (organisation, kind,
 * topic, text, no attachments, name, shared contact, consent, submit), free text, the menu
 * again, help. As many steps as the official's script: no chat starts its script over.
 */
export const CITIZEN_SCRIPT: Step[] = [
  { text: "/start" },
  { press: "lang:set:mn" },
  { text: "/menu" },
  { text: "/new" },
  { press: "opt:0" }, // the organisation: the aimag
  { press: "opt:0" }, // kind: request
  { press: "opt:1" }, // topic: the routed one
  { text: PETITION_TEXT },
  { press: "opt:done" }, // no attachments
  { text: "Б.Болд" },
  { contact: "+97699110000" },
  { press: "opt:0" }, // consent
  { press: "opt:0" }, // submit
  { text: "Баярлалаа" }, // free text outside a conversation
  { text: "/menu" },
  { press: "menu:help" },
];

/**
 * An official (linked to the directory): menu, two measures of their report answered
 * completely (the level reached, what was done, the plan's start–end, the suggested
 * completion, no evidence), cancel, help.
 */
export const OFFICIAL_SCRIPT: Step[] = [
  { text: "/start" },
  { text: "/menu" },
  { text: "/report" },
  { text: "92" },
  { text: "Сургалтын төлөвлөгөөний 12 арга хэмжээнээс 11-ийг хэрэгжүүлж, хэрэгжилт 92%-д хүрлээ." },
  { press: "opt:plan" }, // start–end as planned
  { press: "opt:s" }, // the suggested completion
  { press: "opt:done" }, // no evidence
  { text: "95" },
  { text: "Хүний нөөцийн 4 журмыг шинэчилж, 38 албан хаагчийг сургалтад хамруулсан." },
  { press: "opt:plan" },
  { press: "opt:s" },
  { press: "opt:done" },
  { text: "/cancel" },
  { text: "Баярлалаа" }, // free text outside a conversation
  { press: "menu:help" },
];

export interface ReplayOptions {
  citizens: number;
  officials: number;
  /** Index of the first citizen / official (disjoint sets for warm-up and measurement). */
  firstChat?: number;
  /** First update id (each run uses fresh ids). */
  firstUpdateId: number;
  /**
   * The message a chat's button press is on: the bot's newest message with buttons
   * (`promptOf(emulator)`). The bot refuses a press on a message that is not the question
   * being asked; without this, presses are on message 1.
   */
  promptOf?: (chatId: number) => number | undefined;
}

/** The bot's newest message with buttons in a chat of this emulator. */
export function promptOf(emulator: {
  messages(chatId: number): { from: string; messageId: number; buttons?: unknown[][] }[];
}): (chatId: number) => number | undefined {
  return (chatId) => {
    const messages = emulator.messages(chatId);
    for (let i = messages.length - 1; i >= 0; i--) {
      const m = messages[i]!;
      if (m.from === "bot" && m.buttons?.some((row) => row.length > 0)) return m.messageId;
    }
    return undefined;
  };
}

export class ReplayUpdates {
  private n = 0;
  readonly chats: { tgId: number; script: Step[] }[] = [];
  /** Updates in one pass: every chat through its whole script. */
  readonly total: number;

  constructor(private readonly opts: ReplayOptions) {
    // Interleave the two kinds so every wave mixes citizens and officials.
    const total = opts.citizens + opts.officials;
    const first = opts.firstChat ?? 0;
    let c = 0;
    let o = 0;
    for (let i = 0; i < total; i++) {
      const official = o < opts.officials && (c >= opts.citizens || (i * opts.officials) / total >= o);
      if (official) this.chats.push({ tgId: OFFICIAL_TG_BASE + first + o++, script: OFFICIAL_SCRIPT });
      else this.chats.push({ tgId: CITIZEN_TG_BASE + first + c++, script: CITIZEN_SCRIPT });
    }
    const steps = Math.max(CITIZEN_SCRIPT.length, OFFICIAL_SCRIPT.length);
    this.total = total * steps;
  }

  /** How many updates were produced. */
  get count(): number {
    return this.n;
  }

  next(): Update {
    const i = this.n++;
    const chat = this.chats[i % this.chats.length]!;
    const wave = Math.floor(i / this.chats.length);
    const step = chat.script[wave % chat.script.length]!;
    const promptId = "press" in step ? this.opts.promptOf?.(chat.tgId) : undefined;
    return buildUpdate(this.opts.firstUpdateId + i, chat.tgId, step, promptId ?? 1);
  }
}

function buildUpdate(updateId: number, tgId: number, step: Step, promptId: number): Update {
  const from = { id: tgId, is_bot: false, first_name: `U${tgId}`, language_code: "mn" };
  const chat = { id: tgId, type: "private" as const, first_name: `U${tgId}` };
  const date = Math.floor(Date.now() / 1000);
  if ("press" in step) {
    return {
      update_id: updateId,
      callback_query: {
        id: `cb${updateId}`,
        from,
        chat_instance: `ci${tgId}`,
        data: step.press,
        message: {
          message_id: promptId,
          date,
          chat,
          from: { id: 1, is_bot: true, first_name: "albabot" },
          text: "…",
        },
      },
    } as Update;
  }
  if ("contact" in step) {
    return {
      update_id: updateId,
      message: {
        message_id: updateId,
        date,
        chat,
        from,
        contact: { phone_number: step.contact, first_name: from.first_name, user_id: tgId },
      },
    } as Update;
  }
  const command = step.text.startsWith("/");
  return {
    update_id: updateId,
    message: {
      message_id: updateId,
      date,
      chat,
      from,
      text: step.text,
      ...(command
        ? { entities: [{ type: "bot_command", offset: 0, length: step.text.split(" ")[0]!.length }] }
        : {}),
    },
  } as Update;
}

/**
 * SQL that seeds one organisation (and a second one, so citizens choose) with `count`
 * officials linked to Telegram ids OFFICIAL_TG_BASE…, each with an approved plan of
 * MEASURES_PER_PLAN measures and an open yearly reporting period, and two petition topics,
 * one routed to the first official.
 */
export function seedOfficialsSql(count: number): string[] {
  const year = new Date().getUTCFullYear();
  return [
    `INSERT INTO "Organization" (slug, name, "nameEn", timezone, settings, "updatedAt")
       VALUES ('bench-aimag', 'Аймгийн Засаг даргын Тамгын газар', 'Aimag Governor''s Office',
               'Asia/Ulaanbaatar', '{}', now()),
              ('bench-soum', 'Сумын Засаг даргын Тамгын газар', 'Soum Governor''s Office',
               'Asia/Ulaanbaatar', '{}', now())`,
    `INSERT INTO "Unit" ("orgId", code, name)
       SELECT id, 'HBTH', 'Хөгжлийн бодлого, төлөвлөлтийн хэлтэс' FROM "Organization" WHERE slug = 'bench-aimag'`,
    `INSERT INTO "Person" ("orgId", "unitId", code, "fullName", roles, active, "updatedAt")
       SELECT o.id, u.id, 'P' || g, 'Албан хаагч ' || g, ARRAY['OFFICIAL']::"Role"[], true, now()
       FROM "Organization" o JOIN "Unit" u ON u."orgId" = o.id, generate_series(0, ${count - 1}) g
       WHERE o.slug = 'bench-aimag'`,
    `INSERT INTO "User" (channel, "externalId", "chatId", locale, "personId")
       SELECT 'TELEGRAM', (${OFFICIAL_TG_BASE} + substr(code, 2)::int)::text,
              (${OFFICIAL_TG_BASE} + substr(code, 2)::int)::text, 'mn', id
       FROM "Person"`,
    `INSERT INTO "PerformancePlan" ("orgId", "personId", year, status)
       SELECT "orgId", id, ${year}, 'APPROVED' FROM "Person"`,
    `INSERT INTO "Goal" ("planId", section, number, title)
       SELECT id, 'PLAN', 1, 'Хүний нөөцийн бодлогыг хэрэгжүүлж, хүний нөөцийн манлайллаар хангана.'
       FROM "PerformancePlan"`,
    `INSERT INTO "Measure" ("goalId", number, title, indicator, baseline, target, "targetType", "targetValue",
                            quarters, "startMonth", "endMonth", "sortOrder")
       SELECT g.id, '1.' || m, 'Хүний нөөцийн чиглэлээр гарсан хууль тогтоомжийн хэрэгжилтийг хангана (' || m || ').',
              'Хэрэгжилтийн хувь', '90%', '92%', 'PERCENT', 92, ARRAY[1,2,3,4], 1, 12, m
       FROM "Goal" g, generate_series(1, ${MEASURES_PER_PLAN}) m`,
    `INSERT INTO "ReportingPeriod" ("orgId", year, kind, "opensAt", deadline)
       SELECT id, ${year}, 'YEAR', now() - interval '10 days', now() + interval '20 days'
       FROM "Organization" WHERE slug = 'bench-aimag'`,
    `INSERT INTO "PetitionTopic" ("orgId", code, name)
       SELECT id, c, n FROM "Organization", (VALUES ('BUSAD', 'Бусад'), ('GEREL', 'Гудамжны гэрэлтүүлэг')) t(c, n)
       WHERE slug = 'bench-aimag'`,
    `INSERT INTO "RoutingRule" ("orgId", "topicId", "personId")
       SELECT t."orgId", t.id, p.id FROM "PetitionTopic" t JOIN "Person" p ON p."orgId" = t."orgId" AND p.code = 'P0'
       WHERE t.code = 'GEREL'`,
    `ANALYZE`,
  ];
}
