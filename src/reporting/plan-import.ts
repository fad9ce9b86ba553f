/**
 * The plan spreadsheet: a template to fill in, and the import of a filled-in file (XLSX or
 * CSV) as a new plan version.
 *
 * One row per measure, with the columns of seeds 000/001: goal number, goal title, section
 * (plan / common / skills), measure number (1.1), measure, indicator, baseline, target,
 * period (quarters), start–end, responsible. A row with a goal but no measure only names the
 * goal (goal 3 "common duties" of seed 000 has none). The goal number and title may be left
 * empty on the following rows of the same goal (or the cells merged). Headers may be in
 * Mongolian or English; a title line above the header row is allowed.
 *
 * Every problem is reported with its row and column, and nothing is written while there is
 * one.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import type ExcelJS from "exceljs";
import { loadExcel } from "../shared/lazy-libs.js";
import type { Actor } from "../directory/actor.js";
import { getOrgSettings } from "../directory/settings.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import type { GoalSection } from "../generated/prisma/enums.js";
import { type Locale, LOCALES, translator } from "../i18n.js";
import type { Clock } from "../shared/clock.js";
import { DomainError, type RowError, ValidationError } from "../shared/errors.js";
import { accessTo, check, forbidden } from "./access.js";
import { parseCsv } from "./csv.js";
import type { MeasureFields } from "./measure.js";
import {
  ALL_QUARTERS,
  NARRATIVE_MAX,
  normalizeCell,
  parseDateRange,
  parseQuarters,
  parseTarget,
  quartersOfMonths,
} from "./parse.js";
import { type PlanWarning, planWarnings } from "./plan-service.js";

export const PLAN_COLUMNS = [
  "goalNumber",
  "goalTitle",
  "section",
  "measureNumber",
  "measure",
  "indicator",
  "baseline",
  "target",
  "period",
  "dates",
  "responsible",
] as const;
export type PlanColumn = (typeof PLAN_COLUMNS)[number];

/** One row of a plan spreadsheet, as text. */
export type PlanRow = Partial<Record<PlanColumn, string>>;

const REQUIRED: readonly PlanColumn[] = ["goalNumber", "goalTitle", "measure", "indicator", "target"];

/** Other spellings met in real plans, besides the template's headers in both languages. */
const HEADER_ALIASES: Record<PlanColumn, string[]> = {
  goalNumber: ["Зорилтын №", "Зорилгын дугаар", "Goal no", "Goal #"],
  goalTitle: ["Зорилго", "Зорилтын нэр", "Goal title"],
  section: ["Төрөл", "Type"],
  measureNumber: ["Д/Д", "№", "Дугаар", "Measure no", "No", "#"],
  measure: ["Хэрэгжүүлэх арга хэмжээ", "Арга хэмжээ", "Action"],
  indicator: ["Шалгуур", "Criterion"],
  baseline: ["Сурь түвшин", "Baseline level"],
  target: ["Target level"],
  period: ["Хугацаа", "Улирал", "Period", "Quarters", "Quarter"],
  dates: [
    "Эхэлсэн, дууссан хугацаа",
    "Эхлэх, дуусах хугацаа",
    "Эхэлсэн дууссан хугацаа",
    "Start-end",
    "Start end",
    "Dates",
  ],
  responsible: ["Хариуцагч", "Responsible person"],
};

function headerKey(s: string): string {
  return normalizeCell(s)
    .toLowerCase()
    .replace(/[^\p{L}\p{N}#№]+/gu, "");
}

/** The template's header of a column in a language. */
export function columnHeader(locale: Locale, column: PlanColumn): string {
  return translator(locale)(`reporting:template.columns.${column}`);
}

function headerIndex(): Map<string, PlanColumn> {
  const map = new Map<string, PlanColumn>();
  for (const column of PLAN_COLUMNS) {
    for (const locale of LOCALES) map.set(headerKey(columnHeader(locale, column)), column);
    for (const alias of HEADER_ALIASES[column]) map.set(headerKey(alias), column);
  }
  return map;
}

const SECTION_WORDS: Record<string, GoalSection> = {};
for (const [section, words] of [
  ["PLAN", ["plan", "төлөвлөгөө", "гүйцэтгэл", "гүйцэтгэлийн зорилт", "үндсэн", "main", "performance"]],
  ["COMMON", ["common", "нийтлэг", "нийтлэг үүрэг", "common duties"]],
  ["SKILLS", ["skills", "skill", "ур чадвар", "мэдлэг ур чадвар", "мэдлэг", "skills development"]],
] as const) {
  for (const w of words) SECTION_WORDS[w] = section;
}

function parseSection(raw: string): GoalSection | null {
  const key = raw
    .toLowerCase()
    .replace(/[^\p{L}\s]+/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
  return SECTION_WORDS[key] ?? null;
}

/** Seed 000 names its sections in the goal titles: "нийтлэг үүрэг", "ур чадвар". */
function sectionFromTitle(title: string): GoalSection {
  if (/нийтлэг үүрэг|common dut/i.test(title)) return "COMMON";
  if (/ур чадвар|skill/i.test(title)) return "SKILLS";
  return "PLAN";
}

function cleanGoalTitle(raw: string): string {
  return raw
    .replace(/^(зорилт|зорилго|goal)\s*\d+\s*[.:)]?\s*/i, "")
    .replace(/^[“"«„]+|[”"»“]+$/g, "")
    .trim();
}

// ───────────────────────────── reading the file ─────────────────────────────

interface Table {
  /** Row number in the file (1-based) and the cells' text. */
  rows: { row: number; cells: string[] }[];
}

function xlsxCellText(cell: ExcelJS.Cell): string {
  const v = cell.value;
  if (v === null || v === undefined) return "";
  if (typeof v === "number") {
    if (cell.numFmt?.includes("%")) return `${Math.round(v * 100 * 10_000) / 10_000}%`;
    return String(v);
  }
  if (typeof v === "string") return v;
  if (typeof v === "boolean") return v ? "1" : "0";
  if (v instanceof Date) {
    const p = (n: number) => String(n).padStart(2, "0");
    return `${v.getUTCFullYear()}.${p(v.getUTCMonth() + 1)}.${p(v.getUTCDate())}`;
  }
  if (typeof v === "object") {
    if ("richText" in v && Array.isArray(v.richText)) return v.richText.map((r) => r.text).join("");
    if ("result" in v) {
      const r = (v as { result?: unknown }).result;
      return r === undefined || r === null || typeof r === "object" ? "" : String(r);
    }
    if ("text" in v) return String((v as { text: unknown }).text ?? "");
  }
  return "";
}

const MAX_ROWS = 2000;

function looksLikeXlsx(file: Buffer, fileName: string): boolean {
  return /\.xlsx$/i.test(fileName) || (file[0] === 0x50 && file[1] === 0x4b);
}

async function readTable(file: Buffer, fileName: string): Promise<Table> {
  if (looksLikeXlsx(file, fileName)) {
    const wb = new (await loadExcel()).Workbook();
    try {
      await wb.xlsx.load(file as unknown as Parameters<typeof wb.xlsx.load>[0]);
    } catch {
      throw new DomainError("reporting:import.unreadable", { file: fileName });
    }
    const sheet = wb.worksheets[0];
    if (!sheet) throw new DomainError("reporting:import.unreadable", { file: fileName });
    const rows: Table["rows"] = [];
    const width = Math.max(sheet.columnCount, PLAN_COLUMNS.length);
    sheet.eachRow({ includeEmpty: false }, (r, rowNumber) => {
      const cells: string[] = [];
      for (let c = 1; c <= width; c++) cells.push(xlsxCellText(r.getCell(c)));
      rows.push({ row: rowNumber, cells });
    });
    return { rows };
  }
  if (/\.(csv|txt)$/i.test(fileName) || !file.includes(0)) {
    const text = file.toString("utf8");
    if (text.includes("\uFFFD")) throw new DomainError("reporting:import.unreadable", { file: fileName });
    return { rows: parseCsv(text).map((cells, i) => ({ row: i + 1, cells })) };
  }
  throw new DomainError("reporting:import.unreadable", { file: fileName });
}

// ───────────────────────────── parsing the rows ─────────────────────────────

export interface ParsedMeasure extends MeasureFields {
  row: number;
  /** Start–end as written ("2026.01.02-06.15"), shown in the report's dates column. */
  dates: string | null;
  responsible: string | null;
}

export interface ParsedGoal {
  row: number;
  number: number;
  title: string;
  section: GoalSection;
  measures: ParsedMeasure[];
}

export interface ParsedPlan {
  goals: ParsedGoal[];
  errors: RowError[];
}

const LIMITS: Partial<Record<PlanColumn, number>> = {
  goalTitle: 1000,
  measure: NARRATIVE_MAX,
  indicator: 500,
  baseline: 500,
  target: 500,
  responsible: 500,
};

/**
 * Reads the rows of a plan table (header row included somewhere in the first ten rows).
 * Pure: returns the goals and every row/column error.
 */
export function parsePlanTable(table: Table, year: number): ParsedPlan {
  const errors: RowError[] = [];
  const index = headerIndex();
  const headerRow = table.rows
    .slice(0, 10)
    .find((r) => r.cells.filter((c) => index.has(headerKey(c))).length >= 3);
  if (!headerRow) {
    errors.push({ row: table.rows[0]?.row ?? 1, key: "reporting:import.noHeader" });
    return { goals: [], errors };
  }
  const colOf = new Map<PlanColumn, number>();
  const headerText = new Map<PlanColumn, string>();
  headerRow.cells.forEach((c, i) => {
    const column = index.get(headerKey(c));
    if (column && !colOf.has(column)) {
      colOf.set(column, i);
      headerText.set(column, normalizeCell(c));
    }
  });
  for (const column of REQUIRED) {
    if (!colOf.has(column)) {
      errors.push({
        row: headerRow.row,
        column: columnHeader("mn", column),
        key: "reporting:import.missingColumn",
        params: { column: `${columnHeader("mn", column)} / ${columnHeader("en", column)}` },
      });
    }
  }
  if (errors.length > 0) return { goals: [], errors };

  const dataRows = table.rows.filter((r) => r.row > headerRow.row);
  if (dataRows.length > MAX_ROWS) {
    errors.push({ row: headerRow.row, key: "reporting:import.tooManyRows", params: { max: MAX_ROWS } });
    return { goals: [], errors };
  }

  const goals = new Map<number, ParsedGoal & { titleSet: boolean; sectionSet: boolean }>();
  let current: number | null = null;

  for (const { row, cells } of dataRows) {
    const cell = (c: PlanColumn) => {
      const i = colOf.get(c);
      return i === undefined ? "" : normalizeCell(cells[i]);
    };
    if (PLAN_COLUMNS.every((c) => cell(c) === "")) continue;
    const err = (column: PlanColumn, key: string, params?: Record<string, unknown>) =>
      errors.push({
        row,
        column: headerText.get(column) ?? columnHeader("mn", column),
        key,
        ...(params ? { params } : {}),
      });

    for (const [column, max] of Object.entries(LIMITS) as [PlanColumn, number][]) {
      if (cell(column).length > max)
        err(column, "reporting:import.tooLong", { max, length: cell(column).length });
    }

    // Goal.
    const gRaw = cell("goalNumber");
    if (gRaw) {
      const m = /^(?:зорилт|зорилго|goal)?\s*(\d{1,2})\s*[.:)]?$/i.exec(gRaw);
      const n = m ? Number(m[1]) : Number.NaN;
      if (!m || n < 1) {
        err("goalNumber", "reporting:import.badGoalNumber", { value: gRaw });
        current = null;
        continue;
      }
      current = n;
    } else if (current === null) {
      err("goalNumber", "reporting:import.goalNumberMissing");
      continue;
    }
    let goal = goals.get(current);
    if (!goal) {
      goal = {
        row,
        number: current,
        title: "",
        section: "PLAN",
        measures: [],
        titleSet: false,
        sectionSet: false,
      };
      goals.set(current, goal);
    }
    const title = cleanGoalTitle(cell("goalTitle"));
    if (title) {
      if (!goal.titleSet) {
        goal.title = title;
        goal.titleSet = true;
      } else if (title !== goal.title) {
        err("goalTitle", "reporting:import.goalTitleConflict", { goal: goal.number });
      }
    }
    const sRaw = cell("section");
    if (sRaw) {
      const section = parseSection(sRaw);
      if (!section) err("section", "reporting:import.badSection", { value: sRaw });
      else if (!goal.sectionSet) {
        goal.section = section;
        goal.sectionSet = true;
      }
    }

    // Measure.
    const measureTitle = cell("measure");
    const measureCells: PlanColumn[] = [
      "measureNumber",
      "indicator",
      "baseline",
      "target",
      "period",
      "dates",
      "responsible",
    ];
    if (!measureTitle) {
      if (measureCells.some((c) => cell(c) !== "")) err("measure", "reporting:import.measureTitleMissing");
      continue;
    }

    let number: string | null = null;
    const nRaw = cell("measureNumber").replace(/\.$/, "");
    const used = new Set(goal.measures.map((m) => m.number));
    if (!nRaw) {
      const last = Math.max(0, ...goal.measures.map((m) => Number(m.number.split(".")[1]) || 0));
      number = `${goal.number}.${last + 1}`;
    } else {
      const two = /^(\d{1,2})\.(\d{1,3})$/.exec(nRaw);
      const one = /^(\d{1,3})$/.exec(nRaw);
      if (two) {
        if (Number(two[1]) !== goal.number) {
          err("measureNumber", "reporting:import.measureGoalMismatch", { value: nRaw, goal: goal.number });
        } else number = `${goal.number}.${Number(two[2])}`;
      } else if (one) {
        number = `${goal.number}.${Number(one[1])}`;
      } else {
        err("measureNumber", "reporting:import.badMeasureNumber", { value: nRaw });
      }
      if (number && used.has(number)) {
        err("measureNumber", "reporting:import.duplicateMeasure", { value: number });
        number = null;
      }
    }

    const indicator = cell("indicator") || null;
    const targetRaw = cell("target");
    const target = parseTarget(targetRaw, indicator ?? "");
    if (!target.ok) err("target", target.key, target.params);

    const period = parseQuarters(cell("period"));
    if (!period.ok) err("period", period.key, period.params);

    const dates = parseDateRange(cell("dates"));
    if (!dates.ok) err("dates", dates.key, dates.params);
    else if (dates.value?.year != null && dates.value.year !== year) {
      err("dates", "reporting:import.datesYear", { value: cell("dates"), year });
    }

    if (!number || !target.ok || !period.ok || !dates.ok) continue;
    const range = dates.value;
    goal.measures.push({
      row,
      number,
      title: measureTitle,
      indicator,
      baseline: cell("baseline") || null,
      target: targetRaw || null,
      targetType: target.value.type,
      targetValue: target.value.value,
      startMonth: range?.startMonth ?? null,
      endMonth: range?.endMonth ?? null,
      dates: range ? cell("dates").replace(/\s*-\s*/g, "-") : null,
      quarters:
        period.value ?? (range ? quartersOfMonths(range.startMonth, range.endMonth) : [...ALL_QUARTERS]),
      responsible: cell("responsible") || null,
    });
  }

  const list = [...goals.values()].sort((a, b) => a.number - b.number);
  for (const g of list) {
    if (!g.title) {
      errors.push({
        row: g.row,
        column: headerText.get("goalTitle") ?? columnHeader("mn", "goalTitle"),
        key: "reporting:import.goalTitleMissing",
        params: { goal: g.number },
      });
    }
    if (!g.sectionSet) g.section = sectionFromTitle(g.title);
  }
  if (errors.length === 0 && list.every((g) => g.measures.length === 0)) {
    errors.push({ row: headerRow.row + 1, key: "reporting:import.noMeasures" });
  }
  errors.sort((a, b) => a.row - b.row);
  return {
    goals: list.map(({ titleSet: _t, sectionSet: _s, ...g }) => g),
    errors,
  };
}

/** Reads a plan file (XLSX or CSV). Throws `reporting:import.unreadable` for other files. */
export async function parsePlanFile(file: Buffer, fileName: string, year: number): Promise<ParsedPlan> {
  return parsePlanTable(await readTable(file, fileName), year);
}

// ───────────────────────────── import ─────────────────────────────

export interface ImportPlanInput {
  actor: Actor;
  /** Whose plan; the actor's own when omitted. */
  personId?: number;
  year: number;
  file: Buffer;
  fileName: string;
}

export interface ImportPlanResult {
  planId: number;
  personId: number;
  year: number;
  version: number;
  status: "DRAFT";
  goals: number;
  measures: number;
  /** Seed 003's remarks; they do not block. */
  warnings: PlanWarning[];
  /** Earlier unapproved versions replaced by this one. */
  superseded: number[];
}

/**
 * Imports a plan file as a new DRAFT version. The official imports their own plan; an org
 * admin or the official's reviewer may import one for them. Any row error → ValidationError
 * with every error, and nothing written.
 */
export async function importPlan(
  prisma: PrismaClient,
  clock: Clock,
  input: ImportPlanInput,
): Promise<ImportPlanResult> {
  const personId = input.personId ?? input.actor.personId;
  if (personId === null || personId === undefined) throw forbidden();
  const access = await accessTo(prisma, input.actor, personId);
  check(access.self || access.admin || access.reviewer);
  if (!Number.isInteger(input.year) || input.year < 2000 || input.year > 2100) {
    throw new DomainError("reporting:errors.badYear", { year: input.year });
  }
  const parsed = await parsePlanFile(input.file, input.fileName, input.year);
  if (parsed.errors.length > 0) throw new ValidationError(parsed.errors);

  const settings = await getOrgSettings(prisma, access.person.orgId);
  const now = clock.now();
  return prisma.$transaction(async (tx) => {
    const last = await tx.performancePlan.findFirst({
      where: { personId, year: input.year },
      orderBy: { version: "desc" },
      select: { version: true },
    });
    const replaced = await tx.performancePlan.findMany({
      where: { personId, year: input.year, status: { in: ["DRAFT", "SUBMITTED", "RETURNED"] } },
      select: { id: true },
    });
    await tx.performancePlan.updateMany({
      where: { id: { in: replaced.map((p) => p.id) } },
      data: { status: "SUPERSEDED" },
    });
    const plan = await tx.performancePlan.create({
      data: {
        orgId: access.person.orgId,
        personId,
        year: input.year,
        version: (last?.version ?? 0) + 1,
        status: "DRAFT",
        createdAt: now,
        goals: {
          create: parsed.goals.map((g) => ({
            number: g.number,
            title: g.title,
            section: g.section,
            measures: {
              create: g.measures.map(({ row: _row, ...m }, i) => ({ ...m, sortOrder: i })),
            },
          })),
        },
      },
    });
    return {
      planId: plan.id,
      personId,
      year: input.year,
      version: plan.version,
      status: "DRAFT" as const,
      goals: parsed.goals.length,
      measures: parsed.goals.reduce((n, g) => n + g.measures.length, 0),
      warnings: planWarnings(parsed.goals, settings.reporting.minSkillMeasures),
      superseded: replaced.map((p) => p.id),
    };
  });
}

/**
 * For the command-line tool: imports a plan file from disk for a person named by their
 * directory code, acting as the deployment's operator.
 */
export async function importPlanFile(
  prisma: PrismaClient,
  clock: Clock,
  input: { file: string; org: string; person: string; year: number },
): Promise<ImportPlanResult> {
  const org = await prisma.organization.findUnique({ where: { slug: input.org }, select: { id: true } });
  if (!org) throw new DomainError("common:errors.notFound", { what: input.org });
  const person = await prisma.person.findUnique({
    where: { orgId_code: { orgId: org.id, code: input.person } },
    select: { id: true },
  });
  if (!person) throw new DomainError("common:errors.notFound", { what: input.person });
  const operator: Actor = {
    userId: 0,
    personId: null,
    orgId: org.id,
    unitId: null,
    roles: [],
    superAdmin: true,
  };
  return importPlan(prisma, clock, {
    actor: operator,
    personId: person.id,
    year: input.year,
    file: await readFile(input.file),
    fileName: path.basename(input.file),
  });
}
