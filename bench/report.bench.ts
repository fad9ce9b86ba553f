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
 * - "step 10" and "step 240" (with BENCH_REPORT_MEASURES=48; else the last step at the
 *   same point of a measure): the mean CPU and wall time of an update over ten steps
 *   around it (6–15, 231–240: two measures each), the median CPU time (a garbage
 *   collection falls on one step or another), and the stored state after it; then the
 *   ratio of the later to the earlier.
 * Another official answers a few measures of their own report first, unmeasured, so the
 * first steps are not measured with cold code.
 */
import type { Update, User } from "grammy/types";
import type { Database } from "../src/db/index.js";
import { emulatedBot } from "./support/bot.js";
import { BenchChat } from "./support/chat.js";
import { benchDatabases, printTable } from "./support/databases.js";

const MEASURES = Number(process.env.BENCH_REPORT_MEASURES ?? 24);
const EVERY = 6;
const OFFICIAL_CHAT = 900_000_001;
/** Another official of the unit answers a few measures first, so the code is warm when measuring. */
const WARMUP_CHAT = 900_000_002;
const WARMUP_MEASURES = 8;

async function seed(db: Database) {
  const { prisma } = db;
  const org = await prisma.organization.create({
    data: { slug: "bench-aimag", name: "Аймгийн Засаг даргын Тамгын газар" },
  });
  const unit = await prisma.unit.create({
    data: { orgId: org.id, code: "TZUH", name: "Төрийн захиргааны удирдлагын хэлтэс" },
  });
  for (const [chat, code, measures] of [
    [OFFICIAL_CHAT, "P1", MEASURES],
    [WARMUP_CHAT, "P2", WARMUP_MEASURES],
  ] as const) {
    const official = await prisma.person.create({
      data: { orgId: org.id, unitId: unit.id, code, fullName: "Н.Ванчинсэмбэрүү", roles: ["OFFICIAL"] },
    });
    await prisma.user.create({
      data: { externalId: String(chat), chatId: String(chat), locale: "mn", personId: official.id },
    });
    await plan(db, org.id, official.id, measures);
  }
}

async function plan(db: Database, orgId: number, personId: number, measures: number) {
  await db.prisma.performancePlan.create({
    data: {
      orgId,
      personId,
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
              create: Array.from({ length: measures }, (_, i) => ({
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
const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

export async function run(): Promise<void> {
  const windows: Record<string, string | number>[] = [];
  const steps: Record<string, string | number>[] = [];
  for (const target of await benchDatabases("report")) {
    const db = await target.open();
    try {
      await seed(db);
      // One person answering as fast as the machine allows: not a flood to refuse.
      const { bot, emulator } = await emulatedBot(db, { floodLimit: { max: 100_000, windowMs: 1000 } });

      const chatOf = (id: number) =>
        new BenchChat(emulator, { id, is_bot: false, first_name: "Official" } as User);
      const stateKB = async () =>
        (await db.prisma.conversationState.findMany({ where: { key: String(OFFICIAL_CHAT) } })).reduce(
          (n, s) => n + Buffer.byteLength(s.value),
          0,
        ) / 1024;
      /** /report, then each measure: level, what was done, start–end, completion, evidence. */
      const script = (chat: BenchChat, measures: number) => {
        const updates: (() => Update)[] = [() => chat.text("/report")];
        for (let i = 1; i <= measures; i++) {
          updates.push(
            () => chat.text("92"),
            () =>
              chat.text(`Төлөвлөгөөний 12 арга хэмжээнээс 10-ыг хэрэгжүүлж, хэрэгжилт 85%-д хүрлээ (${i}).`),
            () => chat.pressLabel("📅"), // start–end as planned
            () => chat.pressLabel("✔️"), // the suggested completion
            () => chat.pressLabel("✅"), // done: no evidence
          );
        }
        return updates;
      };
      for (const update of script(chatOf(WARMUP_CHAT), WARMUP_MEASURES)) await bot.handleUpdate(update());

      const updates = script(chatOf(OFFICIAL_CHAT), MEASURES);
      const total = updates.length;
      // Step 10, and the last step at the same point of a measure (each measure is 5 steps:
      // the 240th with 48 measures); their costs are the means of ten steps, two whole
      // measures, around them (the opening, step 1, is left out).
      const early = { step: Math.min(10, total), from: 6, to: Math.min(15, total) };
      const lastStep = early.step + 5 * Math.floor((total - early.step) / 5);
      const late = { step: lastStep, from: Math.max(early.to + 1, lastStep - 9), to: lastStep };
      const costs: Cost[] = [];
      const stateAt = new Map<number, number>();
      let window: Cost[] = [];
      for (let n = 1; n <= total; n++) {
        const update = (updates[n - 1] as () => Update)();
        const cpu0 = process.cpuUsage();
        const t0 = performance.now();
        await bot.handleUpdate(update);
        const wall = performance.now() - t0;
        const cpuUsed = process.cpuUsage(cpu0);
        const cost = { wall, cpu: (cpuUsed.user + cpuUsed.system) / 1000 };
        costs.push(cost);
        window.push(cost);
        if (n === early.step || n === late.step) stateAt.set(n, await stateKB());
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
      const answered = await db.prisma.reportEntry.count({
        where: { completion: { not: null }, report: { person: { code: "P1" } } },
      });
      if (answered !== MEASURES)
        console.log(`${target.label}: only ${answered} of ${MEASURES} measures saved`);

      const row = (label: string, range: { step: number; from: number; to: number }) => {
        const part = costs.slice(range.from - 1, range.to);
        return {
          label,
          cpu: mean(part.map((c) => c.cpu)),
          cpuMedian: median(part.map((c) => c.cpu)),
          wall: mean(part.map((c) => c.wall)),
          state: stateAt.get(range.step) ?? 0,
        };
      };
      const first = row(`step ${early.step} (${early.from}–${early.to})`, early);
      const last = row(`step ${late.step} (${late.from}–${late.to})`, late);
      for (const r of [first, last]) {
        steps.push({
          database: target.label,
          step: r.label,
          "CPU ms/update": r.cpu.toFixed(1),
          "CPU ms median": r.cpuMedian.toFixed(1),
          "wall ms/update": r.wall.toFixed(1),
          "state KB": r.state.toFixed(1),
        });
      }
      steps.push({
        database: target.label,
        step: "last / first",
        "CPU ms/update": (last.cpu / first.cpu).toFixed(2),
        "CPU ms median": (last.cpuMedian / first.cpuMedian).toFixed(2),
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
