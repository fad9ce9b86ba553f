/**
 * The evaluation team's chart (seed 003 draws it by hand): for each unit, the mean
 * completion of its submitted and approved reports, and how many were rated маш сайн,
 * сайн, хангалттай, хангалтгүй or not yet. The extremes (маш сайн, хангалтгүй) are
 * outlined and counted per unit: the rules ask for a second look at those reports.
 * Built from `ReviewService.evaluationOverview`; no names of people appear in it.
 */
import type { TopLevelSpec } from "vega-lite";
import { textWidth } from "../charts/fonts.js";
import { type Lang, percentText, plain, wrapLabel } from "../charts/labels.js";
import { type ChartSize, layoutSize, renderChartPng, renderChartSvg } from "../charts/render.js";
import { COLORS } from "../charts/theme.js";
import { RATINGS } from "./rating.js";
import type { EvaluationOverview } from "./review-service.js";

const LABEL_SIZE = 12;
const PADDING = 16;
const SPACING = 24;
const LABEL_MAX = 190;
/** Padding, title, panel titles and axis around the unit rows (layout units). */
const FIXED_HEIGHT = 125;
const SUBTITLE_SIZE = 12;
const LEGEND_ROW = 18;
const ROW_HEIGHT = 36;
const MIN_ROW_HEIGHT = 26;
/** A legend entry's symbol and the gap before its label; the gap between columns. */
const LEGEND_SYMBOL = 20;
const LEGEND_GAP = 18;

const RATING_COLORS: Record<(typeof RATINGS)[number] | "unrated", string> = {
  EXCELLENT: "#1b7f4b",
  GOOD: "#7cc49a",
  SATISFACTORY: COLORS.warning,
  UNSATISFACTORY: COLORS.bad,
  unrated: "#d5dbe1",
};

const isExtreme = (r: string) => r === "EXCELLENT" || r === "UNSATISFACTORY";
/** Segments light enough to need dark text. */
const LIGHT = new Set<string>(["GOOD", "SATISFACTORY", "unrated"]);
const SEGMENT_LABEL_SIZE = 11;

/** A size that gives every unit a readable row: 1400 pixels wide, as tall as needed. */
export function evaluationChartSize(overview: EvaluationOverview): ChartSize {
  const rows = Math.max(1, overview.units.length);
  // Room for three subtitle lines and three legend rows.
  const fixed = FIXED_HEIGHT + 3 * (SUBTITLE_SIZE + 2) + 3 * LEGEND_ROW;
  return { width: 1400, height: Math.min(4096, Math.round(2 * (fixed + rows * ROW_HEIGHT))) };
}

/** The Vega-Lite spec of the evaluation chart, laid out for `size`. */
export function evaluationChartSpec(
  overview: EvaluationOverview,
  lang: Lang,
  size: ChartSize = evaluationChartSize(overview),
): TopLevelSpec {
  const tx = plain(lang.t);
  const canvas = layoutSize(size);

  // Unit labels: wrapped to two lines, unique (the y scale is keyed by them).
  const seen = new Map<string, number>();
  const units = overview.units.map((u) => {
    let name = u.unitName ?? tx("charts:evaluation.noUnit");
    const times = (seen.get(name) ?? 0) + 1;
    seen.set(name, times);
    if (times > 1) name = `${name} (${times})`;
    const lines = wrapLabel(name, LABEL_MAX, LABEL_SIZE, 2);
    return { unit: lines.join("\n"), lines, u };
  });
  const keys = units.map((x) => x.unit);
  const labelColumn =
    Math.ceil(Math.max(0, ...units.flatMap((x) => x.lines.map((l) => textWidth(l, LABEL_SIZE))))) + 10;

  const ratingLabel = (r: (typeof RATINGS)[number] | "unrated") =>
    r === "unrated" ? tx("charts:evaluation.unrated") : tx(`reporting:rating.${r}`);
  const ratingKeys = [...RATINGS, "unrated"] as const;

  const completion = units.map(({ unit, u }) => ({
    unit,
    x: u.meanCompletion ?? 0,
    text: u.meanCompletion === null ? tx("charts:none") : `${u.meanCompletion}%`,
  }));
  const ratings = units.flatMap(({ unit, u }) =>
    ratingKeys
      .map((r, order) => ({
        unit,
        order,
        n: u.ratings[r],
        rating: ratingLabel(r),
        extreme: isExtreme(r),
        light: LIGHT.has(r),
        label: "",
      }))
      .filter((x) => x.n > 0),
  );
  const flagged = units
    .map(({ unit, u }) => ({
      unit,
      x: ratingKeys.reduce((s, r) => s + u.ratings[r], 0),
      n: u.ratings.EXCELLENT + u.ratings.UNSATISFACTORY,
    }))
    .filter((x) => x.n > 0)
    .map((x) => ({ ...x, text: tx("charts:evaluation.flagged", { n: x.n }) }));

  const maxReports = Math.max(1, ...flagged.map((f) => f.x), ...units.map(({ u }) => u.reports));
  const flaggedRoom = Math.ceil(
    Math.max(0, ...flagged.map((f) => textWidth(f.text, LABEL_SIZE, "bold"))) + (flagged.length ? 10 : 0),
  );
  const completionRoom =
    Math.ceil(Math.max(0, ...completion.map((c) => textWidth(c.text, LABEL_SIZE, "bold")))) + 8;
  // The panels share what the labels, the texts beside the bars and the spacing leave.
  const plotWidth = canvas.width - 2 * PADDING - labelColumn - completionRoom - SPACING - flaggedRoom;
  const leftWidth = Math.max(80, Math.round(plotWidth * 0.45));
  const rightWidth = Math.max(80, plotWidth - leftWidth);
  // A segment shows its count when the number fits inside it.
  for (const r of ratings) {
    const fits = (r.n / maxReports) * rightWidth >= textWidth(String(r.n), SEGMENT_LABEL_SIZE, "bold") + 8;
    r.label = fits ? String(r.n) : "";
  }
  const ratingDomain = ratingKeys.map(ratingLabel);
  // As many legend columns as fit under the ratings panel.
  const itemWidths = ratingDomain.map((l) => LEGEND_SYMBOL + textWidth(l, LABEL_SIZE)).sort((a, b) => b - a);
  let legendColumns = 1;
  while (
    legendColumns < itemWidths.length &&
    itemWidths.slice(0, legendColumns + 1).reduce((s, w) => s + w, 0) + legendColumns * LEGEND_GAP <=
      rightWidth + flaggedRoom
  ) {
    legendColumns++;
  }
  const o = overview.overall;
  const period = tx("reporting:period.withYear", {
    year: overview.period.year,
    period: tx(`reporting:period.name.${overview.period.kind}`),
  });
  const subtitle = [
    tx("charts:evaluation.subtitle", {
      period,
      reports: o.reports,
      expected: o.expected,
      completion: percentText(lang.t, o.meanCompletion),
    }),
    tx("charts:evaluation.flaggedNote", { n: overview.flagged.length }),
  ].flatMap((line) => wrapLabel(line, canvas.width - 2 * PADDING, SUBTITLE_SIZE, 3));

  // The unit rows fill the height left by the titles, the axis and the legend.
  const legendRows = Math.ceil(ratingDomain.length / legendColumns);
  const fixed = FIXED_HEIGHT + subtitle.length * (SUBTITLE_SIZE + 2) + legendRows * LEGEND_ROW;
  const rows = Math.max(1, units.length);
  const rowHeight = Math.min(2 * ROW_HEIGHT, Math.max(MIN_ROW_HEIGHT, (canvas.height - fixed) / rows));
  const height = Math.round(rowHeight * rows);

  const y = (labels: boolean) => ({
    field: "unit",
    type: "nominal" as const,
    scale: { domain: keys },
    axis: labels
      ? {
          title: null,
          labelExpr: "split(datum.label, '\\n')",
          labelLimit: labelColumn,
          minExtent: labelColumn,
          maxExtent: labelColumn,
        }
      : null,
  });
  const panelTitle = (text: string) => ({ text, anchor: "start" as const, fontSize: 13, offset: 8 });

  const left = {
    title: panelTitle(tx("charts:evaluation.completion")),
    width: leftWidth,
    height,
    data: { values: completion },
    encoding: {
      y: y(true),
      x: {
        field: "x",
        type: "quantitative" as const,
        scale: { domain: [0, 100], nice: false },
        axis: { title: null, values: [0, 50, 100], labelExpr: "datum.value + '%'", grid: true },
      },
    },
    layer: [
      { mark: { type: "bar" as const, color: COLORS.primary, height: { band: 0.6 } } },
      {
        mark: {
          type: "text" as const,
          align: "left" as const,
          dx: 5,
          fontSize: LABEL_SIZE,
          fontWeight: "bold" as const,
        },
        encoding: { text: { field: "text", type: "nominal" as const } },
      },
    ],
  };

  const right = {
    title: panelTitle(tx("charts:evaluation.ratings")),
    width: rightWidth,
    height,
    layer: [
      {
        data: { values: ratings },
        mark: { type: "bar" as const, height: { band: 0.6 }, cornerRadiusEnd: 0 },
        encoding: {
          y: y(false),
          x: {
            field: "n",
            type: "quantitative" as const,
            stack: "zero" as const,
            scale: { domain: [0, maxReports], nice: false },
            axis: { title: null, tickMinStep: 1, format: "d", grid: true },
          },
          order: { field: "order", type: "quantitative" as const },
          color: {
            field: "rating",
            type: "nominal" as const,
            scale: { domain: ratingDomain, range: ratingKeys.map((r) => RATING_COLORS[r]) },
            legend: {
              title: null,
              orient: "bottom" as const,
              direction: "horizontal" as const,
              columns: legendColumns,
              columnPadding: LEGEND_GAP,
            },
          },
          stroke: { condition: { test: "datum.extreme", value: COLORS.text }, value: null },
          strokeWidth: { condition: { test: "datum.extreme", value: 2.5 }, value: 0 },
        },
      },
      {
        data: { values: ratings },
        mark: {
          type: "text" as const,
          align: "right" as const,
          dx: -5,
          fontSize: SEGMENT_LABEL_SIZE,
          fontWeight: "bold" as const,
        },
        encoding: {
          y: y(false),
          x: { field: "n", type: "quantitative" as const, stack: "zero" as const },
          order: { field: "order", type: "quantitative" as const },
          text: { field: "label", type: "nominal" as const },
          color: { condition: { test: "datum.light", value: COLORS.text }, value: "#ffffff" },
        },
      },
      {
        data: { values: flagged },
        mark: {
          type: "text" as const,
          align: "left" as const,
          dx: 8,
          fontSize: LABEL_SIZE,
          fontWeight: "bold" as const,
          color: COLORS.bad,
        },
        encoding: {
          y: y(false),
          x: { field: "x", type: "quantitative" as const },
          text: { field: "text", type: "nominal" as const },
        },
      },
    ],
  };

  return {
    title: { text: tx("charts:evaluation.title"), subtitle },
    spacing: SPACING,
    hconcat: [left, right],
    resolve: { scale: { color: "independent" } },
  } as TopLevelSpec;
}

/** The evaluation chart as SVG (texts as text). */
export function evaluationChartSvg(
  overview: EvaluationOverview,
  lang: Lang,
  size: ChartSize = evaluationChartSize(overview),
): Promise<string> {
  return renderChartSvg(evaluationChartSpec(overview, lang, size), size);
}

/** The evaluation chart as a PNG picture (1400 pixels wide and as tall as the units need). */
export function evaluationChartPng(
  overview: EvaluationOverview,
  lang: Lang,
  size: ChartSize = evaluationChartSize(overview),
): Promise<Buffer> {
  return renderChartPng(evaluationChartSpec(overview, lang, size), size);
}
