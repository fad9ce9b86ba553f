/**
 * Calendar arithmetic of petition terms in the organisation's time zone.
 *
 * The term rule: the day of receipt is not counted. A petition received on 10 March with a
 * 30-day term is due at the end of 9 April (23:59:59.999 local time), whatever hour it came
 * in. An extension by N days moves the due date to the end of the N-th day after the
 * current due day. Mongolia has no daylight-saving time, but the functions work for any
 * IANA zone.
 */

import {
  addDays,
  DEFAULT_TIME_ZONE,
  daysBetween,
  endOfDay,
  localDay,
  localTime,
  localYear,
  startOfDay,
} from "../shared/local-time.js";

/** The calendar year of an instant in the zone (the year of a registration number). */
export function localYearOf(instant: Date, timeZone = DEFAULT_TIME_ZONE): number {
  return localYear(instant, timeZone);
}

/** Due date of a petition received at `receivedAt` with a term of `days` days. */
export function dueDateFor(receivedAt: Date, days: number, timeZone = DEFAULT_TIME_ZONE): Date {
  return endOfDay(addDays(localDay(receivedAt, timeZone), days), timeZone);
}

/** The due date moved by an extension of `days` days. */
export function extendDueDate(dueAt: Date, days: number, timeZone = DEFAULT_TIME_ZONE): Date {
  return endOfDay(addDays(localDay(dueAt, timeZone), days), timeZone);
}

/** Whole calendar days from one instant's local date to another's (may be negative). */
export function calendarDaysBetween(from: Date, to: Date, timeZone = DEFAULT_TIME_ZONE): number {
  return daysBetween(localDay(from, timeZone), localDay(to, timeZone));
}

/**
 * A quarter of a year in the zone as a half-open range [from, to) of ISO instants:
 * Q1 2026 in Ulaanbaatar is 2025-12-31T16:00:00.000Z .. 2026-03-31T16:00:00.000Z.
 */
export function quarterRange(year: number, quarter: 1 | 2 | 3 | 4, timeZone = DEFAULT_TIME_ZONE) {
  if (![1, 2, 3, 4].includes(quarter) || !Number.isInteger(year)) {
    throw new RangeError(`invalid quarter ${year} Q${quarter}`);
  }
  const startMonth = (quarter - 1) * 3 + 1;
  const from = localTime(timeZone, year, startMonth, 1);
  // Q4 ends where the next year begins (month 13 rolls over to January).
  const to = localTime(timeZone, year, startMonth + 3, 1);
  return { from: from.toISOString(), to: to.toISOString() };
}

/** ISO date-time, or a date (YYYY-MM-DD) meaning the start of that day in the zone. */
export function parseReceivedAt(raw: string | Date, timeZone = DEFAULT_TIME_ZONE): Date | null {
  if (raw instanceof Date) return Number.isNaN(raw.getTime()) ? null : raw;
  if (typeof raw !== "string") return null;
  const s = raw.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) {
    const start = startOfDay(s, timeZone);
    // Not a real day (2026-13-01, 2026-02-30): the start lands on another day.
    return localDay(start, timeZone) === s ? start : null;
  }
  if (!/^\d{4}-\d{2}-\d{2}T/.test(s)) return null;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? null : d;
}

// ─────────────── what the Law on petitions allows once a term has passed ───────────────

/** Calendar days a term is overdue at `now` (0 while it is running). */
export function daysOverdue(dueAt: Date, now: Date, timeZone = DEFAULT_TIME_ZONE): number {
  if (now.getTime() <= dueAt.getTime()) return 0;
  return Math.max(1, calendarDaysBetween(dueAt, now, timeZone));
}

/**
 * An extension is requested and decided within the term: once the term has passed the
 * petition is late and cannot be given more time the normal way. Returns the refusal's
 * locale key, or null while an extension may still be asked for.
 */
export function extensionRefusal(dueAt: Date, now: Date): string | null {
  return now.getTime() > dueAt.getTime() ? "petitions:errors.extensionOverdue" : null;
}

/**
 * A petition outside the organisation's competence is forwarded within the forward term
 * (7 days). After it, forwarding is still allowed, because the petition must reach the
 * competent body, but it is late: the person forwarding is warned first, the forward is
 * recorded as late and the head is told.
 */
export function forwardIsLate(forwardBy: Date, now: Date): boolean {
  return now.getTime() > forwardBy.getTime();
}
