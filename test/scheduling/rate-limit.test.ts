import { describe, expect, it } from "vitest";
import { DeliveryWorker } from "../../src/scheduling/delivery.js";
import { SendPacer } from "../../src/scheduling/pacer.js";
import { ManualClock, systemClock } from "../../src/shared/clock.js";
import { useTestDatabase } from "../support/db.js";
import {
  createNotification,
  createNotifications,
  createOrg,
  createPerson,
  createUsers,
  FakeSender,
  local,
  NO_QUIET_HOURS,
  virtualSleep,
} from "./fixtures.js";

/** The largest number of sends inside any window [t, t + 1000 ms). */
function maxPerSecond(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < sorted.length; hi++) {
    while (sorted[hi]! - sorted[lo]! >= 1000) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

function minChatGap(sent: { chatId: string; at: number }[]): number {
  const last = new Map<string, number>();
  let gap = Number.POSITIVE_INFINITY;
  for (const m of [...sent].sort((a, b) => a.at - b.at)) {
    const prev = last.get(m.chatId);
    if (prev !== undefined) gap = Math.min(gap, m.at - prev);
    last.set(m.chatId, m.at);
  }
  return gap;
}

describe("send pacer", () => {
  it("spaces sends by 1/rate overall and a second per chat, and pauses", () => {
    const pacer = new SendPacer({ ratePerSecond: 28 });
    let t = 0;
    const times: number[] = [];
    for (let i = 0; i < 100; i++) {
      const chat = `c${i}`;
      t = Math.max(t, pacer.readyAt(chat));
      pacer.take(chat, t);
      times.push(t);
    }
    expect(maxPerSecond(times)).toBeLessThanOrEqual(29);
    expect(pacer.readyAt("c99")).toBe(t + 1000);
    // After an idle moment two may go back to back, then the pace holds again.
    const later = t + 5000;
    pacer.take("a", later);
    expect(pacer.readyAt("b")).toBe(later);
    pacer.take("b", later);
    expect(pacer.readyAt("c")).toBeGreaterThan(later);
    pacer.pauseUntil(t + 30_000);
    expect(pacer.readyAt("new")).toBe(t + 30_000);
  });
});

describe("delivery rate limits", () => {
  const db = useTestDatabase();

  it("keeps ≥ 1 s between messages to one chat and ≤ 29 per second overall (manual time)", async () => {
    const { prisma } = db();
    const clock = new ManualClock(local("2026-03-10T10:00"));
    const sender = new FakeSender(() => clock.now().getTime());
    const worker = new DeliveryWorker({
      prisma,
      sender,
      clock,
      sleep: virtualSleep(clock),
      concurrency: 1,
      batchSize: 50,
    });
    const org = await createOrg(prisma);
    const busy = await Promise.all(
      [1, 2, 3].map((i) => createPerson(prisma, { orgId: org.id, fullName: `Идэвхтэй ${i}` })),
    );
    const many = await createUsers(prisma, org.id, 120);
    const due = clock.now();
    for (let i = 0; i < 10; i++) {
      for (const p of busy) await createNotification(prisma, { userId: p.user!.id, notBefore: due });
    }
    await createNotifications(
      prisma,
      many.map((u) => u.id),
      due,
    );

    for (let guard = 0; sender.sent.length < 150 && guard < 500; guard++) {
      const stats = await worker.runOnce();
      if (stats.claimed === 0) clock.advance(250);
    }
    expect(sender.sent).toHaveLength(150);
    expect(minChatGap(sender.sent)).toBeGreaterThanOrEqual(1000);
    expect(maxPerSecond(sender.sent.map((m) => m.at))).toBeLessThanOrEqual(29);
    expect(await prisma.notification.count({ where: { status: "SENT" } })).toBe(150);
  });

  it("holds the limits in real time with several messages in flight", async () => {
    const { prisma } = db();
    const sender = new FakeSender();
    const worker = new DeliveryWorker({
      prisma,
      sender,
      clock: systemClock,
      concurrency: 4,
      ratePerSecond: 28,
    });
    const org = await createOrg(prisma, { settings: NO_QUIET_HOURS });
    const users = await createUsers(prisma, org.id, 36);
    const due = new Date(Date.now() - 1000);
    await createNotifications(
      prisma,
      users.map((u) => u.id),
      due,
    );
    for (let i = 0; i < 2; i++) await createNotification(prisma, { userId: users[0]!.id, notBefore: due });

    const started = Date.now();
    while (sender.sent.length < 38 && Date.now() - started < 45_000) {
      const stats = await worker.runOnce();
      if (stats.claimed === 0) await new Promise((r) => setTimeout(r, 50));
    }
    expect(sender.sent).toHaveLength(38);
    expect(maxPerSecond(sender.sent.map((m) => m.at))).toBeLessThanOrEqual(29);
    expect(minChatGap(sender.sent)).toBeGreaterThanOrEqual(999);
  }, 60_000); // real time: generous under a loaded machine; it ends as soon as all are sent
});

describe("delivery without real waiting", () => {
  const db = useTestDatabase();

  it("does not spin when the sleep does not move the clock (harness and sandbox settings)", async () => {
    const { prisma } = db();
    const clock = new ManualClock(local("2026-03-10T10:00"));
    const sender = new FakeSender(() => clock.now().getTime());
    const worker = new DeliveryWorker({
      prisma,
      sender,
      clock,
      chatIntervalMs: 0,
      ratePerSecond: 10_000,
      sleep: async () => {},
    });
    const org = await createOrg(prisma);
    const p = await createPerson(prisma, { orgId: org.id, fullName: "Б.Болд" });
    for (let i = 0; i < 5; i++)
      await createNotification(prisma, { userId: p.user!.id, notBefore: clock.now() });
    const users = await createUsers(prisma, org.id, 20);
    await createNotifications(
      prisma,
      users.map((u) => u.id),
      clock.now(),
    );
    expect(await worker.runOnce()).toMatchObject({ claimed: 25, sent: 25 });
    expect(sender.to(p.user!.chatId)).toHaveLength(5);
  });
});
