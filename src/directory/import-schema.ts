/**
 * The directory file (YAML or XLSX, see examples/README.md) as data: one schema per
 * section, checked field by field. Cross-references (unknown unit code, duplicates...) are
 * checked afterwards by ./import-validate.ts. Error messages are locale keys, so every
 * problem reaches the user in their language with its row and column.
 */
import { z } from "zod";
import { PeriodKind, PetitionKind, Role } from "../generated/prisma/enums.js";
import type { RowError } from "../shared/errors.js";
import { DEFAULT_TIME_ZONE, isIsoDate, isTimeZone, normalizeDate } from "../shared/local-time.js";
import { orgSettingsSchema } from "./settings.js";

export const ROLES = Object.values(Role);
export const PETITION_KINDS = Object.values(PetitionKind);
export const PERIOD_KINDS = Object.values(PeriodKind);

/** Letters (any script), digits and . _ - / ; no spaces. Codes are the natural keys. */
const CODE_RE = /^[\p{L}\p{N}][\p{L}\p{N}._\-/]*$/u;
/** Lower-case Latin letters, digits and dashes: it goes into `?start=org_<slug>` (≤ 64 bytes). */
const SLUG_RE = /^[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?$/;
const PHONE_RE = /^\+?[0-9][0-9 ()-]{3,22}[0-9]$/;

export function isPhone(s: string): boolean {
  return PHONE_RE.test(s);
}

export function isEmail(s: string): boolean {
  return z.email().safeParse(s).success;
}

/** Blank cells and empty strings mean "not given"; numbers typed into text fields are text. */
function blank(v: unknown): unknown {
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  if (typeof v === "string") {
    const t = v.trim();
    return t === "" ? undefined : t;
  }
  return v === null ? undefined : v;
}

const TRUE_WORDS = new Set(["true", "yes", "y", "1", "тийм", "т"]);
const FALSE_WORDS = new Set(["false", "no", "n", "0", "үгүй", "ү"]);

function booleanish(v: unknown): unknown {
  if (typeof v === "number") return v === 1 ? true : v === 0 ? false : v;
  if (typeof v === "string") {
    const t = v.trim().toLowerCase();
    if (t === "") return undefined;
    if (TRUE_WORDS.has(t)) return true;
    if (FALSE_WORDS.has(t)) return false;
  }
  return v === null ? undefined : v;
}

function integerish(v: unknown): unknown {
  if (typeof v === "string") {
    const t = v.trim();
    if (t === "") return undefined;
    return /^-?\d+$/.test(t) ? Number(t) : t;
  }
  return v === null ? undefined : v;
}

/** Dates as YYYY-MM-DD: spreadsheet date cells, 2026-03-20, 2026.03.20. */
function dateish(v: unknown): unknown {
  if (v instanceof Date && !Number.isNaN(v.getTime())) return v.toISOString().slice(0, 10);
  const b = blank(v);
  if (typeof b !== "string") return b;
  return normalizeDate(b) ?? b;
}

/** Roles as a list or as "OFFICIAL, UNIT_HEAD" text; case does not matter. */
function roleList(v: unknown): unknown {
  const b = blank(v);
  if (b === undefined) return undefined;
  const list = typeof b === "string" ? b.split(/[,;\n]/) : b;
  if (!Array.isArray(list)) return list;
  return list
    .map((x) => (typeof x === "string" ? x.trim().toUpperCase() : x))
    .filter((x) => x !== "" && x !== undefined && x !== null);
}

function upper(v: unknown): unknown {
  const b = blank(v);
  return typeof b === "string" ? b.toUpperCase() : b;
}

const text = (max: number) => z.preprocess(blank, z.string().max(max, { error: "directory:import.tooLong" }));
const optText = (max: number) => text(max).optional();
const code = z.preprocess(
  blank,
  z
    .string()
    .max(64, { error: "directory:import.tooLong" })
    .regex(CODE_RE, { error: "directory:import.badCode" }),
);
const optCode = code.optional();
const bool = (def: boolean) => z.preprocess(booleanish, z.boolean().default(def));
const date = z.preprocess(dateish, z.string().refine(isIsoDate, { error: "directory:import.badDate" }));

const sortedRoles = (roles: Role[]) => ROLES.filter((r) => roles.includes(r));

export const unitSchema = z.strictObject({
  code,
  name: text(200),
  nameEn: optText(200),
  parent: optCode,
});

export const positionSchema = z.strictObject({
  code,
  title: text(300),
  unit: optCode,
});

export const personSchema = z.strictObject({
  code,
  fullName: text(200),
  unit: optCode,
  position: optCode,
  roles: z
    .preprocess(
      roleList,
      z.array(z.enum(Role, { error: "directory:import.badRole" })).default([Role.OFFICIAL]),
    )
    .transform(sortedRoles),
  phone: z.preprocess(blank, z.string().regex(PHONE_RE, { error: "directory:import.badPhone" }).optional()),
  email: z.preprocess(blank, z.email({ error: "directory:import.badEmail" }).max(200).optional()),
  active: bool(true),
});

export const topicSchema = z.strictObject({
  code,
  name: text(200),
  nameEn: optText(200),
  requiresAddress: bool(false),
  active: bool(true),
});

export const routingSchema = z.strictObject({
  topic: optCode,
  kind: z.preprocess(upper, z.enum(PetitionKind, { error: "directory:import.badKind" }).optional()),
  unit: optCode,
  person: optCode,
  priority: z.preprocess(
    integerish,
    z.number({ error: "directory:import.badNumber" }).int({ error: "directory:import.badNumber" }).default(0),
  ),
});

export const calendarSchema = z.strictObject({
  year: z.preprocess(
    integerish,
    z
      .number({ error: "directory:import.badYear" })
      .int({ error: "directory:import.badYear" })
      .min(2000, { error: "directory:import.badYear" })
      .max(2100, { error: "directory:import.badYear" }),
  ),
  period: z.preprocess(upper, z.enum(PeriodKind, { error: "directory:import.badPeriod" })),
  deadline: date.optional(),
  opens: date.optional(),
});

/** `people:` with nothing after it means the section is not given (not "nobody"). */
function nullIsAbsent(v: unknown): unknown {
  return v === null ? undefined : v;
}

const section = <T extends z.ZodType>(item: T) => z.preprocess(nullIsAbsent, z.array(item).optional());

export const organizationSchema = z.strictObject({
  slug: z.preprocess(blank, z.string().regex(SLUG_RE, { error: "directory:import.badSlug" })),
  name: text(300),
  nameEn: optText(300),
  timezone: z.preprocess(
    blank,
    z.string().refine(isTimeZone, { error: "directory:import.badTimezone" }).default(DEFAULT_TIME_ZONE),
  ),
  active: bool(true),
  /** Overrides of the organisation settings (src/directory/settings.ts); replaces the stored ones. */
  settings: z.preprocess(
    nullIsAbsent,
    z
      .record(z.string(), z.unknown(), { error: "directory:import.badSettings" })
      .optional()
      .superRefine((value, ctx) => {
        if (!value) return;
        const parsed = orgSettingsSchema.safeParse(value);
        if (parsed.success) return;
        for (const issue of parsed.error.issues) {
          ctx.addIssue({
            code: "custom",
            message: "directory:import.badSetting",
            path: issue.path as PropertyKey[],
            params: { setting: issue.path.join(".") },
          });
        }
      }),
  ),
  units: section(unitSchema),
  positions: section(positionSchema),
  people: section(personSchema),
  topics: section(topicSchema),
  routing: section(routingSchema),
  calendar: section(calendarSchema),
});

export const directoryFileSchema = z.strictObject({
  organizations: z
    .array(organizationSchema, { error: "directory:import.noOrganizations" })
    .min(1, { error: "directory:import.noOrganizations" }),
});

export type DirectoryFile = z.output<typeof directoryFileSchema>;
export type OrganizationInput = z.output<typeof organizationSchema>;
export type UnitInput = z.output<typeof unitSchema>;
export type PositionInput = z.output<typeof positionSchema>;
export type PersonInput = z.output<typeof personSchema>;
export type TopicInput = z.output<typeof topicSchema>;
export type RoutingInput = z.output<typeof routingSchema>;
export type CalendarInput = z.output<typeof calendarSchema>;

/** The sections of an organisation, in the order they are written. */
export const SECTIONS = ["units", "positions", "people", "topics", "routing", "calendar"] as const;
export type Section = (typeof SECTIONS)[number];

/** Where a value came from: a line of a YAML file, or a sheet row of a workbook. */
export interface SourceLocation {
  row: number;
  column?: string;
  sheet?: string;
}

export interface DirectorySource {
  /** Locates a path such as ["organizations", 0, "people", 3, "unit"]. */
  locate(path: readonly PropertyKey[]): SourceLocation;
}

/** A parsed (not yet validated) directory file. */
export interface ParsedDirectoryFile {
  format: "yaml" | "xlsx";
  data: unknown;
  source: DirectorySource;
  /** Problems found while reading (syntax, unknown sheet columns...). */
  errors: RowError[];
}

export function rowError(
  source: DirectorySource,
  path: readonly PropertyKey[],
  key: string,
  params: Record<string, unknown> = {},
): RowError {
  const at = source.locate(path);
  return {
    row: at.row,
    ...(at.column !== undefined ? { column: at.column } : {}),
    key,
    params: at.sheet ? { ...params, sheet: at.sheet } : params,
  };
}

function show(v: unknown): string {
  if (v === undefined || v === null) return "";
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

function fieldOf(path: readonly PropertyKey[]): string {
  for (let i = path.length - 1; i >= 0; i--) {
    if (typeof path[i] === "string") return path[i] as string;
  }
  return "";
}

/** Turns schema issues into row errors (one per problem, unknown fields one each). */
export function issuesToRowErrors(issues: readonly z.core.$ZodIssue[], source: DirectorySource): RowError[] {
  const out: RowError[] = [];
  for (const issue of issues) {
    const path = issue.path;
    const input = (issue as { input?: unknown }).input;
    const value = show(input);
    const field = fieldOf(path);
    if (issue.code === "unrecognized_keys") {
      for (const k of issue.keys) {
        out.push(rowError(source, [...path, k], "directory:import.unknownField", { field: k }));
      }
    } else if (issue.message.startsWith("directory:")) {
      const params = (issue as { params?: Record<string, unknown> }).params ?? {};
      if (issue.message === "directory:import.badRole" && Array.isArray(input)) {
        out.push(rowError(source, path, issue.message, { field, value: input.join(", "), ...params }));
      } else {
        out.push(rowError(source, path, issue.message, { field, value, ...params }));
      }
    } else if (issue.code === "invalid_type" && input === undefined) {
      out.push(rowError(source, path, "directory:import.required", { field }));
    } else if (issue.code === "invalid_type") {
      out.push(
        rowError(source, path, "directory:import.wrongType", { field, value, expected: issue.expected }),
      );
    } else if (issue.code === "invalid_value") {
      out.push(
        rowError(source, path, "directory:import.notOneOf", {
          field,
          value,
          allowed: issue.values.map(String).join(", "),
        }),
      );
    } else {
      out.push(rowError(source, path, "directory:import.invalid", { field, value }));
    }
  }
  return out;
}
