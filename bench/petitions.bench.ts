/**
 * Citizen petition intake through the whole bot: N citizens each file a petition with the
 * full intake conversation (/new, organisation, kind, topic, text, "no attachments",
 * name, shared contact, consent, submit: 10 updates) by `bot.handleUpdate`, with the Bot
 * API emulator as grammY's fetch and no Telegram pacing. Citizens run CONCURRENCY at a
 * time, each one's updates in order, as separate chats would. The conversation state is
 * stored in the database and replayed at every step, the petition is registered (gap-free
 * number, routing, the official's notification) at the last one.
 *
 * Reported per database: updates per second over the whole run, p50/p99 latency of one
 * update, of the final "Submit" update, and of one complete submission (first to last
 * update of a citizen). Then PACED citizens (PACED_CONCURRENCY at a time) file again with the
 * bot's calls paced as for Telegram, each taking THINK_MS to answer as a person would: the
 * step latency as the citizen sees it, from the update until the last message of the step
 * has been sent.
 */
import type { Update, User } from "grammy/types";
import type { Database } from "../src/db/index.js";
import { emulatedBot } from "./support/bot.js";
import { BenchChat } from "./support/chat.js";
import { benchDatabases, printTable } from "./support/databases.js";

const CITIZENS = Number(process.env.BENCH_PETITIONS_CITIZENS ?? 100);
const CONCURRENCY = Number(process.env.BENCH_PETITIONS_CONCURRENCY ?? 8);
const WARMUP = 4;
const PACED = Number(process.env.BENCH_PETITIONS_PACED ?? 8);
const PACED_CONCURRENCY = 8;
/** A person reads and answers: the paced citizens wait this long between their steps. */
const THINK_MS = 3000;
const TEXT =
  "Хүүхдийн мөнгө 1-р сараас хойш олгогдоогүй байна. Бичиг баримтаа хугацаанд нь өгсөн. Шалгаж өгнө үү.";

async function seed(db: Database) {
  const { prisma } = db;
  const org = await prisma.organization.create({
    data: {
      slug: "bench-aimag",
      name: "Аймгийн Засаг даргын Тамгын газар",
      nameEn: "Aimag Governor's Office",
    },
  });
  await prisma.organization.create({ data: { slug: "bench-soum", name: "Сумын Засаг даргын Тамгын газар" } });
  const unit = await prisma.unit.create({ data: { orgId: org.id, code: "HHU", name: "Халамжийн хэлтэс" } });
  const official = await prisma.person.create({
    data: { orgId: org.id, unitId: unit.id, code: "P1", fullName: "Т.Энхжаргал", roles: ["OFFICIAL"] },
  });
  await prisma.user.create({
    data: { externalId: "900000001", chatId: "900000001", locale: "mn", personId: official.id },
  });
  await prisma.petitionTopic.create({ data: { orgId: org.id, code: "BUSAD", name: "Бусад" } });
  const welfare = await prisma.petitionTopic.create({
    data: { orgId: org.id, code: "HALAMJ", name: "Нийгмийн халамж" },
  });
  await prisma.routingRule.create({ data: { orgId: org.id, topicId: welfare.id, personId: official.id } });
  await prisma.user.createMany({
    data: Array.from({ length: CITIZENS + WARMUP + PACED }, (_, i) => ({
      externalId: String(1_000_000 + i),
      chatId: String(1_000_000 + i),
      locale: "mn",
    })),
  });
}

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const ms = (x: number) => x.toFixed(1);

export async function run(): Promise<void> {
  const rows: Record<string, string | number>[] = [];
  for (const target of await benchDatabases("petitions")) {
    const db = await target.open();
    try {
      await seed(db);
      const unpaced = await emulatedBot(db);

      const updateTimes: number[] = [];
      const submitTimes: number[] = [];
      const submissionTimes: number[] = [];
      const failures: string[] = [];

      const pacedTimes: number[] = [];

      async function citizen(i: number, measure: boolean, b = unpaced, paced = false) {
        const { bot, emulator } = b;
        const user = { id: 1_000_000 + i, is_bot: false, first_name: `Иргэн${i}` } as User;
        const chat = new BenchChat(emulator, user);
        const steps: (() => Update)[] = [
          () => chat.text("/new"),
          () => chat.press("opt:0"), // the organisation (by name: the aimag)
          () => chat.press("opt:0"), // kind: request
          () => chat.press("opt:1"), // topic: welfare (codes BUSAD, HALAMJ)
          () => chat.text(TEXT),
          () => chat.press("opt:done"), // no attachments
          () => chat.text("Б.Болд"),
          () => chat.contact(`+9769911${String(i).padStart(4, "0")}`),
          () => chat.press("opt:0"), // consent
          () => chat.press("opt:0"), // submit
        ];
        const started = performance.now();
        for (const [n, step] of steps.entries()) {
          const t0 = performance.now();
          await bot.handleUpdate(step());
          const dt = performance.now() - t0;
          if (paced) {
            pacedTimes.push(dt);
            await new Promise((r) => setTimeout(r, THINK_MS));
          }
          if (measure) {
            updateTimes.push(dt);
            if (n === steps.length - 1) submitTimes.push(dt);
          }
        }
        if (measure) submissionTimes.push(performance.now() - started);
        if (!chat.lastText().includes("ӨГ-")) failures.push(`${i}: ${chat.lastText().slice(0, 80)}`);
      }

      for (let i = 0; i < WARMUP; i++) await citizen(CITIZENS + i, false);

      let next = 0;
      const wall0 = performance.now();
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < CITIZENS) await citizen(next++, true);
        }),
      );
      const wall = (performance.now() - wall0) / 1000;

      // The same intake with the bot's calls paced as for Telegram.
      const paced = await emulatedBot(db, { throttle: true });
      let nextPaced = CITIZENS + WARMUP;
      await Promise.all(
        Array.from({ length: PACED_CONCURRENCY }, async () => {
          while (nextPaced < CITIZENS + WARMUP + PACED) await citizen(nextPaced++, false, paced, true);
        }),
      );
      pacedTimes.sort((a, b) => a - b);
      const stored = await db.prisma.petition.count();
      if (failures.length > 0 || stored !== CITIZENS + WARMUP + PACED) {
        console.log(`${target.label}: ${failures.length} intakes did not finish; ${stored} petitions stored`);
        for (const f of failures.slice(0, 5)) console.log(`  ${f}`);
      }
      updateTimes.sort((a, b) => a - b);
      submitTimes.sort((a, b) => a - b);
      submissionTimes.sort((a, b) => a - b);
      rows.push({
        database: target.label,
        citizens: CITIZENS,
        concurrency: CONCURRENCY,
        "updates/s": (updateTimes.length / wall).toFixed(1),
        "submissions/s": (submissionTimes.length / wall).toFixed(2),
        "update p50 ms": ms(percentile(updateTimes, 50)),
        "update p99 ms": ms(percentile(updateTimes, 99)),
        "submit p50 ms": ms(percentile(submitTimes, 50)),
        "submit p99 ms": ms(percentile(submitTimes, 99)),
        "submission p50 ms": ms(percentile(submissionTimes, 50)),
        "submission p99 ms": ms(percentile(submissionTimes, 99)),
        "paced step p50 ms": ms(percentile(pacedTimes, 50)),
        "paced step p99 ms": ms(percentile(pacedTimes, 99)),
      });
    } finally {
      await target.dispose();
    }
  }
  printTable(rows);
  console.log(
    `paced step: one update of ${PACED} more citizens (${PACED_CONCURRENCY} at a time, ${THINK_MS / 1000} s ` +
      "between their steps) with the bot's calls paced as for Telegram, until the step's last message is " +
      "sent: what the citizen waits for.",
  );
}
