/**
 * The reporting calendar of an organisation: one row per period (Q1, H1, Q3, YEAR) and year,
 * with the moment it opens and its deadline.
 *
 * - Defaults come from the organisation's settings (deadlines Q1 03-20, H1 06-15, Q3 09-20,
 *   YEAR 12-10; a period opens 14 days before its deadline). The deadline is 23:59:59 and the
 *   opening 00:00:00 local time in the organisation's time zone (Asia/Ulaanbaatar, UTC+8).
 *   `ensureYear` creates the missing rows of a year; rows written with `savePeriod` (the
 *   directory file, the admin's calendar edit) are kept as they are.
 * - The current period is the one that opened last (opensAt ≤ now). Until its deadline it is
 *   open; after the deadline it stays open for late submission until the next period opens,
 *   so an official who missed the deadline can still hand in the report (marked late).
 * - Quarters covered: Q1 → [1], H1 → [1, 2] (seed 000 is a half-year report on January–June),
 *   Q3 → [3], YEAR → [1, 2, 3, 4]. A measure is due in a period when its quarters intersect
 *   the period's quarters; a measure without quarters is due in every period.
 */
import type { PeriodKind, ReportingPeriod } from "../generated/prisma/client.js";
import { sqlFor } from "../db/direct.js";
import { parseOrgSettings } from "../directory/settings.js";
import { addDays, localYear, startOfDay, zonedTime } from "../shared/local-time.js";
import type { Tx, UpsertOutcome } from "../shared/types.js";

/** The calendar year at an instant in a zone (lives in src/shared/local-time.ts). */
export { localYear };

export const PERIOD_KINDS: readonly PeriodKind[] = ["Q1", "H1", "Q3", "YEAR"];

const QUARTERS_OF: Record<PeriodKind, readonly number[]> = {
  Q1: [1],
  H1: [1, 2],
  Q3: [3],
  YEAR: [1, 2, 3, 4],
};

/** The quarters a period's report covers. */
export function periodQuarters(kind: PeriodKind): number[] {
  return [...QUARTERS_OF[kind]];
}

/** Whether a measure reported in `quarters` (empty = all year) is due in a period of `kind`. */
export function isDueIn(quarters: readonly number[], kind: PeriodKind): boolean {
  if (quarters.length === 0) return true;
  return quarters.some((q) => QUARTERS_OF[kind].includes(q));
}

/**
 * Whether the plan says a measure is due in a period of `kind`: its quarters meet the
 * period's, and it does not start after the period ends (a measure planned for
 * September–December is not due in the half-year report even when its row says I–IV).
 * An official may declare a measure not due only where this is false, or else the
 * declaration is counted as 0% and shown to the head (./report-service.ts).
 */
export function dueByPlan(
  measure: { quarters: readonly number[]; startMonth: number | null },
  kind: PeriodKind,
): boolean {
  if (!isDueIn(measure.quarters, kind)) return false;
  const lastMonth = Math.max(...QUARTERS_OF[kind]) * 3;
  return measure.startMonth === null || measure.startMonth <= lastMonth;
}

/** A period as services return it (JSON-friendly). */
export interface PeriodView {
  id: number;
  year: number;
  kind: PeriodKind;
  opensAt: string;
  deadline: string;
  quarters: number[];
}

export function periodView(
  p: Pick<ReportingPeriod, "id" | "year" | "kind" | "opensAt" | "deadline">,
): PeriodView {
  return {
    id: p.id,
    year: p.year,
    kind: p.kind,
    opensAt: p.opensAt.toISOString(),
    deadline: p.deadline.toISOString(),
    quarters: periodQuarters(p.kind),
  };
}

// ───────────────────────────── rows ─────────────────────────────

/** A period given by its days (YYYY-MM-DD in the organisation's time zone). */
export interface PeriodDays {
  year: number;
  kind: PeriodKind;
  /** The organisation's default deadline of the period when absent. */
  deadline?: string | null;
  /** `opensDaysBefore` days before the deadline day when absent. */
  opens?: string | null;
}

export interface PeriodDates {
  opensAt: Date;
  deadline: Date;
}

/** What an organisation's calendar rules need: its time zone and settings. */
export interface CalendarOrg {
  id: number;
  timezone: string;
  settings: unknown;
}

/**
 * The stored instants of a period: the deadline is 23:59:59 local time of its day (so a
 * report handed in on the deadline day is on time); the period opens at 00:00 local time of
 * its opening day.
 */
export function periodDates(input: PeriodDays, org: Pick<CalendarOrg, "timezone" | "settings">): PeriodDates {
  const { deadlines, opensDaysBefore } = parseOrgSettings(org.settings).reporting;
  const deadlineDay = input.deadline ?? `${input.year}-${deadlines[input.kind]}`;
  const opensDay = input.opens ?? addDays(deadlineDay, -opensDaysBefore);
  return {
    opensAt: startOfDay(opensDay, org.timezone),
    deadline: zonedTime(deadlineDay, 23 * 60 + 59, org.timezone, 59),
  };
}

function calendarOrg(tx: Tx, orgId: number): Promise<CalendarOrg> {
  return tx.organization.findUniqueOrThrow({
    where: { id: orgId },
    select: { id: true, timezone: true, settings: true },
  });
}

async function orgTimezone(tx: Tx, orgId: number): Promise<string> {
  const org = await tx.organization.findUniqueOrThrow({ where: { id: orgId }, select: { timezone: true } });
  return org.timezone;
}

/** Creates the year's missing periods from the settings; returns the year's four periods. */
export async function ensureYear(
  tx: Tx,
  orgId: number,
  year: number,
  known?: { org: CalendarOrg; periods: ReportingPeriod[] },
): Promise<ReportingPeriod[]> {
  const existing =
    known?.periods.filter((p) => p.year === year) ??
    (await tx.reportingPeriod.findMany({ where: { orgId, year }, orderBy: { deadline: "asc" } }));
  if (existing.length >= PERIOD_KINDS.length) return existing;
  const org = known?.org ?? (await calendarOrg(tx, orgId));
  const have = new Set(existing.map((p) => p.kind));
  const created = await tx.reportingPeriod.createManyAndReturn({
    data: PERIOD_KINDS.filter((k) => !have.has(k)).map((kind) => ({
      orgId,
      year,
      kind,
      ...periodDates({ year, kind }, org),
    })),
    skipDuplicates: true,
  });
  const all = [...existing, ...created];
  // Created at the same moment elsewhere (skipped here as duplicates): read them.
  if (all.length < PERIOD_KINDS.length)
    return tx.reportingPeriod.findMany({ where: { orgId, year }, orderBy: { deadline: "asc" } });
  return all.sort((a, b) => a.deadline.getTime() - b.deadline.getTime());
}

/**
 * Creates or updates one period (natural key: organisation, year, period) from its days:
 * the directory file and the admin's calendar edit write through here. Reports already
 * handed in keep their late flag.
 */
export async function savePeriod(
  tx: Tx,
  org: CalendarOrg,
  input: PeriodDays,
): Promise<{ period: ReportingPeriod; outcome: UpsertOutcome }> {
  const { opensAt, deadline } = periodDates(input, org);
  const key = { orgId: org.id, year: input.year, kind: input.kind };
  const existing = await tx.reportingPeriod.findUnique({ where: { orgId_year_kind: key } });
  if (!existing) {
    return {
      period: await tx.reportingPeriod.create({ data: { ...key, opensAt, deadline } }),
      outcome: "created",
    };
  }
  if (
    existing.opensAt.getTime() === opensAt.getTime() &&
    existing.deadline.getTime() === deadline.getTime()
  ) {
    return { period: existing, outcome: "unchanged" };
  }
  const period = await tx.reportingPeriod.update({ where: { id: existing.id }, data: { opensAt, deadline } });
  return { period, outcome: "updated" };
}

/**
 * Sets one period's deadline day (and opening day; by default `opensDaysBefore` days
 * before the deadline day).
 */
export async function setPeriod(
  tx: Tx,
  orgId: number,
  input: { year: number; kind: PeriodKind; deadline: string; opensAt?: string },
): Promise<ReportingPeriod> {
  const org = await calendarOrg(tx, orgId);
  const { period } = await savePeriod(tx, org, {
    year: input.year,
    kind: input.kind,
    deadline: input.deadline,
    opens: input.opensAt,
  });
  return period;
}

export interface CurrentPeriod {
  period: ReportingPeriod;
  /** The deadline has passed: reports handed in now are late. */
  late: boolean;
}

/**
 * The period officials report for at `now`: the one that opened last. Creates the year's
 * default periods first. Null before the first period of any year has opened.
 */
export async function currentPeriod(tx: Tx, orgId: number, now: Date): Promise<CurrentPeriod | null> {
  // One statement in the usual case: the organisation's calendar with the periods of the
  // years around now (the local year is within one of the UTC year).
  const utcYear = now.getUTCFullYear();
  const rows = await sqlFor(tx).query<
    CalendarOrg & { [K in keyof ReportingPeriod as `p_${K}`]: ReportingPeriod[K] | null }
  >(
    `SELECT o.id, o.timezone, o.settings, p.id AS "p_id", p."orgId" AS "p_orgId", p.year AS "p_year",
       p.kind::text AS "p_kind", p."opensAt" AS "p_opensAt", p.deadline AS "p_deadline"
     FROM "Organization" o
     LEFT JOIN "ReportingPeriod" p ON p."orgId" = o.id AND p.year BETWEEN $2::int AND $3::int
     WHERE o.id = $1::int
     ORDER BY p.id`,
    [orgId, utcYear - 1, utcYear + 1],
  );
  const first = rows[0];
  if (!first) throw new Error(`no organisation ${orgId}`);
  const calendar: CalendarOrg = { id: first.id, timezone: first.timezone, settings: first.settings };
  const periods: ReportingPeriod[] = rows.flatMap((r) =>
    r.p_id === null
      ? []
      : [
          {
            id: r.p_id,
            orgId: r.p_orgId!,
            year: r.p_year!,
            kind: r.p_kind!,
            opensAt: r.p_opensAt!,
            deadline: r.p_deadline!,
          },
        ],
  );
  const year = localYear(now, calendar.timezone);
  const thisYear = await ensureYear(tx, orgId, year, { org: calendar, periods });
  const candidates = [...periods.filter((p) => p.year !== year), ...thisYear];
  let period = candidates
    .filter((p) => p.opensAt.getTime() <= now.getTime())
    .sort((a, b) => b.opensAt.getTime() - a.opensAt.getTime() || b.id - a.id)[0];
  // Nothing opened in those years (an organisation that skipped a year): look further back.
  period ??=
    (await tx.reportingPeriod.findFirst({
      where: { orgId, opensAt: { lte: now } },
      orderBy: [{ opensAt: "desc" }, { id: "desc" }],
    })) ?? undefined;
  if (!period) return null;
  return { period, late: now.getTime() > period.deadline.getTime() };
}

/** The next period to open after `now` (for "nothing is open; the next opens on …"). */
export async function nextPeriod(tx: Tx, orgId: number, now: Date): Promise<ReportingPeriod | null> {
  const timeZone = await orgTimezone(tx, orgId);
  const year = localYear(now, timeZone);
  await ensureYear(tx, orgId, year);
  const found = await tx.reportingPeriod.findFirst({
    where: { orgId, opensAt: { gt: now } },
    orderBy: { opensAt: "asc" },
  });
  if (found) return found;
  await ensureYear(tx, orgId, year + 1);
  return tx.reportingPeriod.findFirst({
    where: { orgId, opensAt: { gt: now } },
    orderBy: { opensAt: "asc" },
  });
}
