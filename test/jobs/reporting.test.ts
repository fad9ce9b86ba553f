import { describe, expect, it } from "vitest";
import { JobRunner } from "../../src/scheduling/job-runner.js";
import { formatLocalIso } from "../../src/shared/local-time.js";
import { renderPayload } from "../../src/scheduling/render.js";
import { ManualClock } from "../../src/shared/clock.js";
import { schedule } from "../../src/jobs/schedule.js";
import type { MessagePayload } from "../../src/scheduling/outbox.js";
import { useTestDatabase } from "../support/db.js";
import { createReport, local, TZ } from "../scheduling/fixtures.js";
import { notificationsOf, seedOrganisation } from "./organisation.js";

const reportingJobs = schedule.filter((j) => j.name.startsWith("reporting-"));

/** Moves the clock to 09:00 of each day from..to and runs the due slots. */
async function runDays(runner: JobRunner, clock: ManualClock, days: string[], time = "09:00") {
  for (const day of days) {
    clock.set(local(`${day}T${time}`));
    await runner.runDue();
  }
}

const march = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => `2026-03-${String(from + i).padStart(2, "0")}`);

describe("reporting reminders and overdue notices", () => {
  const db = useTestDatabase();

  it("reminds exactly those who have not submitted, 7/3/1 days before and on the day, then the overdue notices", async () => {
    const { prisma } = db();
    const o = await seedOrganisation(prisma);
    const { people: p, plans, q1 } = o;
    const clock = new ManualClock(local("2026-03-12T09:00"));
    const runner = new JobRunner({ prisma, clock, jobs: reportingJobs });

    await runDays(runner, clock, march(12, 14));
    // Д.Дорж submits on the 15th; С.Сараа's report is returned to her.
    await createReport(prisma, { planId: plans.dorj.id, personId: p.dorj.id, periodId: q1.id });
    await createReport(prisma, {
      planId: plans.saraa.id,
      personId: p.saraa.id,
      periodId: q1.id,
      status: "RETURNED",
    });
    await runDays(runner, clock, march(15, 22));
    // Running again the same day changes nothing.
    clock.set(local("2026-03-22T15:00"));
    await runner.runDue();

    const summary = async (person: { user: { id: number } | null }) =>
      (await notificationsOf(prisma, person)).map(
        (n) =>
          `${n.dedupeKey.split(":")[0]}:${n.dedupeKey.split(":").pop()}@${formatLocalIso(n.notBefore, TZ).slice(5, 16)}`,
      );

    const full = [
      "report.reminder:d7@03-13T09:00",
      "report.reminder:d3@03-17T09:00",
      "report.reminder:d1@03-19T09:00",
      "report.reminder:d0@03-20T09:00",
      `report.overdue:${p.bold.id}@03-21T09:00`,
    ];
    expect(await summary(p.bold)).toEqual(full);
    expect(await summary(p.saraa)).toEqual([...full.slice(0, 4), `report.overdue:${p.saraa.id}@03-21T09:00`]);
    expect(await summary(p.bat)).toEqual([...full.slice(0, 4), `report.overdue:${p.bat.id}@03-21T09:00`]);
    expect(await summary(p.dorj)).toEqual(["report.reminder:d7@03-13T09:00"]);
    for (const nobody of [p.ochir, p.erdene, p.clerk, p.orgHead]) expect(await summary(nobody)).toEqual([]);

    // Heads: one list each, of their own people (the law unit has no head: its parent's head).
    const finHead = await notificationsOf(prisma, p.headFinance);
    expect(finHead.map((n) => n.dedupeKey)).toEqual([`report.overdueList:${q1.id}:${p.headFinance.id}`]);
    expect(renderPayload(finHead[0]!.payload as unknown as MessagePayload, "en", TZ).text).toBe(
      "⚠️ Officials who did not send their Q1 2026 report by the deadline (2026.03.20): 2\nБ.Болд, С.Сараа",
    );
    const adminHead = await notificationsOf(prisma, p.headAdmin);
    expect(adminHead).toHaveLength(1);
    expect(renderPayload(adminHead[0]!.payload as unknown as MessagePayload, "mn", TZ).text).toBe(
      "⚠️ 2026 оны I улирлын тайлангаа хугацаанд нь (2026.03.20) илгээгээгүй албан хаагч: 2\nТ.Туяа, Г.Бат",
    );

    // The texts count down from the day they go out.
    const bold = await notificationsOf(prisma, p.bold);
    const texts = bold.map((n) => renderPayload(n.payload as unknown as MessagePayload, "mn", TZ));
    expect(texts[0]!.text).toBe(
      "⏰ 2026 оны I улирлын тайлан илгээх хугацаа 7 хоногийн дараа (2026.03.20) дуусна. Тайлангаа бөглөж, хугацаандаа илгээнэ үү.",
    );
    expect(texts[2]!.text).toContain("хугацаа маргааш (2026.03.20) дуусна");
    expect(texts[3]!.text).toContain("хугацаа өнөөдөр (2026.03.20) дуусна");
    expect(texts[0]!.buttons).toEqual([
      [
        { text: "Тайлан нээх", data: "rp:open" },
        { text: "Маргааш сануулах", data: `sc:snz:rp:${q1.id}` },
      ],
    ]);
    expect(texts[3]!.buttons).toEqual([[{ text: "Тайлан нээх", data: "rp:open" }]]);
    expect(texts[4]!.text).toContain("дууссан боловч таны тайлан ирээгүй");
  });

  it("follows the organisation's reminder days and time, out of quiet hours", async () => {
    const { prisma } = db();
    const o = await seedOrganisation(prisma, {
      reporting: { reminderDaysBefore: [2] },
      notifications: { reminderTime: "07:15" },
    });
    const clock = new ManualClock(local("2026-03-17T06:00"));
    const runner = new JobRunner({ prisma, clock, jobs: reportingJobs });
    for (const t of ["2026-03-17T08:00", "2026-03-18T08:00", "2026-03-19T08:00"]) {
      clock.set(local(t));
      await runner.runDue();
    }
    const rows = await notificationsOf(prisma, o.people.bold);
    expect(rows.map((n) => n.dedupeKey.split(":").pop())).toEqual(["d2"]);
    // 07:15 is inside the quiet hours (until 08:00).
    expect(formatLocalIso(rows[0]!.notBefore, TZ)).toBe("2026-03-18T08:00+08:00");
  });

  it("catches up after downtime: a missed reminder goes once; one about a passed deadline becomes the overdue notice", async () => {
    const { prisma } = db();
    const o = await seedOrganisation(prisma);
    const { people: p } = o;
    const clock = new ManualClock(local("2026-03-16T10:00"));
    await new JobRunner({ prisma, clock, jobs: reportingJobs }).runDue();

    // Down from the 16th 10:00 to the 18th 10:00: the 3-days-before reminder (17th) was missed.
    clock.set(local("2026-03-18T10:00"));
    const restarted = new JobRunner({ prisma, clock, jobs: reportingJobs });
    await restarted.start();
    await restarted.runDue(); // a tick right after changes nothing
    let rows = await notificationsOf(prisma, p.bold);
    expect(rows.map((n) => n.dedupeKey.split(":").pop())).toEqual(["d3"]);
    expect(rows[0]!.notBefore.getTime()).toBe(clock.now().getTime()); // sent now, not tomorrow
    const text = renderPayload(rows[0]!.payload as unknown as MessagePayload, "mn", TZ).text;
    expect(text).toContain("2 хоногийн дараа"); // counted from today
    await restarted.stop();

    // Down again from the 19th 08:00 to the 21st 10:00: the day-before and on-the-day
    // reminders are about a deadline that has passed; the overdue notice goes instead.
    clock.set(local("2026-03-19T08:00"));
    await new JobRunner({ prisma, clock, jobs: reportingJobs }).runDue();
    clock.set(local("2026-03-21T10:00"));
    await new JobRunner({ prisma, clock, jobs: reportingJobs }).runDue();
    rows = await notificationsOf(prisma, p.bold);
    expect(rows.map((n) => n.dedupeKey.split(":")[0] + ":" + n.dedupeKey.split(":").pop())).toEqual([
      "report.reminder:d3",
      `report.overdue:${p.bold.id}`,
    ]);
  });

  it("after a long downtime sends only the latest of the missed reminders", async () => {
    const { prisma } = db();
    const o = await seedOrganisation(prisma);
    const clock = new ManualClock(local("2026-03-12T10:00"));
    await new JobRunner({ prisma, clock, jobs: reportingJobs }).runDue();
    clock.set(local("2026-03-17T11:00")); // the 7- and 3-days reminders were both missed
    await new JobRunner({ prisma, clock, jobs: reportingJobs }).runDue();
    const rows = await notificationsOf(prisma, o.people.bold);
    expect(rows.map((n) => n.dedupeKey.split(":").pop())).toEqual(["d3"]);
  });
});
