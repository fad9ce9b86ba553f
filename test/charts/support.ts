/**
 * Helpers for the chart tests: reading a PNG's header and writing the pictures to
 * test/artifacts/charts/ so a person can look at them.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { expect } from "vitest";

export const ARTIFACTS = path.resolve(import.meta.dirname, "../artifacts/charts");

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height from the IHDR chunk (always the first). */
export function pngSize(png: Buffer): { width: number; height: number } {
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/** A valid PNG of the given size with more in it than a blank page. */
export function expectPng(png: Buffer, size: { width: number; height: number }, minBytes = 20_000): void {
  expect(png.subarray(0, 8).equals(SIGNATURE)).toBe(true);
  expect(png.subarray(12, 16).toString("latin1")).toBe("IHDR");
  expect(pngSize(png)).toEqual({ width: size.width, height: size.height });
  expect(png.length).toBeGreaterThan(minBytes);
  expect(png.subarray(-8, -4).toString("latin1")).toBe("IEND");
}

export function saveArtifact(name: string, data: Buffer | string): string {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, name);
  writeFileSync(file, data);
  return file;
}

/** The texts of an SVG's <text> elements (lines joined by a space), entities decoded. */
export function svgTexts(svg: string): string[] {
  return [...svg.matchAll(/<text\b[^>]*>([\s\S]*?)<\/text>/g)].map((m) =>
    m[1]!
      .replace(/<tspan\b[^>]*>([\s\S]*?)<\/tspan>/g, "$1 ")
      .replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">")
      .replace(/&quot;/g, '"')
      .replace(/&#39;|&apos;/g, "'")
      .replace(/&amp;/g, "&")
      .replace(/\s+/g, " ")
      .trim(),
  );
}
