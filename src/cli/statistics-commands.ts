/**
 * Statistics commands: an organisation's petition statistics for a quarter, printed and
 * optionally written as a workbook and a chart.
 */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { quarterLabel } from "../charts/labels.js";
import { isLocale, translator } from "../i18n.js";
import { quarterRange } from "../petitions/deadlines.js";
import { DEFAULT_TIME_ZONE } from "../shared/local-time.js";
import { type CliCommand, registerCommands, UsageError } from "./commands.js";

function wholeNumber(raw: unknown, name: string, min: number, max: number): number {
  const n = Number(raw);
  if (typeof raw !== "string" || !Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} takes a whole number from ${min} to ${max}.`);
  }
  return n;
}

function outFile(raw: unknown, name: string, ext: string): string | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== "string" || path.extname(raw).toLowerCase() !== ext) {
    throw new UsageError(`--${name} takes a ${ext} file.`);
  }
  return path.resolve(raw);
}

export const petitionStats: CliCommand = {
  name: "petitions stats",
  usage: "--org <slug> --year <YYYY> --quarter <1-4> [--out file.xlsx] [--chart file.png] [--lang mn|en]",
  description:
    "Prints an organisation's petition statistics for a quarter (petitions received in it, as of its end " +
    "or now), and writes them as a workbook (--out) and a chart (--chart), in Mongolian unless --lang en.",
  options: {
    org: { type: "string" },
    year: { type: "string" },
    quarter: { type: "string" },
    out: { type: "string" },
    chart: { type: "string" },
    lang: { type: "string" },
  },
  async run(ctx, { values }) {
    if (typeof values.org !== "string") throw new UsageError("--org <slug> is required.");
    const year = wholeNumber(values.year, "year", 2000, 2100);
    const quarter = wholeNumber(values.quarter, "quarter", 1, 4) as 1 | 2 | 3 | 4;
    const locale = values.lang ?? "mn";
    if (!isLocale(locale)) throw new UsageError("--lang takes mn or en.");
    const xlsxFile = outFile(values.out, "out", ".xlsx");
    const chartFile = outFile(values.chart, "chart", ".png");

    const { prisma } = await ctx.db();
    const org = await prisma.organization.findUnique({
      where: { slug: values.org },
      select: { id: true, name: true, nameEn: true, timezone: true },
    });
    if (!org) throw new UsageError(`No organisation with the slug "${values.org}".`);
    const range = quarterRange(year, quarter, org.timezone || DEFAULT_TIME_ZONE);
    const { statisticsFor } = await import("../petitions/statistics.js");
    const { statisticsChartPng, statisticsXlsx, summaryRows } =
      await import("../petitions/statistics-export.js");
    const stats = await statisticsFor(prisma, org.id, range, ctx.clock.now());

    const t = translator(locale);
    const lang = { t, locale };
    const heading = { org, period: quarterLabel(t, year, quarter) };
    ctx.out(`${org.name} — ${heading.period}`);
    for (const row of summaryRows(stats, t)) {
      ctx.out(`${row.indent ? "    " : "  "}${row.label}: ${row.value ?? "—"}`);
    }
    if (xlsxFile) {
      await writeFile(xlsxFile, await statisticsXlsx(stats, lang, heading));
      ctx.out(`Wrote ${values.out}`);
    }
    if (chartFile) {
      await writeFile(chartFile, await statisticsChartPng(stats, lang, heading));
      ctx.out(`Wrote ${values.chart}`);
    }
    return 0;
  },
};

registerCommands(petitionStats);
