import { describe, expect, it } from "vitest";
import type { NotificationStatus } from "../../src/generated/prisma/enums.js";
import { schedule } from "../../src/jobs/schedule.js";
import { JobRunner } from "../../src/scheduling/job-runner.js";
import { pruneOutbox } from "../../src/scheduling/retention.js";
import { ManualClock } from "../../src/shared/clock.js";
import { useTestDatabase } from "../support/db.js";
import { createCitizen, local } from "./fixtures.js";

const DAY = 86_400_000;

describe("outbox retention", () => {
  const db = useTestDatabase();

  /** One outbox row per status, created `ageDays` before `now`. */
  async function rows(userId: number, now: Date, ageDays: number, tag: string) {
    const statuses: NotificationStatus[] = [
      "PENDING",
      "SENDING",
      "SENT",
      "FAILED",
      "UNREACHABLE",
      "CANCELLED",
    ];
    await db().prisma.notification.createMany({
      data: statuses.map((status) => ({
        userId,
        kind: "test.message",
        dedupeKey: `${tag}:${status}`,
        status,
        notBefore: new Date(0),
        createdAt: new Date(now.getTime() - ageDays * DAY),
        payload: { key: "scheduling:list.more", params: { count: 1 } },
      })),
    });
  }

  const left = async () =>
    (await db().prisma.notification.findMany({ select: { dedupeKey: true }, orderBy: { id: "asc" } })).map(
      (n) => n.dedupeKey,
    );

  it("deletes finished rows older than 90 days, keeps pending and recent ones, and tallies what went", async () => {
    const { prisma } = db();
    const now = local("2026-06-01T03:30");
    const user = await createCitizen(prisma);
    await rows(user.id, now, 91, "old");
    await rows(user.id, now, 89, "recent");

    expect(await pruneOutbox(prisma, now)).toBe(4);
    expect(await left()).toEqual([
      "old:PENDING",
      "old:SENDING",
      "recent:PENDING",
      "recent:SENDING",
      "recent:SENT",
      "recent:FAILED",
      "recent:UNREACHABLE",
      "recent:CANCELLED",
    ]);
    const tally = await prisma.outboxTally.findMany({ orderBy: { status: "asc" } });
    expect(tally.map((t) => [t.status, Number(t.count)])).toEqual([
      ["SENT", 1],
      ["FAILED", 1],
      ["UNREACHABLE", 1],
      ["CANCELLED", 1],
    ]);

    // Again: nothing more to delete; the tally does not move.
    expect(await pruneOutbox(prisma, now)).toBe(0);
    expect(Number((await prisma.outboxTally.findUniqueOrThrow({ where: { status: "SENT" } })).count)).toBe(1);
  });

  it("works through many rows in batches and adds to the tally", async () => {
    const { prisma } = db();
    const now = local("2026-06-01T03:30");
    const user = await createCitizen(prisma);
    await prisma.notification.createMany({
      data: Array.from({ length: 25 }, (_, i) => ({
        userId: user.id,
        kind: "test.message",
        dedupeKey: `many:${i}`,
        status: "SENT" as const,
        notBefore: new Date(0),
        createdAt: new Date(now.getTime() - 100 * DAY),
        payload: { key: "scheduling:list.more", params: { count: i } },
      })),
    });
    expect(await pruneOutbox(prisma, now, 10)).toBe(25);
    expect(await prisma.notification.count()).toBe(0);
    expect(Number((await prisma.outboxTally.findUniqueOrThrow({ where: { status: "SENT" } })).count)).toBe(
      25,
    );
  });

  it("runs nightly at 03:30 as part of the schedule", async () => {
    const { prisma } = db();
    const clock = new ManualClock(local("2026-06-01T03:31"));
    const user = await createCitizen(prisma);
    await rows(user.id, clock.now(), 120, "old");
    const jobs = schedule.filter((j) => j.name === "outbox-retention");
    expect(jobs).toHaveLength(1);

    const outcomes = await new JobRunner({ prisma, clock, jobs }).runDue(clock.now());
    expect(outcomes).toEqual([
      expect.objectContaining({ job: "outbox-retention", slot: "2026-06-01T03:30+08:00", status: "done" }),
    ]);
    expect(await left()).toEqual(["old:PENDING", "old:SENDING"]);
  });
});
