/**
 * What the scheduled jobs share: which organisations a slot is for (each organisation has
 * its own reminder and digest time and time zone), the local days a job reasons in, the
 * people who still owe a report, and small payload builders.
 *
 * The jobs tick hourly; a job acts for an organisation in the slot of the hour that
 * contains the organisation's configured time (e.g. reminderTime 09:30 → the 09:00 slot)
 * and gives its messages that time as `notBefore` (moved out of quiet hours).
 */
import { type OrgSettings, parseOrgSettings } from "../directory/settings.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import type { Logger } from "../logger.js";
import { reportDuties } from "../reporting/due.js";
import { enqueue, type NewNotification, type PayloadValue } from "../scheduling/outbox.js";
import { type MessageClass, nextAllowedTime } from "../scheduling/quiet-hours.js";
import { daysBetween, localParts, parseHhmm, zonedTime } from "../shared/local-time.js";

export interface OrgSlot {
  orgId: number;
  timeZone: string;
  settings: OrgSettings;
  /** The local day the slot belongs to (YYYY-MM-DD). */
  day: string;
  /** The local day of the clock's now: later than `day` when a missed slot is caught up. */
  today: string;
  /** When this organisation's messages of the slot are meant to go out. */
  at: Date;
}

/**
 * The active organisations whose configured time (`notifications[timeKey]`) falls in the
 * hour of the slot, in their own time zone.
 */
export async function orgsForSlot(
  prisma: PrismaClient,
  slotTime: Date,
  now: Date,
  timeKey: "reminderTime" | "digestTime",
  logger?: Logger,
): Promise<OrgSlot[]> {
  const orgs = await prisma.organization.findMany({
    where: { active: true },
    select: { id: true, timezone: true, settings: true },
    orderBy: { id: "asc" },
  });
  const out: OrgSlot[] = [];
  for (const org of orgs) {
    let settings: OrgSettings;
    try {
      settings = parseOrgSettings(org.settings);
    } catch (err) {
      logger?.warn(
        { orgId: org.id, err: String(err) },
        "jobs: invalid organisation settings, using defaults",
      );
      settings = parseOrgSettings({});
    }
    const tz = org.timezone;
    const local = localParts(slotTime, tz);
    const minutes = parseHhmm(settings.notifications[timeKey]);
    if (Math.floor(minutes / 60) !== local.hour) continue;
    out.push({
      orgId: org.id,
      timeZone: tz,
      settings,
      day: local.date,
      today: localParts(now, tz).date,
      at: zonedTime(local.date, minutes, tz),
    });
  }
  return out;
}

/** When a message of the slot may go: its time, not before now, outside quiet hours. */
export function sendTime(slot: OrgSlot, now: Date, kind: MessageClass = "message"): Date {
  const at = slot.at.getTime() > now.getTime() ? slot.at : now;
  return nextAllowedTime(slot.settings, slot.timeZone, at, kind);
}

/**
 * Whether the reminder due `daysBefore` days before `deadlineDay` has been overtaken by a
 * later one that is already due today (a missed slot caught up after downtime): then only
 * the later reminder goes, not both.
 */
export function supersededReminder(
  reminderDays: readonly number[],
  daysBefore: number,
  deadlineDay: string,
  today: string,
): boolean {
  const remaining = daysBetween(today, deadlineDay);
  return reminderDays.some((d) => d < daysBefore && remaining <= d);
}

/** The reminder text for a deadline `remaining` days away. */
export function countdownKey(base: string, remaining: number): string {
  if (remaining <= 0) return `${base}Today`;
  if (remaining === 1) return `${base}Tomorrow`;
  return base;
}

/** Writes notification rows in chunks; returns how many were new. */
export async function enqueueAll(
  prisma: PrismaClient,
  rows: NewNotification[],
  chunk = 2000,
): Promise<number> {
  let n = 0;
  for (let i = 0; i < rows.length; i += chunk) n += await enqueue(prisma, rows.slice(i, i + chunk));
  return n;
}

export const periodName = (kind: string): PayloadValue => ({ t: `scheduling:period.${kind}` });
export const dateValue = (d: Date): PayloadValue => ({ date: d.toISOString() });

/** A list of at most `max` lines, with "… and N more" when longer. */
export function listValue(lines: PayloadValue[], max = 25): PayloadValue {
  if (lines.length <= max) return { join: lines };
  return {
    join: [...lines.slice(0, max), { t: "scheduling:list.more", params: { count: lines.length - max } }],
  };
}

/** A comma-separated list of names, at most `max`, with "and N more". */
export function namesValue(names: string[], max = 30): PayloadValue {
  if (names.length <= max) return { join: names, sep: ", " };
  return {
    join: [
      { join: names.slice(0, max), sep: ", " },
      { t: "scheduling:list.andMore", params: { count: names.length - max } },
    ],
    sep: " ",
  };
}

export interface MissingReport {
  personId: number;
  fullName: string;
  unitId: number | null;
  userId: number | null;
}

/**
 * For each period: the people who owe its report and have not handed it in, by the one
 * definition of src/reporting/due.ts (a plan for the year, not superseded; SUBMITTED or
 * APPROVED counts as handed in).
 */
export async function peopleMissingReports(
  prisma: PrismaClient,
  periodIds: number[],
): Promise<Map<number, MissingReport[]>> {
  const duties = await reportDuties(prisma, periodIds);
  const out = new Map<number, MissingReport[]>();
  for (const [periodId, list] of duties) {
    out.set(
      periodId,
      list
        .filter((d) => !d.submitted)
        .map(({ personId, fullName, unitId, userId }) => ({ personId, fullName, unitId, userId })),
    );
  }
  return out;
}
