import { describe, expect, it } from "vitest";
import type { JobDefinition } from "../../src/scheduling/job-runner.js";
import { startScheduling } from "../../src/scheduling/index.js";
import { systemClock } from "../../src/shared/clock.js";
import { useTestDatabase } from "../support/db.js";
import { createNotification, createOrg, createPerson, FakeSender, NO_QUIET_HOURS } from "./fixtures.js";

describe("startScheduling", () => {
  const db = useTestDatabase();

  it("runs the delivery worker and the job runner until stopped", async () => {
    const { prisma } = db();
    const org = await createOrg(prisma, { settings: NO_QUIET_HOURS });
    const p = await createPerson(prisma, { orgId: org.id, fullName: "Б.Болд" });
    await createNotification(prisma, { userId: p.user!.id, notBefore: new Date(Date.now() - 1000) });
    let runs = 0;
    const job: JobDefinition = {
      name: "every-minute",
      cron: "* * * * *",
      description: "test",
      run: async () => {
        runs++;
        return { enqueued: 0 };
      },
    };
    const sender = new FakeSender();
    const scheduling = await startScheduling({
      prisma,
      clock: systemClock,
      sender,
      config: { OUTBOX_RATE: 28, JOBS_ENABLED: true, DEFAULT_LOCALE: "mn", TZ: "Asia/Ulaanbaatar" },
      jobs: [job],
    });
    const started = Date.now();
    while ((sender.sent.length === 0 || runs === 0) && Date.now() - started < 45_000) {
      await new Promise((r) => setTimeout(r, 50));
    }
    await scheduling.stop();
    expect(sender.sent).toHaveLength(1);
    // The catch-up of the latest slot (and a tick, if a minute turned meanwhile): one run per slot.
    expect(runs).toBeGreaterThanOrEqual(1);
    expect(await prisma.jobRun.count()).toBe(runs);
  }, 60_000);
});
