/**
 * The report paper as a DOCX file, laid out as seed 000's table: A4 landscape, a fixed
 * table layout with every border drawn, two heading rows (the "Гүйцэтгэлийн түвшин" heading
 * over the baseline, target and achieved columns, the other headings spanning both rows),
 * the row of column numbers, goal rows across the table, then the measures. Column widths
 * leave the narrow columns room for their longest usual word ("Хэрэгжилтийн", "Биелэлтийн")
 * so no word is broken.
 */
import { type DocxNode, docx } from "./docx.js";
import type { ReportDocument } from "./export.js";

const {
  AlignmentType,
  BorderStyle,
  Document,
  Packer,
  PageOrientation,
  Paragraph,
  Table,
  TableCell,
  TableLayoutType,
  TableRow,
  TextRun,
  VerticalAlign,
  VerticalMergeType,
  WidthType,
} = docx;
type Paragraph = DocxNode;
type Table = DocxNode;
type TableRow = DocxNode;

const FONT = "Times New Roman";
/** Twentieths of a point; A4 landscape less the margins leaves 14 838. */
export const COL_WIDTHS = [600, 3000, 1700, 1400, 1500, 3300, 1700, 1500] as const;
const TASK_WIDTHS = [600, 5400, 7100, 1600] as const;
/** The baseline, target and achieved columns under "Гүйцэтгэлийн түвшин". */
const LEVELS = [3, 4, 5] as const;

const border = { style: BorderStyle.SINGLE, size: 4, color: "000000" };
const borders = { top: border, bottom: border, left: border, right: border };

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
  opts: { bold?: boolean; span?: number; center?: boolean; merge?: "restart" | "continue" } = {},
) {
  const list = Array.isArray(lines) ? lines : [lines];
  return new TableCell({
    width: { size: width, type: WidthType.DXA },
    columnSpan: opts.span,
    verticalMerge:
      opts.merge === "restart"
        ? VerticalMergeType.RESTART
        : opts.merge === "continue"
          ? VerticalMergeType.CONTINUE
          : undefined,
    verticalAlign: opts.merge ? VerticalAlign.CENTER : VerticalAlign.TOP,
    borders,
    margins: { top: 40, bottom: 40, left: 80, right: 80 },
    children: (list.length ? list : [""]).map((l) =>
      para(l, { bold: opts.bold, center: opts.center, size: 20 }),
    ),
  });
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

/** The two heading rows and the row of column numbers, repeated on every page. */
function headRows(doc: ReportDocument): TableRow[] {
  const w = (i: number) => COL_WIDTHS[i] ?? 1000;
  const top: DocxNode[] = [];
  const bottom: DocxNode[] = [];
  doc.columns.forEach((heading, i) => {
    if (i === LEVELS[0]) {
      top.push(
        cell(doc.levelsHeading, sum(LEVELS.map(w)), { bold: true, center: true, span: LEVELS.length }),
      );
    }
    if ((LEVELS as readonly number[]).includes(i)) {
      bottom.push(cell(heading, w(i), { bold: true, center: true }));
      return;
    }
    top.push(cell(heading, w(i), { bold: true, center: true, merge: "restart" }));
    bottom.push(cell("", w(i), { merge: "continue" }));
  });
  return [
    new TableRow({ tableHeader: true, children: top }),
    new TableRow({ tableHeader: true, children: bottom }),
    new TableRow({
      tableHeader: true,
      children: COL_WIDTHS.map((width, i) => cell(i === 0 ? "" : String(i), width, { center: true })),
    }),
  ];
}

function measureTable(doc: ReportDocument, goals: ReportDocument["sections"][number]["goals"]): Table {
  const total = sum(COL_WIDTHS);
  const rows: TableRow[] = headRows(doc);
  for (const g of goals) {
    rows.push(new TableRow({ children: [cell(g.heading, total, { bold: true, span: COL_WIDTHS.length })] }));
    for (const r of g.rows) {
      const values = [r.no, r.measure, r.indicator, r.baseline, r.target, r.achieved, r.dates, r.completion];
      rows.push(
        new TableRow({
          cantSplit: false,
          children: values.map((v, i) => cell(v, COL_WIDTHS[i] ?? 1000, { center: i === 0 || i >= 6 })),
        }),
      );
    }
  }
  return new Table({
    width: { size: total, type: WidthType.DXA },
    columnWidths: [...COL_WIDTHS],
    layout: TableLayoutType.FIXED,
    rows,
  });
}

function taskTable(doc: ReportDocument): Table {
  const total = sum(TASK_WIDTHS);
  return new Table({
    width: { size: total, type: WidthType.DXA },
    columnWidths: [...TASK_WIDTHS],
    layout: TableLayoutType.FIXED,
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
              cell(v, TASK_WIDTHS[i] ?? 1000, { center: i === 0 || i === 3 }),
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
