/**
 * Reporting reminders: 7, 3 and 1 days before each open period's deadline and on the day
 * (settings.reporting.reminderDaysBefore), at the organisation's reminderTime, to each
 * active person with a plan for the year who has not submitted the period's report.
 * One message per person and reminder day: `report.reminder:<period>:<person>:d<days>`.
 *
 * After downtime a missed reminder still goes once, unless a later reminder is already
 * due or the deadline has passed (then the overdue notice of ./reporting-overdue.ts goes).
 */
import type { ReportingPeriod } from "../generated/prisma/client.js";
import { type BulkNotification, enqueueBulk, type NewNotification } from "../scheduling/outbox.js";
import type { JobDeps } from "../scheduling/job-runner.js";
import { action } from "../shared/actions.js";
import { daysBetween, localDay } from "../shared/local-time.js";
import {
  countdownKey,
  dateValue,
  orgsForSlot,
  peopleMissingReports,
  periodName,
  sendTime,
  supersededReminder,
} from "./common.js";

export const REPORT_REMINDER_KIND = "report.reminder";

export function reportReminderKey(periodId: number, personId: number, daysBefore: number): string {
  return `${REPORT_REMINDER_KIND}:${periodId}:${personId}:d${daysBefore}`;
}

/** The reminder message for a period whose deadline is `remaining` days away. */
export function reportReminderPayload(
  period: { id: number; year: number; kind: string; deadline: Date },
  remaining: number,
): NewNotification["payload"] {
  const open = { key: "scheduling:button.openReport", data: action("rp", "open") };
  const snooze = { key: "scheduling:button.remindTomorrow", data: action("sc", "snz", "rp", period.id) };
  return {
    key: countdownKey("scheduling:report.reminder", remaining),
    params: {
      year: period.year,
      period: periodName(period.kind),
      days: remaining,
      deadline: dateValue(period.deadline),
    },
    // On the deadline day there is no tomorrow to be reminded on.
    buttons: remaining > 0 ? [[open, snooze]] : [[open]],
  };
}

export async function reportingReminders(deps: JobDeps, slotTime: Date): Promise<{ enqueued: number }> {
  const { prisma, clock, logger } = deps;
  const now = clock.now();
  // Which reminder each organisation's open periods are due for in this slot…
  const due: { period: ReportingPeriod; daysBefore: number; remaining: number; notBefore: Date }[] = [];
  for (const org of await orgsForSlot(prisma, slotTime, now, "reminderTime", logger)) {
    const reminderDays = org.settings.reporting.reminderDaysBefore;
    const periods = await prisma.reportingPeriod.findMany({
      where: { orgId: org.orgId, opensAt: { lte: now }, deadline: { gt: now } },
      orderBy: { deadline: "asc" },
    });
    for (const period of periods) {
      const deadlineDay = localDay(period.deadline, org.timeZone);
      const daysBefore = daysBetween(org.day, deadlineDay);
      if (!reminderDays.includes(daysBefore)) continue;
      if (supersededReminder(reminderDays, daysBefore, deadlineDay, org.today)) continue;
      due.push({
        period,
        daysBefore,
        remaining: daysBetween(org.today, deadlineDay),
        notBefore: sendTime(org, now),
      });
    }
  }

  // …and who still owes each report.
  const missing = await peopleMissingReports(
    prisma,
    due.map((d) => d.period.id),
  );
  let enqueued = 0;
  for (const { period, daysBefore, remaining, notBefore } of due) {
    const recipients: BulkNotification["recipients"] = [];
    for (const p of missing.get(period.id) ?? []) {
      if (p.userId === null) continue; // not linked yet: the heads' digest lists them
      recipients.push({ userId: p.userId, dedupeKey: reportReminderKey(period.id, p.personId, daysBefore) });
    }
    enqueued += await enqueueBulk(prisma, {
      kind: REPORT_REMINDER_KIND,
      payload: reportReminderPayload(period, remaining),
      notBefore,
      recipients,
    });
  }
  return { enqueued };
}
