import { describe, expect, it } from "vitest";
import type { Database } from "../../src/db/index.js";
import { DeliveryWorker } from "../../src/scheduling/delivery.js";
import { systemClock } from "../../src/shared/clock.js";
import { openDatabase } from "../../src/db/index.js";
import { useTestDatabase } from "../support/db.js";
import { createNotifications, createOrg, createUsers, FakeSender, NO_QUIET_HOURS } from "./fixtures.js";

const COUNT = 200;

/** Another client with its own connection pool on the same PostgreSQL database. */
async function openSecondClient(db: Database): Promise<Database> {
  const [row] = await db.prisma.$queryRaw<{ name: string }[]>`SELECT current_database() AS name`;
  const url = new URL(process.env.TEST_DATABASE_URL as string);
  url.pathname = `/${row!.name}`;
  return openDatabase({ url: url.toString(), migrate: false });
}

async function seed(db: Database) {
  const { prisma } = db;
  const org = await createOrg(prisma, { settings: NO_QUIET_HOURS });
  const users = await createUsers(prisma, org.id, COUNT);
  await createNotifications(
    prisma,
    users.map((u) => u.id),
    new Date(Date.now() - 60_000),
  );
  return (await prisma.notification.findMany({ select: { id: true } })).map((n) => n.id);
}

async function runUntilDone(prisma: Database["prisma"], workers: DeliveryWorker[]) {
  for (const w of workers) w.start();
  const started = Date.now();
  while (Date.now() - started < 30_000) {
    const left = await prisma.notification.count({ where: { status: { in: ["PENDING", "SENDING"] } } });
    if (left === 0) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await Promise.all(workers.map((w) => w.stop()));
}

describe("several delivery workers on one database", () => {
  const db = useTestDatabase();

  it.skipIf(!process.env.TEST_DATABASE_URL)(
    "two instances (separate connection pools) send 200 notifications, each exactly once",
    async () => {
      const ids = await seed(db());
      const second = await openSecondClient(db());
      try {
        const sender = new FakeSender();
        // 100/s each: the work takes a second or two, so both instances take part.
        const options = { sender, clock: systemClock, ratePerSecond: 100, concurrency: 4, batchSize: 20 };
        const a = new DeliveryWorker({ ...options, prisma: db().prisma, instanceId: "instance-a" });
        const b = new DeliveryWorker({ ...options, prisma: second.prisma, instanceId: "instance-b" });
        await runUntilDone(db().prisma, [a, b]);

        expect(sender.sent).toHaveLength(COUNT);
        expect(new Set(sender.sent.map((m) => m.text)).size).toBe(COUNT);
        const rows = await db().prisma.notification.findMany({ where: { id: { in: ids } } });
        expect(rows.every((r) => r.status === "SENT")).toBe(true);
        const byInstance = new Map<string, number>();
        for (const r of rows) byInstance.set(r.claimedBy!, (byInstance.get(r.claimedBy!) ?? 0) + 1);
        expect(byInstance.get("instance-a")! + byInstance.get("instance-b")!).toBe(COUNT);
        expect(byInstance.get("instance-a")).toBeGreaterThan(0);
        expect(byInstance.get("instance-b")).toBeGreaterThan(0);
      } finally {
        await second.close();
      }
    },
    60_000,
  );

  it("two workers sharing one client never take the same row", async () => {
    const ids = await seed(db());
    const sender = new FakeSender();
    const options = { sender, clock: systemClock, ratePerSecond: 1000, concurrency: 4, batchSize: 20 };
    const a = new DeliveryWorker({ ...options, prisma: db().prisma, instanceId: "a" });
    const b = new DeliveryWorker({ ...options, prisma: db().prisma, instanceId: "b" });
    await runUntilDone(db().prisma, [a, b]);
    expect(sender.sent).toHaveLength(ids.length);
    expect(new Set(sender.sent.map((m) => m.text)).size).toBe(ids.length);
  }, 60_000);
});
