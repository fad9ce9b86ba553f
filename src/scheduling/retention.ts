/**
 * Outbox retention: notifications that are finished (sent, failed, unreachable, cancelled)
 * and older than the retention period are deleted, so the table holds what is pending and
 * recent history rather than every message ever sent. Each batch is one statement that
 * deletes the rows and adds their number to OutboxTally, so the metrics' totals stay
 * whole. Pending and in-flight rows are never touched.
 *
 * Deleting a row frees its dedupe key. That is safe because every key that a job could
 * write again names a day or a period that the job only acts on for a few days
 * (reminders, digests, the 14-day overdue window), far inside the retention period.
 */
import type { PrismaClient } from "../generated/prisma/client.js";

/** Finished notifications older than this many days are deleted. */
export const OUTBOX_RETENTION_DAYS = 90;

/**
 * Deletes finished notifications created before `now - OUTBOX_RETENTION_DAYS`; returns how
 * many. `batchSize`: rows per statement, which keeps each transaction and its locks short.
 */
export async function pruneOutbox(prisma: PrismaClient, now: Date, batchSize = 5000): Promise<number> {
  const cutoff = new Date(now.getTime() - OUTBOX_RETENTION_DAYS * 86_400_000);
  let total = 0;
  for (;;) {
    const [row] = await prisma.$queryRaw<{ deleted: number }[]>`
      WITH gone AS (
        DELETE FROM "Notification"
        WHERE id IN (
          SELECT id FROM "Notification"
          WHERE status IN ('SENT', 'FAILED', 'UNREACHABLE', 'CANCELLED') AND "createdAt" < ${cutoff}
          ORDER BY id
          LIMIT ${batchSize}
          FOR UPDATE SKIP LOCKED)
        RETURNING status),
      counted AS (SELECT status, count(*) AS n FROM gone GROUP BY status),
      tallied AS (
        INSERT INTO "OutboxTally" (status, count)
        SELECT status, n FROM counted
        ON CONFLICT (status) DO UPDATE SET count = "OutboxTally".count + EXCLUDED.count
        RETURNING 1)
      SELECT coalesce(sum(n), 0)::int AS deleted FROM counted`;
    const deleted = row?.deleted ?? 0;
    total += deleted;
    if (deleted < batchSize) return total;
  }
}
