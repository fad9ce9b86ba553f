/**
 * The fonts of the charts: Noto Sans (Latin and Cyrillic, with the Mongolian Ө and Ү) in
 * regular and bold, read from the @expo-google-fonts/noto-sans package. The same files are
 * given to the rasteriser (there are no system fonts in WebAssembly) and measured here, so
 * Vega lays out labels, legends and titles with the widths they really have.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

export const CHART_FONT_FAMILY = "Noto Sans";

const require = createRequire(import.meta.url);

const FILES = {
  regular: "@expo-google-fonts/noto-sans/400Regular/NotoSans_400Regular.ttf",
  bold: "@expo-google-fonts/noto-sans/700Bold/NotoSans_700Bold.ttf",
} as const;

type Face = keyof typeof FILES;

interface FaceData {
  buffer: Uint8Array;
  metrics: AdvanceWidths;
}

let faces: Record<Face, FaceData> | undefined;

function load(): Record<Face, FaceData> {
  if (!faces) {
    const read = (face: Face): FaceData => {
      const buffer = new Uint8Array(readFileSync(require.resolve(FILES[face])));
      return { buffer, metrics: readAdvanceWidths(buffer) };
    };
    faces = { regular: read("regular"), bold: read("bold") };
  }
  return faces;
}

/** The raw font files, for the rasteriser. */
export function chartFontBuffers(): Uint8Array[] {
  const f = load();
  return [f.regular.buffer, f.bold.buffer];
}

function isBold(weight: unknown): boolean {
  if (weight === "bold" || weight === "bolder") return true;
  const n = Number(weight);
  return Number.isFinite(n) && n >= 600;
}

/** Width in pixels of a line of text at a font size (no kerning: a close upper bound). */
export function textWidth(text: string, fontSize: number, fontWeight?: unknown): number {
  const { metrics } = load()[isBold(fontWeight) ? "bold" : "regular"];
  let units = 0;
  for (const ch of text) units += metrics.advance(ch.codePointAt(0)!);
  return (units / metrics.unitsPerEm) * fontSize;
}

/** The characters of `text` the chart font cannot draw (they would show as boxes). */
export function missingGlyphs(text: string): string[] {
  const { metrics } = load().regular;
  return [...new Set(text)].filter((ch) => !/\s/.test(ch) && metrics.glyph(ch.codePointAt(0)!) === 0);
}

// ───────────────────────── TrueType advance widths ─────────────────────────

interface AdvanceWidths {
  unitsPerEm: number;
  /** The glyph drawn for a character; 0 (.notdef) when the font lacks it. */
  glyph(codePoint: number): number;
  advance(codePoint: number): number;
}

/**
 * Reads the character → glyph map (cmap format 4 or 12) and the horizontal advances
 * (hmtx) of a TrueType file: all that is needed to measure a line of text.
 */
function readAdvanceWidths(bytes: Uint8Array): AdvanceWidths {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tables = new Map<string, number>();
  const numTables = view.getUint16(4);
  for (let i = 0; i < numTables; i++) {
    const rec = 12 + i * 16;
    const tag = String.fromCharCode(...bytes.subarray(rec, rec + 4));
    tables.set(tag, view.getUint32(rec + 8));
  }
  const table = (tag: string) => {
    const offset = tables.get(tag);
    if (offset === undefined) throw new Error(`font has no ${tag} table`);
    return offset;
  };
  const unitsPerEm = view.getUint16(table("head") + 18);
  const numberOfHMetrics = view.getUint16(table("hhea") + 34);
  const hmtx = table("hmtx");
  const glyphAdvance = (glyph: number) => view.getUint16(hmtx + 4 * Math.min(glyph, numberOfHMetrics - 1));
  const glyphOf = cmapLookup(view, table("cmap"));
  const cache = new Map<number, number>();
  return {
    unitsPerEm,
    glyph: glyphOf,
    advance(codePoint) {
      let w = cache.get(codePoint);
      if (w === undefined) {
        // A character the font lacks is drawn as the .notdef box (glyph 0).
        w = glyphAdvance(glyphOf(codePoint));
        cache.set(codePoint, w);
      }
      return w;
    },
  };
}

function cmapLookup(view: DataView, cmap: number): (codePoint: number) => number {
  const count = view.getUint16(cmap + 2);
  let format4: number | undefined;
  let format12: number | undefined;
  for (let i = 0; i < count; i++) {
    const rec = cmap + 4 + i * 8;
    const platform = view.getUint16(rec);
    const encoding = view.getUint16(rec + 2);
    const sub = cmap + view.getUint32(rec + 4);
    const format = view.getUint16(sub);
    const unicode = platform === 0 || (platform === 3 && (encoding === 1 || encoding === 10));
    if (!unicode) continue;
    if (format === 12) format12 ??= sub;
    if (format === 4) format4 ??= sub;
  }
  if (format12 !== undefined) {
    const sub = format12;
    const groups = view.getUint32(sub + 12);
    return (c) => {
      for (let g = 0; g < groups; g++) {
        const at = sub + 16 + g * 12;
        const start = view.getUint32(at);
        if (c >= start && c <= view.getUint32(at + 4)) return view.getUint32(at + 8) + (c - start);
      }
      return 0;
    };
  }
  if (format4 !== undefined) {
    const sub = format4;
    const segCount = view.getUint16(sub + 6) / 2;
    const ends = sub + 14;
    const starts = ends + segCount * 2 + 2;
    const deltas = starts + segCount * 2;
    const rangeOffsets = deltas + segCount * 2;
    return (c) => {
      if (c > 0xffff) return 0;
      for (let s = 0; s < segCount; s++) {
        if (c > view.getUint16(ends + s * 2)) continue;
        const start = view.getUint16(starts + s * 2);
        if (c < start) return 0;
        const delta = view.getUint16(deltas + s * 2);
        const rangeAt = rangeOffsets + s * 2;
        const range = view.getUint16(rangeAt);
        if (range === 0) return (c + delta) & 0xffff;
        const glyph = view.getUint16(rangeAt + range + 2 * (c - start));
        return glyph === 0 ? 0 : (glyph + delta) & 0xffff;
      }
      return 0;
    };
  }
  throw new Error("font has no Unicode character map");
}
