/**
 * Replay traffic for the webhook benchmark: Telegram updates of many distinct chats,
 * citizens and officials, each chat going through a short script, with unique update
 * ids. Updates come in waves (every chat's step 1, then every chat's step 2, …) so one
 * chat's consecutive updates are hundreds of requests apart, as with real people, and
 * each chat stays under the bot's flood limit.
 */
import type { Update } from "grammy/types";

/** Telegram ids of the seeded officials start here (see seedOfficials). */
export const OFFICIAL_TG_BASE = 60_000_000;
export const CITIZEN_TG_BASE = 50_000_000;

type Step = { text: string } | { press: string };

/** A citizen: first contact, language, menu, free text, their petitions, help. */
export const CITIZEN_SCRIPT: Step[] = [
  { text: "/start" },
  { press: "lang:set:mn" },
  { text: "/menu" },
  { text: "Сайн байна уу, манай гудамжны гэрэл ажиллахгүй байна" },
  { press: "pc:my" },
  { text: "/help" },
];

/** An official (linked to the directory): menu, their report (a conversation), cancel. */
export const OFFICIAL_SCRIPT: Step[] = [
  { text: "/start" },
  { text: "/menu" },
  { text: "/report" },
  { text: "Сургалтын төлөвлөгөөг 100% биелүүлсэн" },
  { text: "/cancel" },
  { press: "menu:help" },
];

export interface ReplayOptions {
  citizens: number;
  officials: number;
  /** First update id (each run uses fresh ids). */
  firstUpdateId: number;
}

export class ReplayUpdates {
  private n = 0;
  readonly chats: { tgId: number; script: Step[] }[] = [];

  constructor(private readonly opts: ReplayOptions) {
    // Interleave the two kinds so every wave mixes citizens and officials.
    const total = opts.citizens + opts.officials;
    let c = 0;
    let o = 0;
    for (let i = 0; i < total; i++) {
      const official = o < opts.officials && (c >= opts.citizens || (i * opts.officials) / total >= o);
      if (official) this.chats.push({ tgId: OFFICIAL_TG_BASE + o++, script: OFFICIAL_SCRIPT });
      else this.chats.push({ tgId: CITIZEN_TG_BASE + c++, script: CITIZEN_SCRIPT });
    }
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
    return buildUpdate(this.opts.firstUpdateId + i, chat.tgId, step);
  }
}

function buildUpdate(updateId: number, tgId: number, step: Step): Update {
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
          message_id: 1,
          date,
          chat,
          from: { id: 1, is_bot: true, first_name: "albabot" },
          text: "…",
        },
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
 * SQL that seeds one organisation with `count` officials linked to Telegram ids
 * OFFICIAL_TG_BASE…, each with an approved plan and an open yearly reporting period.
 */
export function seedOfficialsSql(count: number): string[] {
  const year = new Date().getUTCFullYear();
  return [
    `INSERT INTO "Organization" (slug, name, "nameEn", timezone, settings, "updatedAt")
       VALUES ('bench-aimag', 'Аймгийн Засаг даргын Тамгын газар', 'Aimag Governor''s Office',
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
    `INSERT INTO "ReportingPeriod" ("orgId", year, kind, "opensAt", deadline)
       SELECT id, ${year}, 'YEAR', now() - interval '10 days', now() + interval '20 days' FROM "Organization"`,
    `ANALYZE`,
  ];
}
