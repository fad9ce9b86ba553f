/**
 * A real database for a test file: `useTestDatabase()` opens it before the file's tests
 * and empties every table before each test. PGlite (default) loads the migrated image
 * into memory; with TEST_DATABASE_URL each test file gets its own PostgreSQL database.
 */
import { readFileSync } from "node:fs";
import pg from "pg";
import { afterAll, beforeAll, beforeEach, inject } from "vitest";
import { type Database, type OpenOptions, openDatabase, truncateAll } from "../../src/db/index.js";

declare module "vitest" {
  export interface ProvidedContext {
    dbEngine: "pglite" | "postgres";
    pgliteImage: string;
  }
}

/** Runs a statement on the server's maintenance connection (the URL's own database). */
async function onServer(base: string, sql: string): Promise<void> {
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

/**
 * A database of its own for one test file (unique per process and file), so suites run
 * at the same time on one server never see each other's rows. Dropped when the file ends.
 */
async function createFileDatabase(base: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const suffix = Math.random().toString(36).slice(2, 8);
  const name = `albabot_t${process.pid}_${process.env.VITEST_POOL_ID ?? "0"}_${suffix}`;
  await onServer(base, `CREATE DATABASE "${name}"`);
  const u = new URL(base);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: () => onServer(base, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}

export async function openTestDatabase(opts: Pick<OpenOptions, "wrapAdapter"> = {}): Promise<Database> {
  if (inject("dbEngine") === "postgres") {
    const file = await createFileDatabase(process.env.TEST_DATABASE_URL as string);
    const db = await openDatabase({ url: file.url, ...opts });
    return {
      ...db,
      async close() {
        await db.close();
        await file.drop();
      },
    };
  }
  const image = new Blob([readFileSync(inject("pgliteImage"))]);
  return openDatabase({ pgliteImage: image, ...opts });
}

/** Opens the database for this file; returns a getter valid inside tests. */
export function useTestDatabase(opts: Pick<OpenOptions, "wrapAdapter"> = {}): () => Database {
  let db: Database | undefined;
  beforeAll(async () => {
    db = await openTestDatabase(opts);
  }, 60_000);
  beforeEach(async () => {
    if (db) await truncateAll(db.prisma);
  });
  afterAll(async () => {
    await db?.close();
  });
  return () => {
    if (!db) throw new Error("test database not open");
    return db;
  };
}

/** The URL of a test database on PostgreSQL (TEST_DATABASE_URL's server, this file's database). */
export async function postgresUrlOf(db: Database): Promise<string> {
  const [row] = await db.prisma.$queryRaw<{ name: string }[]>`SELECT current_database() AS name`;
  const url = new URL(process.env.TEST_DATABASE_URL as string);
  url.pathname = `/${row!.name}`;
  return url.toString();
}
