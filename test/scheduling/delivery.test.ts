import { describe, expect, it } from "vitest";
import { type DeliveryOptions, DeliveryWorker } from "../../src/scheduling/delivery.js";
import { SendError } from "../../src/scheduling/sender.js";
import { ManualClock } from "../../src/shared/clock.js";
import { useTestDatabase } from "../support/db.js";
import {
  createCitizen,
  createNotification,
  createOrg,
  createPerson,
  FakeSender,
  local,
  virtualSleep,
} from "./fixtures.js";

describe("delivery worker", () => {
  const db = useTestDatabase();

  async function setup(opts: Partial<DeliveryOptions> = {}) {
    const { prisma } = db();
    const clock = new ManualClock(local("2026-03-10T10:00"));
    const sender = new FakeSender(() => clock.now().getTime());
    const worker = new DeliveryWorker({
      prisma,
      sender,
      clock,
      sleep: virtualSleep(clock),
      concurrency: 1,
      instanceId: "test-worker",
      ...opts,
    });
    const org = await createOrg(prisma);
    return { prisma, clock, sender, worker, org };
  }

  const reminder = (days: number) => ({
    key: "scheduling:report.reminder",
    params: {
      year: 2026,
      period: { t: "scheduling:period.Q1" },
      days,
      deadline: { date: "2026-03-20T15:59:59.999Z" },
    },
    buttons: [
      [
        { key: "scheduling:button.openReport", data: "rp:open" },
        { key: "scheduling:button.remindTomorrow", data: "sc:snz:rp:1" },
      ],
    ],
  });

  it("sends due rows once, in the recipient's language, with the keyboard", async () => {
    const { prisma, clock, sender, worker, org } = await setup();
    const mn = await createPerson(prisma, { orgId: org.id, fullName: "Б.Болд", locale: "mn" });
    const en = await createPerson(prisma, { orgId: org.id, fullName: "D.Dorj", locale: "en" });
    const unset = await createPerson(prisma, { orgId: org.id, fullName: "С.Сараа", locale: null });
    const due = clock.now();
    const a = await createNotification(prisma, { userId: mn.user!.id, notBefore: due, payload: reminder(3) });
    await createNotification(prisma, { userId: en.user!.id, notBefore: due, payload: reminder(3) });
    await createNotification(prisma, { userId: unset.user!.id, notBefore: due, payload: reminder(3) });
    const later = await createNotification(prisma, {
      userId: mn.user!.id,
      notBefore: new Date(due.getTime() + 3_600_000),
    });

    const stats = await worker.runOnce();
    expect(stats).toMatchObject({ claimed: 3, sent: 3, failed: 0 });
    expect(sender.to(mn.user!.chatId)[0]!.text).toBe(
      "⏰ 2026 оны I улирлын тайлан илгээх хугацаа 3 хоногийн дараа (2026.03.20) дуусна. Тайлангаа бөглөж, хугацаандаа илгээнэ үү.",
    );
    expect(sender.to(mn.user!.chatId)[0]!.buttons).toEqual([
      [
        { text: "Тайлан нээх", data: "rp:open" },
        { text: "Маргааш сануулах", data: "sc:snz:rp:1" },
      ],
    ]);
    expect(sender.to(en.user!.chatId)[0]!.text).toBe(
      "⏰ Your Q1 2026 report is due in 3 days (2026.03.20). Please fill it in and send it on time.",
    );
    expect(sender.to(unset.user!.chatId)[0]!.text).toContain("хоногийн дараа"); // default language: mn

    const row = await prisma.notification.findUniqueOrThrow({ where: { id: a.id } });
    expect(row.status).toBe("SENT");
    expect(row.sentAt?.getTime()).toBeGreaterThanOrEqual(due.getTime());
    expect(row.claimedBy).toBe("test-worker");
    expect((await prisma.notification.findUniqueOrThrow({ where: { id: later.id } })).status).toBe("PENDING");

    expect(await worker.runOnce()).toMatchObject({ claimed: 0, sent: 0 });
    expect(sender.sent).toHaveLength(3);
  });

  it("429: pauses all sending for retry_after and retries the row; nothing is lost", async () => {
    const { prisma, clock, sender, worker, org } = await setup();
    const people = await Promise.all(
      ["А", "Б", "В"].map((n) => createPerson(prisma, { orgId: org.id, fullName: `${n}.Албан хаагч` })),
    );
    const t0 = clock.now();
    for (const p of people) await createNotification(prisma, { userId: p.user!.id, notBefore: t0 });
    sender.fail429(5, people[0]!.user!.chatId);

    const first = await worker.runOnce();
    expect(first.sent).toBe(0); // the others wait for the pause too
    const rows = await prisma.notification.findMany({ orderBy: { id: "asc" } });
    expect(rows.map((r) => r.status)).toEqual(["PENDING", "PENDING", "PENDING"]);
    expect(rows[0]!.attempts).toBe(0); // a 429 is not a failed attempt
    expect(rows[0]!.notBefore.getTime()).toBe(t0.getTime() + 5000);
    expect(rows[0]!.lastError).toContain("RetryAfterError");

    // Nothing goes before the pause ends, even when due.
    clock.advance(2000);
    expect((await worker.runOnce()).sent).toBe(0);
    clock.set(new Date(t0.getTime() + 5000));
    let sent = 0;
    for (let i = 0; i < 5 && sent < 3; i++) {
      sent += (await worker.runOnce()).sent;
      clock.advance(1000);
    }
    expect(sent).toBe(3);
    expect(sender.sent.every((m) => m.at >= t0.getTime() + 5000)).toBe(true);
    expect(new Set(sender.sent.map((m) => m.chatId)).size).toBe(3);
    expect(await prisma.notification.count({ where: { status: "SENT" } })).toBe(3);
  });

  it("403: the row is UNREACHABLE, the user is marked, and it is not retried", async () => {
    const { prisma, clock, sender, worker, org } = await setup();
    const p = await createPerson(prisma, { orgId: org.id, fullName: "Б.Болд" });
    const n = await createNotification(prisma, { userId: p.user!.id, notBefore: clock.now() });
    sender.fail403();

    expect(await worker.runOnce()).toMatchObject({ unreachable: 1, sent: 0 });
    const row = await prisma.notification.findUniqueOrThrow({ where: { id: n.id } });
    expect(row.status).toBe("UNREACHABLE");
    expect(row.lastError).toContain("blocked");
    const user = await prisma.user.findUniqueOrThrow({ where: { id: p.user!.id } });
    expect(user.unreachableAt?.getTime()).toBe(clock.now().getTime());

    clock.advanceDays(1);
    expect(await worker.runOnce()).toMatchObject({ claimed: 0 });
    expect(sender.attempts).toHaveLength(1);
  });

  it("500: retried with exponential backoff, then sent; FAILED after the last attempt", async () => {
    const { prisma, clock, sender, worker, org } = await setup({ maxAttempts: 3, backoffBaseMs: 30_000 });
    const p = await createPerson(prisma, { orgId: org.id, fullName: "Б.Болд" });
    const ok = await createNotification(prisma, { userId: p.user!.id, notBefore: clock.now() });
    sender.fail500(p.user!.chatId, 2);

    const t0 = clock.now().getTime();
    expect(await worker.runOnce()).toMatchObject({ retried: 1 });
    let row = await prisma.notification.findUniqueOrThrow({ where: { id: ok.id } });
    expect(row).toMatchObject({ status: "PENDING", attempts: 1 });
    expect(row.notBefore.getTime()).toBe(t0 + 30_000);

    clock.advance(29_000);
    expect(await worker.runOnce()).toMatchObject({ claimed: 0 });
    clock.advance(1_000);
    expect(await worker.runOnce()).toMatchObject({ retried: 1 });
    row = await prisma.notification.findUniqueOrThrow({ where: { id: ok.id } });
    expect(row).toMatchObject({ status: "PENDING", attempts: 2 });
    expect(row.notBefore.getTime()).toBe(clock.now().getTime() + 60_000); // doubled

    clock.advance(60_000);
    expect(await worker.runOnce()).toMatchObject({ sent: 1 });
    row = await prisma.notification.findUniqueOrThrow({ where: { id: ok.id } });
    expect(row).toMatchObject({ status: "SENT", attempts: 2, lastError: null });
    expect(sender.sent).toHaveLength(1);

    const bad = await createNotification(prisma, { userId: p.user!.id, notBefore: clock.now() });
    sender.fail500(p.user!.chatId, 3);
    for (let i = 0; i < 3; i++) {
      await worker.runOnce();
      clock.advance(10 * 60_000);
    }
    row = await prisma.notification.findUniqueOrThrow({ where: { id: bad.id } });
    expect(row).toMatchObject({ status: "FAILED", attempts: 3 });
    expect(row.lastError).toContain("500");
  });

  it("a message partly delivered (text sent, file failed) resumes at the file", async () => {
    const { prisma, clock, sender, worker, org } = await setup();
    const p = await createPerson(prisma, { orgId: org.id, fullName: "Б.Болд" });
    const n = await createNotification(prisma, {
      userId: p.user!.id,
      notBefore: clock.now(),
      payload: { key: "scheduling:petition.unassigned", files: [{ kind: "DOCUMENT", fileId: "file-1" }] },
    });
    // What telegramSender reports when the text went through and the file did not.
    sender.failNext(() => Object.assign(new SendError("502: Bad Gateway"), { partsSent: 1 }));

    await worker.runOnce();
    const row = await prisma.notification.findUniqueOrThrow({ where: { id: n.id } });
    expect((row.payload as { resumeAt?: number }).resumeAt).toBe(1);
    clock.advance(60_000);
    await worker.runOnce();
    expect(sender.sent).toHaveLength(1);
    expect(sender.sent[0]!.resumeAt).toBe(1);
  });

  it("takes back a row left in SENDING by a crashed instance after the lease", async () => {
    const { prisma, clock, sender, worker, org } = await setup({ leaseMs: 120_000 });
    const p = await createPerson(prisma, { orgId: org.id, fullName: "Б.Болд" });
    const q = await createPerson(prisma, { orgId: org.id, fullName: "Д.Дорж" });
    const stale = await createNotification(prisma, {
      userId: p.user!.id,
      notBefore: local("2026-03-10T09:00"),
    });
    const fresh = await createNotification(prisma, {
      userId: q.user!.id,
      notBefore: local("2026-03-10T09:00"),
    });
    await prisma.notification.update({
      where: { id: stale.id },
      data: { status: "SENDING", claimedBy: "dead", claimedAt: new Date(clock.now().getTime() - 180_000) },
    });
    await prisma.notification.update({
      where: { id: fresh.id },
      data: { status: "SENDING", claimedBy: "alive", claimedAt: new Date(clock.now().getTime() - 30_000) },
    });

    expect(await worker.runOnce()).toMatchObject({ claimed: 1, sent: 1 });
    expect(sender.sent.map((m) => m.chatId)).toEqual([p.user!.chatId]);
    expect((await prisma.notification.findUniqueOrThrow({ where: { id: fresh.id } })).status).toBe("SENDING");
  });

  it("holds messages during the organisation's quiet hours until they end", async () => {
    const { prisma, clock, sender, worker, org } = await setup();
    const p = await createPerson(prisma, { orgId: org.id, fullName: "Б.Болд" });
    const citizen = await createCitizen(prisma);
    clock.set(local("2026-03-10T22:30"));
    const n = await createNotification(prisma, { userId: p.user!.id, notBefore: clock.now() });
    await createNotification(prisma, { userId: citizen.id, notBefore: clock.now() });

    expect(await worker.runOnce()).toMatchObject({ claimed: 2, deferred: 2, sent: 0 });
    const row = await prisma.notification.findUniqueOrThrow({ where: { id: n.id } });
    expect(row.status).toBe("PENDING");
    expect(row.notBefore.getTime()).toBe(local("2026-03-11T08:00").getTime());

    clock.set(local("2026-03-11T08:00"));
    expect(await worker.runOnce()).toMatchObject({ sent: 2 });
    expect(sender.sent).toHaveLength(2);
  });

  it("marks a row FAILED when its locale key does not exist (the key is never shown)", async () => {
    const { prisma, clock, sender, worker, org } = await setup();
    const p = await createPerson(prisma, { orgId: org.id, fullName: "Б.Болд" });
    const n = await createNotification(prisma, {
      userId: p.user!.id,
      notBefore: clock.now(),
      payload: { key: "scheduling:no.such.key" },
    });
    expect(await worker.runOnce()).toMatchObject({ failed: 1 });
    const row = await prisma.notification.findUniqueOrThrow({ where: { id: n.id } });
    expect(row.status).toBe("FAILED");
    expect(row.lastError).toContain("scheduling:no.such.key");
    expect(sender.attempts).toHaveLength(0);
  });

  it("keeps at most two rows of one chat in a batch and spaces the rest a second apart", async () => {
    const { prisma, clock, sender, worker, org } = await setup();
    const p = await createPerson(prisma, { orgId: org.id, fullName: "Б.Болд" });
    for (let i = 0; i < 5; i++)
      await createNotification(prisma, { userId: p.user!.id, notBefore: clock.now() });

    const stats = await worker.runOnce();
    expect(stats).toMatchObject({ claimed: 5, sent: 2, deferred: 3 });
    while ((await prisma.notification.count({ where: { status: "PENDING" } })) > 0) {
      clock.advance(500);
      await worker.runOnce();
    }
    const times = sender.sent.map((m) => m.at);
    expect(times).toHaveLength(5);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(1000);
    // In the order they were written.
    const ids = (await prisma.notification.findMany({ orderBy: { sentAt: "asc" } })).map((r) => r.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
  });

  it("stop() lets the message in flight finish and puts the rest back", async () => {
    const { prisma } = db();
    const org = await createOrg(prisma);
    const clock = new ManualClock(local("2026-03-10T10:00"));
    const sender = new FakeSender();
    let release: () => void = () => {};
    sender.gate = new Promise((r) => {
      release = r;
    });
    const worker = new DeliveryWorker({ prisma, sender, clock, concurrency: 1, instanceId: "w" });
    const people = await Promise.all(
      [1, 2, 3].map((i) => createPerson(prisma, { orgId: org.id, fullName: `Хүн ${i}` })),
    );
    for (const p of people) await createNotification(prisma, { userId: p.user!.id, notBefore: clock.now() });

    worker.start();
    while (sender.attempts.length === 0) await new Promise((r) => setTimeout(r, 5));
    const stopped = worker.stop();
    release();
    await stopped;

    expect(sender.sent).toHaveLength(1);
    const rows = await prisma.notification.findMany({ orderBy: { id: "asc" } });
    expect(rows.filter((r) => r.status === "SENT")).toHaveLength(1);
    expect(rows.filter((r) => r.status === "PENDING")).toHaveLength(2);
    expect(rows.every((r) => r.status !== "SENDING")).toBe(true);
  });
});
