/**
 * "Remind me tomorrow" under a reminder. The button carries `sc:snz:<subject>:<id>`:
 * `rp` + reporting period id (report reminders), `pt` + petition id (petition reminders).
 * The bot passes the pressing user and the parsed action to `snooze`, which enqueues the
 * same reminder for tomorrow at the organisation's reminderTime (out of quiet hours).
 *
 * The snoozed reminder uses the dedupe key of the scheduled reminder for tomorrow's
 * "days before", so when tomorrow is a scheduled reminder day too, one message goes, not
 * two; pressing the button twice enqueues nothing more.
 */
import { parseOrgSettings } from "../directory/settings.js";
import { formatDate } from "../i18n.js";
import {
  petitionReminderKey,
  petitionReminderPayload,
  PETITION_REMINDER_KIND,
} from "../jobs/petition-reminders.js";
import {
  REPORT_REMINDER_KIND,
  reportReminderKey,
  reportReminderPayload,
} from "../jobs/reporting-reminders.js";
import { type ParsedAction, idAt } from "../shared/actions.js";
import type { Clock } from "../shared/clock.js";
import { DomainError } from "../shared/errors.js";
import { addDays, daysBetween, localDay, parseHhmm, zonedTime } from "../shared/local-time.js";
import type { Tx } from "../shared/types.js";
import { enqueue } from "./outbox.js";
import { nextAllowedTime } from "./quiet-hours.js";

export const SNOOZE_FEATURE = "sc";
export const SNOOZE_VERB = "snz";
export type SnoozeSubject = "rp" | "pt";

export type SnoozeResult =
  | { status: "snoozed"; at: Date; messageKey: string; params: Record<string, string> }
  | { status: "notNeeded" | "tooLate"; messageKey: string; params: Record<string, string> };

/** `sc:snz:rp:12` → { subject: "rp", id: 12 }; null for anything else. */
export function parseSnoozeAction(
  parsed: ParsedAction | null,
): { subject: SnoozeSubject; id: number } | null {
  if (!parsed || parsed.feature !== SNOOZE_FEATURE || parsed.verb !== SNOOZE_VERB) return null;
  const subject = parsed.ids[0];
  const id = idAt(parsed, 1);
  if ((subject !== "rp" && subject !== "pt") || id === null) return null;
  return { subject, id };
}

/**
 * Enqueues the reminder again for tomorrow. Returns what happened with the locale key of
 * the answer for the user; throws DomainError for an id that is not theirs.
 */
export async function snooze(
  tx: Tx,
  clock: Clock,
  userId: number,
  subject: SnoozeSubject,
  subjectId: number,
): Promise<SnoozeResult> {
  const user = await tx.user.findUnique({
    where: { id: userId },
    select: { id: true, person: { select: { id: true, orgId: true, active: true } } },
  });
  const person = user?.person;
  if (!person || !person.active) throw new DomainError("common:errors.forbidden");
  const org = await tx.organization.findUniqueOrThrow({
    where: { id: person.orgId },
    select: { timezone: true, settings: true },
  });
  const settings = parseOrgSettings(org.settings);
  const tz = org.timezone;
  const now = clock.now();
  const tomorrow = addDays(localDay(now, tz), 1);
  const at = nextAllowedTime(
    settings,
    tz,
    zonedTime(tomorrow, parseHhmm(settings.notifications.reminderTime), tz),
  );
  const done = (status: "notNeeded" | "tooLate"): SnoozeResult => ({
    status,
    messageKey: `scheduling:snooze.${status}`,
    params: {},
  });

  if (subject === "rp") {
    const period = await tx.reportingPeriod.findUnique({ where: { id: subjectId } });
    if (!period || period.orgId !== person.orgId) throw new DomainError("common:errors.notFound");
    const submitted = await tx.report.count({
      where: { personId: person.id, periodId: period.id, status: { in: ["SUBMITTED", "APPROVED"] } },
    });
    if (submitted > 0) return done("notNeeded");
    const deadlineDay = localDay(period.deadline, tz);
    if (period.deadline.getTime() < now.getTime() || tomorrow > deadlineDay) return done("tooLate");
    const daysBefore = daysBetween(tomorrow, deadlineDay);
    await enqueue(tx, {
      userId: userId,
      kind: REPORT_REMINDER_KIND,
      dedupeKey: reportReminderKey(period.id, person.id, daysBefore),
      payload: reportReminderPayload(period, daysBefore),
      notBefore: at,
    });
  } else {
    const petition = await tx.petition.findUnique({
      where: { id: subjectId },
      select: { id: true, orgId: true, number: true, dueAt: true, status: true, assigneeId: true },
    });
    if (!petition || petition.orgId !== person.orgId) throw new DomainError("common:errors.notFound");
    if (petition.assigneeId !== person.id) throw new DomainError("common:errors.forbidden");
    if (petition.status !== "ASSIGNED" && petition.status !== "IN_PROGRESS") return done("notNeeded");
    const dueDay = localDay(petition.dueAt, tz);
    if (petition.dueAt.getTime() < now.getTime() || tomorrow > dueDay) return done("tooLate");
    const daysBefore = daysBetween(tomorrow, dueDay);
    await enqueue(tx, {
      userId: userId,
      kind: PETITION_REMINDER_KIND,
      dedupeKey: petitionReminderKey(petition.id, person.id, dueDay, daysBefore),
      payload: petitionReminderPayload(petition, daysBefore),
      notBefore: at,
    });
  }
  const time = new Intl.DateTimeFormat("en-GB", {
    timeZone: tz,
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  });
  return {
    status: "snoozed",
    at,
    messageKey: "scheduling:snooze.snoozed",
    params: { date: formatDate(at, tz), time: time.format(at) },
  };
}
