/**
 * Messenger webhook, in process: citizens' events posted as signed webhook bodies to the
 * /messenger route (signature check, parsing, queueing), handled by the Messenger bot on
 * the real services, its Send API calls answered by the Messenger emulator. 60 citizens at
 * once, each: Get Started, English, /help, /my, a stray text (300 events), on PGlite and on
 * PostgreSQL when reachable. Reported: events per second, the webhook's answer time (p50,
 * p99: Meta wants 200 fast) and the time until an event was handled (p50, p99).
 * (The Telegram rows of `npm run bench -- webhook` run albabot as child processes under
 * autocannon; these figures are in-process and not directly comparable.)
 */
import { loadConfig, type MessengerConfig } from "../src/config.js";
import { createLogger } from "../src/logger.js";
import { MessengerBridge } from "../src/messenger/bridge.js";
import { messengerRoutes } from "../src/messenger/routes.js";
import { MessengerEmulator } from "../src/sandbox/messenger-emulator.js";
import { createServices } from "../src/services.js";
import { ManualClock } from "../src/shared/clock.js";
import { BENCH_START } from "./support/bot.js";
import { benchDatabases, printTable } from "./support/databases.js";

const CITIZENS = Number(process.env.BENCH_MESSENGER_CITIZENS ?? 60);
const MC: MessengerConfig = {
  pageId: "100200300400500",
  pageToken: "EAAbench-page-token-0000000000",
  appSecret: "0123456789abcdef0123456789abcdef",
  verifyToken: "bench-verify-token",
  graphRoot: "http://graph.messenger.bench/v25.0",
};

function pct(sorted: number[], p: number): string {
  if (!sorted.length) return "-";
  return `${sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!.toFixed(1)} ms`;
}

export async function run(): Promise<void> {
  const rows: Record<string, string | number>[] = [];
  for (const bench of await benchDatabases("messenger")) {
    const db = await bench.open();
    try {
      await db.prisma.organization.create({
        data: { slug: "aimag", name: "Аймгийн Засаг даргын Тамгын газар", nameEn: "Aimag Governor's Office" },
      });
      const clock = new ManualClock(BENCH_START);
      const config = loadConfig({ LOG_LEVEL: "silent" });
      const logger = createLogger("silent");
      const deps = {
        config,
        prisma: db.prisma,
        clock,
        logger,
        services: createServices({ prisma: db.prisma, clock, config }),
      };
      const emulator = new MessengerEmulator({
        pageId: MC.pageId,
        appSecret: MC.appSecret,
        root: MC.graphRoot,
        now: () => clock.now().getTime(),
      });
      const bridge = new MessengerBridge({
        deps,
        config: MC,
        graphFetch: emulator.fetch,
        floodLimit: { max: 100_000, windowMs: 1000 },
      });
      await bridge.init();
      const app = messengerRoutes(bridge);
      const ack: number[] = [];
      const handled: number[] = [];
      emulator.deliver = async (raw, signature) => {
        const psid = (JSON.parse(raw) as { entry: { messaging: { sender: { id: string } }[] }[] }).entry[0]!
          .messaging[0]!.sender.id;
        const t0 = performance.now();
        const res = await app.request("/messenger", {
          method: "POST",
          body: raw,
          headers: { "x-hub-signature-256": signature },
        });
        ack.push(performance.now() - t0);
        if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
        await bridge.settled(psid);
        handled.push(performance.now() - t0);
      };
      const started = performance.now();
      await Promise.all(
        Array.from({ length: CITIZENS }, async (_, i) => {
          const u = emulator.user(`2470000000${String(i).padStart(4, "0")}`);
          const step = (act: () => Promise<void>) => act();
          await step(() => u.getStarted());
          await step(() => u.tap("🇬🇧 English"));
          await step(() => u.send("/help"));
          await step(() => u.send("/my"));
          await step(() => u.send("hello"));
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      ack.sort((a, b) => a - b);
      handled.sort((a, b) => a - b);
      rows.push({
        database: bench.label,
        events: handled.length,
        "events/s": (handled.length / seconds).toFixed(1),
        "200 p50": pct(ack, 50),
        "200 p99": pct(ack, 99),
        "handled p50": pct(handled, 50),
        "handled p99": pct(handled, 99),
        "platform violations": emulator.violations.length,
      });
    } finally {
      await bench.dispose();
    }
  }
  printTable(rows);
}
