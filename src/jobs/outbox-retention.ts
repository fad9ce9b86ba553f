/**
 * Nightly: deletes finished notifications older than OUTBOX_RETENTION_DAYS from the
 * outbox (src/scheduling/retention.ts). Sends nothing. Running a slot twice, or two
 * slots after a pause, deletes nothing more than running it once.
 */
import type { JobDeps } from "../scheduling/job-runner.js";
import { pruneOutbox } from "../scheduling/retention.js";

export async function outboxRetention(deps: JobDeps): Promise<{ enqueued: number }> {
  const deleted = await pruneOutbox(deps.prisma, deps.clock.now());
  if (deleted > 0) deps.logger?.info({ deleted }, "jobs: old finished notifications deleted");
  return { enqueued: 0 };
}
