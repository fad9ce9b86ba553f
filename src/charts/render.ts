/**
 * Charts drawn without a browser or native code: a Vega-Lite spec is compiled to Vega,
 * rendered headlessly to SVG, and rasterised to PNG by resvg (WebAssembly) with the fonts
 * of ./fonts.ts. Every chart gets the look of ./theme.ts.
 *
 * Size: `width` × `height` are the pixels of the picture. The chart is laid out on a
 * canvas `density` times smaller (default 2) and drawn at full resolution, so texts stay
 * readable on a phone. A single or layered view is fitted to the canvas; a composed one
 * (concat, facet) keeps the sizes of its spec and is scaled to fit, centred.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { initWasm, Resvg } from "@resvg/resvg-wasm";
import type { TopLevelSpec } from "vega-lite";
import { loadVega } from "../shared/lazy-libs.js";
import { CHART_FONT_FAMILY, chartFontBuffers, textWidth } from "./fonts.js";
import { CHART_THEME } from "./theme.js";

export type ChartSpec = TopLevelSpec;

export interface ChartSize {
  /** Pixels of the picture. */
  width: number;
  height: number;
  /** Pixels per layout unit (default 2). */
  density?: number;
}

const DEFAULT_DENSITY = 2;
const MAX_PIXELS = 4096;

/** The canvas a chart is laid out on, for specs that size their own views. */
export function layoutSize(size: ChartSize): { width: number; height: number } {
  const density = size.density ?? DEFAULT_DENSITY;
  return { width: size.width / density, height: size.height / density };
}

function checkSize(size: ChartSize): void {
  const ok = (n: number) => Number.isInteger(n) && n >= 16 && n <= MAX_PIXELS;
  if (!ok(size.width) || !ok(size.height)) {
    throw new RangeError(`chart size must be whole pixels, 16–${MAX_PIXELS}: ${size.width}×${size.height}`);
  }
  if (size.density !== undefined && !(size.density > 0 && size.density <= 8)) {
    throw new RangeError(`chart density must be in (0, 8]: ${size.density}`);
  }
}

let measuring = false;

/** Vega measures text with the real font instead of its rough estimate. */
function useFontMetrics(vega: unknown): void {
  if (measuring) return;
  // vega re-exports vega-scenegraph's textMetrics; its typings leave it out.
  const metrics = (vega as unknown as { textMetrics: { width: (item: TextItem, text: unknown) => number } })
    .textMetrics;
  metrics.width = (item, text) => {
    const line = text == null ? "" : String(text).trim();
    const size = item.fontSize != null ? Number(item.fontSize) || 0 : 11;
    const width = size > 0 && line ? textWidth(line, size, item.fontWeight) : 0;
    // A label with a limit is drawn truncated to it (Vega truncates with this same function).
    const limit = Number(item.limit);
    return limit > 0 ? Math.min(width, limit) : width;
  };
  measuring = true;
}

interface TextItem {
  fontSize?: number | string;
  fontWeight?: number | string;
  limit?: number | string;
}

const isComposed = (spec: ChartSpec) =>
  ["hconcat", "vconcat", "concat", "facet", "repeat"].some((k) => k in spec) ||
  ("encoding" in spec &&
    !!spec.encoding &&
    ("row" in spec.encoding || "column" in spec.encoding || "facet" in spec.encoding));

/** The spec sized to the canvas (unless composed or sized by itself). */
function sized(spec: ChartSpec, canvas: { width: number; height: number }): ChartSpec {
  if (isComposed(spec) || "autosize" in spec) return spec;
  return {
    ...spec,
    width: canvas.width,
    height: canvas.height,
    autosize: { type: "fit", contains: "padding" },
  } as ChartSpec;
}

/** The chart as an SVG document of `width` × `height` (texts as <text> elements). */
export async function renderChartSvg(spec: ChartSpec, size: ChartSize): Promise<string> {
  checkSize(size);
  const { vega, vegaLite } = await loadVega();
  useFontMetrics(vega);
  const canvas = layoutSize(size);
  const quiet = vega.logger(vega.Error);
  const compiled = vegaLite.compile(sized(spec, canvas), { config: CHART_THEME, logger: quiet }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none", logLevel: vega.Error });
  try {
    const svg = await view.toSVG();
    return fitSvg(svg, size);
  } finally {
    view.finalize();
  }
}

/**
 * Gives the root <svg> the requested pixel size; its viewBox (Vega's own size) is scaled
 * to fit and centred by the default preserveAspectRatio.
 */
function fitSvg(svg: string, size: ChartSize): string {
  const open = /^<svg\b[^>]*>/.exec(svg);
  if (!open) throw new Error("Vega returned no SVG");
  const tag = open[0]
    .replace(/\swidth="[^"]*"/, ` width="${size.width}"`)
    .replace(/\sheight="[^"]*"/, ` height="${size.height}"`);
  return tag + svg.slice(open[0].length);
}

let wasm: Promise<void> | undefined;

/** resvg's WebAssembly module, loaded from the package once per process. */
function resvgReady(): Promise<void> {
  wasm ??= initWasm(readFileSync(createRequire(import.meta.url).resolve("@resvg/resvg-wasm/index_bg.wasm")));
  return wasm;
}

/** The chart as a PNG of exactly `width` × `height` pixels on a white background. */
export async function renderChartPng(spec: ChartSpec, size: ChartSize): Promise<Buffer> {
  const svg = await renderChartSvg(spec, size);
  return svgToPng(svg);
}

/** Rasterises an SVG at its own width and height, with the chart fonts. */
export async function svgToPng(svg: string): Promise<Buffer> {
  await resvgReady();
  const resvg = new Resvg(svg, {
    background: "#ffffff",
    font: {
      fontBuffers: chartFontBuffers(),
      defaultFontFamily: CHART_FONT_FAMILY,
      sansSerifFamily: CHART_FONT_FAMILY,
    },
    shapeRendering: 2,
    textRendering: 1,
  });
  try {
    const image = resvg.render();
    try {
      return Buffer.from(image.asPng());
    } finally {
      image.free();
    }
  } finally {
    resvg.free();
  }
}
