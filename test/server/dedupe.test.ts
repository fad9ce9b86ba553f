import { describe, expect, it } from "vitest";
import type { BotDeps } from "../../src/bot/context.js";
import { createBot } from "../../src/bot/index.js";
import { UpdateLedger } from "../../src/bot/middlewares/dedupe.js";
import { loadConfig } from "../../src/config.js";
import type { Database } from "../../src/db/index.js";
import { createLogger } from "../../src/logger.js";
import type { BotApiEmulator } from "../../src/sandbox/bot-api-emulator.js";
import { EMULATED_BOT } from "../../src/sandbox/bot-api-emulator.js";
import { UpdateHousekeeping } from "../../src/server/housekeeping.js";
import { createServices } from "../../src/services.js";
import { ManualClock } from "../../src/shared/clock.js";
import { useTestDatabase } from "../support/db.js";
import { botMessages, newEmulator, textUpdate } from "./support.js";

/** A bot with the update ledger, as in polling mode (no chat locks: one process). */
async function pollingBot(db: Database, emulator: BotApiEmulator, ledger: UpdateLedger) {
  const clock = new ManualClock("2026-03-10T02:00:00Z");
  const config = loadConfig({
    BOT_TOKEN: "123456:TEST-token-for-the-emulator-000000000",
    LOG_LEVEL: "silent",
  });
  const services = createServices({ prisma: db.prisma, clock, config });
  const deps: BotDeps = { config, prisma: db.prisma, clock, logger: createLogger("silent"), services };
  const bot = createBot(deps, {
    botInfo: EMULATED_BOT as never,
    client: { fetch: emulator.fetch as never },
    throttle: false,
    guards: { ledger },
  });
  await bot.init();
  return bot;
}

describe("update ledger (exactly-once handling)", () => {
  const db = useTestDatabase();

  /** Moves an update's claim back in (database) time, as if its instance had died. */
  const ageClaim = (updateId: number, seconds: number) =>
    db().prisma.$executeRaw`
      UPDATE "ProcessedUpdate" SET "claimedAt" = "claimedAt" - ${seconds}::int * interval '1 second'
      WHERE "updateId" = ${BigInt(updateId)}`;

  it("claims an update once; a re-delivery is a duplicate, before and after it is done", async () => {
    const a = new UpdateLedger({ prisma: db().prisma, instanceId: "a" });
    const b = new UpdateLedger({ prisma: db().prisma, instanceId: "b" });
    const update = textUpdate(601, "/help");
    expect(await a.claim(update)).toEqual({ status: "claimed", attempts: 1 });
    expect(await b.claim(update)).toEqual({ status: "duplicate" });
    await a.complete(update.update_id);
    expect(await b.claim(update)).toEqual({ status: "duplicate" });
    const row = await db().prisma.processedUpdate.findUniqueOrThrow({
      where: { updateId: BigInt(update.update_id) },
    });
    expect(row).toMatchObject({ claimedBy: "a", attempts: 1, payload: null });
    expect(row.doneAt).not.toBeNull();
  });

  it("lets another instance take over a claim past its lease, then gives up after maxAttempts", async () => {
    const a = new UpdateLedger({ prisma: db().prisma, instanceId: "a", leaseMs: 60_000, maxAttempts: 2 });
    const b = new UpdateLedger({ prisma: db().prisma, instanceId: "b", leaseMs: 60_000, maxAttempts: 2 });
    const update = textUpdate(602, "/help");
    await a.claim(update);
    await ageClaim(update.update_id, 30);
    expect(await b.claim(update)).toEqual({ status: "duplicate" }); // still within the lease
    await ageClaim(update.update_id, 60);
    expect(await b.stale()).toEqual([update]);
    expect(await b.claim(update)).toEqual({ status: "claimed", attempts: 2 });
    expect(await a.stale()).toEqual([]);
    await ageClaim(update.update_id, 120);
    expect(await a.claim(update)).toEqual({ status: "given-up", attempts: 3 });
    const row = await db().prisma.processedUpdate.findUniqueOrThrow({
      where: { updateId: BigInt(update.update_id) },
    });
    expect(row.doneAt).not.toBeNull();
    expect(row.payload).toEqual(update); // kept for inspection
    expect(await a.stale()).toEqual([]);
  });

  it("skips a re-delivered update in the bot itself (polling mode)", async () => {
    const emulator = newEmulator();
    const bot = await pollingBot(db(), emulator, new UpdateLedger({ prisma: db().prisma }));
    const update = textUpdate(603, "/help");
    await bot.handleUpdate(update);
    await bot.handleUpdate(structuredClone(update));
    await Promise.all([bot.handleUpdate(structuredClone(update)), bot.handleUpdate(structuredClone(update))]);
    expect(botMessages(emulator, 603)).toHaveLength(1);
  });

  it("recovers an update whose instance died mid-handling, from the stored payload", async () => {
    const emulator = newEmulator();
    const dead = new UpdateLedger({ prisma: db().prisma, instanceId: "dead", leaseMs: 60_000 });
    const update = textUpdate(604, "/help");
    await dead.claim(update); // claimed, never completed: the process was killed
    const ledger = new UpdateLedger({ prisma: db().prisma, instanceId: "alive", leaseMs: 60_000 });
    const bot = await pollingBot(db(), emulator, ledger);
    const housekeeping = new UpdateHousekeeping({ ledger, handle: (u) => bot.handleUpdate(u) });
    expect(await housekeeping.runOnce()).toEqual({ recovered: 0, pruned: 0, vacuumed: [] }); // lease not over
    expect(botMessages(emulator, 604)).toHaveLength(0);
    await ageClaim(update.update_id, 61);
    expect(await housekeeping.runOnce()).toEqual({ recovered: 1, pruned: 0, vacuumed: [] });
    expect(botMessages(emulator, 604)).toHaveLength(1);
    const row = await db().prisma.processedUpdate.findUniqueOrThrow({
      where: { updateId: BigInt(update.update_id) },
    });
    expect(row).toMatchObject({ claimedBy: "alive", attempts: 2, payload: null });
    expect(await housekeeping.runOnce()).toEqual({ recovered: 0, pruned: 0, vacuumed: [] });
    expect(botMessages(emulator, 604)).toHaveLength(1);
  });

  it("recovers each chat's updates in order, chats side by side", async () => {
    const dead = new UpdateLedger({ prisma: db().prisma, instanceId: "dead", leaseMs: 60_000 });
    const ledger = new UpdateLedger({ prisma: db().prisma, instanceId: "alive", leaseMs: 60_000 });
    const chats = [611, 612, 613];
    const updates = [1, 2, 3].flatMap((n) => chats.map((chat) => textUpdate(chat, `/help ${n}`)));
    for (const u of updates) {
      await dead.claim(u, String(u.message!.chat.id));
      await ageClaim(u.update_id, 61);
    }
    const handled: number[] = [];
    let inFlight = 0;
    let most = 0;
    const housekeeping = new UpdateHousekeeping({
      ledger,
      concurrency: 3,
      handle: async (u) => {
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((r) => setTimeout(r, 20));
        handled.push(u.update_id);
        inFlight--;
      },
    });
    expect(await housekeeping.runOnce()).toEqual({ recovered: 9, pruned: 0, vacuumed: [] });
    expect(most).toBe(3);
    for (const chat of chats) {
      const ids = updates.filter((u) => u.message!.chat.id === chat).map((u) => u.update_id);
      expect(handled.filter((id) => ids.includes(id))).toEqual(ids);
    }
  });

  it("prunes done records older than a week, keeps recent and unfinished ones", async () => {
    const { prisma } = db();
    const ledger = new UpdateLedger({ prisma, keepDays: 7 });
    for (const [id, doneDaysAgo] of [
      [1, 8],
      [2, 6],
      [3, null],
    ] as const) {
      await ledger.claim(textUpdate(605, "/help", id));
      if (doneDaysAgo !== null) {
        await ledger.complete(id);
        await prisma.$executeRaw`
          UPDATE "ProcessedUpdate" SET "doneAt" = "doneAt" - ${doneDaysAgo}::int * interval '1 day'
          WHERE "updateId" = ${BigInt(id)}`;
      }
    }
    expect(await ledger.prune()).toBe(1);
    const left = await prisma.processedUpdate.findMany({ orderBy: { updateId: "asc" } });
    expect(left.map((r) => Number(r.updateId))).toEqual([2, 3]);
  });
});
