/**
 * Directory commands: import a directory file, write the workbook template, load the demo
 * organisations, create an invite link for a person.
 */
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { PROJECT_ROOT } from "../db/schema-engine.js";
import { summarizeImport } from "../directory/import-report.js";
import { formatDateTime, translator } from "../i18n.js";
import { type CliCommand, registerCommands, UsageError } from "./commands.js";

export const EXAMPLE_FILE = path.join(PROJECT_ROOT, "examples/directory.example.yaml");

export const directoryImport: CliCommand = {
  name: "directory import",
  usage: "<file.yaml|file.xlsx> [--deactivate-missing]",
  description:
    "Loads organisations, units, positions, people, petition topics, routing rules and the reporting " +
    "calendar from a YAML or XLSX file (examples/README.md). Nothing is written if the file has an error. " +
    "--deactivate-missing deactivates people and topics, and removes routing rules, that the file does not list.",
  options: { "deactivate-missing": { type: "boolean" } },
  args: [1, 1],
  async run(ctx, { positionals, values }) {
    const { importDirectoryFile } = await import("../directory/import.js");
    const { prisma } = await ctx.db();
    const result = await importDirectoryFile(prisma, path.resolve(positionals[0]!), {
      deactivateMissing: values["deactivate-missing"] === true,
    });
    for (const line of summarizeImport(result, translator("en"))) ctx.out(line);
    return 0;
  },
};

export const directoryTemplate: CliCommand = {
  name: "directory template",
  usage: "<out.xlsx> [--force]",
  description:
    "Writes the directory workbook (one sheet per section) filled with the example of " +
    "examples/directory.example.yaml, to edit and import. --force overwrites an existing file.",
  options: { force: { type: "boolean" } },
  args: [1, 1],
  async run(ctx, { positionals, values }) {
    const out = path.resolve(positionals[0]!);
    if (path.extname(out).toLowerCase() !== ".xlsx") throw new UsageError("The template is an .xlsx file.");
    if (existsSync(out) && values.force !== true) {
      throw new UsageError(`${positionals[0]} exists; add --force to overwrite it.`);
    }
    const { parse: parseYaml } = await import("yaml");
    const { writeDirectoryXlsx } = await import("../directory/import-xlsx.js");
    const example = parseYaml(await readFile(EXAMPLE_FILE, "utf8")) as {
      organizations: Record<string, unknown>[];
    };
    await writeFile(out, await writeDirectoryXlsx(example));
    ctx.out(`Wrote ${positionals[0]}`);
    return 0;
  },
};

export const demo: CliCommand = {
  name: "demo",
  usage: "",
  description:
    "Loads the demo organisations of examples/demo-aimag.yaml (an aimag governor's office and a soum " +
    "office). Running it again changes nothing.",
  async run(ctx) {
    const { loadDemo } = await import("../directory/demo.js");
    const { prisma } = await ctx.db();
    const result = await loadDemo(prisma);
    for (const line of summarizeImport(result, translator("en"))) ctx.out(line);
    ctx.out("");
    ctx.out("Connect a Telegram account to a demo person with an invite, for example:");
    ctx.out("  npm run cli -- invite vansemberuu --org demo-aimag   (petition clerk)");
    ctx.out("  npm run cli -- invite temuulen --org demo-aimag      (organisation admin)");
    return 0;
  },
};

export const invite: CliCommand = {
  name: "invite",
  usage: "<person-code> [--org <slug>] [--days N]",
  description:
    "Creates a one-time invite link that connects a Telegram account to the person " +
    "(valid INVITE_TTL_DAYS days unless --days is given). Needs --org when the code exists in several organisations.",
  options: { org: { type: "string" }, days: { type: "string" } },
  args: [1, 1],
  async run(ctx, { positionals, values }) {
    const code = positionals[0]!;
    const slug = typeof values.org === "string" ? values.org : undefined;
    let days = ctx.config.INVITE_TTL_DAYS;
    if (values.days !== undefined) {
      days = Number(values.days);
      if (!Number.isInteger(days)) throw new UsageError("--days takes a whole number of days.");
    }
    const { prisma } = await ctx.db();
    const people = await prisma.person.findMany({
      where: { code, ...(slug ? { org: { slug } } : {}) },
      include: { org: { select: { slug: true, name: true, timezone: true } } },
    });
    if (people.length === 0) {
      throw new UsageError(`No person with the code "${code}"${slug ? ` in ${slug}` : ""}.`);
    }
    if (people.length > 1) {
      const orgs = people.map((p) => p.org.slug).join(", ");
      throw new UsageError(`The code "${code}" exists in several organisations (${orgs}): add --org <slug>.`);
    }
    const person = people[0]!;
    const { createInvite, inviteLink } = await import("../directory/invites.js");
    const created = await createInvite(prisma, ctx.clock, { personId: person.id, ttlDays: days });
    const link = inviteLink(created.startParam, ctx.config.BOT_USERNAME);
    ctx.out(`Invite for ${person.fullName} (${person.code}), ${person.org.name}:`);
    ctx.out(`  ${link}`);
    ctx.out(
      `It works once, until ${formatDateTime(created.expiresAt, person.org.timezone)} (${person.org.timezone}). ` +
        "Earlier unused invites of this person no longer work.",
    );
    if (!ctx.config.BOT_USERNAME) {
      ctx.out(
        "BOT_USERNAME is not set: open https://t.me/<your bot>" +
          link +
          " (or set BOT_USERNAME to print the full link).",
      );
    }
    return 0;
  },
};

registerCommands(directoryImport, directoryTemplate, demo, invite);
