import { describe, expect, it } from "vitest";
import { reportingReminders } from "../../src/jobs/reporting-reminders.js";
import { formatLocalIso } from "../../src/shared/local-time.js";
import { renderPayload } from "../../src/scheduling/render.js";
import type { MessagePayload } from "../../src/scheduling/outbox.js";
import { parseSnoozeAction, snooze } from "../../src/scheduling/snooze.js";
import { parseAction } from "../../src/shared/actions.js";
import { ManualClock } from "../../src/shared/clock.js";
import { DomainError } from "../../src/shared/errors.js";
import { useTestDatabase } from "../support/db.js";
import { createOrg, createPeriod, createPetition, createReport, local, TZ } from "../scheduling/fixtures.js";
import { notificationsOf, seedOrganisation } from "./organisation.js";

describe("snooze (remind me tomorrow)", () => {
  const db = useTestDatabase();

  it("parses only its own action ids", () => {
    expect(parseSnoozeAction(parseAction("sc:snz:rp:12"))).toEqual({ subject: "rp", id: 12 });
    expect(parseSnoozeAction(parseAction("sc:snz:pt:7"))).toEqual({ subject: "pt", id: 7 });
    expect(parseSnoozeAction(parseAction("sc:snz:xx:7"))).toBeNull();
    expect(parseSnoozeAction(parseAction("sc:snz:rp:abc"))).toBeNull();
    expect(parseSnoozeAction(parseAction("rp:open"))).toBeNull();
  });

  it("enqueues the report reminder again for tomorrow at reminderTime, once", async () => {
    const { prisma } = db();
    const o = await seedOrganisation(prisma);
    const { people: p, q1 } = o;
    const clock = new ManualClock(local("2026-03-17T09:00"));
    await reportingReminders({ prisma, clock }, local("2026-03-17T09:00"));
    clock.set(local("2026-03-17T09:05")); // the official presses the button

    const result = await snooze(prisma, clock, p.bold.user!.id, "rp", q1.id);
    expect(result).toMatchObject({ status: "snoozed", messageKey: "scheduling:snooze.snoozed" });
    expect(result.params).toEqual({ date: "2026.03.18", time: "09:00" });
    expect(await snooze(prisma, clock, p.bold.user!.id, "rp", q1.id)).toMatchObject({ status: "snoozed" });

    const rows = await notificationsOf(prisma, p.bold);
    expect(rows.map((n) => [n.dedupeKey.split(":").pop(), formatLocalIso(n.notBefore, TZ)])).toEqual([
      ["d3", "2026-03-17T09:00+08:00"],
      ["d2", "2026-03-18T09:00+08:00"],
    ]);
    const text = renderPayload(rows[1]!.payload as unknown as MessagePayload, "mn", TZ).text;
    expect(text).toContain("2 хоногийн дараа (2026.03.20)");
    expect(renderPayload({ key: result.messageKey, params: result.params }, "mn", TZ).text).toBe(
      "За, маргааш (2026.03.18) 09:00 цагт дахин сануулна.",
    );
  });

  it("snoozed onto a scheduled reminder day gives one message, not two", async () => {
    const { prisma } = db();
    const o = await seedOrganisation(prisma);
    const { people: p, q1 } = o;
    const clock = new ManualClock(local("2026-03-19T10:00"));
    await snooze(prisma, clock, p.bold.user!.id, "rp", q1.id); // tomorrow is the deadline day
    clock.set(local("2026-03-20T09:00"));
    await reportingReminders({ prisma, clock }, local("2026-03-20T09:00"));
    const rows = await notificationsOf(prisma, p.bold);
    expect(rows.map((n) => n.dedupeKey.split(":").pop())).toEqual(["d0"]);
  });

  it("says when it is not needed or too late, and refuses other people's subjects", async () => {
    const { prisma } = db();
    const o = await seedOrganisation(prisma);
    const { people: p, plans, q1 } = o;
    const clock = new ManualClock(local("2026-03-17T10:00"));
    await createReport(prisma, {
      planId: plans.dorj.id,
      personId: p.dorj.id,
      periodId: q1.id,
      status: "APPROVED",
    });
    expect(await snooze(prisma, clock, p.dorj.user!.id, "rp", q1.id)).toMatchObject({
      status: "notNeeded",
      messageKey: "scheduling:snooze.notNeeded",
    });
    clock.set(local("2026-03-20T11:00"));
    expect(await snooze(prisma, clock, p.bold.user!.id, "rp", q1.id)).toMatchObject({ status: "tooLate" });
    expect(await notificationsOf(prisma, p.bold)).toEqual([]);

    const other = await createOrg(prisma);
    const foreign = await createPeriod(prisma, other.id, 2026, "Q1", "2026-03-25");
    await expect(snooze(prisma, clock, p.bold.user!.id, "rp", foreign.id)).rejects.toThrow(DomainError);
    await expect(snooze(prisma, clock, p.bold.user!.id, "rp", 999_999)).rejects.toMatchObject({
      key: "common:errors.notFound",
    });
    const citizen = await prisma.user.create({ data: { externalId: "c1", chatId: "c1" } });
    await expect(snooze(prisma, clock, citizen.id, "rp", q1.id)).rejects.toMatchObject({
      key: "common:errors.forbidden",
    });
  });

  it("snoozes a petition reminder for its assignee only", async () => {
    const { prisma } = db();
    const o = await seedOrganisation(prisma);
    const { people: p } = o;
    const petition = await createPetition(prisma, {
      orgId: o.org.id,
      dueDay: "2026-03-20",
      assigneeId: p.bold.id,
    });
    const clock = new ManualClock(local("2026-03-17T09:30"));
    expect(await snooze(prisma, clock, p.bold.user!.id, "pt", petition.id)).toMatchObject({
      status: "snoozed",
    });
    const rows = await notificationsOf(prisma, p.bold);
    expect(rows.map((n) => n.dedupeKey)).toEqual([
      `petition.reminder:${petition.id}:${p.bold.id}:2026-03-20:d2`,
    ]);
    await expect(snooze(prisma, clock, p.dorj.user!.id, "pt", petition.id)).rejects.toMatchObject({
      key: "common:errors.forbidden",
    });
    await prisma.petition.update({ where: { id: petition.id }, data: { status: "ANSWERED" } });
    expect(await snooze(prisma, clock, p.bold.user!.id, "pt", petition.id)).toMatchObject({
      status: "notNeeded",
    });
  });
});
