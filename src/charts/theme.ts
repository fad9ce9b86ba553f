/**
 * The look every chart shares: one font, a white background, calm greys for axes and
 * grids, and a colour per meaning so the same thing has the same colour in every chart.
 */
import type { Config } from "vega-lite";
import { CHART_FONT_FAMILY } from "./fonts.js";

export const COLORS = {
  text: "#1f2933",
  muted: "#52606d",
  grid: "#e4e7eb",
  axis: "#9aa5b1",
  primary: "#2f6fb3",
  good: "#2e8b57",
  warning: "#e0a100",
  bad: "#c8412f",
  neutral: "#9aa5b1",
  /** Still in progress, not late. */
  pending: "#8fb8de",
  /** Distinct series (kinds, channels) in a fixed order. */
  series: ["#2f6fb3", "#e07b39", "#2e8b57", "#8e5cb5", "#c8412f", "#3aa6a6", "#b58b2a", "#6b7c93"],
} as const;

export const CHART_THEME: Config = {
  font: CHART_FONT_FAMILY,
  background: "#ffffff",
  padding: 16,
  view: { stroke: null },
  title: {
    font: CHART_FONT_FAMILY,
    fontSize: 17,
    fontWeight: "bold",
    color: COLORS.text,
    subtitleFont: CHART_FONT_FAMILY,
    subtitleFontSize: 12,
    subtitleColor: COLORS.muted,
    subtitlePadding: 4,
    anchor: "start",
    offset: 14,
  },
  axis: {
    labelFont: CHART_FONT_FAMILY,
    labelFontSize: 12,
    labelColor: COLORS.text,
    titleFont: CHART_FONT_FAMILY,
    titleFontSize: 12,
    titleFontWeight: "bold",
    titleColor: COLORS.muted,
    gridColor: COLORS.grid,
    domainColor: COLORS.axis,
    tickColor: COLORS.axis,
    labelLimit: 220,
  },
  axisBand: { grid: false, tickSize: 0, labelPadding: 6 },
  legend: {
    labelFont: CHART_FONT_FAMILY,
    labelFontSize: 12,
    labelColor: COLORS.text,
    titleFont: CHART_FONT_FAMILY,
    titleFontSize: 12,
    titleFontWeight: "bold",
    titleColor: COLORS.muted,
    symbolType: "square",
    symbolSize: 120,
    labelLimit: 260,
  },
  header: {
    labelFont: CHART_FONT_FAMILY,
    labelFontSize: 13,
    labelColor: COLORS.text,
    titleFont: CHART_FONT_FAMILY,
  },
  text: { font: CHART_FONT_FAMILY, fontSize: 11, color: COLORS.text },
  bar: { cornerRadiusEnd: 2 },
  range: { category: [...COLORS.series] },
};
