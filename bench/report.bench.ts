/**
 * One official fills a long quarterly report in one sitting through the whole bot: for each
 * of MEASURES measures the level reached, what was done, the plan's start–end, the
 * suggested completion and "done" with no evidence (5 updates), by `bot.handleUpdate` with
 * the Bot API emulator as grammY's fetch. A conversation is replayed from its stored log at every update, so the
 * log's size and the time of one update grow with the answers given.
 *
 * Reported per database, every 6 measures: the stored conversation state (KB) and the mean
 * time of one update over those 6 measures.
 */
import type { User } from "grammy/types";
import type { Database } from "../src/db/index.js";
import { emulatedBot } from "./support/bot.js";
import { BenchChat } from "./support/chat.js";
import { benchDatabases, printTable } from "./support/databases.js";

const MEASURES = Number(process.env.BENCH_REPORT_MEASURES ?? 24);
const EVERY = 6;
const OFFICIAL_CHAT = 900_000_001;

async function seed(db: Database) {
  const { prisma } = db;
  const org = await prisma.organization.create({
    data: { slug: "bench-aimag", name: "Аймгийн Засаг даргын Тамгын газар" },
  });
  const unit = await prisma.unit.create({
    data: { orgId: org.id, code: "TZUH", name: "Төрийн захиргааны удирдлагын хэлтэс" },
  });
  const official = await prisma.person.create({
    data: { orgId: org.id, unitId: unit.id, code: "P1", fullName: "Н.Ванчинсэмбэрүү", roles: ["OFFICIAL"] },
  });
  await prisma.user.create({
    data: {
      externalId: String(OFFICIAL_CHAT),
      chatId: String(OFFICIAL_CHAT),
      locale: "mn",
      personId: official.id,
    },
  });
  await prisma.performancePlan.create({
    data: {
      orgId: org.id,
      personId: official.id,
      year: 2026,
      version: 1,
      status: "APPROVED",
      goals: {
        create: [
          {
            number: 1,
            title: "Хүний нөөцийн бодлогыг хэрэгжүүлж, хүний нөөцийн манлайллаар хангана.",
            section: "PLAN",
            measures: {
              create: Array.from({ length: MEASURES }, (_, i) => ({
                number: `1.${i + 1}`,
                title: `Хүний нөөцийн чиглэлээр гарсан хууль тогтоомжийн хэрэгжилтийг хангана (${i + 1}).`,
                indicator: "Хэрэгжилтийн хувь",
                baseline: "90%",
                target: "92%",
                targetType: "PERCENT" as const,
                targetValue: 92,
                quarters: [1, 2, 3, 4],
                startMonth: 1,
                endMonth: 12,
                sortOrder: i,
              })),
            },
          },
        ],
      },
    },
  });
}

export async function run(): Promise<void> {
  const rows: Record<string, string | number>[] = [];
  for (const target of await benchDatabases("report")) {
    const db = await target.open();
    try {
      await seed(db);
      // One person answering as fast as the machine allows: not a flood to refuse.
      const { bot, emulator } = await emulatedBot(db, { floodLimit: { max: 100_000, windowMs: 1000 } });

      const chat = new BenchChat(emulator, {
        id: OFFICIAL_CHAT,
        is_bot: false,
        first_name: "Official",
      } as User);
      const stateBytes = async () =>
        (await db.prisma.conversationState.findMany()).reduce((n, s) => n + Buffer.byteLength(s.value), 0);

      await bot.handleUpdate(chat.text("/report"));
      let times: number[] = [];
      for (let i = 1; i <= MEASURES; i++) {
        for (const update of [
          () => chat.text("92"),
          () =>
            chat.text(`Төлөвлөгөөний 12 арга хэмжээнээс 10-ыг хэрэгжүүлж, хэрэгжилт 85%-д хүрлээ (${i}).`),
          () => chat.pressLabel("📅"), // start–end as planned
          () => chat.pressLabel("✔️"), // the suggested completion
          () => chat.pressLabel("✅"), // done: no evidence
        ]) {
          const t0 = performance.now();

          await bot.handleUpdate(update());
          times.push(performance.now() - t0);
        }
        if (i % EVERY === 0 || i === MEASURES) {
          rows.push({
            database: target.label,
            "measures answered": i,
            "state KB": ((await stateBytes()) / 1024).toFixed(0),
            "update mean ms": (times.reduce((a, b) => a + b, 0) / times.length).toFixed(1),
          });
          times = [];
        }
      }
      const answered = await db.prisma.reportEntry.count({ where: { completion: { not: null } } });
      if (answered !== MEASURES)
        console.log(`${target.label}: only ${answered} of ${MEASURES} measures saved`);
    } finally {
      await target.dispose();
    }
  }
  printTable(rows);
}
