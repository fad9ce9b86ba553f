/**
 * The plan spreadsheet written out: the empty template officials fill in (XLSX with a help
 * sheet, or CSV), and plan rows in the same layout (the example plans, tests). Reading a
 * filled-in plan back is in ./plan-import.ts.
 */
import { type Locale, translator } from "../i18n.js";
import { loadExcel } from "../shared/lazy-libs.js";
import { toCsv } from "./csv.js";
import { columnHeader, PLAN_COLUMNS, type PlanColumn, type PlanRow } from "./plan-import.js";

const WIDTHS: Record<PlanColumn, number> = {
  goalNumber: 10,
  goalTitle: 40,
  section: 14,
  measureNumber: 12,
  measure: 60,
  indicator: 30,
  baseline: 12,
  target: 16,
  period: 16,
  dates: 22,
  responsible: 30,
};

/** Writes plan rows as XLSX or CSV with the headers of `locale` (the template has none). */
export async function writePlanFile(
  rows: readonly PlanRow[],
  locale: Locale,
  format: "xlsx" | "csv" = "xlsx",
): Promise<Buffer> {
  const t = translator(locale);
  const headers = PLAN_COLUMNS.map((c) => columnHeader(locale, c));
  if (format === "csv") {
    return Buffer.from(toCsv([headers, ...rows.map((r) => PLAN_COLUMNS.map((c) => r[c] ?? ""))]), "utf8");
  }
  const wb = new (await loadExcel()).Workbook();
  wb.creator = "albabot";
  wb.created = new Date(0);
  wb.modified = new Date(0);
  const ws = wb.addWorksheet(t("reporting:template.sheet"), { views: [{ state: "frozen", ySplit: 1 }] });
  ws.columns = PLAN_COLUMNS.map((c, i) => ({
    header: headers[i],
    key: c,
    width: WIDTHS[c],
    style: c === "measureNumber" || c === "goalNumber" ? { numFmt: "@" } : {},
  }));
  const head = ws.getRow(1);
  head.font = { bold: true };
  head.alignment = { wrapText: true, vertical: "middle" };
  head.height = 32;
  for (const r of rows) {
    const added = ws.addRow(PLAN_COLUMNS.map((c) => r[c] ?? ""));
    added.alignment = { wrapText: true, vertical: "top" };
  }
  const sectionValues = (["PLAN", "COMMON", "SKILLS"] as const).map((s) =>
    t(`reporting:template.sectionValues.${s}`),
  );
  const sectionCol = PLAN_COLUMNS.indexOf("section") + 1;
  for (let r = 2; r <= Math.max(200, rows.length + 50); r++) {
    ws.getCell(r, sectionCol).dataValidation = {
      type: "list",
      allowBlank: true,
      formulae: [`"${sectionValues.join(",")}"`],
    };
  }
  const help = wb.addWorksheet(t("reporting:template.helpSheet"));
  help.getColumn(1).width = 110;
  const lines = t("reporting:template.help", { returnObjects: true }) as unknown;
  for (const line of Array.isArray(lines) ? lines : [String(lines)]) {
    help.addRow([String(line)]).alignment = { wrapText: true };
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** An empty plan template with the headers (and help) in the user's language. */
export async function planTemplate(locale: Locale, format: "xlsx" | "csv" = "xlsx"): Promise<Buffer> {
  return writePlanFile([], locale, format);
}
