/**
 * The whole bot for the benchmarks: the real services and middleware on a benchmark
 * database, with the Bot API emulator as grammY's fetch and no Telegram pacing.
 */
import { createBot } from "../../src/bot/index.js";
import type { FloodLimit } from "../../src/bot/middlewares/rate-limit.js";
import { loadConfig } from "../../src/config.js";
import type { Database } from "../../src/db/index.js";
import { createLogger } from "../../src/logger.js";
import { BotApiEmulator, EMULATED_BOT } from "../../src/sandbox/bot-api-emulator.js";
import { createServices } from "../../src/services.js";
import { ManualClock } from "../../src/shared/clock.js";

/** 10 March 2026, 09:00 in Ulaanbaatar: Q1 reports are open, petitions get 2026 numbers. */
export const BENCH_START = "2026-03-10T01:00:00Z";

/**
 * `throttle: true` paces the bot's calls as for Telegram (src/bot/index.ts TELEGRAM_PACING):
 * a step's time then includes the wait before its messages are sent.
 */
export async function emulatedBot(db: Database, opts: { floodLimit?: FloodLimit; throttle?: boolean } = {}) {
  const clock = new ManualClock(BENCH_START);
  const emulator = new BotApiEmulator(EMULATED_BOT, () => clock.now().getTime());
  emulator.maxCalls = 1000;
  const config = loadConfig({
    BOT_TOKEN: "123456:BENCH-token-for-the-emulator-00000000",
    LOG_LEVEL: "silent",
  });
  const services = createServices({ prisma: db.prisma, clock, config });
  const bot = createBot(
    { config, prisma: db.prisma, clock, logger: createLogger("silent"), services },
    {
      botInfo: EMULATED_BOT as never,
      client: { fetch: emulator.fetch as never },
      throttle: opts.throttle ?? false,
      ...(opts.floodLimit ? { floodLimit: opts.floodLimit } : {}),
    },
  );
  await bot.init();
  return { bot, emulator, clock };
}
