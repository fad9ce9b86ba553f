/**
 * The outbox's sent marks on a connection of their own (src/scheduling/sent-marks.ts),
 * PostgreSQL only: the row is marked as the pool would mark it, and a row another
 * instance took over is left alone.
 */
import { describe, expect, inject, it } from "vitest";
import { DeliveryWorker } from "../../src/scheduling/delivery.js";
import { DirectSentMarks } from "../../src/scheduling/sent-marks.js";
import { ManualClock } from "../../src/shared/clock.js";
import { postgresUrlOf, useTestDatabase } from "../support/db.js";
import { createNotification, createOrg, createPerson, FakeSender, local } from "./fixtures.js";

describe.skipIf(inject("dbEngine") !== "postgres")("sent marks (PostgreSQL)", () => {
  const db = useTestDatabase();

  it("marks a sent row SENT with the worker's clock on its own connection", async () => {
    const { prisma } = db();
    const clock = new ManualClock(local("2026-03-10T10:00"));
    const org = await createOrg(prisma);
    const person = await createPerson(prisma, { orgId: org.id, fullName: "Б.Болд", locale: "en" });
    const n = await createNotification(prisma, {
      userId: person.user!.id,
      notBefore: clock.now(),
      payload: { key: "common:cancel.nothing" },
    });
    const sender = new FakeSender(() => clock.now().getTime());
    const sentMarks = new DirectSentMarks(await postgresUrlOf(db()));
    const worker = new DeliveryWorker({ prisma, sender, clock, concurrency: 1, instanceId: "w", sentMarks });
    expect(await worker.runOnce()).toMatchObject({ claimed: 1, sent: 1 });
    await worker.stop();
    const row = await prisma.notification.findUniqueOrThrow({ where: { id: n.id } });
    expect(row).toMatchObject({ status: "SENT", claimedBy: "w", lastError: null });
    expect(row.sentAt?.toISOString()).toBe(clock.now().toISOString());
  });

  it("leaves a row another instance has taken over", async () => {
    const { prisma } = db();
    const org = await createOrg(prisma);
    const person = await createPerson(prisma, { orgId: org.id, fullName: "Б.Болд", locale: "en" });
    const n = await createNotification(prisma, { userId: person.user!.id, notBefore: new Date() });
    await prisma.notification.update({
      where: { id: n.id },
      data: { status: "SENDING", claimedBy: "other", claimedAt: new Date() },
    });
    const marks = new DirectSentMarks(await postgresUrlOf(db()));
    try {
      expect(await marks.mark(n.id, "w", new Date())).toBe(0);
      expect((await prisma.notification.findUniqueOrThrow({ where: { id: n.id } })).status).toBe("SENDING");
    } finally {
      await marks.close();
    }
  });
});
