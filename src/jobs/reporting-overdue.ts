/**
 * After a reporting deadline: a notice to each person who has not submitted, and to each
 * head one list of their people who have not — once per period (dedupe keys
 * `report.overdue:<period>:<person>` and `report.overdueList:<period>:<head>`). Runs at the
 * organisation's reminderTime, so the notice goes the morning after the deadline day.
 * Periods whose deadline passed more than OVERDUE_WINDOW_DAYS ago are left alone.
 */
import { loadHeadIndex } from "../directory/heads.js";
import type { JobDeps } from "../scheduling/job-runner.js";
import { enqueueBulk, type NewNotification } from "../scheduling/outbox.js";
import { action } from "../shared/actions.js";
import {
  dateValue,
  enqueueAll,
  namesValue,
  orgsForSlot,
  peopleMissingReports,
  periodName,
  sendTime,
} from "./common.js";

export const OVERDUE_WINDOW_DAYS = 14;

export async function reportingOverdue(deps: JobDeps, slotTime: Date): Promise<{ enqueued: number }> {
  const { prisma, clock, logger } = deps;
  const now = clock.now();
  let enqueued = 0;
  for (const org of await orgsForSlot(prisma, slotTime, now, "reminderTime", logger)) {
    const periods = await prisma.reportingPeriod.findMany({
      where: {
        orgId: org.orgId,
        deadline: { lt: now, gte: new Date(now.getTime() - OVERDUE_WINDOW_DAYS * 86_400_000) },
      },
      orderBy: { deadline: "asc" },
    });
    if (periods.length === 0) continue;
    const heads = await loadHeadIndex(prisma, org.orgId);
    const notBefore = sendTime(org, now);

    const missingBy = await peopleMissingReports(
      prisma,
      periods.map((p) => p.id),
    );
    for (const period of periods) {
      const missing = missingBy.get(period.id) ?? [];
      if (missing.length === 0) continue;
      const common = {
        year: period.year,
        period: periodName(period.kind),
        deadline: dateValue(period.deadline),
      };
      enqueued += await enqueueBulk(prisma, {
        kind: "report.overdue",
        payload: {
          key: "scheduling:report.overdue",
          params: common,
          buttons: [[{ key: "scheduling:button.openReport", data: action("rp", "open") }]],
        },
        notBefore,
        recipients: missing.flatMap((p) =>
          p.userId === null
            ? []
            : [{ userId: p.userId, dedupeKey: `report.overdue:${period.id}:${p.personId}` }],
        ),
      });

      const rows: NewNotification[] = [];
      const byHead = new Map<number, string[]>();
      for (const p of missing) {
        for (const head of heads.headsOf({ id: p.personId, unitId: p.unitId })) {
          const names = byHead.get(head) ?? [];
          names.push(p.fullName);
          byHead.set(head, names);
        }
      }
      const headUsers = await prisma.user.findMany({
        where: { personId: { in: [...byHead.keys()] } },
        select: { id: true, personId: true },
      });
      for (const u of headUsers) {
        const names = byHead.get(u.personId as number) ?? [];
        rows.push({
          userId: u.id,
          kind: "report.overdueList",
          dedupeKey: `report.overdueList:${period.id}:${u.personId}`,
          payload: {
            key: "scheduling:report.overdueList",
            params: { ...common, count: names.length, names: namesValue(names) },
            buttons: [[{ key: "scheduling:button.reviewList", data: action("rv", "list") }]],
          },
          notBefore,
        });
      }
      enqueued += await enqueueAll(prisma, rows);
    }
  }
  return { enqueued };
}
