/**
 * The command table of `npm run cli -- <command>`. A capability adds its commands with
 * `registerCommands(...)` in a module that src/cli/index.ts imports; a command is a name of
 * one or more words ("plan import"), its options, and a function calling the services.
 */
import type { Config } from "../config.js";
import type { Database } from "../db/index.js";
import type { Clock } from "../shared/clock.js";

export interface CliContext {
  config: Config;
  clock: Clock;
  /** The database, opened on first use and closed when the command ends. */
  db(): Promise<Database>;
  /** A line of normal output (stdout). */
  out(line: string): void;
  /** A line of error output (stderr). */
  err(line: string): void;
}

export interface CliArgs {
  positionals: string[];
  values: Record<string, string | boolean | undefined>;
}

export interface CliOption {
  type: "string" | "boolean";
  short?: string;
}

export interface CliCommand {
  /** One or more words: "demo", "directory import". */
  name: string;
  /** The arguments after the name, for the help: "<file> [--deactivate-missing]". */
  usage: string;
  description: string;
  options?: Record<string, CliOption>;
  /** How many positional arguments it takes: [min, max]. Default [0, 0]. */
  args?: [number, number];
  /** Returns the exit code (0 when omitted). Throw DomainError or UsageError for failures. */
  run(ctx: CliContext, args: CliArgs): Promise<number | undefined>;
}

/** Wrong arguments: printed with the command's usage, exit code 1. */
export class UsageError extends Error {}

export const commands = new Map<string, CliCommand>();

export function registerCommands(...list: CliCommand[]): void {
  for (const c of list) {
    if (commands.has(c.name)) throw new Error(`command registered twice: ${c.name}`);
    commands.set(c.name, c);
  }
}

/** The command whose name matches the most leading words of argv, and the rest of argv. */
export function findCommand(argv: readonly string[]): { command: CliCommand; rest: string[] } | null {
  let best: { command: CliCommand; rest: string[] } | null = null;
  for (const command of commands.values()) {
    const words = command.name.split(" ");
    if (
      words.every((w, i) => argv[i] === w) &&
      (!best || words.length > best.command.name.split(" ").length)
    ) {
      best = { command, rest: argv.slice(words.length) };
    }
  }
  return best;
}

export function usageLine(c: CliCommand): string {
  return `npm run cli -- ${c.name}${c.usage ? ` ${c.usage}` : ""}`;
}
