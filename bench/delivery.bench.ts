/**
 * Delivery rate of the outbox worker against a Bot API that answers instantly (a local
 * server that answers 429 past 30 calls in any second), through grammY's Api and the
 * Telegram sender: it should sit just under 30 messages per second without a 429.
 */
import { Api } from "grammy";
import { DeliveryWorker } from "../src/scheduling/delivery.js";
import { telegramSender } from "../src/scheduling/telegram-sender.js";
import { systemClock } from "../src/shared/clock.js";
import { benchDatabases, printTable } from "./support/databases.js";
import { startFakeBotApi } from "./support/fake-bot-api.js";

const SECONDS = Number(process.env.BENCH_DELIVERY_SECONDS ?? 10);
const MESSAGES = 400;
const RATE = Number(process.env.OUTBOX_RATE ?? 28);

export async function run(): Promise<void> {
  const rows: Record<string, string | number>[] = [];
  for (const target of await benchDatabases("delivery")) {
    const db = await target.open();
    const api = await startFakeBotApi(30);
    try {
      const { prisma } = db;
      await prisma.$executeRawUnsafe(
        `INSERT INTO "Organization" (slug, name, timezone, settings, "updatedAt")
         VALUES ('bench', 'Bench', 'Asia/Ulaanbaatar',
                 '{"notifications":{"quietStart":"00:00","quietEnd":"00:00","digestsOnWeekends":true}}', now())`,
      );
      await prisma.$executeRawUnsafe(
        `INSERT INTO "Person" ("orgId", code, "fullName", roles, "updatedAt")
         SELECT o.id, 'P' || g, 'Албан хаагч ' || g, ARRAY['OFFICIAL']::"Role"[], now()
         FROM "Organization" o CROSS JOIN generate_series(1, ${MESSAGES}) g`,
      );
      await prisma.$executeRawUnsafe(
        `INSERT INTO "User" ("externalId", "chatId", locale, "personId")
         SELECT 'u' || id, (2000000 + id)::text, 'mn', id FROM "Person"`,
      );
      await prisma.$executeRawUnsafe(
        `INSERT INTO "Notification" ("userId", kind, "dedupeKey", payload, "notBefore")
         SELECT u.id, 'bench', 'bench:' || u.id,
                jsonb_build_object('key', 'scheduling:report.reminder', 'params', jsonb_build_object(
                  'year', 2026, 'period', jsonb_build_object('t', 'scheduling:period.Q1'), 'days', 3,
                  'deadline', jsonb_build_object('date', '2026-03-20T15:59:59.999Z')),
                  'buttons', '[[{"key":"scheduling:button.openReport","data":"rp:open"}]]'::jsonb),
                now() - interval '1 minute'
         FROM "User" u`,
      );

      const worker = new DeliveryWorker({
        prisma,
        sender: telegramSender(new Api("123456:BENCH", { apiRoot: api.url })),
        clock: systemClock,
        ratePerSecond: RATE,
      });
      worker.start();
      await new Promise((r) => setTimeout(r, SECONDS * 1000));
      await worker.stop();

      const calls = api.accepted;
      const span = calls.length > 1 ? (calls[calls.length - 1]! - calls[0]!) / 1000 : 0;
      const sent = await prisma.notification.count({ where: { status: "SENT" } });
      rows.push({
        database: target.label,
        OUTBOX_RATE: RATE,
        seconds: span.toFixed(1),
        sent,
        "msgs/s": span > 0 ? ((calls.length - 1) / span).toFixed(1) : "-",
        "max in 1 s": api.maxPerSecond(),
        "429s": api.tooMany,
      });
    } finally {
      await api.close();
      await target.dispose();
    }
  }
  printTable(rows);
}
