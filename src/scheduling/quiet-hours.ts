/**
 * Quiet hours: no message reaches anyone between `notifications.quietStart` and
 * `quietEnd` (21:00–08:00 by default) in the organisation's time zone, and digests also
 * wait over the weekend unless `digestsOnWeekends` is set. Jobs give every row the
 * `notBefore` this returns; the delivery worker checks again before sending, so messages
 * written by other capabilities in the evening also wait for the morning.
 */
import type { OrgSettings } from "../directory/settings.js";
import { addDays, localParts, parseHhmm, weekdayOf, zonedTime } from "../shared/local-time.js";

/** "digest" waits over weekends too; everything else only over the night. */
export type MessageClass = "message" | "digest";

type NotificationSettings = Pick<OrgSettings, "notifications">;

/** True when the local minute-of-day falls inside the (possibly midnight-crossing) window. */
function inWindow(minutes: number, start: number, end: number): boolean {
  if (start === end) return false;
  return start < end ? minutes >= start && minutes < end : minutes >= start || minutes < end;
}

/**
 * The first moment at or after `at` when a message of this class may be sent: `at`
 * itself outside quiet hours, else the end of the quiet period (for digests on a weekend:
 * Monday at the end of the night's quiet hours).
 */
export function nextAllowedTime(
  settings: NotificationSettings,
  timeZone: string,
  at: Date,
  kind: MessageClass = "message",
): Date {
  const n = settings.notifications;
  const quietStart = parseHhmm(n.quietStart);
  const quietEnd = parseHhmm(n.quietEnd);
  const local = localParts(at, timeZone);

  let day = local.date;
  let result = at;
  if (inWindow(local.minutes, quietStart, quietEnd)) {
    // Before quietEnd today (early morning) or after quietStart (evening: tomorrow morning).
    if (local.minutes >= quietEnd) day = addDays(day, 1);
    result = zonedTime(day, quietEnd, timeZone);
  }

  if (kind === "digest" && !n.digestsOnWeekends) {
    const weekday = weekdayOf(day);
    if (weekday >= 6) {
      const monday = addDays(day, 8 - weekday);
      result = zonedTime(monday, quietEnd, timeZone);
    }
  }
  return result.getTime() < at.getTime() ? at : result;
}

/** True when nothing of this class may be sent at `at`. */
export function isQuiet(
  settings: NotificationSettings,
  timeZone: string,
  at: Date,
  kind: MessageClass = "message",
): boolean {
  return nextAllowedTime(settings, timeZone, at, kind).getTime() > at.getTime();
}
