/**
 * Directory import: reads a YAML or XLSX file describing one or more organisations,
 * validates all of it (every error with its row and column; nothing is written when one
 * exists), then upserts everything in one transaction by natural keys (organisation slug,
 * codes; routing rules by topic + kind; calendar rows by year + period). Importing the same
 * file twice changes nothing. Items the database holds but the file does not are kept and
 * reported, or deactivated on request (people, topics) / removed (routing rules).
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Prisma, PrismaClient } from "../generated/prisma/client.js";
import type { PetitionKind, Role } from "../generated/prisma/enums.js";
import { savePeriod } from "../reporting/calendar.js";
import { DomainError, type RowError, ValidationError } from "../shared/errors.js";
import type { Tx, UpsertOutcome } from "../shared/types.js";
import { type Actor, requireOrgAdmin } from "./actor.js";
import {
  type DirectoryFile,
  directoryFileSchema,
  issuesToRowErrors,
  type OrganizationInput,
  type ParsedDirectoryFile,
  rowError,
  SECTIONS,
  type Section,
} from "./import-schema.js";
import { checkReferences, loadExistingOrgs, slugsOf } from "./import-validate.js";
import { parseDirectoryXlsx, SHEETS } from "./import-xlsx.js";
import { parseDirectoryYaml } from "./import-yaml.js";

export interface SectionCounts {
  created: number;
  updated: number;
  unchanged: number;
}

export interface OrgImportResult {
  slug: string;
  name: string;
  orgId: number;
  organization: UpsertOutcome;
  sections: Record<Section, SectionCounts>;
  /** Items of the sections present in the file that the database has and the file does not. */
  notInFile: { units: string[]; positions: string[]; people: string[]; topics: string[]; routing: number };
  /** With `deactivateMissing`: what was deactivated or removed. */
  deactivated: { people: string[]; topics: string[]; routing: number };
}

export interface ImportResult {
  organizations: OrgImportResult[];
  /** Every row of the file: organisations and their items. */
  totals: SectionCounts;
}

export interface ImportOptions {
  /** Deactivate people and topics, and remove routing rules, that the file does not list. */
  deactivateMissing?: boolean;
  /** Who imports (an admin in the bot); omitted for the operator's command line. */
  actor?: Actor;
}

/** Reads a .yaml/.yml or .xlsx file (by extension). */
export async function readDirectoryFile(filePath: string): Promise<ParsedDirectoryFile> {
  const ext = path.extname(filePath).toLowerCase();
  if (![".yaml", ".yml", ".xlsx"].includes(ext)) {
    throw new DomainError("directory:import.badFileType", { file: path.basename(filePath) });
  }
  const bytes = await readFile(filePath).catch((err: NodeJS.ErrnoException) => {
    throw new DomainError("directory:import.cannotRead", {
      file: filePath,
      message: err.code ?? err.message,
    });
  });
  return ext === ".xlsx" ? parseDirectoryXlsx(bytes) : parseDirectoryYaml(bytes.toString("utf8"));
}

const SHEET_ORDER = new Map(SHEETS.map((s, i) => [s.name, i]));

function sortErrors(errors: RowError[]): RowError[] {
  const sheetIndex = (e: RowError) => SHEET_ORDER.get(String(e.params?.sheet ?? "")) ?? -1;
  return errors
    .map((e, i) => ({ e, i }))
    .sort((a, b) => sheetIndex(a.e) - sheetIndex(b.e) || a.e.row - b.e.row || a.i - b.i)
    .map((x) => x.e);
}

/**
 * Validates a parsed file completely: field checks and cross-references together, so one
 * run lists every problem. Throws a ValidationError; returns the typed data otherwise.
 */
export async function validateDirectory(prisma: Tx, parsed: ParsedDirectoryFile): Promise<DirectoryFile> {
  const errors = [...parsed.errors];
  if (parsed.data === undefined) throw new ValidationError(sortErrors(errors));
  const result = directoryFileSchema.safeParse(parsed.data, { reportInput: true });
  const flagged = new Set<string>();
  if (!result.success) {
    errors.push(...issuesToRowErrors(result.error.issues, parsed.source));
    for (const issue of result.error.issues) flagged.add(JSON.stringify(issue.path));
  }
  const existing = await loadExistingOrgs(prisma, slugsOf(parsed.data));
  for (const problem of checkReferences(parsed.data, existing)) {
    // A value the field checks already rejected is not reported twice.
    if (flagged.has(JSON.stringify(problem.path))) continue;
    errors.push(rowError(parsed.source, problem.path, problem.key, problem.params));
  }
  if (errors.length > 0 || !result.success) throw new ValidationError(sortErrors(errors));
  return result.data;
}

/** Validates and imports a parsed file. */
export async function importDirectory(
  prisma: PrismaClient,
  parsed: ParsedDirectoryFile,
  options: ImportOptions = {},
): Promise<ImportResult> {
  // Checks and writes see the same database: nothing can change between them.
  return prisma.$transaction(
    async (tx) => {
      if (options.actor) await checkPermission(tx, options.actor, slugsOf(parsed.data));
      const file = await validateDirectory(tx, parsed);
      const organizations: OrgImportResult[] = [];
      for (const org of file.organizations) {
        organizations.push(await importOrganization(tx, org, options.deactivateMissing ?? false));
      }
      const totals: SectionCounts = { created: 0, updated: 0, unchanged: 0 };
      for (const o of organizations) {
        totals[o.organization]++;
        for (const s of SECTIONS) {
          totals.created += o.sections[s].created;
          totals.updated += o.sections[s].updated;
          totals.unchanged += o.sections[s].unchanged;
        }
      }
      return { organizations, totals };
    },
    { timeout: 120_000, maxWait: 30_000 },
  );
}

/**
 * An admin imports only their own organisation; only a super admin may create new ones.
 * Checked before the file's contents, so errors never reveal another organisation's codes.
 */
async function checkPermission(tx: Tx, actor: Actor, slugs: string[]): Promise<void> {
  const orgs = await tx.organization.findMany({
    where: { slug: { in: slugs } },
    select: { id: true, slug: true },
  });
  const idBySlug = new Map(orgs.map((o) => [o.slug, o.id]));
  for (const slug of slugs) {
    const id = idBySlug.get(slug);
    if (id !== undefined) requireOrgAdmin(actor, id);
    else if (!actor.superAdmin) throw new DomainError("common:errors.forbidden");
  }
}

/** Reads, validates and imports a file. */
export async function importDirectoryFile(
  prisma: PrismaClient,
  filePath: string,
  options: ImportOptions = {},
): Promise<ImportResult> {
  return importDirectory(prisma, await readDirectoryFile(filePath), options);
}

/** Key-order-independent JSON, to compare stored settings with the file's. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v !== null && typeof v === "object") {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(",")}}`;
  }
  return JSON.stringify(v);
}

function same<T extends Record<string, unknown>>(row: T, desired: Partial<T>): boolean {
  return Object.entries(desired).every(([k, v]) => canonical(row[k]) === canonical(v));
}

const emptyCounts = (): SectionCounts => ({ created: 0, updated: 0, unchanged: 0 });

async function importOrganization(
  tx: Prisma.TransactionClient,
  input: OrganizationInput,
  deactivateMissing: boolean,
): Promise<OrgImportResult> {
  const sections = Object.fromEntries(SECTIONS.map((s) => [s, emptyCounts()])) as Record<
    Section,
    SectionCounts
  >;
  const count = (s: Section, o: UpsertOutcome) => sections[s][o]++;

  // Organisation
  const orgData = {
    name: input.name,
    nameEn: input.nameEn ?? null,
    timezone: input.timezone,
    active: input.active,
    ...(input.settings !== undefined ? { settings: input.settings as Prisma.InputJsonValue } : {}),
  };
  let org = await tx.organization.findUnique({ where: { slug: input.slug } });
  let orgOutcome: UpsertOutcome;
  if (!org) {
    org = await tx.organization.create({ data: { slug: input.slug, ...orgData } });
    orgOutcome = "created";
  } else if (same(org as unknown as Record<string, unknown>, orgData)) {
    orgOutcome = "unchanged";
  } else {
    org = await tx.organization.update({ where: { id: org.id }, data: orgData });
    orgOutcome = "updated";
  }
  const orgId = org.id;

  // Units: create the new ones, then set names and parents (a parent may come later in the file).
  const units = new Map(
    (await tx.unit.findMany({ where: { orgId } })).map((u) => [u.code, u as typeof u & { fresh?: boolean }]),
  );
  for (const u of input.units ?? []) {
    if (units.has(u.code)) continue;
    const row = await tx.unit.create({
      data: { orgId, code: u.code, name: u.name, nameEn: u.nameEn ?? null },
    });
    units.set(u.code, { ...row, fresh: true });
  }
  const unitId = (code: string | undefined) => (code ? units.get(code)!.id : null);
  for (const u of input.units ?? []) {
    const row = units.get(u.code)!;
    const desired = { name: u.name, nameEn: u.nameEn ?? null, parentId: unitId(u.parent) };
    const unchanged = same(row, desired);
    if (!unchanged) await tx.unit.update({ where: { id: row.id }, data: desired });
    count("units", row.fresh ? "created" : unchanged ? "unchanged" : "updated");
  }

  // Positions
  const positions = new Map((await tx.position.findMany({ where: { orgId } })).map((p) => [p.code, p]));
  for (const p of input.positions ?? []) {
    const desired = { title: p.title, unitId: unitId(p.unit) };
    const row = positions.get(p.code);
    if (!row) {
      positions.set(p.code, await tx.position.create({ data: { orgId, code: p.code, ...desired } }));
      count("positions", "created");
    } else if (same(row, desired)) count("positions", "unchanged");
    else {
      await tx.position.update({ where: { id: row.id }, data: desired });
      count("positions", "updated");
    }
  }
  const positionId = (code: string | undefined) => (code ? positions.get(code)!.id : null);

  // People
  const people = new Map((await tx.person.findMany({ where: { orgId } })).map((p) => [p.code, p]));
  for (const p of input.people ?? []) {
    const desired = {
      fullName: p.fullName,
      unitId: unitId(p.unit),
      positionId: positionId(p.position),
      roles: p.roles as Role[],
      phone: p.phone ?? null,
      email: p.email ?? null,
      active: p.active,
    };
    const row = people.get(p.code);
    if (!row) {
      people.set(p.code, await tx.person.create({ data: { orgId, code: p.code, ...desired } }));
      count("people", "created");
    } else if (same(row, desired)) count("people", "unchanged");
    else {
      await tx.person.update({ where: { id: row.id }, data: desired });
      count("people", "updated");
    }
  }

  // Topics
  const topics = new Map((await tx.petitionTopic.findMany({ where: { orgId } })).map((t) => [t.code, t]));
  for (const t of input.topics ?? []) {
    const desired = {
      name: t.name,
      nameEn: t.nameEn ?? null,
      requiresAddress: t.requiresAddress,
      active: t.active,
    };
    const row = topics.get(t.code);
    if (!row) {
      topics.set(t.code, await tx.petitionTopic.create({ data: { orgId, code: t.code, ...desired } }));
      count("topics", "created");
    } else if (same(row, desired)) count("topics", "unchanged");
    else {
      await tx.petitionTopic.update({ where: { id: row.id }, data: desired });
      count("topics", "updated");
    }
  }

  // Routing rules: one per (topic, kind)
  const rules = await tx.routingRule.findMany({ where: { orgId }, orderBy: { id: "asc" } });
  const matched = new Set<number>();
  for (const r of input.routing ?? []) {
    const topicId = r.topic ? topics.get(r.topic)!.id : null;
    const kind = (r.kind ?? null) as PetitionKind | null;
    const desired = {
      unitId: unitId(r.unit),
      personId: r.person ? people.get(r.person)!.id : null,
      priority: r.priority,
    };
    const row = rules.find((x) => !matched.has(x.id) && x.topicId === topicId && x.kind === kind);
    if (!row) {
      const created = await tx.routingRule.create({ data: { orgId, topicId, kind, ...desired } });
      matched.add(created.id);
      count("routing", "created");
    } else {
      matched.add(row.id);
      if (same(row, desired)) count("routing", "unchanged");
      else {
        await tx.routingRule.update({ where: { id: row.id }, data: desired });
        count("routing", "updated");
      }
    }
  }

  // Calendar
  for (const c of input.calendar ?? []) {
    const { outcome } = await savePeriod(tx, org, {
      year: c.year,
      kind: c.period,
      deadline: c.deadline,
      opens: c.opens,
    });
    count("calendar", outcome);
  }

  // What the database has and the file does not (only for sections the file contains).
  const inFile = (list: { code: string }[] | undefined) => new Set((list ?? []).map((x) => x.code));
  const unitCodes = inFile(input.units);
  const positionCodes = inFile(input.positions);
  const personCodes = inFile(input.people);
  const topicCodes = inFile(input.topics);
  const missingPeople = input.people
    ? [...people.values()].filter((p) => p.active && !personCodes.has(p.code))
    : [];
  const missingTopics = input.topics
    ? [...topics.values()].filter((t) => t.active && !topicCodes.has(t.code))
    : [];
  const missingRules = input.routing ? rules.filter((r) => !matched.has(r.id)) : [];
  const result: OrgImportResult = {
    slug: org.slug,
    name: org.name,
    orgId,
    organization: orgOutcome,
    sections,
    notInFile: {
      units: input.units ? [...units.keys()].filter((c) => !unitCodes.has(c)).sort() : [],
      positions: input.positions ? [...positions.keys()].filter((c) => !positionCodes.has(c)).sort() : [],
      people: missingPeople.map((p) => p.code).sort(),
      topics: missingTopics.map((t) => t.code).sort(),
      routing: missingRules.length,
    },
    deactivated: { people: [], topics: [], routing: 0 },
  };
  if (deactivateMissing) {
    if (missingPeople.length > 0) {
      await tx.person.updateMany({
        where: { id: { in: missingPeople.map((p) => p.id) } },
        data: { active: false },
      });
    }
    if (missingTopics.length > 0) {
      await tx.petitionTopic.updateMany({
        where: { id: { in: missingTopics.map((t) => t.id) } },
        data: { active: false },
      });
    }
    if (missingRules.length > 0) {
      await tx.routingRule.deleteMany({ where: { id: { in: missingRules.map((r) => r.id) } } });
    }
    result.deactivated = {
      people: result.notInFile.people,
      topics: result.notInFile.topics,
      routing: missingRules.length,
    };
  }
  return result;
}
