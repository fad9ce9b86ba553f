/**
 * Wall-clock arithmetic in an organisation's time zone: calendar days (YYYY-MM-DD), the
 * local time of an instant, and the instant at which a zone's clock shows a given day and
 * time. Business rules reason in local days ("3 days before the deadline", "a 30-day
 * term"); the database stores instants. Mongolia has no daylight-saving time, but every
 * function works for any IANA zone.
 */

/** The time zone of the organisations (UTC+8, no daylight-saving time). */
export const DEFAULT_TIME_ZONE = "Asia/Ulaanbaatar";

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      weekday: "short",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True for a time zone name the runtime knows (e.g. Asia/Ulaanbaatar). */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

export interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** ISO weekday: 1 = Monday … 7 = Sunday. */
  weekday: number;
  /** YYYY-MM-DD */
  date: string;
  /** Minutes since local midnight. */
  minutes: number;
}

/**
 * The wall-clock reading of `at` in `timeZone`: the instant moved by the zone's offset,
 * read as UTC. The offset comes from the runtime's time zone data once per zone and quarter
 * of an hour (`offsetAt`); a reading through Intl costs some twenty times more.
 */
export function localParts(at: Date, timeZone: string): LocalParts {
  const t = at.getTime();
  const wall = new Date(t + offsetAt(t, timeZone));
  return partsOf(
    wall.getUTCFullYear(),
    wall.getUTCMonth() + 1,
    wall.getUTCDate(),
    wall.getUTCHours(),
    wall.getUTCMinutes(),
    wall.getUTCSeconds(),
    wall.getUTCDay() || 7,
  );
}

/** The wall-clock reading of `at` in `timeZone` as Intl gives it (the reference of `localParts`). */
export function intlParts(at: Date, timeZone: string): LocalParts {
  const parts = formatter(timeZone).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  const n = (type: string) => Number(get(type));
  return partsOf(
    n("year"),
    n("month"),
    n("day"),
    n("hour"),
    n("minute"),
    n("second"),
    WEEKDAYS[get("weekday")] ?? 1,
  );
}

function partsOf(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  weekday: number,
): LocalParts {
  const date = `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
  return { year, month, day, hour, minute, second, weekday, date, minutes: hour * 60 + minute };
}

/** Offsets change on whole minutes, at most once in any quarter of an hour. */
const OFFSET_SPAN_MS = 15 * 60_000;
const offsets = new Map<string, number>();

/** The zone's offset (wall clock minus UTC, in ms) at instant `t`. */
function offsetAt(t: number, timeZone: string): number {
  const span = Math.floor(t / OFFSET_SPAN_MS);
  const key = `${timeZone} ${span}`;
  const known = offsets.get(key);
  if (known !== undefined) return known;
  const start = intlOffset(span * OFFSET_SPAN_MS, timeZone);
  // The offset changes within this quarter hour: read it for this instant alone.
  if (intlOffset((span + 1) * OFFSET_SPAN_MS - 1000, timeZone) !== start) return intlOffset(t, timeZone);
  if (offsets.size >= 50_000) offsets.clear();
  offsets.set(key, start);
  return start;
}

function intlOffset(t: number, timeZone: string): number {
  const p = intlParts(new Date(t), timeZone);
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return wall - Math.floor(t / 1000) * 1000;
}

/** The calendar day (YYYY-MM-DD) of an instant in a time zone. */
export function localDay(at: Date, timeZone: string): string {
  return localParts(at, timeZone).date;
}

/** The calendar year of an instant in a time zone. */
export function localYear(at: Date, timeZone: string): number {
  return localParts(at, timeZone).year;
}

// ───────────────────────────── calendar days ─────────────────────────────

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar day written YYYY-MM-DD. */
export function isIsoDate(s: string): boolean {
  const m = ISO_DAY.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

/** Accepts 2026-03-20, 2026.03.20 or 2026/03/20 (and single-digit month/day); null if not a real day. */
export function normalizeDate(s: string): string | null {
  const m = /^(\d{4})[-./](\d{1,2})[-./](\d{1,2})$/.exec(s.trim());
  if (!m) return null;
  const iso = `${m[1]}-${m[2]!.padStart(2, "0")}-${m[3]!.padStart(2, "0")}`;
  return isIsoDate(iso) ? iso : null;
}

function splitDay(day: string): [number, number, number] {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return [y, m, d];
}

/** The day `n` days after (before, when negative) a YYYY-MM-DD day. */
export function addDays(day: string, n: number): string {
  const [y, m, d] = splitDay(day);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

/** Whole days from day `a` to day `b` (positive when b is later). */
export function daysBetween(a: string, b: string): number {
  const [ya, ma, da] = splitDay(a);
  const [yb, mb, db] = splitDay(b);
  return Math.round((Date.UTC(yb, mb - 1, db) - Date.UTC(ya, ma - 1, da)) / 86_400_000);
}

/** ISO weekday (1 = Monday … 7 = Sunday) of a YYYY-MM-DD day. */
export function weekdayOf(day: string): number {
  const [y, m, d] = splitDay(day);
  const w = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  return w === 0 ? 7 : w;
}

// ───────────────────────────── instants ─────────────────────────────

/** Offset of the zone from UTC at instant `t`, in milliseconds (UTC+8 → 8 h). */
export function zoneOffsetMs(t: number, timeZone: string): number {
  const p = localParts(new Date(t), timeZone);
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return wall - Math.floor(t / 1000) * 1000;
}

/**
 * The instant at which the wall clock of `timeZone` shows the given local time. Fields out
 * of range roll over as in `Date.UTC` (day 0 is the last day of the previous month).
 */
export function localTime(
  timeZone: string,
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
): Date {
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  let t = wall - zoneOffsetMs(wall, timeZone);
  // A second pass settles days on which the offset changes (daylight saving elsewhere).
  t = wall - zoneOffsetMs(t, timeZone);
  return new Date(t);
}

/** The instant at which the clock of `timeZone` shows `day` at `minutes` past midnight. */
export function zonedTime(day: string, minutes: number, timeZone: string, seconds = 0): Date {
  const [y, m, d] = splitDay(day);
  return localTime(timeZone, y, m, d, 0, minutes, seconds);
}

/** The first moment (00:00:00 local) of a day. */
export function startOfDay(day: string, timeZone: string): Date {
  return zonedTime(day, 0, timeZone);
}

/** The last millisecond (23:59:59.999 local) of a day. */
export function endOfDay(day: string, timeZone: string): Date {
  return new Date(startOfDay(addDays(day, 1), timeZone).getTime() - 1);
}

/** "09:00" → 540. */
export function parseHhmm(hhmm: string): number {
  const [h, m] = hhmm.split(":").map(Number) as [number, number];
  return h * 60 + m;
}

/** `2026-03-13T09:00+08:00`: an instant written in a zone's local time (slot names). */
export function formatLocalIso(at: Date, timeZone: string): string {
  const p = localParts(at, timeZone);
  const offsetMin = Math.round(zoneOffsetMs(at.getTime(), timeZone) / 60_000);
  const sign = offsetMin < 0 ? "-" : "+";
  const abs = Math.abs(offsetMin);
  const off = `${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
  const time = `${String(p.hour).padStart(2, "0")}:${String(p.minute).padStart(2, "0")}`;
  const sec = p.second ? `:${String(p.second).padStart(2, "0")}` : "";
  return `${p.date}T${time}${sec}${off}`;
}
