/**
 * The directory as a workbook: one sheet per section (Organization, Settings, Units,
 * Positions, People, Topics, Routing, Calendar), a header row naming the fields, one row
 * per item. Reading turns it into the same data as the YAML file, so both go through one
 * validation; every error names its sheet, row and column.
 */
import type ExcelJS from "exceljs";
import { loadExcel } from "../shared/lazy-libs.js";
import type { RowError } from "../shared/errors.js";
import type { DirectorySource, ParsedDirectoryFile, Section, SourceLocation } from "./import-schema.js";

interface ColumnSpec {
  field: string;
  /** Mongolian label shown in the template's header before the field name. */
  label: string;
  width: number;
  date?: boolean;
}

interface SheetSpec {
  name: string;
  /** Where the rows go: the organisation itself, its settings, or one of its sections. */
  target: "organization" | "settings" | Section;
  columns: ColumnSpec[];
}

const orgColumn: ColumnSpec = { field: "org", label: "Байгууллага", width: 16 };

export const SHEETS: readonly SheetSpec[] = [
  {
    name: "Organization",
    target: "organization",
    columns: [
      { field: "slug", label: "Богино нэр", width: 16 },
      { field: "name", label: "Нэр", width: 44 },
      { field: "nameEn", label: "Англи нэр", width: 32 },
      { field: "timezone", label: "Цагийн бүс", width: 18 },
      { field: "active", label: "Идэвхтэй", width: 10 },
    ],
  },
  {
    name: "Settings",
    target: "settings",
    columns: [
      orgColumn,
      { field: "key", label: "Тохиргоо", width: 36 },
      { field: "value", label: "Утга", width: 20 },
    ],
  },
  {
    name: "Units",
    target: "units",
    columns: [
      orgColumn,
      { field: "code", label: "Код", width: 14 },
      { field: "name", label: "Нэр", width: 48 },
      { field: "nameEn", label: "Англи нэр", width: 36 },
      { field: "parent", label: "Дээд нэгжийн код", width: 14 },
    ],
  },
  {
    name: "Positions",
    target: "positions",
    columns: [
      orgColumn,
      { field: "code", label: "Код", width: 14 },
      { field: "title", label: "Албан тушаал", width: 56 },
      { field: "unit", label: "Нэгжийн код", width: 14 },
    ],
  },
  {
    name: "People",
    target: "people",
    columns: [
      orgColumn,
      { field: "code", label: "Код", width: 14 },
      { field: "fullName", label: "Овог нэр", width: 24 },
      { field: "unit", label: "Нэгжийн код", width: 14 },
      { field: "position", label: "Албан тушаалын код", width: 16 },
      { field: "roles", label: "Эрх", width: 30 },
      { field: "phone", label: "Утас", width: 14 },
      { field: "email", label: "И-мэйл", width: 24 },
      { field: "active", label: "Идэвхтэй", width: 10 },
    ],
  },
  {
    name: "Topics",
    target: "topics",
    columns: [
      orgColumn,
      { field: "code", label: "Код", width: 18 },
      { field: "name", label: "Нэр", width: 36 },
      { field: "nameEn", label: "Англи нэр", width: 28 },
      { field: "requiresAddress", label: "Хаяг шаардах", width: 12 },
      { field: "active", label: "Идэвхтэй", width: 10 },
    ],
  },
  {
    name: "Routing",
    target: "routing",
    columns: [
      orgColumn,
      { field: "topic", label: "Сэдвийн код", width: 18 },
      { field: "kind", label: "Төрөл", width: 14 },
      { field: "unit", label: "Нэгжийн код", width: 14 },
      { field: "person", label: "Хүний код", width: 14 },
      { field: "priority", label: "Эрэмбэ", width: 10 },
    ],
  },
  {
    name: "Calendar",
    target: "calendar",
    columns: [
      orgColumn,
      { field: "year", label: "Он", width: 8 },
      { field: "period", label: "Үе", width: 8 },
      { field: "deadline", label: "Эцсийн хугацаа", width: 14, date: true },
      { field: "opens", label: "Нээгдэх өдөр", width: 14, date: true },
    ],
  },
];

/** "Нэр (name)" or "name" → "name" (case-insensitive); null for an empty header. */
function headerField(header: string): string {
  const m = /\(([^()]+)\)\s*$/.exec(header);
  return (m ? m[1]! : header).trim().toLowerCase();
}

type Plain = string | number | boolean | Date | undefined;

function cellValue(v: ExcelJS.CellValue): Plain {
  if (v === null || v === undefined) return undefined;
  if (typeof v !== "object" || v instanceof Date) return v;
  if ("richText" in v) return v.richText.map((r) => r.text).join("");
  if ("hyperlink" in v) return typeof v.text === "string" ? v.text : cellValue(v.text as ExcelJS.CellValue);
  if ("result" in v) return cellValue(v.result as ExcelJS.CellValue);
  if ("error" in v) return v.error;
  if ("formula" in v || "sharedFormula" in v) return undefined;
  return String(v);
}

/** A setting typed into a cell: numbers, true/false and JSON lists stay what they are. */
function settingValue(v: Plain): unknown {
  if (typeof v !== "string") return v;
  const t = v.trim();
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  if (t === "true" || t === "false") return t === "true";
  if (t.startsWith("[") || t.startsWith("{")) {
    try {
      return JSON.parse(t);
    } catch {
      return t;
    }
  }
  return t;
}

function setIn(obj: Record<string, unknown>, keys: string[], value: unknown): void {
  let cur = obj;
  for (const k of keys.slice(0, -1)) {
    const next = cur[k];
    if (typeof next !== "object" || next === null || Array.isArray(next)) cur[k] = {};
    cur = cur[k] as Record<string, unknown>;
  }
  cur[keys[keys.length - 1]!] = value;
}

interface Anchor {
  path: readonly PropertyKey[];
  at: SourceLocation;
}

/** Locates a path by its longest registered prefix (an item's row), naming the column. */
class WorkbookSource implements DirectorySource {
  private anchors = new Map<string, Anchor>();
  private fallback: SourceLocation = { row: 1, sheet: "Organization" };

  add(path: readonly PropertyKey[], at: SourceLocation): void {
    this.anchors.set(JSON.stringify(path), { path, at });
  }

  locate(path: readonly PropertyKey[]): SourceLocation {
    for (let n = path.length; n >= 0; n--) {
      const anchor = this.anchors.get(JSON.stringify(path.slice(0, n)));
      if (!anchor) continue;
      const next = path[n];
      if (anchor.at.column !== undefined || typeof next !== "string") return anchor.at;
      return { ...anchor.at, column: next };
    }
    return this.fallback;
  }
}

export async function parseDirectoryXlsx(data: Uint8Array | ArrayBuffer): Promise<ParsedDirectoryFile> {
  const wb = new (await loadExcel()).Workbook();
  const source = new WorkbookSource();
  const errors: RowError[] = [];
  try {
    await wb.xlsx.load(Buffer.from(data as ArrayBuffer) as unknown as ExcelJS.Buffer);
  } catch (err) {
    errors.push({ row: 1, key: "directory:import.badWorkbook", params: { message: (err as Error).message } });
    return { format: "xlsx", data: undefined, source, errors };
  }

  const sheetByName = new Map(wb.worksheets.map((ws) => [ws.name.trim().toLowerCase(), ws]));
  const readSheet = (spec: SheetSpec): { row: number; values: Record<string, Plain> }[] | null => {
    const ws = sheetByName.get(spec.name.toLowerCase());
    if (!ws) return null;
    const fields = new Map<number, string>();
    const known = new Map(spec.columns.map((c) => [c.field.toLowerCase(), c.field]));
    ws.getRow(1).eachCell({ includeEmpty: false }, (cell, col) => {
      const header = String(cellValue(cell.value) ?? "").trim();
      if (header === "") return;
      const field = known.get(headerField(header));
      if (field) fields.set(col, field);
      else {
        errors.push({
          row: 1,
          column: header,
          key: "directory:import.unknownColumn",
          params: { sheet: spec.name, column: header },
        });
      }
    });
    const rows: { row: number; values: Record<string, Plain> }[] = [];
    ws.eachRow({ includeEmpty: false }, (row, rowNumber) => {
      if (rowNumber === 1) return;
      const values: Record<string, Plain> = {};
      let any = false;
      for (const [col, field] of fields) {
        const v = cellValue(row.getCell(col).value);
        const empty = v === undefined || (typeof v === "string" && v.trim() === "");
        if (!empty) {
          values[field] = v;
          any = true;
        }
      }
      if (any) rows.push({ row: rowNumber, values });
    });
    return rows;
  };

  const [orgSpec, ...sectionSpecs] = SHEETS;
  const orgRows = readSheet(orgSpec!);
  if (!orgRows) {
    errors.push({ row: 1, key: "directory:import.missingSheet", params: { sheet: orgSpec!.name } });
    return { format: "xlsx", data: undefined, source, errors };
  }
  const organizations: Record<string, unknown>[] = [];
  const orgIndex = new Map<string, number>();
  for (const { row, values } of orgRows) {
    const i = organizations.length;
    organizations.push({ ...values });
    source.add(["organizations", i], { row, sheet: orgSpec!.name });
    const slug = values.slug === undefined ? "" : String(values.slug).trim();
    if (slug && !orgIndex.has(slug)) orgIndex.set(slug, i);
  }

  for (const spec of sectionSpecs) {
    const rows = readSheet(spec);
    if (!rows) continue;
    if (spec.target !== "settings") for (const org of organizations) org[spec.target] = [];
    for (const { row, values } of rows) {
      const { org: orgCell, ...item } = values;
      let i: number | undefined;
      const slug = orgCell === undefined ? "" : String(orgCell).trim();
      if (slug === "") {
        if (organizations.length === 1) i = 0;
        else
          errors.push({
            row,
            column: "org",
            key: "directory:import.orgRequired",
            params: { sheet: spec.name },
          });
      } else {
        i = orgIndex.get(slug);
        if (i === undefined) {
          errors.push({
            row,
            column: "org",
            key: "directory:import.unknownOrg",
            params: { sheet: spec.name, slug },
          });
        }
      }
      if (i === undefined) continue;
      const org = organizations[i]!;
      if (spec.target === "settings") {
        const key = item.key === undefined ? "" : String(item.key).trim();
        const parts = key.split(".").filter(Boolean);
        if (parts.length === 0) {
          errors.push({
            row,
            column: "key",
            key: "directory:import.required",
            params: { sheet: spec.name, field: "key" },
          });
          continue;
        }
        if (org.settings === undefined) org.settings = {};
        const settings = org.settings as Record<string, unknown>;
        setIn(settings, parts, settingValue(item.value));
        source.add(["organizations", i, "settings", ...parts], { row, sheet: spec.name, column: "value" });
      } else {
        const list = org[spec.target] as Record<string, unknown>[];
        source.add(["organizations", i, spec.target, list.length], { row, sheet: spec.name });
        list.push(item);
      }
    }
  }
  return { format: "xlsx", data: { organizations }, source, errors };
}

function flattenSettings(obj: Record<string, unknown>, prefix = ""): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === "object" && !Array.isArray(v)) {
      out.push(...flattenSettings(v as Record<string, unknown>, key));
    } else out.push([key, Array.isArray(v) ? JSON.stringify(v) : v]);
  }
  return out;
}

function toCell(v: unknown, date: boolean | undefined): ExcelJS.CellValue {
  if (v === undefined || v === null) return null;
  if (Array.isArray(v)) return v.join(", ");
  if (date && typeof v === "string" && /^\d{4}-\d{2}-\d{2}$/.test(v)) return new Date(`${v}T00:00:00Z`);
  if (typeof v === "object" && !(v instanceof Date)) return JSON.stringify(v);
  return v as ExcelJS.CellValue;
}

/**
 * Writes directory data (the shape of the YAML file) as a workbook in the layout above.
 * Used for the template and the example; the data is written as given, not validated.
 */
export async function writeDirectoryXlsx(data: {
  organizations?: Record<string, unknown>[];
}): Promise<Buffer> {
  const wb = new (await loadExcel()).Workbook();
  wb.creator = "albabot";
  const orgs = data.organizations ?? [];
  for (const spec of SHEETS) {
    const ws = wb.addWorksheet(spec.name, { views: [{ state: "frozen", ySplit: 1 }] });
    ws.columns = spec.columns.map((c) => ({
      header: `${c.label} (${c.field})`,
      key: c.field,
      width: c.width,
      ...(c.date ? { style: { numFmt: "yyyy-mm-dd" } } : {}),
    }));
    ws.getRow(1).font = { bold: true };
    for (const org of orgs) {
      const slug = org.slug;
      if (spec.target === "organization") {
        ws.addRow(spec.columns.map((c) => toCell(org[c.field], c.date)));
      } else if (spec.target === "settings") {
        const settings = org.settings as Record<string, unknown> | undefined;
        for (const [key, value] of flattenSettings(settings ?? {}))
          ws.addRow([slug, key, toCell(value, false)]);
      } else {
        for (const item of (org[spec.target] as Record<string, unknown>[] | undefined) ?? []) {
          ws.addRow(
            spec.columns.map((c) => (c.field === "org" ? slug : toCell(item[c.field], c.date))) as unknown[],
          );
        }
      }
    }
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
