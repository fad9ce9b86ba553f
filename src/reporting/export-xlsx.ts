/**
 * The report paper as a spreadsheet with seed 000's columns. Every row gets a height from
 * its longest cell (../shared/xlsx-layout.ts) and every table cell a thin border, so rows
 * never overlap in LibreOffice; the page is A4 landscape, one page wide, with the heading
 * rows repeated on each page.
 */
import type ExcelJS from "exceljs";
import { loadExcel } from "../shared/lazy-libs.js";
import { fitHeight, LINE_HEIGHT, ROW_HEIGHT_PADDING } from "../shared/xlsx-layout.js";
import type { ReportDocument } from "./export.js";

/** Column widths in characters of the default font. */
export const XLSX_WIDTHS = [6, 42, 22, 14, 14, 56, 16, 13] as const;
const thin = { style: "thin" as const, color: { argb: "FF000000" } };
const BORDER = { top: thin, left: thin, bottom: thin, right: thin };

/** The same paper as a spreadsheet with the same columns. */
export async function buildReportXlsx(doc: ReportDocument, sheetName: string): Promise<Buffer> {
  const wb = new (await loadExcel()).Workbook();
  wb.creator = "albabot";
  const ws = wb.addWorksheet(sheetName.slice(0, 31), {
    pageSetup: {
      orientation: "landscape",
      paperSize: 9,
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      margins: { left: 0.5, right: 0.5, top: 0.6, bottom: 0.6, header: 0.3, footer: 0.3 },
    },
  });
  const widths = XLSX_WIDTHS;
  const total = widths.reduce((a, b) => a + b, 0);
  ws.columns = widths.map((width) => ({ width }));
  const wrap = { wrapText: true, vertical: "top" } as const;
  const boxed = (row: ExcelJS.Row, from = 1, to = widths.length) => {
    for (let c = from; c <= to; c++) row.getCell(c).border = BORDER;
  };
  const span = (text: string, opts: { bold?: boolean; border?: boolean } = {}) => {
    const row = ws.addRow([text]);
    ws.mergeCells(row.number, 1, row.number, widths.length);
    row.font = { bold: opts.bold ?? false };
    row.alignment = wrap;
    fitHeight(row, [{ text, width: total }], opts.bold);
    if (opts.border) boxed(row);
    return row;
  };
  const title = span(doc.title, { bold: true });
  title.alignment = { wrapText: true, horizontal: "center", vertical: "middle" };
  const headings: number[] = [];
  const table = (goals: ReportDocument["sections"][number]["goals"]) => {
    // Two heading rows: "Гүйцэтгэлийн түвшин" over the three level columns (4–6), the other
    // headings merged over both rows, as in seed 000.
    const top = ws.addRow(doc.columns.map((c, i) => (i === 3 ? doc.levelsHeading : i > 3 && i < 6 ? "" : c)));
    const bottom = ws.addRow(doc.columns.map((c, i) => (i >= 3 && i < 6 ? c : "")));
    ws.mergeCells(top.number, 4, top.number, 6);
    for (const c of [1, 2, 3, 7, 8]) ws.mergeCells(top.number, c, bottom.number, c);
    const numbers = ws.addRow(widths.map((_, i) => (i === 0 ? "" : i)));
    for (const row of [top, bottom, numbers]) {
      row.font = { bold: row !== numbers };
      row.alignment = { wrapText: true, vertical: "middle", horizontal: "center" };
      boxed(row);
    }
    fitHeight(
      top,
      doc.columns.map((c, i) => ({ text: i >= 3 && i < 6 ? "" : c, width: widths[i] ?? 10 })),
      true,
    );
    fitHeight(
      bottom,
      doc.columns.map((c, i) => ({ text: i >= 3 && i < 6 ? c : "", width: widths[i] ?? 10 })),
      true,
    );
    numbers.height = LINE_HEIGHT + ROW_HEIGHT_PADDING;
    headings.push(top.number, numbers.number);
    for (const g of goals) {
      span(g.heading, { bold: true, border: true });
      for (const r of g.rows) {
        const values = [r.no, r.measure, r.indicator, r.baseline, r.target, r.achieved.join("\n"), r.dates];
        const completion = r.completion === "" ? "" : Number(r.completion);
        const row = ws.addRow([...values, completion]);
        row.alignment = wrap;
        for (const c of [1, 7, 8]) row.getCell(c).alignment = { ...wrap, horizontal: "center" };
        boxed(row);
        fitHeight(
          row,
          values.map((text, i) => ({ text, width: widths[i] ?? 10 })),
        );
      }
    }
  };
  const [first, ...rest] = doc.sections;
  if (first) {
    ws.addRow([]);
    span(first.heading, { bold: true });
    table(first.goals);
  }
  ws.addRow([]);
  span(doc.tasksHeading, { bold: true });
  if (doc.tasks.length) {
    // Title over columns 2–5, result over 6–7, as wide as the measure table.
    const taskRow = (cells: [string, string, string, string | number], bold = false) => {
      const row = ws.addRow([cells[0], cells[1], "", "", "", cells[2], "", cells[3]]);
      ws.mergeCells(row.number, 2, row.number, 5);
      ws.mergeCells(row.number, 6, row.number, 7);
      row.font = { bold };
      row.alignment = bold ? { wrapText: true, vertical: "middle", horizontal: "center" } : wrap;
      boxed(row);
      const w = widths;
      fitHeight(
        row,
        [
          { text: cells[0], width: w[0] ?? 0 },
          { text: cells[1], width: (w[1] ?? 0) + (w[2] ?? 0) + (w[3] ?? 0) + (w[4] ?? 0) },
          { text: cells[2], width: (w[5] ?? 0) + (w[6] ?? 0) },
          { text: String(cells[3]), width: w[7] ?? 0 },
        ],
        bold,
      );
      return row;
    };
    const [no = "", title = "", result = "", completion = ""] = doc.taskColumns;
    taskRow([no, title, result, completion], true);
    for (const task of doc.tasks) {
      taskRow([task.no, task.title, task.result, task.completion === "" ? "" : Number(task.completion)]);
    }
  } else {
    span(doc.noTasks);
  }
  for (const s of rest) {
    ws.addRow([]);
    span(s.heading, { bold: true });
    table(s.goals);
  }
  ws.addRow([]);
  for (const line of doc.totals) span(line, { bold: true });
  for (const s of doc.signatures) {
    ws.addRow([]);
    span(s.label, { bold: true });
    span(`${s.position} ${doc.labels.position}`);
    span(`${doc.labels.signature(s.name)} ${doc.labels.nameSignature}`);
    span(`${s.date ?? "....................."} ${doc.labels.date}`);
  }
  // The first table's heading rows repeat on every printed page.
  if (headings.length >= 2) ws.pageSetup.printTitlesRow = `${headings[0]}:${headings[1]}`;
  return Buffer.from(await wb.xlsx.writeBuffer());
}
