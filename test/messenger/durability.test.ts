/**
 * Messenger events are stored before Meta is answered: an event acknowledged by one instance
 * that dies before handling it is handled by another instance's recovery from the update
 * ledger, once and in the person's order; when the ledger cannot be written the webhook
 * answers 503 (Meta delivers again) and nothing is recorded or handled.
 */
import { describe, expect, it } from "vitest";
import { UpdateLedger } from "../../src/bot/middlewares/dedupe.js";
import { messengerReplay } from "../../src/messenger/index.js";
import { MessengerBridge, signBody } from "../../src/messenger/bridge.js";
import { messengerRoutes } from "../../src/messenger/routes.js";
import { UpdateHousekeeping } from "../../src/server/housekeeping.js";
import { openTestDatabase, useTestDatabase } from "../support/db.js";
import { MESSENGER, messengerWorld, type MessengerWorld } from "./support.js";

function body(psid: string, events: { mid: string; text: string; timestamp: number }[]): string {
  return JSON.stringify({
    object: "page",
    entry: [
      {
        id: MESSENGER.pageId,
        time: events[0]?.timestamp ?? 0,
        messaging: events.map((e) => ({
          sender: { id: psid },
          recipient: { id: MESSENGER.pageId },
          timestamp: e.timestamp,
          message: { mid: e.mid, text: e.text },
        })),
      },
    ],
  });
}

/** Another instance on the same database, whose ledger sees every unfinished claim as past its lease. */
async function freshInstance(w: MessengerWorld) {
  const bridge = new MessengerBridge({
    deps: w.tb.deps,
    config: MESSENGER,
    graphFetch: w.emulator.fetch,
    ledger: new UpdateLedger({ prisma: w.prisma, leaseMs: 0, instanceId: "second" }),
    floodLimit: { max: 100_000, windowMs: 1000 },
  });
  await bridge.init();
  const housekeeping = new UpdateHousekeeping({
    ledger: bridge.ledger,
    handle: (update) => messengerReplay(bridge, update) ?? Promise.resolve(),
  });
  return { bridge, housekeeping };
}

describe("Messenger events are durable before the 200", () => {
  const db = useTestDatabase();

  it("an event acknowledged by an instance that died before handling it is recovered once, in order", async () => {
    const w = await messengerWorld(db);
    const u = w.emulator.user("24600000000031");
    await u.getStarted();
    await u.tap("🇬🇧 English");
    const before = u.all().length;

    // The first instance records and acknowledges, then dies before handling.
    const first = w.bridge as unknown as { enqueue: () => Promise<void> };
    first.enqueue = () => Promise.resolve();
    const now = w.tb.clock.now().getTime();
    w.emulator.lastInbound.set(u.psid, now);
    const raw = body(u.psid, [
      { mid: "d2", text: "/menu", timestamp: now + 2 },
      { mid: "d1", text: "/language", timestamp: now + 1 },
    ]);
    const r = await messengerRoutes(w.bridge).request("/messenger", {
      method: "POST",
      body: raw,
      headers: { "x-hub-signature-256": signBody(raw, MESSENGER.appSecret) },
    });
    expect(r.status).toBe(200);
    await w.bridge.idle();
    expect(u.all().length).toBe(before);
    const open = await w.prisma.processedUpdate.findMany({ where: { doneAt: null } });
    expect(open).toHaveLength(2);

    // A fresh instance on the same database: its recovery handles both, in timestamp order.
    const second = await freshInstance(w);
    const round = await second.housekeeping.runOnce();
    expect(round.recovered).toBe(2);
    await second.bridge.idle();
    const replies = u.all().slice(before);
    expect(replies).toHaveLength(2);
    expect(replies[0]?.text).toContain("Хэлээ сонгоно уу");
    expect(replies[1]?.text).toContain("Main menu");
    expect(await w.prisma.processedUpdate.count({ where: { doneAt: null } })).toBe(0);

    // Exactly once: another recovery round and a repeated delivery handle nothing.
    expect((await second.housekeeping.runOnce()).recovered).toBe(0);
    expect((await second.bridge.receive(raw, signBody(raw, MESSENGER.appSecret))).status).toBe(200);
    await second.bridge.idle();
    expect(u.all().length).toBe(before + 2);
    expect(w.emulator.violations).toEqual([]);
  });

  it("answers 503 and records nothing when the ledger cannot be written", async () => {
    const w = await messengerWorld(db);
    const gone = await openTestDatabase();
    await gone.close();
    const bridge = new MessengerBridge({
      deps: w.tb.deps,
      config: MESSENGER,
      graphFetch: w.emulator.fetch,
      ledger: new UpdateLedger({ prisma: gone.prisma }),
    });
    await bridge.init();
    const now = w.tb.clock.now().getTime();
    const raw = body("24600000000032", [{ mid: "x1", text: "/start", timestamp: now }]);
    const r = await messengerRoutes(bridge).request("/messenger", {
      method: "POST",
      body: raw,
      headers: { "x-hub-signature-256": signBody(raw, MESSENGER.appSecret) },
    });
    expect(r.status).toBe(503);
    await bridge.idle();
    expect(await w.prisma.processedUpdate.count()).toBe(0);
    expect(w.emulator.thread("24600000000032")).toEqual([]);

    // Meta delivers it again once the database is back: handled.
    w.emulator.lastInbound.set("24600000000032", now);
    expect((await w.bridge.receive(raw, signBody(raw, MESSENGER.appSecret))).status).toBe(200);
    await w.bridge.idle();
    expect(w.emulator.thread("24600000000032").at(-1)?.text).toContain("Choose your language");
  });
});
