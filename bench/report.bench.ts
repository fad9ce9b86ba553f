/**
 * One official fills a long quarterly report in one sitting through the whole bot: for each
 * of MEASURES measures the level reached, what was done, the plan's start–end, the
 * suggested completion and "done" with no evidence (5 updates), by `bot.handleUpdate` with
 * the Bot API emulator as grammY's fetch. A conversation is replayed from its stored log at
 * every update: what one update costs must not grow with the answers given before it.
 *
 * Reported per database:
 * - every 6 measures: the stored conversation state (KB), and the mean wall time and CPU
 *   time (process.cpuUsage: this process, the embedded PGlite included) of one update over
 *   those 6 measures;
 * - "step ~10" and "step ~240" (the 10 updates around the 10th and the last 10; with
 *   BENCH_REPORT_MEASURES=48 the report has 241 updates): the mean CPU and wall time of an
 *   update, and the state after the step; then the ratio of the last to the first.
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

/** One update's cost: wall and CPU milliseconds. */
interface Cost {
  wall: number;
  cpu: number;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

export async function run(): Promise<void> {
  const windows: Record<string, string | number>[] = [];
  const steps: Record<string, string | number>[] = [];
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
      const stateKB = async () =>
        (await db.prisma.conversationState.findMany()).reduce((n, s) => n + Buffer.byteLength(s.value), 0) /
        1024;

      const updates: (() => ReturnType<BenchChat["text"]>)[] = [() => chat.text("/report")];
      for (let i = 1; i <= MEASURES; i++) {
        updates.push(
          () => chat.text("92"),
          () =>
            chat.text(`Төлөвлөгөөний 12 арга хэмжээнээс 10-ыг хэрэгжүүлж, хэрэгжилт 85%-д хүрлээ (${i}).`),
          () => chat.pressLabel("📅"), // start–end as planned
          () => chat.pressLabel("✔️"), // the suggested completion
          () => chat.pressLabel("✅"), // done: no evidence
        );
      }
      const total = updates.length;
      // The steps around the 10th, and the last ten (the 240th with 48 measures).
      const early = { from: 6, to: Math.min(15, total) };
      const late = { from: Math.max(early.to + 1, total - 9), to: total };
      const costs: Cost[] = [];
      const stateAt = new Map<number, number>();
      let window: Cost[] = [];
      for (let n = 1; n <= total; n++) {
        const update = (updates[n - 1] as () => ReturnType<BenchChat["text"]>)();
        const cpu0 = process.cpuUsage();
        const t0 = performance.now();
        await bot.handleUpdate(update);
        const wall = performance.now() - t0;
        const cpuUsed = process.cpuUsage(cpu0);
        const cost = { wall, cpu: (cpuUsed.user + cpuUsed.system) / 1000 };
        costs.push(cost);
        window.push(cost);
        if (n === 10 || n === early.to || n === total) stateAt.set(n, await stateKB());
        const measure = (n - 1) / 5;
        if (n > 1 && Number.isInteger(measure) && (measure % EVERY === 0 || measure === MEASURES)) {
          windows.push({
            database: target.label,
            "measures answered": measure,
            "state KB": (await stateKB()).toFixed(0),
            "update wall ms": mean(window.map((c) => c.wall)).toFixed(1),
            "update CPU ms": mean(window.map((c) => c.cpu)).toFixed(1),
          });
          window = [];
        }
      }
      const answered = await db.prisma.reportEntry.count({ where: { completion: { not: null } } });
      if (answered !== MEASURES)
        console.log(`${target.label}: only ${answered} of ${MEASURES} measures saved`);

      const row = (label: string, range: { from: number; to: number }, stateStep: number) => {
        const part = costs.slice(range.from - 1, range.to);
        return {
          label,
          cpu: mean(part.map((c) => c.cpu)),
          wall: mean(part.map((c) => c.wall)),
          state: stateAt.get(stateStep) ?? 0,
        };
      };
      const first = row(`step ~10 (${early.from}–${early.to})`, early, 10);
      const last = row(`step ~${total - 1} (${late.from}–${late.to})`, late, total);
      for (const r of [first, last]) {
        steps.push({
          database: target.label,
          step: r.label,
          "CPU ms/update": r.cpu.toFixed(1),
          "wall ms/update": r.wall.toFixed(1),
          "state KB": r.state.toFixed(1),
        });
      }
      steps.push({
        database: target.label,
        step: "last / first",
        "CPU ms/update": (last.cpu / first.cpu).toFixed(2),
        "wall ms/update": (last.wall / first.wall).toFixed(2),
        "state KB": (last.state / first.state).toFixed(2),
      });
    } finally {
      await target.dispose();
    }
  }
  printTable(windows);
  console.log("");
  printTable(steps);
}
