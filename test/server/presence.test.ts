/**
 * Instance presence (src/db/presence.ts), PostgreSQL only: the claims of an instance that
 * has died (its presence lock gone with its connection) are taken over at once, those of
 * a live instance only after their lease.
 */
import { inject } from "vitest";
import { describe, expect, it } from "vitest";
import { UpdateLedger } from "../../src/bot/middlewares/dedupe.js";
import { InstancePresence } from "../../src/db/presence.js";
import { DeliveryWorker } from "../../src/scheduling/delivery.js";
import { ManualClock } from "../../src/shared/clock.js";
import { createNotification, createOrg, createPerson, FakeSender, local } from "../scheduling/fixtures.js";
import { postgresUrlOf, useTestDatabase } from "../support/db.js";
import { textUpdate } from "./support.js";

describe.skipIf(inject("dbEngine") !== "postgres")("instance presence (PostgreSQL)", () => {
  const db = useTestDatabase();

  async function instance(name: string) {
    const presence = new InstancePresence({ url: await postgresUrlOf(db()), instanceId: `live:${name}` });
    await presence.start();
    const ledger = new UpdateLedger({ prisma: db().prisma, instanceId: presence.instanceId });
    return { presence, ledger };
  }

  it("takes over an update claimed by an instance that died, not one claimed by a live instance", async () => {
    const a = await instance("a");
    const b = await instance("b");
    try {
      const update = textUpdate(101, "hello", 1);
      expect((await a.ledger.claim(update, "101")).status).toBe("claimed");

      // A lives: B's delivery of the same update is a duplicate, and nothing is stale.
      expect((await b.ledger.claim(update, "101")).status).toBe("duplicate");
      expect(await b.ledger.stale()).toEqual([]);

      // A dies: its lock goes with its connection.
      await a.presence.close();
      expect((await b.ledger.stale()).map((u) => u.update_id)).toEqual([1]);
      expect(await b.ledger.claim(update, "101")).toMatchObject({ status: "claimed", attempts: 2 });
      // Now B's: a third instance does not take it.
      const c = await instance("c");
      try {
        expect((await c.ledger.claim(update, "101")).status).toBe("duplicate");
      } finally {
        await c.presence.close();
      }
    } finally {
      await a.presence.close();
      await b.presence.close();
    }
  });

  it("an id without presence is recovered after the lease only", async () => {
    const b = await instance("b");
    try {
      const plain = new UpdateLedger({ prisma: db().prisma, instanceId: "plain-instance" });
      const update = textUpdate(102, "hello", 2);
      await plain.claim(update, "102");
      expect((await b.ledger.claim(update, "102")).status).toBe("duplicate");
    } finally {
      await b.presence.close();
    }
  });

  it("sends again at once the notifications a dead instance had claimed; leaves a live one's", async () => {
    const { prisma } = db();
    const clock = new ManualClock(local("2026-03-10T10:00"));
    const org = await createOrg(prisma);
    const person = await createPerson(prisma, { orgId: org.id, fullName: "Б.Болд", locale: "en" });
    const payload = { key: "common:cancel.nothing" };
    const n1 = await createNotification(prisma, { userId: person.user!.id, notBefore: clock.now(), payload });
    const n2 = await createNotification(prisma, { userId: person.user!.id, notBefore: clock.now(), payload });
    const a = await instance("worker-a");
    const b = await instance("worker-b");
    try {
      // A claimed both (SENDING) just now: A's n1, and n2 claimed by A that dies.
      await prisma.notification.updateMany({
        where: { id: { in: [n1.id, n2.id] } },
        data: { status: "SENDING", claimedAt: clock.now(), claimedBy: a.presence.instanceId },
      });
      const sender = new FakeSender(() => clock.now().getTime());
      const worker = new DeliveryWorker({
        prisma,
        sender,
        clock,
        concurrency: 1,
        instanceId: b.presence.instanceId,
      });
      expect((await worker.runOnce()).claimed).toBe(0);
      await a.presence.close();
      const stats = await worker.runOnce();
      expect(stats).toMatchObject({ claimed: 2, sent: 2 });
      expect(sender.sent).toHaveLength(2);
    } finally {
      await a.presence.close();
      await b.presence.close();
    }
  });
});
