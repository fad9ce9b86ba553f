import { describe, expect, it } from "vitest";
import { schedule } from "../../src/jobs/schedule.js";
import { JobRunner } from "../../src/scheduling/job-runner.js";
import { formatLocalIso } from "../../src/shared/local-time.js";
import type { MessagePayload } from "../../src/scheduling/outbox.js";
import { renderPayload } from "../../src/scheduling/render.js";
import { ManualClock } from "../../src/shared/clock.js";
import { useTestDatabase } from "../support/db.js";
import { createPetition, local, TZ } from "../scheduling/fixtures.js";
import { notificationsOf, seedOrganisation } from "./organisation.js";

const petitionJobs = schedule.filter((j) => j.name.startsWith("petition-"));

describe("petition reminders and escalations", () => {
  const db = useTestDatabase();

  it("reminds the assignee 7, 3 and 1 days before the due date, for open petitions only", async () => {
    const { prisma } = db();
    const o = await seedOrganisation(prisma);
    const { people: p } = o;
    const open = await createPetition(prisma, {
      orgId: o.org.id,
      dueDay: "2026-03-20",
      assigneeId: p.bold.id,
    });
    await createPetition(prisma, {
      orgId: o.org.id,
      dueDay: "2026-03-18",
      assigneeId: p.dorj.id,
      status: "IN_PROGRESS",
    });
    await createPetition(prisma, {
      orgId: o.org.id,
      dueDay: "2026-03-20",
      assigneeId: p.saraa.id,
      status: "ANSWERED",
    });
    await createPetition(prisma, { orgId: o.org.id, dueDay: "2026-03-20", status: "REGISTERED" });

    const clock = new ManualClock(local("2026-03-12T09:00"));
    const runner = new JobRunner({
      prisma,
      clock,
      jobs: petitionJobs.filter((j) => j.name === "petition-reminders"),
    });
    for (let d = 12; d <= 21; d++) {
      clock.set(local(`2026-03-${d}T09:00`));
      await runner.runDue();
    }
    const keys = async (person: { user: { id: number } | null }) =>
      (await notificationsOf(prisma, person)).map(
        (n) => `${n.dedupeKey.split(":").pop()}@${formatLocalIso(n.notBefore, TZ).slice(5, 10)}`,
      );
    expect(await keys(p.bold)).toEqual(["d7@03-13", "d3@03-17", "d1@03-19"]);
    // Its 7-days reminder fell on the 11th, before the first run.
    expect(await keys(p.dorj)).toEqual(["d3@03-15", "d1@03-17"]);
    expect(await keys(p.saraa)).toEqual([]);

    const rows = await notificationsOf(prisma, p.bold);
    const last = renderPayload(rows[2]!.payload as unknown as MessagePayload, "mn", TZ);
    expect(last.text).toBe(
      `⏰ ${open.number} дугаартай өргөдлийн хариу өгөх хугацаа маргааш (2026.03.20) дуусна.`,
    );
    expect(last.buttons[0]!.map((b) => b.data)).toEqual([`pt:open:${open.id}`, `sc:snz:pt:${open.id}`]);
  });

  it("escalates overdue petitions daily to the responsible head and the clerk, with days overdue", async () => {
    const { prisma } = db();
    const o = await seedOrganisation(prisma);
    const { people: p, units } = o;
    const a = await createPetition(prisma, { orgId: o.org.id, dueDay: "2026-03-08", assigneeId: p.bold.id });
    const b = await createPetition(prisma, {
      orgId: o.org.id,
      dueDay: "2026-03-05",
      unitId: units.law.id,
      status: "REGISTERED",
    });
    await createPetition(prisma, {
      orgId: o.org.id,
      dueDay: "2026-03-05",
      assigneeId: p.dorj.id,
      status: "ANSWERED",
    });
    await createPetition(prisma, { orgId: o.org.id, dueDay: "2026-03-30", assigneeId: p.dorj.id });

    const clock = new ManualClock(local("2026-03-10T09:00"));
    const runner = new JobRunner({
      prisma,
      clock,
      jobs: petitionJobs.filter((j) => j.name === "petition-escalations"),
    });
    await runner.runDue();

    const finHead = await notificationsOf(prisma, p.headFinance);
    expect(finHead).toHaveLength(1);
    expect(renderPayload(finHead[0]!.payload as unknown as MessagePayload, "en", TZ).text).toBe(
      `🚨 Petitions past their deadline: 1\n• ${a.number} — Б.Болд, 2 days overdue`,
    );
    const adminHead = await notificationsOf(prisma, p.headAdmin);
    expect(renderPayload(adminHead[0]!.payload as unknown as MessagePayload, "mn", TZ).text).toBe(
      `🚨 Шийдвэрлэх хугацаа хэтэрсэн өргөдөл, гомдол: 1\n• ${b.number} — хуваарилаагүй, 5 хоног хэтэрсэн`,
    );
    const clerk = await notificationsOf(prisma, p.clerk);
    const clerkText = renderPayload(clerk[0]!.payload as unknown as MessagePayload, "mn", TZ);
    expect(clerkText.text.split("\n")).toEqual([
      "🚨 Шийдвэрлэх хугацаа хэтэрсэн өргөдөл, гомдол: 2",
      `• ${b.number} — хуваарилаагүй, 5 хоног хэтэрсэн`,
      `• ${a.number} — Б.Болд, 2 хоног хэтэрсэн`,
    ]);
    expect(clerkText.buttons).toEqual([[{ text: "Хугацаа хэтэрсэн өргөдлүүд", data: "pt:list:overdue" }]]);
    expect(await notificationsOf(prisma, p.bold)).toEqual([]);

    // Once a day: the same day again adds nothing, the next day a new list.
    clock.set(local("2026-03-10T16:00"));
    await runner.runDue();
    expect(await notificationsOf(prisma, p.clerk)).toHaveLength(1);
    clock.set(local("2026-03-11T09:00"));
    await runner.runDue();
    const next = await notificationsOf(prisma, p.clerk);
    expect(next).toHaveLength(2);
    expect(renderPayload(next[1]!.payload as unknown as MessagePayload, "mn", TZ).text).toContain(
      "6 хоног хэтэрсэн",
    );
  });

  it("reminds the head daily of an extension request waiting for a decision", async () => {
    const { prisma } = db();
    const o = await seedOrganisation(prisma);
    const { people: p } = o;
    const waiting = await createPetition(prisma, {
      orgId: o.org.id,
      dueDay: "2026-03-25",
      assigneeId: p.bold.id,
      extensionRequestedDays: 10,
    });
    await prisma.petitionEvent.create({
      data: { petitionId: waiting.id, type: "EXTENSION_REQUESTED", createdAt: local("2026-03-08T15:00") },
    });
    const today = await createPetition(prisma, {
      orgId: o.org.id,
      dueDay: "2026-03-25",
      assigneeId: p.dorj.id,
      extensionRequestedDays: 5,
    });
    await prisma.petitionEvent.create({
      data: { petitionId: today.id, type: "EXTENSION_REQUESTED", createdAt: local("2026-03-10T08:30") },
    });
    const refused = await createPetition(prisma, {
      orgId: o.org.id,
      dueDay: "2026-03-25",
      assigneeId: p.saraa.id,
      extensionRequestedDays: 5,
    });
    await prisma.petitionEvent.create({
      data: { petitionId: refused.id, type: "EXTENSION_REFUSED", createdAt: local("2026-03-09T08:30") },
    });
    await createPetition(prisma, {
      orgId: o.org.id,
      dueDay: "2026-04-05",
      assigneeId: p.saraa.id,
      extensionRequestedDays: 10,
      extended: true,
    });

    const clock = new ManualClock(local("2026-03-10T09:00"));
    const runner = new JobRunner({ prisma, clock, jobs: petitionJobs });
    await runner.runDue();
    const rows = await notificationsOf(prisma, p.headFinance);
    expect(rows.map((n) => n.kind)).toEqual(["petition.extensionWaiting"]);
    const text = renderPayload(rows[0]!.payload as unknown as MessagePayload, "mn", TZ);
    expect(text.text).toBe(
      `⏳ Б.Болд ${waiting.number} дугаартай өргөдлийн хугацааг 10 хоногоор сунгах хүсэлт гаргасан бөгөөд таны шийдвэрийг 2 хоног хүлээж байна. Одоогийн хугацаа: 2026.03.25.`,
    );
    expect(text.buttons.flat().map((b) => b.data)).toEqual([
      `pt:xok:${waiting.id}`,
      `pt:xno:${waiting.id}`,
      `pt:open:${waiting.id}`,
    ]);
    clock.set(local("2026-03-11T09:00"));
    await runner.runDue();
    expect((await notificationsOf(prisma, p.headFinance)).map((n) => n.kind)).toEqual([
      "petition.extensionWaiting",
      "petition.extensionWaiting",
      "petition.extensionWaiting", // the one asked on the 10th, from the 11th on
    ]);
  });
});

describe("extension reminders go to whoever may decide", () => {
  const db = useTestDatabase();

  it("an assignee in a unit without a head of its own: the organisation head, not the parent unit's head", async () => {
    const { prisma } = db();
    const o = await seedOrganisation(prisma);
    const { people: p } = o;
    const waiting = await createPetition(prisma, {
      orgId: o.org.id,
      dueDay: "2026-03-25",
      assigneeId: p.bat.id, // the law unit has no head; its parent unit has one
      extensionRequestedDays: 10,
    });
    await prisma.petitionEvent.create({
      data: { petitionId: waiting.id, type: "EXTENSION_REQUESTED", createdAt: local("2026-03-08T15:00") },
    });
    await new JobRunner({
      prisma,
      clock: new ManualClock(local("2026-03-10T09:00")),
      jobs: petitionJobs,
    }).runDue();
    const kinds = async (person: Parameters<typeof notificationsOf>[1]) =>
      (await notificationsOf(prisma, person)).map((n) => n.kind);
    expect(await kinds(p.orgHead)).toContain("petition.extensionWaiting");
    expect(await kinds(p.headAdmin)).not.toContain("petition.extensionWaiting");
  });
});
