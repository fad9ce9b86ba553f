import { describe, expect, it } from "vitest";
import { schedule } from "../../src/jobs/schedule.js";
import { weeklyDigest } from "../../src/jobs/weekly-digest.js";
import { JobRunner } from "../../src/scheduling/job-runner.js";
import { formatLocalIso } from "../../src/shared/local-time.js";
import type { MessagePayload } from "../../src/scheduling/outbox.js";
import { renderPayload } from "../../src/scheduling/render.js";
import { ManualClock } from "../../src/shared/clock.js";
import { useTestDatabase } from "../support/db.js";
import { createPetition, createReport, local, TZ } from "../scheduling/fixtures.js";
import { notificationsOf, type Organisation, seedOrganisation } from "./organisation.js";

const digestJob = schedule.filter((j) => j.name === "weekly-digest");

/** The known data set of the digest: reports, reviews, petitions due and overdue. */
async function seedActivity(prisma: Parameters<typeof seedOrganisation>[0], o: Organisation) {
  const { people: p, plans, q1, units } = o;
  await createReport(prisma, { planId: plans.dorj.id, personId: p.dorj.id, periodId: q1.id });
  await createReport(prisma, {
    planId: plans.saraa.id,
    personId: p.saraa.id,
    periodId: q1.id,
    status: "RETURNED",
  });
  await createReport(prisma, {
    planId: plans.bat.id,
    personId: p.bat.id,
    periodId: q1.id,
    reviewerId: p.headAdmin.id,
  });
  const org = o.org.id;
  return {
    dueSoon: await createPetition(prisma, { orgId: org, dueDay: "2026-03-18", assigneeId: p.bold.id }),
    dueSoonUnassigned: await createPetition(prisma, {
      orgId: org,
      dueDay: "2026-03-21",
      unitId: units.law.id,
      status: "REGISTERED",
    }),
    overdue: await createPetition(prisma, { orgId: org, dueDay: "2026-03-10", assigneeId: p.saraa.id }),
    later: await createPetition(prisma, { orgId: org, dueDay: "2026-03-30", assigneeId: p.dorj.id }),
  };
}

const render = (n: { payload: unknown }, locale: "mn" | "en") =>
  renderPayload(n.payload as MessagePayload, locale, TZ);

describe("heads' digest", () => {
  const db = useTestDatabase();

  it("gives each head on their weekday the figures of their own people", async () => {
    const { prisma } = db();
    const o = await seedOrganisation(prisma);
    await seedActivity(prisma, o);
    const { people: p } = o;
    const clock = new ManualClock(local("2026-03-16T09:00")); // Monday
    const runner = new JobRunner({ prisma, clock, jobs: digestJob });
    await runner.runDue();

    const fin = await notificationsOf(prisma, p.headFinance);
    expect(fin.map((n) => [n.kind, formatLocalIso(n.notBefore, TZ)])).toEqual([
      ["digest.weekly", "2026-03-16T09:00+08:00"],
    ]);
    const finText = render(fin[0]!, "en");
    expect(finText.text).toBe(
      [
        "📋 <b>Weekly digest</b> (2026.03.16)",
        "",
        "📊 Q1 2026 reports: 1/3 sent, 2 missing — Б.Болд, С.Сараа",
        "📝 Reports waiting for your review: 1",
        "📅 Petitions due within a week: 1",
        "🚨 Overdue petitions: 1",
      ].join("\n"),
    );
    expect(finText.buttons).toEqual([
      [{ text: "Reports to review", data: "rv:list" }],
      [{ text: "Due this week", data: "pt:list:week" }],
      [{ text: "Overdue petitions", data: "pt:list:overdue" }],
    ]);

    const admin = await notificationsOf(prisma, p.headAdmin);
    expect(render(admin[0]!, "mn").text).toBe(
      [
        "📋 <b>Долоо хоногийн тойм</b> (2026.03.16)",
        "",
        "📊 2026 оны I улирлын тайлан: 1/2 илгээсэн, 1 дутуу — Т.Туяа",
        "📝 Таны хянахыг хүлээж буй тайлан: 1",
        "📅 Долоо хоногийн дотор хугацаа нь дуусах өргөдөл: 1",
        "🔕 Ботыг хаасан тул мэдэгдэл хүрэхгүй байгаа: 1 — Г.Бат",
        "🔗 Чат бүртгэлээ холбоогүй: 1 — Т.Туяа",
      ].join("\n"),
    );

    const top = await notificationsOf(prisma, p.orgHead);
    expect(render(top[0]!, "mn").text.split("\n").slice(2)).toEqual([
      "📊 2026 оны I улирлын тайлан: 2/5 илгээсэн, 3 дутуу — Б.Болд, С.Сараа, Т.Туяа",
      "📅 Долоо хоногийн дотор хугацаа нь дуусах өргөдөл: 2",
      "🚨 Хугацаа хэтэрсэн өргөдөл: 1",
      "🔕 Ботыг хаасан тул мэдэгдэл хүрэхгүй байгаа: 1 — Г.Бат",
      "🔗 Чат бүртгэлээ холбоогүй: 1 — Т.Туяа",
    ]);

    for (const none of [p.clerk, p.bold, p.dorj]) expect(await notificationsOf(prisma, none)).toEqual([]);

    // Tuesday: no digest; Thursday, the day before the deadline: every head gets one.
    clock.set(local("2026-03-17T09:00"));
    await runner.runDue();
    expect(await prisma.notification.count()).toBe(3);
    await prisma.person.update({ where: { id: p.headAdmin.id }, data: { digestWeekday: null } });
    clock.set(local("2026-03-19T09:00"));
    await runner.runDue();
    const eve = await prisma.notification.findMany({ where: { kind: "digest.deadline" } });
    expect(eve).toHaveLength(3);
    const finEve = (await notificationsOf(prisma, p.headFinance))[1]!;
    expect(render(finEve, "en").text.split("\n")[0]).toBe(
      "📋 <b>Digest:</b> the Q1 2026 reports are due tomorrow (2026.03.20).",
    );
  });

  it("waits for Monday when a digest falls on a weekend, unless the organisation wants weekends", async () => {
    const { prisma } = db();
    const o = await seedOrganisation(prisma);
    await seedActivity(prisma, o);
    await prisma.person.update({ where: { id: o.people.headFinance.id }, data: { digestWeekday: 6 } });
    const clock = new ManualClock(local("2026-03-14T09:00")); // Saturday
    const enqueued = await weeklyDigest({ prisma, clock }, clock.now());
    expect(enqueued.enqueued).toBe(1);
    const [row] = await notificationsOf(prisma, o.people.headFinance);
    expect(formatLocalIso(row!.notBefore, TZ)).toBe("2026-03-16T08:00+08:00");

    await prisma.notification.deleteMany();
    await prisma.organization.update({
      where: { id: o.org.id },
      data: { settings: { notifications: { digestsOnWeekends: true } } },
    });
    await weeklyDigest({ prisma, clock }, clock.now());
    const [again] = await notificationsOf(prisma, o.people.headFinance);
    expect(formatLocalIso(again!.notBefore, TZ)).toBe("2026-03-14T09:00+08:00");
  });

  it("sends a missed digest once after downtime, unless a newer one is already due", async () => {
    const { prisma } = db();
    const o = await seedOrganisation(prisma);
    await seedActivity(prisma, o);
    const clock = new ManualClock(local("2026-03-15T10:00"));
    await new JobRunner({ prisma, clock, jobs: digestJob }).runDue();
    // Down over Monday; back on Tuesday.
    clock.set(local("2026-03-17T10:00"));
    await new JobRunner({ prisma, clock, jobs: digestJob }).runDue();
    const rows = await notificationsOf(prisma, o.people.headFinance);
    expect(rows.map((n) => n.dedupeKey)).toEqual([`digest:${o.people.headFinance.id}:2026-03-16`]);
    expect(rows[0]!.notBefore.getTime()).toBe(clock.now().getTime());

    // Down from Wednesday to Friday: Thursday's (deadline eve) digest is caught up.
    clock.set(local("2026-03-18T10:00"));
    await new JobRunner({ prisma, clock, jobs: digestJob }).runDue();
    clock.set(local("2026-03-20T10:00"));
    await new JobRunner({ prisma, clock, jobs: digestJob }).runDue();
    const caughtUp = await notificationsOf(prisma, o.people.headFinance);
    expect(caughtUp.map((n) => n.kind)).toEqual(["digest.weekly", "digest.deadline"]);
    // Sent on the deadline day, it says "today", not the eve's "tomorrow".
    expect((caughtUp[1]!.payload as { key: string }).key).toBe("scheduling:digest.deadlineTodayTitle");

    // Caught up after the deadline day, it is no deadline digest at all.
    clock.set(local("2026-03-21T10:00"));
    await prisma.notification.deleteMany({});
    await prisma.jobRun.deleteMany({ where: { slot: { gte: "2026-03-19" } } });
    await new JobRunner({ prisma, clock, jobs: digestJob }).runDue();
    for (const n of await notificationsOf(prisma, o.people.headFinance)) {
      expect((n.payload as { key: string }).key).not.toMatch(/deadline/);
    }
  });
});
