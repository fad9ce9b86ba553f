/**
 * Petition reminders: to the assignee of each open petition (ASSIGNED, IN_PROGRESS) 7, 3
 * and 1 days before its due date (settings.petitions.reminderDaysBefore), at the
 * organisation's reminderTime. The dedupe key holds the assignee and the due day, so a
 * reassigned or extended petition is reminded again for the new person or date.
 */
import type { JobDeps } from "../scheduling/job-runner.js";
import type { NewNotification } from "../scheduling/outbox.js";
import { action } from "../shared/actions.js";
import { daysBetween, localDay } from "../shared/local-time.js";
import { countdownKey, dateValue, enqueueAll, orgsForSlot, sendTime, supersededReminder } from "./common.js";

export const PETITION_REMINDER_KIND = "petition.reminder";

export function petitionReminderKey(
  petitionId: number,
  assigneeId: number,
  dueDay: string,
  daysBefore: number,
) {
  return `${PETITION_REMINDER_KIND}:${petitionId}:${assigneeId}:${dueDay}:d${daysBefore}`;
}

export function petitionReminderPayload(
  p: { id: number; number: string; dueAt: Date },
  remaining: number,
): NewNotification["payload"] {
  const open = { key: "scheduling:button.openPetition", data: action("pt", "open", p.id) };
  const snooze = { key: "scheduling:button.remindTomorrow", data: action("sc", "snz", "pt", p.id) };
  return {
    key: countdownKey("scheduling:petition.reminder", remaining),
    params: { number: p.number, days: remaining, due: dateValue(p.dueAt) },
    buttons: remaining > 0 ? [[open, snooze]] : [[open]],
  };
}

export async function petitionReminders(deps: JobDeps, slotTime: Date): Promise<{ enqueued: number }> {
  const { prisma, clock, logger } = deps;
  const now = clock.now();
  let enqueued = 0;
  for (const org of await orgsForSlot(prisma, slotTime, now, "reminderTime", logger)) {
    const reminderDays = org.settings.petitions.reminderDaysBefore;
    if (reminderDays.length === 0) continue;
    const horizon = new Date(now.getTime() + (Math.max(...reminderDays) + 2) * 86_400_000);
    const petitions = await prisma.petition.findMany({
      where: {
        orgId: org.orgId,
        status: { in: ["ASSIGNED", "IN_PROGRESS"] },
        assigneeId: { not: null },
        dueAt: { gt: now, lte: horizon },
      },
      select: { id: true, number: true, dueAt: true, assigneeId: true, assignee: { select: { user: true } } },
      orderBy: { dueAt: "asc" },
    });
    const notBefore = sendTime(org, now);
    const rows: NewNotification[] = [];
    for (const p of petitions) {
      const user = p.assignee?.user;
      if (!user || p.assigneeId === null) continue;
      const dueDay = localDay(p.dueAt, org.timeZone);
      const daysBefore = daysBetween(org.day, dueDay);
      if (!reminderDays.includes(daysBefore)) continue;
      if (supersededReminder(reminderDays, daysBefore, dueDay, org.today)) continue;
      rows.push({
        userId: user.id,
        kind: PETITION_REMINDER_KIND,
        dedupeKey: petitionReminderKey(p.id, p.assigneeId, dueDay, daysBefore),
        payload: petitionReminderPayload(p, daysBetween(org.today, dueDay)),
        notBefore,
      });
    }
    enqueued += await enqueueAll(prisma, rows);
  }
  return { enqueued };
}
