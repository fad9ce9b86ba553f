import { describe, expect, it } from "vitest";
import { missingGlyphs, textWidth } from "../../src/charts/fonts.js";
import { wrapLabel } from "../../src/charts/labels.js";
import { type ChartSpec, renderChartPng, renderChartSvg, svgToPng } from "../../src/charts/render.js";
import { expectPng, saveArtifact, svgTexts } from "./support.js";

const MONGOLIAN = "АБВГДЕЁЖЗИЙКЛМНОӨПРСТУҮФХЦЧШЩЪЫЬЭЮЯабвгдеёжзийклмноөпрстуүфхцчшщъыьэюя";

const SPEC: ChartSpec = {
  title: { text: "Өргөдөл, гомдол ирсэн хэлбэрээр", subtitle: "2026 оны I улирал" },
  data: {
    values: [
      { channel: "Чатбот", n: 12 },
      { channel: "Бичгээр", n: 7 },
      { channel: "Цахим шуудангаар", n: 2 },
      { channel: "11-11 төвөөр", n: 4 },
    ],
  },
  mark: "bar",
  encoding: {
    y: { field: "channel", type: "nominal", sort: null, title: null },
    x: { field: "n", type: "quantitative", title: "Тоо" },
  },
};

describe("chart rendering", () => {
  it("has a font that draws every Mongolian Cyrillic letter, and measures text with it", () => {
    expect(missingGlyphs(MONGOLIAN)).toEqual([]);
    expect(missingGlyphs("Өө Үү №–—·%")).toEqual([]);
    // A private-use character has no glyph: it would be drawn as a box.
    expect(missingGlyphs("\uE000")).toEqual(["\uE000"]);
    const w = textWidth("Хугацаандаа", 12);
    expect(w).toBeGreaterThan(50);
    expect(w).toBeLessThan(0.8 * 11 * 12); // narrower than Vega's rough estimate
    expect(textWidth("Хугацаандаа", 12, "bold")).toBeGreaterThan(w);
    expect(textWidth("Хугацаандаа", 24)).toBeCloseTo(2 * w, 5);
  });

  it("wraps a long label into lines that fit", () => {
    const lines = wrapLabel("Хөдөлмөр, халамжийн үйлчилгээний хэлтэс", 150, 12);
    expect(lines).toEqual(["Хөдөлмөр, халамжийн", "үйлчилгээний хэлтэс"]);
    for (const l of lines) expect(textWidth(l, 12)).toBeLessThanOrEqual(150);
    expect(wrapLabel("Бусад", 150, 12)).toEqual(["Бусад"]);
  });

  it("renders SVG of the requested size with the Cyrillic labels as text", async () => {
    const svg = await renderChartSvg(SPEC, { width: 900, height: 500 });
    expect(svg).toMatch(/^<svg\b[^>]* width="900" height="500" viewBox="0 0 450 250"/);
    const texts = svgTexts(svg);
    for (const label of [
      "Өргөдөл, гомдол ирсэн хэлбэрээр",
      "2026 оны I улирал",
      "Чатбот",
      "Цахим шуудангаар",
      "Тоо",
    ]) {
      expect(texts).toContain(label);
    }
    expect(svg).toContain('font-family="Noto Sans"');
  });

  it("renders a PNG of exactly the requested pixels", async () => {
    const png = await renderChartPng(SPEC, { width: 900, height: 500 });
    expectPng(png, { width: 900, height: 500 });
    saveArtifact("render-sample.png", png);
    const sharp = await renderChartPng(SPEC, { width: 900, height: 500, density: 1 });
    expectPng(sharp, { width: 900, height: 500 });
  });

  it("draws Cyrillic letters, not the boxes of missing glyphs", async () => {
    const text = (s: string) =>
      `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="60"><text x="10" y="40" font-family="Noto Sans" font-size="28">${s}</text></svg>`;
    const cyrillic = await svgToPng(text("ӨҮөү"));
    const boxes = await svgToPng(text("\uE000\uE000\uE000\uE000"));
    const blank = await svgToPng(text(""));
    expect(cyrillic.equals(boxes)).toBe(false);
    expect(cyrillic.equals(blank)).toBe(false);
  });

  it("refuses sizes that are not whole pixels or too large", async () => {
    await expect(renderChartSvg(SPEC, { width: 0, height: 500 })).rejects.toThrow(RangeError);
    await expect(renderChartSvg(SPEC, { width: 10_000, height: 500 })).rejects.toThrow(RangeError);
    await expect(renderChartSvg(SPEC, { width: 900.5, height: 500 })).rejects.toThrow(RangeError);
    await expect(renderChartSvg(SPEC, { width: 900, height: 500, density: 0 })).rejects.toThrow(RangeError);
  });
});
