/**
 * The databases a benchmark runs on: an embedded PGlite in a temporary folder, and
 * PostgreSQL when BENCH_DATABASE_URL is set or a local `test` database answers on
 * 127.0.0.1:5432. On PostgreSQL each benchmark run gets its own fresh database
 * (`albabot_bench_<name>_<unique suffix>`), so it never touches the tests' data nor another
 * run's on the same server.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { type Database, openDatabase } from "../../src/db/index.js";

export interface BenchDatabase {
  label: "PGlite" | "PostgreSQL";
  open(): Promise<Database>;
  /** Closes the database and removes what open() created. */
  dispose(): Promise<void>;
}

const LOCAL_URL = "postgresql://postgres@127.0.0.1:5432/test";

async function reachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

function pglite(): BenchDatabase {
  let dir: string | null = null;
  let db: Database | null = null;
  return {
    label: "PGlite",
    async open() {
      dir = mkdtempSync(path.join(tmpdir(), "albabot-bench-"));
      db = await openDatabase({ dataDir: dir });
      return db;
    },
    async dispose() {
      await db?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

function postgres(baseUrl: string, name: string): BenchDatabase {
  const dbName = uniqueDatabaseName(name);
  let db: Database | null = null;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: baseUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  return {
    label: "PostgreSQL",
    async open() {
      await admin(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
      await admin(`CREATE DATABASE "${dbName}"`);
      const url = new URL(baseUrl);
      url.pathname = `/${dbName}`;
      db = await openDatabase({ url: url.toString() });
      return db;
    },
    async dispose() {
      await db?.close();
      await admin(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    },
  };
}

/** A database name no other run on the same server uses: albabot_bench_<name>_<time><pid><random>. */
export function uniqueDatabaseName(name: string): string {
  const suffix = `${Date.now().toString(36)}${process.pid.toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  return `albabot_bench_${name.replace(/\W/g, "_")}_${suffix}`.toLowerCase();
}

/** PGlite always; PostgreSQL when reachable. `name` keeps benchmarks' databases apart. */
export async function benchDatabases(name: string): Promise<BenchDatabase[]> {
  const list: BenchDatabase[] = [pglite()];
  const url = process.env.BENCH_DATABASE_URL ?? LOCAL_URL;
  if (await reachable(url)) list.push(postgres(url, name));
  else console.log(`(PostgreSQL not reachable at ${url.replace(/\/\/[^@]*@/, "//")}: PGlite only)`);
  return list;
}

/** Prints rows as an aligned table. */
export function printTable(rows: Record<string, string | number>[]): void {
  if (rows.length === 0) return;
  const cols = Object.keys(rows[0]!);
  const cell = (v: string | number | undefined) => (v === undefined ? "" : String(v));
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padEnd(widths[i]!)).join("  ");
  console.log(line(cols));
  console.log(line(widths.map((w) => "-".repeat(w))));
  for (const r of rows) console.log(line(cols.map((c) => cell(r[c]))));
}
