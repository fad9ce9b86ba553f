import { describe, expect, it } from "vitest";
import { type JobDefinition, JobRunner } from "../../src/scheduling/job-runner.js";
import { ManualClock } from "../../src/shared/clock.js";
import { useTestDatabase } from "../support/db.js";
import { local } from "./fixtures.js";

/** A job that records the slots it was run for (and can fail on demand). */
function recordingJob(name: string, cron = "0 * * * *") {
  const runs: string[] = [];
  let failures = 0;
  const job: JobDefinition = {
    name,
    cron,
    description: "test job",
    async run(deps, slotTime) {
      if (failures > 0) {
        failures--;
        throw new Error("boom");
      }
      runs.push(`${slotTime.toISOString()}@${deps.clock.now().toISOString()}`);
      return { enqueued: 1 };
    },
  };
  return { job, runs, failNext: (n = 1) => (failures = n) };
}

describe("job runner", () => {
  const db = useTestDatabase();

  it("computes the slots of a cron expression in Ulaanbaatar time and names them", () => {
    const { job } = recordingJob("daily", "0 9 * * *");
    const runner = new JobRunner({ prisma: db().prisma, jobs: [job] });
    const slots = runner.slotsBetween(job, local("2026-03-12T09:00"), local("2026-03-15T09:00"));
    expect(slots.map((s) => runner.slotId(job, s))).toEqual([
      "2026-03-13T09:00+08:00",
      "2026-03-14T09:00+08:00",
      "2026-03-15T09:00+08:00",
    ]);
    expect(slots[0]!.toISOString()).toBe("2026-03-13T01:00:00.000Z");
    const weekdays = { ...job, cron: "30 8 * * 1-5" };
    const runner2 = new JobRunner({ prisma: db().prisma, jobs: [weekdays] });
    expect(runner2.slotsBetween(weekdays, local("2026-03-13T00:00"), local("2026-03-17T00:00"))).toHaveLength(
      2,
    );
  });

  it("runs a slot once even when asked twice or by two instances", async () => {
    const { prisma } = db();
    const clock = new ManualClock(local("2026-03-13T09:00"));
    const { job, runs } = recordingJob("once", "0 9 * * *");
    const a = new JobRunner({ prisma, clock, jobs: [job], instanceId: "a" });
    const b = new JobRunner({ prisma, clock, jobs: [job], instanceId: "b" });

    // Both claim the same slot at once: one runs it, the other is turned away.
    const slot = local("2026-03-13T09:00");
    const claims = await Promise.all([a.runSlot(job, slot), b.runSlot(job, slot)]);
    expect(claims.map((o) => o.status).sort()).toEqual(["done", "skipped"]);
    // Their regular checks find nothing left to do.
    const [ra, rb] = await Promise.all([a.runDue(), b.runDue()]);
    expect([...ra, ...rb].filter((o) => o.status === "done")).toEqual([]);
    expect(await a.runDue()).toEqual([]);
    const fresh = new JobRunner({ prisma, clock, jobs: [job], instanceId: "c" });
    expect(await fresh.runDue()).toEqual([]); // its catch-up starts after the recorded slot
    expect((await fresh.runSlot(job, clock.now())).status).toBe("skipped");
    expect(runs).toHaveLength(1);

    const rows = await prisma.jobRun.findMany();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ job: "once", slot: "2026-03-13T09:00+08:00" });
    expect(rows[0]!.finishedAt?.getTime()).toBe(clock.now().getTime());
    expect(rows[0]!.result).toEqual({ attempts: 1, enqueued: 1 });
  });

  it("on a fresh database runs only the latest slot, then every slot as time moves", async () => {
    const { prisma } = db();
    const clock = new ManualClock(local("2026-03-13T09:30"));
    const { job, runs } = recordingJob("hourly");
    const runner = new JobRunner({ prisma, clock, jobs: [job] });
    expect((await runner.runDue()).map((o) => o.slot)).toEqual(["2026-03-13T09:00+08:00"]);
    clock.set(local("2026-03-13T12:00"));
    expect((await runner.runDue()).map((o) => o.slot)).toEqual([
      "2026-03-13T10:00+08:00",
      "2026-03-13T11:00+08:00",
      "2026-03-13T12:00+08:00",
    ]);
    expect(runs).toHaveLength(4);
  });

  it("catches up the slots missed while no instance ran, at most catchUpDays back", async () => {
    const { prisma } = db();
    const clock = new ManualClock(local("2026-03-13T09:00"));
    const { job, runs } = recordingJob("daily", "0 9 * * *");
    await new JobRunner({ prisma, clock, jobs: [job] }).runDue();

    // Down for two days; a new process starts.
    clock.set(local("2026-03-15T10:00"));
    const after = await new JobRunner({ prisma, clock, jobs: [job] }).start();
    expect(after.map((o) => [o.slot, o.status])).toEqual([
      ["2026-03-14T09:00+08:00", "done"],
      ["2026-03-15T09:00+08:00", "done"],
    ]);
    // The job saw the slot it was for and the real time.
    expect(runs[1]).toBe(`${local("2026-03-14T09:00").toISOString()}@${clock.now().toISOString()}`);

    // Down for a month: only the last 3 days are caught up.
    clock.set(local("2026-04-15T10:00"));
    const runner = new JobRunner({ prisma, clock, jobs: [job], catchUpDays: 3 });
    const late = await runner.runDue();
    expect(late.map((o) => o.slot)).toEqual([
      "2026-04-13T09:00+08:00",
      "2026-04-14T09:00+08:00",
      "2026-04-15T09:00+08:00",
    ]);
    await runner.stop();
  });

  it("runs a failed slot again after the lease, and gives up after maxAttempts", async () => {
    const { prisma } = db();
    const clock = new ManualClock(local("2026-03-13T09:00"));
    const { job, runs, failNext } = recordingJob("flaky", "0 9 * * *");
    const runner = new JobRunner({ prisma, clock, jobs: [job], leaseMs: 60_000, maxAttempts: 3 });

    failNext(1);
    expect((await runner.runDue()).map((o) => o.status)).toEqual(["failed"]);
    clock.advance(30_000);
    expect(await runner.runDue()).toEqual([]); // within the lease
    clock.advance(31_000);
    expect((await runner.runDue()).map((o) => o.status)).toEqual(["done"]);
    expect(runs).toHaveLength(1);
    expect((await prisma.jobRun.findFirstOrThrow()).result).toEqual({ attempts: 2, enqueued: 1 });

    // A slot that keeps failing.
    failNext(10);
    clock.set(local("2026-03-14T09:00"));
    for (let i = 0; i < 5; i++) {
      await runner.runDue();
      clock.advance(61_000);
    }
    const row = await prisma.jobRun.findUniqueOrThrow({
      where: { job_slot: { job: "flaky", slot: "2026-03-14T09:00+08:00" } },
    });
    expect(row.finishedAt).not.toBeNull();
    expect(row.result).toMatchObject({ attempts: 3, error: "boom", gaveUp: true });
  });

  it("runs again a slot whose instance died while running it", async () => {
    const { prisma } = db();
    const clock = new ManualClock(local("2026-03-13T09:20"));
    const { job, runs } = recordingJob("daily", "0 9 * * *");
    await prisma.jobRun.create({
      data: {
        job: "daily",
        slot: "2026-03-13T09:00+08:00",
        instance: "dead",
        startedAt: local("2026-03-13T09:00"),
      },
    });
    const outcomes = await new JobRunner({ prisma, clock, jobs: [job], leaseMs: 10 * 60_000 }).runDue();
    expect(outcomes.map((o) => [o.slot, o.status])).toEqual([["2026-03-13T09:00+08:00", "done"]]);
    expect(runs).toHaveLength(1);
  });

  it("refuses a schedule with a bad cron expression or a job listed twice", () => {
    const { job } = recordingJob("x");
    expect(() => new JobRunner({ prisma: db().prisma, jobs: [{ ...job, cron: "61 * * * *" }] })).toThrow(
      /cron/,
    );
    expect(() => new JobRunner({ prisma: db().prisma, jobs: [job, job] })).toThrow(/twice/);
  });
});
