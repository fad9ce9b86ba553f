import { describe, expect, it } from "vitest";
import { reportingReminders } from "../../src/jobs/reporting-reminders.js";
import { schedule } from "../../src/jobs/schedule.js";
import { JobRunner } from "../../src/scheduling/job-runner.js";
import { ManualClock } from "../../src/shared/clock.js";
import { seedOrganisation } from "../jobs/organisation.js";
import { createPetition, local } from "../scheduling/fixtures.js";
import { createTestBot } from "../support/chat.js";
import { useTestDatabase } from "../support/db.js";

describe("reminders in the chat", () => {
  const db = useTestDatabase();

  it("a reminder arrives with its buttons and 'remind me tomorrow' schedules it once more", async () => {
    const { prisma } = db();
    const { people } = await seedOrganisation(prisma);
    const clock = new ManualClock(local("2026-03-17T09:00"));
    const tb = await createTestBot(db(), { clock });
    const bold = await prisma.user.update({ where: { personId: people.bold.id }, data: { locale: "en" } });
    await reportingReminders({ prisma, clock }, local("2026-03-17T09:00"));
    expect(await tb.deliverOutbox()).toBeGreaterThan(0);

    const chat = tb.chat({ id: Number(bold.externalId) });
    expect(chat.lastText()).toContain("2026.03.20");
    expect(chat.buttonTexts()).toEqual(expect.arrayContaining(["Remind me tomorrow"]));

    const snoozeData = chat.buttons().find((b) => b.text === "Remind me tomorrow")!.data!;
    const before = await prisma.notification.count({ where: { userId: bold.id } });
    await chat.press("Remind me tomorrow");
    expect(chat.lastCallbackAnswer()).toBe("OK, I'll remind you tomorrow (2026.03.18) at 09:00.");
    expect(chat.buttonTexts()).not.toContain("Remind me tomorrow"); // taken off the reminder
    await chat.pressData(snoozeData); // pressed again from another device: still one reminder
    expect(await prisma.notification.count({ where: { userId: bold.id } })).toBe(before + 1);
  });

  it("a forged snooze for another organisation's period changes nothing", async () => {
    const { prisma } = db();
    const { people } = await seedOrganisation(prisma);
    const tb = await createTestBot(db(), { clock: new ManualClock(local("2026-03-17T09:05")) });
    const bold = await prisma.user.update({
      where: { personId: people.bold.id },
      data: { locale: "en" },
    });
    const chat = tb.chat({ id: Number(bold.externalId) });
    const before = await prisma.notification.count();
    await chat.pressData("sc:snz:rp:999999");
    expect(chat.lastCallbackAnswer()).toBe("Not found, or you are not allowed to see it.");
    await chat.pressData("sc:snz:zz:1");
    expect(chat.lastCallbackAnswer()).toBe("This button is no longer active. Open a fresh menu with /menu.");
    expect(await prisma.notification.count()).toBe(before);
  });
});

describe("the heads' digest in the chat", () => {
  const db = useTestDatabase();

  it("a head opens the overdue list and the due-this-week list from the digest's buttons", async () => {
    const { prisma } = db();
    const o = await seedOrganisation(prisma);
    const { people: p } = o;
    const overdue = await createPetition(prisma, {
      orgId: o.org.id,
      dueDay: "2026-03-10",
      assigneeId: p.saraa.id,
    });
    const thisWeek = await createPetition(prisma, {
      orgId: o.org.id,
      dueDay: "2026-03-18",
      assigneeId: p.bold.id,
    });
    const later = await createPetition(prisma, {
      orgId: o.org.id,
      dueDay: "2026-03-30",
      assigneeId: p.dorj.id,
    });
    const head = await prisma.user.update({ where: { personId: p.headFinance.id }, data: { locale: "en" } });
    const clock = new ManualClock(local("2026-03-16T09:00")); // Monday
    const tb = await createTestBot(db(), { clock });
    await new JobRunner({ prisma, clock, jobs: schedule.filter((j) => j.name === "weekly-digest") }).runDue();
    await tb.deliverOutbox();

    const chat = tb.chat({ id: Number(head.externalId) });
    const overdueButton = chat.buttons().find((b) => b.data === "pt:list:overdue");
    expect(overdueButton).toBeDefined();
    await chat.pressData("pt:list:overdue");
    expect(chat.text()).toContain("Overdue petitions");
    expect(chat.text()).toContain(overdue.number);
    expect(chat.text()).not.toContain(thisWeek.number);

    await chat.pressData("pt:list:week");
    expect(chat.text()).toContain(thisWeek.number);
    expect(chat.text()).not.toContain(later.number);
    expect(chat.text()).not.toContain(overdue.number);
  });

  it("a citizen pressing a digest button is refused", async () => {
    const { prisma } = db();
    await seedOrganisation(prisma);
    const tb = await createTestBot(db());
    await prisma.user.create({ data: { externalId: "777001", chatId: "777001", locale: "en" } });
    const chat = tb.chat({ id: 777001 });
    await chat.pressData("pt:list:overdue");
    expect(chat.lastCallbackAnswer() ?? chat.text()).toMatch(/staff|not allowed/i);
  });
});
