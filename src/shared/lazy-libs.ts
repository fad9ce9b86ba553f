/**
 * Libraries only exports, imports and charts need (spreadsheets, charts), loaded on first
 * use: the bot starts faster and stays smaller when no one asks for a file.
 */
import type ExcelJS from "exceljs";

function once<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => (loading ??= load());
}

/** exceljs (workbooks: report and statistics exports, plan and directory files). */
export const loadExcel: () => Promise<typeof ExcelJS> = once(async () => (await import("exceljs")).default);

/** Vega and Vega-Lite (the charts). */
export const loadVega = once(async () => ({
  vega: await import("vega"),
  vegaLite: await import("vega-lite"),
}));
