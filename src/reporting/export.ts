/**
 * A report as a paper to sign, in the table layout of seed 000: DOCX (and XLSX with the same
 * columns). Title "<UNIT'S> <POSITION> <NAME'S> <YEAR> ОНЫ <PERIOD> ГҮЙЦЭТГЭЛИЙН ТАЙЛАН",
 * section one with the plan's goals (goal rows span the table), the additional tasks,
 * section two with the skills-development goals, the overall completion and rating, then
 * the signature lines (prepared by the official, reviewed by the head).
 */
import ExcelJS from "exceljs";
import type { TFunction } from "i18next";
import type { Actor } from "../directory/actor.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import type { GoalSection } from "../generated/prisma/enums.js";
import { formatDate, type Locale, translator } from "../i18n.js";
import type { Clock } from "../shared/clock.js";
import { accessTo, check, notFound, reviewersOf } from "./access.js";
import { type DocxNode, docx } from "./docx.js";
import { reportTitle } from "./export-title.js";
import { type LoadedReport, loadReport, sortedEntries } from "./report-view.js";

const {
  AlignmentType,
  Document,
  Packer,
  PageOrientation,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  VerticalAlign,
  WidthType,
} = docx;
type Paragraph = DocxNode;
type Table = DocxNode;
type TableRow = DocxNode;

export interface ExportedFile {
  data: Buffer;
  fileName: string;
  mimeType: string;
}

/** Everything the paper shows, already in words. */
export interface ReportDocument {
  title: string;
  sections: {
    heading: string;
    goals: {
      heading: string;
      rows: {
        no: string;
        measure: string;
        indicator: string;
        baseline: string;
        target: string;
        achieved: string[];
        dates: string;
        completion: string;
      }[];
    }[];
  }[];
  tasksHeading: string;
  tasks: { no: string; title: string; result: string; completion: string }[];
  noTasks: string;
  totals: string[];
  signatures: { label: string; position: string; name: string; date: string | null }[];
  columns: string[];
  taskColumns: string[];
  labels: { position: string; nameSignature: string; date: string; signature: (name: string) => string };
}

const MIME_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
const MIME_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

function monthsText(year: number, start: number | null, end: number | null): string {
  if (start === null || end === null) return "";
  const p = (n: number) => String(n).padStart(2, "0");
  return start === end ? `${year}.${p(start)}` : `${year}.${p(start)}-${p(end)}`;
}

/** Builds the paper's content from a loaded report in `locale`. */
export function reportDocument(
  report: LoadedReport,
  reviewer: { fullName: string; positionTitle: string | null } | null,
  locale: Locale,
): ReportDocument {
  const base = translator(locale);
  const t = ((key: string, params: Record<string, unknown> = {}) =>
    base(key, { ...params, interpolation: { escapeValue: false } })) as unknown as TFunction;
  const year = report.period.year;
  const title = reportTitle(t, locale, {
    unit: report.person.unit?.name,
    position: report.person.position?.title,
    fullName: report.person.fullName,
    year,
    period: t(`reporting:period.title.${report.period.kind}`),
  });

  const entries = sortedEntries(report);
  const sectionOf = (s: GoalSection) => (s === "SKILLS" ? "skills" : "plan");
  const build = (which: "plan" | "skills") => {
    const goals = new Map<number, ReportDocument["sections"][number]["goals"][number]>();
    for (const e of entries.filter((x) => sectionOf(x.measure.goal.section) === which)) {
      const g = e.measure.goal;
      let goal = goals.get(g.number);
      if (!goal) {
        goal = { heading: t("reporting:export.goal", { number: g.number, title: g.title }), rows: [] };
        goals.set(g.number, goal);
      }
      const achieved = e.skipped
        ? [t("reporting:export.skipped")]
        : [e.achievedText, e.narrative].filter((x): x is string => Boolean(x));
      goal.rows.push({
        no: e.measure.number,
        measure: e.measure.title,
        indicator: e.measure.indicator ?? "",
        baseline: e.measure.baseline ?? "",
        target: e.measure.target ?? "",
        achieved,
        dates: monthsText(year, e.measure.startMonth, e.measure.endMonth),
        completion: e.skipped || e.completion === null ? "" : String(e.completion),
      });
    }
    return [...goals.values()];
  };

  const sections: ReportDocument["sections"] = [
    { heading: t("reporting:export.sectionPlan"), goals: build("plan") },
  ];
  const skills = build("skills");
  if (skills.length > 0) sections.push({ heading: t("reporting:export.sectionSkills"), goals: skills });

  const totals: string[] = [];
  if (report.overallCompletion !== null || report.status === "DRAFT" || report.status === "RETURNED") {
    const counted = entries.filter((e) => !e.skipped && e.completion !== null);
    const overall =
      report.overallCompletion ??
      (counted.length
        ? Math.round((counted.reduce((s, e) => s + (e.completion ?? 0), 0) / counted.length) * 10) / 10
        : null);
    if (overall !== null) totals.push(t("reporting:export.overall", { completion: overall }));
  }
  if (report.rating)
    totals.push(t("reporting:export.rating", { rating: t(`reporting:rating.${report.rating}`) }));

  return {
    title,
    sections,
    tasksHeading: t("reporting:export.sectionTasks"),
    tasks: report.tasks.map((task, i) => ({
      no: String(i + 1),
      title: task.title,
      result: task.result ?? "",
      completion: task.completion === null ? "" : String(task.completion),
    })),
    noTasks: t("reporting:export.noTasks"),
    totals,
    signatures: [
      {
        label: t("reporting:export.preparedBy"),
        position: report.person.position?.title ?? "",
        name: report.person.fullName,
        date: report.submittedAt ? formatDate(report.submittedAt) : null,
      },
      {
        label: t("reporting:export.reviewedBy"),
        position: reviewer?.positionTitle ?? "",
        name: reviewer?.fullName ?? "",
        date: report.reviewedAt && report.status === "APPROVED" ? formatDate(report.reviewedAt) : null,
      },
    ],
    columns: (
      ["no", "measure", "indicator", "baseline", "target", "achieved", "dates", "completion"] as const
    ).map((c) => t(`reporting:export.columns.${c}`)),
    taskColumns: (["no", "title", "result", "completion"] as const).map((c) =>
      t(`reporting:export.taskColumns.${c}`),
    ),
    labels: {
      position: t("reporting:export.position"),
      nameSignature: t("reporting:export.nameSignature"),
      date: t("reporting:export.date"),
      signature: (name: string) => t("reporting:export.signature", { name }),
    },
  };
}

// ───────────────────────────── DOCX ─────────────────────────────

const FONT = "Times New Roman";
const COL_WIDTHS = [700, 3300, 1800, 1000, 1000, 4600, 1400, 900];
const TASK_WIDTHS = [700, 5600, 7000, 1400];

function para(
  text: string,
  opts: { bold?: boolean; center?: boolean; size?: number; italics?: boolean } = {},
) {
  return new Paragraph({
    alignment: opts.center ? AlignmentType.CENTER : AlignmentType.LEFT,
    spacing: { after: 60 },
    children: [
      new TextRun({ text, bold: opts.bold, italics: opts.italics, font: FONT, size: opts.size ?? 22 }),
    ],
  });
}

function cell(
  lines: string[] | string,
  width: number,
  opts: { bold?: boolean; span?: number; center?: boolean } = {},
) {
  const list = Array.isArray(lines) ? lines : [lines];
  return new TableCell({
    width: { size: width, type: WidthType.DXA },
    columnSpan: opts.span,
    verticalAlign: VerticalAlign.TOP,
    children: (list.length ? list : [""]).map((l) =>
      para(l, { bold: opts.bold, center: opts.center, size: 20 }),
    ),
  });
}

function measureTable(doc: ReportDocument, goals: ReportDocument["sections"][number]["goals"]): Table {
  const total = COL_WIDTHS.reduce((a, b) => a + b, 0);
  const rows: TableRow[] = [
    new TableRow({
      tableHeader: true,
      children: doc.columns.map((c, i) => cell(c, COL_WIDTHS[i] ?? 1000, { bold: true, center: true })),
    }),
    new TableRow({
      children: COL_WIDTHS.map((w, i) => cell(i === 0 ? "" : String(i), w, { center: true })),
    }),
  ];
  for (const g of goals) {
    rows.push(new TableRow({ children: [cell(g.heading, total, { bold: true, span: COL_WIDTHS.length })] }));
    for (const r of g.rows) {
      const values = [r.no, r.measure, r.indicator, r.baseline, r.target, r.achieved, r.dates, r.completion];
      rows.push(new TableRow({ children: values.map((v, i) => cell(v, COL_WIDTHS[i] ?? 1000)) }));
    }
  }
  return new Table({ width: { size: total, type: WidthType.DXA }, columnWidths: COL_WIDTHS, rows });
}

function taskTable(doc: ReportDocument): Table {
  const total = TASK_WIDTHS.reduce((a, b) => a + b, 0);
  return new Table({
    width: { size: total, type: WidthType.DXA },
    columnWidths: TASK_WIDTHS,
    rows: [
      new TableRow({
        tableHeader: true,
        children: doc.taskColumns.map((c, i) =>
          cell(c, TASK_WIDTHS[i] ?? 1000, { bold: true, center: true }),
        ),
      }),
      ...doc.tasks.map(
        (task) =>
          new TableRow({
            children: [task.no, task.title, task.result, task.completion].map((v, i) =>
              cell(v, TASK_WIDTHS[i] ?? 1000),
            ),
          }),
      ),
    ],
  });
}

/** The paper as a DOCX file (A4 landscape). */
export async function buildReportDocx(doc: ReportDocument): Promise<Buffer> {
  const children: (Paragraph | Table)[] = [para(doc.title, { bold: true, center: true, size: 24 }), para("")];
  const [first, ...rest] = doc.sections;
  if (first) {
    children.push(para(first.heading, { bold: true }), measureTable(doc, first.goals), para(""));
  }
  children.push(para(doc.tasksHeading, { bold: true }));
  children.push(doc.tasks.length ? taskTable(doc) : para(doc.noTasks, { italics: true }), para(""));
  for (const s of rest) children.push(para(s.heading, { bold: true }), measureTable(doc, s.goals), para(""));
  for (const line of doc.totals) children.push(para(line, { bold: true }));
  for (const s of doc.signatures) {
    children.push(
      para(""),
      para(s.label, { bold: true }),
      para(s.position),
      para(doc.labels.position, { italics: true, size: 18 }),
      para(doc.labels.signature(s.name)),
      para(doc.labels.nameSignature, { italics: true, size: 18 }),
      para(s.date ?? "....................."),
      para(doc.labels.date, { italics: true, size: 18 }),
    );
  }
  const file = new Document({
    creator: "albabot",
    title: doc.title,
    sections: [
      {
        properties: {
          page: {
            size: { orientation: PageOrientation.LANDSCAPE, width: 11906, height: 16838 },
            margin: { top: 1000, right: 1000, bottom: 1000, left: 1000 },
          },
        },
        children,
      },
    ],
  });
  return Packer.toBuffer(file);
}

// ───────────────────────────── XLSX ─────────────────────────────

/** The same paper as a spreadsheet with the same columns. */
export async function buildReportXlsx(doc: ReportDocument, sheetName: string): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = "albabot";
  const ws = wb.addWorksheet(sheetName.slice(0, 31), {
    pageSetup: { orientation: "landscape", paperSize: 9, fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
  });
  const widths = [8, 45, 25, 12, 12, 60, 16, 12];
  ws.columns = widths.map((width) => ({ width }));
  const wrap = { wrapText: true, vertical: "top" } as const;
  const span = (text: string, bold = false) => {
    const row = ws.addRow([text]);
    ws.mergeCells(row.number, 1, row.number, widths.length);
    row.font = { bold };
    row.alignment = wrap;
    return row;
  };
  const title = span(doc.title, true);
  title.alignment = { wrapText: true, horizontal: "center" };
  title.height = 36;
  const table = (goals: ReportDocument["sections"][number]["goals"]) => {
    const head = ws.addRow(doc.columns);
    head.font = { bold: true };
    head.alignment = { wrapText: true, vertical: "middle", horizontal: "center" };
    for (const g of goals) {
      span(g.heading, true);
      for (const r of g.rows) {
        const completion = r.completion === "" ? "" : Number(r.completion);
        ws.addRow([
          r.no,
          r.measure,
          r.indicator,
          r.baseline,
          r.target,
          r.achieved.join("\n"),
          r.dates,
          completion,
        ]).alignment = wrap;
      }
    }
  };
  const [first, ...rest] = doc.sections;
  if (first) {
    ws.addRow([]);
    span(first.heading, true);
    table(first.goals);
  }
  ws.addRow([]);
  span(doc.tasksHeading, true);
  if (doc.tasks.length) {
    const head = ws.addRow([
      doc.taskColumns[0],
      doc.taskColumns[1],
      "",
      "",
      "",
      doc.taskColumns[2],
      "",
      doc.taskColumns[3],
    ]);
    head.font = { bold: true };
    for (const task of doc.tasks) {
      ws.addRow([
        task.no,
        task.title,
        "",
        "",
        "",
        task.result,
        "",
        task.completion === "" ? "" : Number(task.completion),
      ]).alignment = wrap;
    }
  } else {
    span(doc.noTasks);
  }
  for (const s of rest) {
    ws.addRow([]);
    span(s.heading, true);
    table(s.goals);
  }
  ws.addRow([]);
  for (const line of doc.totals) span(line, true);
  for (const s of doc.signatures) {
    ws.addRow([]);
    span(s.label, true);
    span(`${s.position} ${doc.labels.position}`);
    span(`${doc.labels.signature(s.name)} ${doc.labels.nameSignature}`);
    span(`${s.date ?? "....................."} ${doc.labels.date}`);
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

// ───────────────────────────── service ─────────────────────────────

/** Exports reports for the official, their reviewer and the evaluation team. */
export class ReportExport {
  constructor(private readonly deps: { prisma: PrismaClient; clock: Clock }) {}

  private async document(actor: Actor, reportId: number, locale: Locale) {
    const report = await loadReport(this.deps.prisma, reportId);
    if (!report) throw notFound();
    const a = await accessTo(this.deps.prisma, actor, report.personId);
    check(a.self || a.reviewer || a.evaluation);
    const reviewer = report.reviewer
      ? { fullName: report.reviewer.fullName, positionTitle: report.reviewer.position?.title ?? null }
      : ((await reviewersOf(this.deps.prisma, report.person))[0] ?? null);
    const base = `report-${report.period.year}-${report.period.kind}-${report.person.code}`.replace(
      /[^\w.-]+/g,
      "_",
    );
    return { doc: reportDocument(report, reviewer, locale), base };
  }

  async docx(actor: Actor, reportId: number, locale: Locale = "mn"): Promise<ExportedFile> {
    const { doc, base } = await this.document(actor, reportId, locale);
    return { data: await buildReportDocx(doc), fileName: `${base}.docx`, mimeType: MIME_DOCX };
  }

  async xlsx(actor: Actor, reportId: number, locale: Locale = "mn"): Promise<ExportedFile> {
    const { doc, base } = await this.document(actor, reportId, locale);
    const sheet = translator(locale)("reporting:export.sheet");
    return { data: await buildReportXlsx(doc, sheet), fileName: `${base}.xlsx`, mimeType: MIME_XLSX };
  }
}
