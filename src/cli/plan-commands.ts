/**
 * Performance-plan commands: the empty template to fill in, and importing a filled plan
 * for a person (a new version, to be submitted and approved in the bot).
 */
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { isLocale, translator } from "../i18n.js";
import { type CliCommand, registerCommands, UsageError } from "./commands.js";

export const planTemplateCommand: CliCommand = {
  name: "plan template",
  usage: "<out.xlsx|out.csv> [--lang mn|en] [--force]",
  description:
    "Writes the performance-plan template (the columns of the official plan form, with a sheet of " +
    "instructions in the XLSX), in Mongolian unless --lang en.",
  args: [1, 1],
  options: { lang: { type: "string" }, force: { type: "boolean" } },
  async run(ctx, { positionals, values }) {
    const out = path.resolve(positionals[0] as string);
    const ext = path.extname(out).toLowerCase();
    if (ext !== ".xlsx" && ext !== ".csv") throw new UsageError("The template is written as .xlsx or .csv.");
    const locale = values.lang ?? "mn";
    if (!isLocale(locale)) throw new UsageError("--lang takes mn or en.");
    if (existsSync(out) && !values.force)
      throw new UsageError(`${positionals[0]} exists; --force overwrites it.`);
    const { planTemplate } = await import("../reporting/plan-template.js");
    await writeFile(out, await planTemplate(locale, ext === ".csv" ? "csv" : "xlsx"));
    ctx.out(`Wrote ${positionals[0]}`);
    return 0;
  },
};

export const planImportCommand: CliCommand = {
  name: "plan import",
  usage: "<file.xlsx|file.csv> --org <slug> --person <code> --year <YYYY>",
  description:
    "Imports a filled-in plan for a person as a new draft version. Every row error is reported with its " +
    "row and column, and nothing is written then. The person submits it for approval in the bot.",
  args: [1, 1],
  options: { org: { type: "string" }, person: { type: "string" }, year: { type: "string" } },
  async run(ctx, { positionals, values }) {
    if (typeof values.org !== "string") throw new UsageError("--org <slug> is required.");
    if (typeof values.person !== "string") throw new UsageError("--person <code> is required.");
    const year = Number(values.year);
    if (!Number.isInteger(year) || year < 2000 || year > 2100)
      throw new UsageError("--year takes a year, e.g. 2026.");
    const { prisma } = await ctx.db();
    const { importPlanFile } = await import("../reporting/plan-import.js");
    const result = await importPlanFile(prisma, ctx.clock, {
      file: path.resolve(positionals[0] as string),
      org: values.org,
      person: values.person,
      year,
    });
    ctx.out(
      `Imported plan version ${result.version} for ${values.person} (${year}): ${result.goals} goals, ${result.measures} measures.`,
    );
    const t = translator("en");
    for (const w of result.warnings)
      ctx.out(`  note: ${t(w.key, { ...w.params, interpolation: { escapeValue: false } })}`);
    return 0;
  },
};

registerCommands(planTemplateCommand, planImportCommand);
