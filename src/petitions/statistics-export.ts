/**
 * The quarterly petition statistics (./statistics.ts) as a spreadsheet and as a chart, in
 * the user's language. Only counts and averages, as in the statistics themselves (no names,
 * contacts or texts): made from `PetitionService.publicSummary` they can be published.
 *
 * - `statisticsXlsx`: sheets "Summary" (received, resolved on time / late, forwarded,
 *   withdrawn, open, overdue, rates, average days, satisfaction), then received by kind,
 *   channel, sender and topic with each one's share.
 * - `statisticsChartPng` / `statisticsChartSvg`: received by kind and by channel, and what
 *   became of them (resolved on time, late, forwarded, withdrawn, open, overdue).
 */
import type ExcelJS from "exceljs";
import { loadExcel } from "../shared/lazy-libs.js";
import type { TFunction } from "i18next";
import type { TopLevelSpec } from "vega-lite";
import { type Lang, nameIn, percentText, plain, wrapLabel } from "../charts/labels.js";
import { type ChartSize, layoutSize, renderChartPng, renderChartSvg } from "../charts/render.js";
import { textWidth } from "../charts/fonts.js";
import { COLORS } from "../charts/theme.js";
import { formatDate } from "../i18n.js";
import { PetitionChannel, PetitionKind, SenderType } from "../generated/prisma/enums.js";
import { DEFAULT_TIME_ZONE } from "../shared/local-time.js";
import { fitHeight } from "../shared/xlsx-layout.js";
import type { PetitionStatistics } from "./statistics.js";

export interface StatisticsHeading {
  org: { name: string; nameEn: string | null; timezone?: string | null };
  /** The period's name, e.g. `quarterLabel(t, 2026, 1)`; the dates are always shown too. */
  period?: string;
}

export const STATISTICS_CHART_SIZE: ChartSize = { width: 1200, height: 1100 };

type Translate = ReturnType<typeof plain>;

function headingTexts(stats: PetitionStatistics, lang: Lang, heading: StatisticsHeading) {
  const tx = plain(lang.t);
  const tz = heading.org.timezone || DEFAULT_TIME_ZONE;
  // The range is half-open: its last day is the one before `to`.
  const lastDay = new Date(new Date(stats.range.to).getTime() - 1);
  const range = tx("charts:range", {
    from: formatDate(stats.range.from, tz),
    to: formatDate(lastDay, tz),
  });
  return {
    tx,
    org: nameIn(lang.locale, heading.org),
    period: heading.period ? `${heading.period} (${range})` : range,
    // A finished range is counted as of its last day.
    asOf: tx("charts:asOf", {
      date: formatDate(
        new Date(stats.range.asOf) >= new Date(stats.range.to) ? lastDay : stats.range.asOf,
        tz,
      ),
    }),
  };
}

const share = (n: number, total: number) => (total > 0 ? Math.round((n / total) * 1000) / 10 : null);

// ───────────────────────────── XLSX ─────────────────────────────

/** The statistics as a workbook (one summary sheet and one per breakdown). */
export async function statisticsXlsx(
  stats: PetitionStatistics,
  lang: Lang,
  heading: StatisticsHeading,
): Promise<Buffer> {
  const d = headingTexts(stats, lang, heading);
  const { tx } = d;
  const wb = new (await loadExcel()).Workbook();
  wb.creator = "albabot";
  wb.created = new Date(stats.range.asOf);
  wb.modified = wb.created;

  summarySheet(wb, stats, lang.t, d);

  const total = stats.received.total;
  breakdownSheet(
    wb,
    tx,
    tx("petitions:stats.byKind"),
    [tx("charts:xlsx.kind")],
    Object.values(PetitionKind).map((k) => ({
      cells: [tx(`petitions:kind.${k}`)],
      count: stats.received.byKind[k],
    })),
    total,
  );
  breakdownSheet(
    wb,
    tx,
    tx("petitions:stats.byChannel"),
    [tx("charts:xlsx.channel")],
    Object.values(PetitionChannel).map((c) => ({
      cells: [tx(`petitions:channel.${c}`)],
      count: stats.received.byChannel[c],
    })),
    total,
  );
  breakdownSheet(
    wb,
    tx,
    tx("petitions:stats.byTopic"),
    [tx("charts:xlsx.topic"), tx("charts:xlsx.code")],
    stats.received.byTopic.map((x) => ({
      cells: x.topic ? [nameIn(lang.locale, x.topic), x.topic.code] : [tx("petitions:stats.noTopic"), ""],
      count: x.count,
    })),
    total,
  );
  breakdownSheet(
    wb,
    tx,
    tx("petitions:stats.bySenderType"),
    [tx("charts:xlsx.senderType")],
    Object.values(SenderType).map((s) => ({
      cells: [tx(`petitions:senderType.${s}`)],
      count: stats.received.bySenderType[s],
    })),
    total,
  );
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/**
 * The workbook's file name: the base and the period's Latin letters and digits
 * ("petition-statistics-Q1-2026", "orgodol-statistik-2026-I"), never ending in a dash.
 */
export function statisticsFileName(base: string, label: string): string {
  const slug = label.replace(/[^A-Za-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  return `${slug ? `${base}-${slug}` : base}.xlsx`;
}

/** Printed on A4, one page wide, as many pages long as needed. */
const PRINT = {
  paperSize: 9,
  orientation: "portrait" as const,
  fitToPage: true,
  fitToWidth: 1,
  fitToHeight: 0,
  margins: { left: 0.6, right: 0.6, top: 0.7, bottom: 0.7, header: 0.3, footer: 0.3 },
};
const WRAP = { wrapText: true, vertical: "top" as const };

/** Excel refuses []:*?/\ in sheet names and more than 31 characters. */
function sheetName(name: string): string {
  return name.replace(/[[\]:*?/\\]/g, " ").slice(0, 31);
}

const NUMBER = "0";
const DECIMAL = "0.0";

function summarySheet(
  wb: ExcelJS.Workbook,
  s: PetitionStatistics,
  t: TFunction,
  d: ReturnType<typeof headingTexts>,
): void {
  const { tx } = d;
  const ws = wb.addWorksheet(sheetName(tx("charts:xlsx.summarySheet")), { pageSetup: PRINT });
  // Wide enough for an organisation's full name in two lines; long texts wrap, and every
  // row is as tall as its text (nothing is cut on screen or in print).
  const widths = [46, 40];
  ws.columns = widths.map((width) => ({ width }));
  const title = ws.addRow([tx("charts:xlsx.title")]);
  title.font = { bold: true, size: 13 };
  title.alignment = WRAP;
  ws.mergeCells(title.number, 1, title.number, 2);
  fitHeight(title, [{ text: tx("charts:xlsx.title"), width: 86 * 0.8 }], true);
  for (const [label, value] of [
    [tx("charts:xlsx.org"), d.org],
    [tx("charts:xlsx.period"), d.period],
  ] as const) {
    const row = ws.addRow([label, value]);
    row.alignment = WRAP;
    fitHeight(row, [
      { text: label, width: widths[0] as number },
      { text: value, width: widths[1] as number },
    ]);
  }
  const asOf = ws.addRow([d.asOf]);
  asOf.font = { italic: true };
  ws.mergeCells(asOf.number, 1, asOf.number, 2);
  ws.addRow([]);
  const head = ws.addRow([tx("charts:xlsx.indicator"), tx("charts:xlsx.value")]);
  head.font = { bold: true };
  head.getCell(2).alignment = { horizontal: "right" };

  for (const r of summaryRows(s, t)) {
    const row = ws.addRow([r.label, r.value ?? tx("charts:none")]);
    row.getCell(1).alignment = r.indent ? { ...WRAP, indent: 2 } : WRAP;
    fitHeight(row, [{ text: r.label, width: (widths[0] as number) - (r.indent ? 4 : 0) }]);
    if (r.bold) row.font = { bold: true };
    const cell = row.getCell(2);
    cell.alignment = { horizontal: "right", vertical: "top" };
    if (r.value !== null) cell.numFmt = r.decimal ? DECIMAL : NUMBER;
  }
}

export interface SummaryRow {
  label: string;
  /** null: not applicable (nothing resolved, nothing rated). */
  value: number | null;
  /** A part of the row above it. */
  indent?: boolean;
  bold?: boolean;
  decimal?: boolean;
}

/** The figures of the summary, labelled in the user's language (also printed by the CLI). */
export function summaryRows(s: PetitionStatistics, t: TFunction): SummaryRow[] {
  const tx = plain(t);
  return [
    { label: tx("petitions:stats.received"), value: s.received.total, bold: true },
    { label: tx("petitions:stats.resolved"), value: s.resolved.total },
    { label: tx("petitions:stats.onTime"), value: s.resolved.onTime, indent: true },
    { label: tx("petitions:stats.late"), value: s.resolved.late, indent: true },
    { label: tx("petitions:stats.forwarded"), value: s.forwarded },
    { label: tx("petitions:stats.withdrawn"), value: s.withdrawn },
    { label: tx("petitions:stats.open"), value: s.open.total },
    { label: tx("petitions:stats.overdue"), value: s.open.overdue, indent: true },
    {
      label: tx("charts:xlsx.percent", { label: tx("petitions:stats.onTimeRate") }),
      value: s.onTimeRate,
      decimal: true,
    },
    {
      label: tx("charts:xlsx.percent", { label: tx("petitions:stats.resolutionRate") }),
      value: s.resolutionRate,
      decimal: true,
    },
    { label: tx("petitions:stats.averageDays"), value: s.averageDaysToResolve, decimal: true },
    {
      label: tx("charts:xlsx.outOfFive", { label: tx("petitions:stats.satisfaction") }),
      value: s.satisfaction.average,
      decimal: true,
    },
    { label: tx("petitions:stats.ratingsCount"), value: s.satisfaction.count },
  ];
}

function breakdownSheet(
  wb: ExcelJS.Workbook,
  tx: Translate,
  name: string,
  columns: string[],
  rows: { cells: string[]; count: number }[],
  total: number,
): void {
  const ws = wb.addWorksheet(sheetName(name), {
    views: [{ state: "frozen", ySplit: 1 }],
    pageSetup: { ...PRINT, printTitlesRow: "1:1" },
  });
  const widths = [...columns.map((_, i) => (i === 0 ? 44 : 14)), 12, 16];
  ws.columns = widths.map((width) => ({ width }));
  const headTexts = [...columns, tx("charts:xlsx.count"), tx("charts:xlsx.share")];
  const head = ws.addRow(headTexts);
  head.font = { bold: true };
  head.alignment = WRAP;
  fitHeight(
    head,
    headTexts.map((text, i) => ({ text, width: widths[i] ?? 12 })),
    true,
  );
  const put = (cells: string[], count: number) => {
    const pct = share(count, total);
    const row = ws.addRow([...cells, count, pct ?? tx("charts:none")]);
    const n = columns.length;
    for (let c = 1; c <= n; c++) row.getCell(c).alignment = WRAP;
    fitHeight(
      row,
      cells.map((text, i) => ({ text, width: widths[i] ?? 14 })),
    );
    row.getCell(n + 1).numFmt = NUMBER;
    if (pct !== null) row.getCell(n + 2).numFmt = DECIMAL;
    row.getCell(n + 1).alignment = { vertical: "top" };
    row.getCell(n + 2).alignment = { horizontal: "right", vertical: "top" };
    return row;
  };
  for (const r of rows) put(r.cells, r.count);
  const totals = put([tx("charts:xlsx.total"), ...columns.slice(1).map(() => "")], total);
  totals.font = { bold: true };
}

// ───────────────────────────── chart ─────────────────────────────

const LABEL_SIZE = 12;
const SUBTITLE_SIZE = 12;
const PADDING = 16;
/** Everything but the bars and the subtitle: padding, titles, spacing, outcome bar, legend. */
const FIXED_HEIGHT = 258;

/** The Vega-Lite spec of the statistics chart, laid out for `size`. */
export function statisticsChartSpec(
  stats: PetitionStatistics,
  lang: Lang,
  heading: StatisticsHeading,
  size: ChartSize = STATISTICS_CHART_SIZE,
): TopLevelSpec {
  const d = headingTexts(stats, lang, heading);
  const { tx } = d;
  const canvas = layoutSize(size);

  const kinds = Object.values(PetitionKind).map((k) => ({
    label: tx(`petitions:kind.${k}`),
    n: stats.received.byKind[k],
  }));
  const channels = Object.values(PetitionChannel).map((c) => ({
    label: tx(`petitions:channel.${c}`),
    n: stats.received.byChannel[c],
  }));
  const outcomeTitle = tx("charts:petitions.outcome");
  const outcomes = [
    { key: "onTime", label: tx("petitions:stats.onTime"), n: stats.resolved.onTime, color: COLORS.good },
    { key: "late", label: tx("petitions:stats.late"), n: stats.resolved.late, color: COLORS.warning },
    { key: "forwarded", label: tx("petitions:stats.forwarded"), n: stats.forwarded, color: COLORS.primary },
    { key: "withdrawn", label: tx("petitions:stats.withdrawn"), n: stats.withdrawn, color: COLORS.neutral },
    {
      key: "openNotDue",
      label: tx("charts:petitions.openNotDue"),
      n: stats.open.total - stats.open.overdue,
      color: COLORS.pending,
    },
    { key: "overdue", label: tx("charts:petitions.openOverdue"), n: stats.open.overdue, color: COLORS.bad },
  ].map((o, order) => ({
    ...o,
    order,
    row: outcomeTitle,
    legend: tx("charts:petitions.legendItem", { label: o.label, n: o.n }),
  }));

  // One label column for every panel, so the bars start at the same place.
  const labelColumn =
    Math.ceil(Math.max(...[...kinds, ...channels].map((x) => textWidth(x.label, LABEL_SIZE)), 0)) + 8;
  const countRoom =
    Math.ceil(Math.max(...[...kinds, ...channels].map((x) => textWidth(String(x.n), LABEL_SIZE, "bold")))) +
    8;
  const barWidth = Math.max(120, canvas.width - 2 * PADDING - labelColumn - countRoom);

  const figures = tx("charts:petitions.figures", {
    onTimeRate: percentText(lang.t, stats.onTimeRate),
    days: stats.averageDaysToResolve ?? tx("charts:none"),
    satisfaction:
      stats.satisfaction.average === null ? tx("charts:none") : `${stats.satisfaction.average} / 5`,
  });
  const subtitle = [
    tx("charts:petitions.subtitle", { org: d.org, period: d.period }),
    figures,
    d.asOf,
  ].flatMap((line) => wrapLabel(line, canvas.width - 2 * PADDING, SUBTITLE_SIZE, 3));
  // The bars' row height fills the height left by the titles, the outcome bar and its legend.
  const fixed = FIXED_HEIGHT + subtitle.length * (SUBTITLE_SIZE + 2);
  const rowHeight = Math.min(30, Math.max(16, (canvas.height - fixed) / (kinds.length + channels.length)));
  const yAxis = { title: null, minExtent: labelColumn, maxExtent: labelColumn, labelLimit: labelColumn };

  const bars = (title: string, values: { label: string; n: number }[], color: string) => {
    const max = Math.max(1, ...values.map((v) => v.n));
    return {
      title: { text: title, anchor: "start" as const, fontSize: 13, offset: 6 },
      width: barWidth,
      height: values.length * rowHeight,
      data: { values },
      encoding: {
        y: { field: "label", type: "nominal" as const, sort: null, axis: yAxis },
        x: {
          field: "n",
          type: "quantitative" as const,
          axis: null,
          scale: { domain: [0, max], nice: false },
        },
      },
      layer: [
        { mark: { type: "bar" as const, color, height: { band: 0.7 } } },
        {
          mark: {
            type: "text" as const,
            align: "left" as const,
            dx: 5,
            fontSize: LABEL_SIZE,
            fontWeight: "bold" as const,
          },
          encoding: { text: { field: "n", type: "quantitative" as const } },
        },
      ],
    };
  };

  const total = Math.max(1, stats.received.total);
  const outcome = {
    title: { text: outcomeTitle, anchor: "start" as const, fontSize: 13, offset: 6 },
    width: barWidth,
    height: 30,
    data: { values: outcomes },
    mark: { type: "bar" as const, height: { band: 0.8 }, cornerRadiusEnd: 0 },
    encoding: {
      y: { field: "row", type: "nominal" as const, axis: { ...yAxis, labels: false, ticks: false } },
      x: {
        field: "n",
        type: "quantitative" as const,
        stack: "zero" as const,
        axis: null,
        scale: { domain: [0, total], nice: false },
      },
      order: { field: "order", type: "quantitative" as const },
      color: {
        field: "legend",
        type: "nominal" as const,
        sort: outcomes.map((o) => o.legend),
        scale: { domain: outcomes.map((o) => o.legend), range: outcomes.map((o) => o.color) },
        legend: {
          title: null,
          orient: "bottom" as const,
          columns: 2,
          columnPadding: 24,
          direction: "vertical" as const,
        },
      },
    },
  };

  return {
    title: {
      text: tx("charts:petitions.title", { n: stats.received.total }),
      subtitle,
    },
    spacing: 22,
    vconcat: [
      bars(tx("petitions:stats.byKind"), kinds, COLORS.primary),
      bars(tx("petitions:stats.byChannel"), channels, COLORS.series[5]),
      outcome,
    ],
  } as TopLevelSpec;
}

/** The statistics chart as SVG (texts as text). */
export function statisticsChartSvg(
  stats: PetitionStatistics,
  lang: Lang,
  heading: StatisticsHeading,
  size: ChartSize = STATISTICS_CHART_SIZE,
): Promise<string> {
  return renderChartSvg(statisticsChartSpec(stats, lang, heading, size), size);
}

/** The statistics chart as a PNG picture of `size` (default 1200 × 1100). */
export function statisticsChartPng(
  stats: PetitionStatistics,
  lang: Lang,
  heading: StatisticsHeading,
  size: ChartSize = STATISTICS_CHART_SIZE,
): Promise<Buffer> {
  return renderChartPng(statisticsChartSpec(stats, lang, heading, size), size);
}
