/**
 * Cross-reference checks of a directory file: duplicate codes, references to unknown units,
 * positions, people and topics (known = in the file or already in the database for that
 * organisation), unit cycles, routing rules without a match or a target, calendar rows that
 * repeat or open after their deadline.
 *
 * They run on the raw data, beside the field checks, so one run reports every problem of the
 * file: a person whose e-mail is wrong still counts as known to the routing rule naming them.
 */
import { periodDates } from "../reporting/calendar.js";
import { DEFAULT_TIME_ZONE, isTimeZone, normalizeDate } from "../shared/local-time.js";
import type { Tx } from "../shared/types.js";
import { PERIOD_KINDS } from "./import-schema.js";
import { orgSettingsSchema } from "./settings.js";

/** What the database already holds for an organisation named in the file. */
export interface ExistingOrg {
  id: number;
  timezone: string;
  settings: unknown;
  /** unit code → parent unit code */
  units: Map<string, string | null>;
  positions: Set<string>;
  people: Set<string>;
  topics: Set<string>;
}

export async function loadExistingOrgs(tx: Tx, slugs: string[]): Promise<Map<string, ExistingOrg>> {
  const orgs = await tx.organization.findMany({
    where: { slug: { in: slugs } },
    include: {
      units: { select: { id: true, code: true, parentId: true } },
      positions: { select: { code: true } },
      people: { select: { code: true } },
      topics: { select: { code: true } },
    },
  });
  const out = new Map<string, ExistingOrg>();
  for (const o of orgs) {
    const codeById = new Map(o.units.map((u) => [u.id, u.code]));
    out.set(o.slug, {
      id: o.id,
      timezone: o.timezone,
      settings: o.settings,
      units: new Map(
        o.units.map((u) => [u.code, u.parentId === null ? null : (codeById.get(u.parentId) ?? null)]),
      ),
      positions: new Set(o.positions.map((p) => p.code)),
      people: new Set(o.people.map((p) => p.code)),
      topics: new Set(o.topics.map((t) => t.code)),
    });
  }
  return out;
}

/** A problem found by the cross-reference checks, at a path of the file's data. */
export interface ReferenceProblem {
  path: PropertyKey[];
  key: string;
  params?: Record<string, unknown>;
}

type Raw = Record<string, unknown>;

/** A code as the field checks will read it (text or number, trimmed), or undefined. */
function str(v: unknown): string | undefined {
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  if (typeof v === "string" && v.trim() !== "") return v.trim();
  return undefined;
}

function items(v: unknown): Raw[] {
  return Array.isArray(v) ? v.map((x) => (x !== null && typeof x === "object" ? (x as Raw) : {})) : [];
}

/** Slugs of the organisations of raw file data. */
export function slugsOf(data: unknown): string[] {
  const orgs = (data as Raw | undefined)?.organizations;
  return items(orgs)
    .map((o) => str(o.slug))
    .filter((s): s is string => s !== undefined);
}

export function checkReferences(data: unknown, existing: Map<string, ExistingOrg>): ReferenceProblem[] {
  const problems: ReferenceProblem[] = [];
  const err = (path: PropertyKey[], key: string, params?: Record<string, unknown>) =>
    problems.push({ path, key, ...(params ? { params } : {}) });

  const slugs = new Set<string>();
  items((data as Raw | undefined)?.organizations).forEach((org, i) => {
    const at = (...rest: PropertyKey[]) => ["organizations", i, ...rest];
    const slug = str(org.slug);
    if (slug !== undefined && slugs.has(slug)) err(at("slug"), "directory:import.duplicateOrg", { slug });
    if (slug !== undefined) slugs.add(slug);
    const db = slug === undefined ? undefined : existing.get(slug);

    /** Reports repeated codes; returns every code of the file section. */
    const codesOf = (section: "units" | "positions" | "people" | "topics") => {
      const seen = new Set<string>();
      items(org[section]).forEach((item, j) => {
        const code = str(item.code);
        if (code === undefined) return;
        if (seen.has(code)) err(at(section, j, "code"), "directory:import.duplicateCode", { code });
        seen.add(code);
      });
      return seen;
    };
    const fileUnits = codesOf("units");
    const filePositions = codesOf("positions");
    const filePeople = codesOf("people");
    const fileTopics = codesOf("topics");
    const knownUnit = (c: string) => fileUnits.has(c) || (db?.units.has(c) ?? false);
    const knownPosition = (c: string) => filePositions.has(c) || (db?.positions.has(c) ?? false);
    const knownPerson = (c: string) => filePeople.has(c) || (db?.people.has(c) ?? false);
    const knownTopic = (c: string) => fileTopics.has(c) || (db?.topics.has(c) ?? false);
    const ref = (
      path: PropertyKey[],
      code: string | undefined,
      known: (c: string) => boolean,
      key: string,
    ) => {
      if (code !== undefined && !known(code)) err(path, key, { code });
    };

    // Units: parents exist and the tree has no cycle (the file's parents replace the stored ones).
    const parentOf = new Map<string, string | null>(db?.units ?? []);
    for (const u of items(org.units)) {
      const code = str(u.code);
      if (code !== undefined) parentOf.set(code, str(u.parent) ?? null);
    }
    items(org.units).forEach((u, j) => {
      const code = str(u.code);
      const parent = str(u.parent);
      if (parent === undefined) return;
      if (!knownUnit(parent)) {
        err(at("units", j, "parent"), "directory:import.unknownUnit", { code: parent });
        return;
      }
      const visited = new Set<string>(code === undefined ? [] : [code]);
      let cur: string | null | undefined = parent;
      while (cur) {
        if (visited.has(cur)) {
          err(at("units", j, "parent"), "directory:import.unitCycle", { code: code ?? parent });
          break;
        }
        visited.add(cur);
        cur = parentOf.get(cur);
      }
    });

    items(org.positions).forEach((p, j) => {
      ref(at("positions", j, "unit"), str(p.unit), knownUnit, "directory:import.unknownUnit");
    });

    items(org.people).forEach((p, j) => {
      ref(at("people", j, "unit"), str(p.unit), knownUnit, "directory:import.unknownUnit");
      ref(at("people", j, "position"), str(p.position), knownPosition, "directory:import.unknownPosition");
    });

    const ruleKeys = new Set<string>();
    items(org.routing).forEach((r, j) => {
      const topic = str(r.topic);
      const kind = str(r.kind)?.toUpperCase();
      if (topic === undefined && kind === undefined)
        err(at("routing", j), "directory:import.routingNeedsMatch");
      if ((str(r.unit) ? 1 : 0) + (str(r.person) ? 1 : 0) !== 1) {
        err(at("routing", j), "directory:import.routingNeedsTarget");
      }
      ref(at("routing", j, "topic"), topic, knownTopic, "directory:import.unknownTopic");
      ref(at("routing", j, "unit"), str(r.unit), knownUnit, "directory:import.unknownUnit");
      ref(at("routing", j, "person"), str(r.person), knownPerson, "directory:import.unknownPerson");
      const key = `${topic ?? ""}|${kind ?? ""}`;
      if ((topic || kind) && ruleKeys.has(key)) {
        err(at("routing", j), "directory:import.duplicateRule", { topic: topic ?? "-", kind: kind ?? "-" });
      }
      ruleKeys.add(key);
    });

    const periods = new Set<string>();
    const tz = str(org.timezone);
    const timezone = tz && isTimeZone(tz) ? tz : (db?.timezone ?? DEFAULT_TIME_ZONE);
    // Invalid settings are reported by the field checks; the defaults stand in for them here.
    const given = org.settings ?? db?.settings ?? {};
    const settings = orgSettingsSchema.safeParse(given).success ? given : {};
    items(org.calendar).forEach((c, j) => {
      const year = str(c.year);
      const period = str(c.period)?.toUpperCase();
      if (year === undefined || period === undefined) return;
      const key = `${year}|${period}`;
      if (periods.has(key)) err(at("calendar", j), "directory:import.duplicatePeriod", { year, period });
      periods.add(key);
      const deadline = absent(c.deadline) ? undefined : normalizeIfDate(c.deadline);
      const opens = absent(c.opens) ? undefined : normalizeIfDate(c.opens);
      if (
        !/^\d{4}$/.test(year) ||
        !(PERIOD_KINDS as string[]).includes(period) ||
        deadline === null ||
        opens === null
      ) {
        return; // the field checks report these
      }
      const { opensAt, deadline: due } = periodDates(
        { year: Number(year), kind: period as (typeof PERIOD_KINDS)[number], deadline, opens },
        { timezone, settings },
      );
      if (opensAt.getTime() > due.getTime()) {
        err(at("calendar", j, opens ? "opens" : "deadline"), "directory:import.opensAfterDeadline", {
          year,
          period,
        });
      }
    });
  });
  return problems;
}

function absent(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === "string" && v.trim() === "");
}

/** YYYY-MM-DD of a date value, null when it is not a date. */
function normalizeIfDate(v: unknown): string | null {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString().slice(0, 10);
  const s = str(v);
  return s === undefined ? null : normalizeDate(s);
}
