/**
 * Runs one command line: finds the command, parses its options, opens the database when the
 * command asks for it, prints errors in English (row errors one per line) and returns the
 * exit code. Tests call it directly with their own database and output.
 *
 * A command loads only what it uses: the database drivers when it opens the database, the
 * translations when something is to be said in words.
 */
import { parseArgs } from "node:util";
import { type Config, ConfigError, loadConfig } from "../config.js";
import type { Database } from "../db/index.js";
import { describeRowError } from "../directory/import-report.js";
import { translator } from "../i18n.js";
import { type Clock, systemClock } from "../shared/clock.js";
import { DomainError, ValidationError } from "../shared/errors.js";
import {
  type CliCommand,
  type CliContext,
  commands,
  findCommand,
  UsageError,
  usageLine,
} from "./commands.js";

export interface RunDeps {
  env?: NodeJS.ProcessEnv;
  config?: Config;
  clock?: Clock;
  /** Opens the database; by default from DATABASE_URL or DATA_DIR. */
  openDb?: (config: Config) => Promise<Database>;
  out?: (line: string) => void;
  err?: (line: string) => void;
}

function help(out: (line: string) => void): void {
  out("Usage: npm run cli -- <command> [options]");
  out("");
  const list = [...commands.values()].sort((a, b) => a.name.localeCompare(b.name));
  for (const c of list) {
    out(`  ${c.name}${c.usage ? ` ${c.usage}` : ""}`);
    out(`      ${c.description}`);
  }
}

function parse(command: CliCommand, rest: string[]) {
  const options = Object.fromEntries(
    Object.entries(command.options ?? {}).map(([k, o]) => [
      k,
      { type: o.type, ...(o.short ? { short: o.short } : {}) },
    ]),
  );
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: rest, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const [min, max] = command.args ?? [0, 0];
  const n = parsed.positionals.length;
  if (n < min) throw new UsageError("Missing argument.");
  if (n > max) throw new UsageError(`Unexpected argument: ${parsed.positionals[max]}`);
  return {
    positionals: parsed.positionals,
    values: parsed.values as Record<string, string | boolean | undefined>,
  };
}

export async function runCli(argv: readonly string[], deps: RunDeps = {}): Promise<number> {
  const out = deps.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const err = deps.err ?? ((line: string) => process.stderr.write(`${line}\n`));

  if (argv.length === 0 || ["help", "--help", "-h"].includes(argv[0]!)) {
    help(out);
    return argv.length === 0 ? 1 : 0;
  }
  const found = findCommand(argv);
  if (!found) {
    err(`Unknown command: ${argv.join(" ")}`);
    err("Run `npm run cli -- help` for the list of commands.");
    return 1;
  }
  const { command, rest } = found;

  let database: Database | undefined;
  try {
    const args = parse(command, rest);
    const config = deps.config ?? loadConfig(deps.env ?? process.env);
    // One command at a time: a small pool keeps the CLI inside the connection budget.
    const openDb =
      deps.openDb ??
      (async (c: Config) => {
        const { openDatabase } = await import("../db/index.js");
        return openDatabase({
          url: c.DATABASE_URL,
          dataDir: c.DATA_DIR,
          poolSize: Math.min(2, c.DB_POOL_SIZE),
          // A command reads and writes a few rows: a small buffer pool opens faster.
          sharedBuffers: "16MB",
        });
      });
    let opening: Promise<Database> | undefined;
    const ctx: CliContext = {
      config,
      clock: deps.clock ?? systemClock,
      db: () => {
        opening ??= openDb(config).then((d) => {
          database = d;
          return d;
        });
        return opening;
      },
      out,
      err,
    };
    return (await command.run(ctx, args)) ?? 0;
  } catch (e) {
    const t = translator("en");
    if (e instanceof ValidationError) {
      err(t("common:errors.validation", { count: e.errors.length }));
      for (const row of e.errors) err(`  ${describeRowError(row, t)}`);
      err(t("directory:import.nothingImported"));
    } else if (e instanceof DomainError) {
      err(t(e.key, { ...e.params }));
    } else if (e instanceof UsageError) {
      err(e.message);
      err(`Usage: ${usageLine(command)}`);
    } else if (e instanceof ConfigError) {
      err(e.message);
    } else {
      err(`Error: ${(e as Error).message ?? String(e)}`);
      if (process.env.LOG_LEVEL === "debug" || process.env.LOG_LEVEL === "trace")
        err(String((e as Error).stack));
    }
    return 1;
  } finally {
    await database?.close();
  }
}
