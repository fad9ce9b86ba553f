/**
 * Scheduled jobs at scale: computing and enqueueing the reporting reminders for 100,000
 * officials in 50 organisations (10% have already submitted), then the same slot again
 * (every row a duplicate: nothing new). Inserts the data with bulk SQL first.
 */
import type { PrismaClient } from "../src/generated/prisma/client.js";
import { reportingReminders } from "../src/jobs/reporting-reminders.js";
import { ManualClock } from "../src/shared/clock.js";
import { zonedTime } from "../src/shared/local-time.js";
import { benchDatabases, printTable } from "./support/databases.js";

const ORGS = 50;
const PER_ORG = 2000;
const TZ = "Asia/Ulaanbaatar";

async function seed(prisma: PrismaClient) {
  const steps = [
    `INSERT INTO "Organization" (slug, name, timezone, settings, "updatedAt")
       SELECT 'bench-' || g, 'Bench organisation ' || g, '${TZ}', '{}', now() FROM generate_series(1, ${ORGS}) g`,
    `INSERT INTO "Person" ("orgId", code, "fullName", roles, active, "updatedAt")
       SELECT o.id, 'P' || g, 'Албан хаагч ' || g, ARRAY['OFFICIAL']::"Role"[], true, now()
       FROM "Organization" o CROSS JOIN generate_series(1, ${PER_ORG}) g`,
    `INSERT INTO "User" (channel, "externalId", "chatId", locale, "personId")
       SELECT 'TELEGRAM', 'u' || p.id, (1000000 + p.id)::text, 'mn', p.id FROM "Person" p`,
    `INSERT INTO "PerformancePlan" ("orgId", "personId", year, status)
       SELECT "orgId", id, 2026, 'APPROVED' FROM "Person"`,
    `INSERT INTO "ReportingPeriod" ("orgId", year, kind, "opensAt", deadline)
       SELECT id, 2026, 'Q1', '2026-03-05 16:00:00', '2026-03-20 15:59:59.999' FROM "Organization"`,
    `INSERT INTO "Report" ("planId", "personId", "periodId", status, "updatedAt")
       SELECT pl.id, pl."personId", rp.id, 'SUBMITTED', now()
       FROM "PerformancePlan" pl JOIN "ReportingPeriod" rp ON rp."orgId" = pl."orgId"
       WHERE pl."personId" % 10 = 0`,
    `ANALYZE`,
  ];
  for (const sql of steps) await prisma.$executeRawUnsafe(sql);
}

export async function run(): Promise<void> {
  const rows: Record<string, string | number>[] = [];
  for (const target of await benchDatabases("jobs")) {
    const db = await target.open();
    try {
      let t = performance.now();
      await seed(db.prisma);
      const seedS = (performance.now() - t) / 1000;

      // 7 days before the deadline, at the reminder time.
      const slot = zonedTime("2026-03-13", 9 * 60, TZ);
      const clock = new ManualClock(slot);
      t = performance.now();
      const first = await reportingReminders({ prisma: db.prisma, clock }, slot);
      const firstS = (performance.now() - t) / 1000;
      t = performance.now();
      const again = await reportingReminders({ prisma: db.prisma, clock }, slot);
      const againS = (performance.now() - t) / 1000;
      const total = await db.prisma.notification.count();

      rows.push({
        database: target.label,
        officials: ORGS * PER_ORG,
        "seed s": seedS.toFixed(1),
        enqueued: first.enqueued,
        "enqueue s": firstS.toFixed(2),
        "rows/s": Math.round(first.enqueued / firstS),
        "rerun s": againS.toFixed(2),
        "rerun new": again.enqueued,
        "rows in outbox": total,
      });
    } finally {
      await target.dispose();
    }
  }
  printTable(rows);
}
