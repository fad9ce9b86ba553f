/**
 * Loaded with `node --import` into a benchmarked bot process (or imported by a benchmark):
 * counts the SQL statements the process sends and writes the running total to
 * BENCH_STATEMENTS_FILE, when set, on SIGUSR2 (and at exit). Counted where the statements
 * leave the process:
 *   - PostgreSQL: every `query` of a node-postgres client (Prisma's adapter and any direct
 *     pool), BEGIN and COMMIT included;
 *   - PGlite: every statement through Prisma's PGlite adapter, with BEGIN and COMMIT/ROLLBACK
 *     of its transactions counted as one statement each.
 */
import { renameSync, writeFileSync } from "node:fs";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";

const file = process.env.BENCH_STATEMENTS_FILE;
let count = 0;

/** The statements counted so far in this process (for a benchmark that imports this module). */
export function statementCount(): number {
  return count;
}

const clientProto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
const query = clientProto.query;
clientProto.query = function (this: unknown, ...args: unknown[]) {
  count++;
  return query.apply(this, args);
};

type Queryable = Record<string, (...args: unknown[]) => Promise<unknown>>;

/** BENCH_STATEMENTS_LOG=1 also prints every statement counted on PGlite (first 160 characters). */
const log = process.env.BENCH_STATEMENTS_LOG === "1";

function countCalls(target: Queryable, names: string[]) {
  for (const name of names) {
    const original = target[name]!.bind(target);
    target[name] = (...args: unknown[]) => {
      count++;
      if (log)
        console.log(
          `[sql] ${String((args[0] as { sql?: string })?.sql ?? name.toUpperCase())
            .replace(/\s+/g, " ")
            .trim()
            .slice(0, 160)}`,
        );
      return original(...args);
    };
  }
}

const factoryProto = PrismaPGlite.prototype as unknown as { connect: () => Promise<Queryable> };
const connect = factoryProto.connect;
factoryProto.connect = async function (this: unknown) {
  const adapter = await connect.call(this);
  countCalls(adapter, ["queryRaw", "executeRaw"]);
  const start = adapter.startTransaction!.bind(adapter);
  adapter.startTransaction = async (...args: unknown[]) => {
    count++; // BEGIN
    if (log) console.log("[sql] BEGIN");
    const tx = (await start(...args)) as Queryable;
    countCalls(tx, ["queryRaw", "executeRaw", "commit", "rollback"]);
    return tx;
  };
  return adapter;
};

if (file) {
  // Written when the benchmark asks (SIGUSR2) and at exit, not on a timer: the measured
  // process does no work of the counter's between two asks. "<count> <asks so far>".
  let asked = 0;
  const write = () => {
    try {
      // Whole or not at all: the benchmark may read it at any moment.
      writeFileSync(`${file}.tmp`, `${count} ${asked}`);
      renameSync(`${file}.tmp`, file);
    } catch {
      // the benchmark's folder may be gone at the very end
    }
  };
  process.on("SIGUSR2", () => {
    asked++;
    write();
  });
  process.on("exit", write);
}
