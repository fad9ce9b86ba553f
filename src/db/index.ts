/**
 * Opens the database: PGlite in a local folder by default, PostgreSQL when a URL is given.
 * Migrations in prisma/migrations are applied on open (re-applying applies nothing).
 * Each engine's driver is loaded only when that engine is opened.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import type { SqlDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { PrismaClient } from "../generated/prisma/client.js";
import { withDirectSql } from "./direct.js";
import { acquireFolderLock } from "./folder-lock.js";
import { applyMigrations } from "./schema-engine.js";
import { StatementNames } from "./statement-names.js";

export type * from "../generated/prisma/client.js";
export { Prisma, PrismaClient } from "../generated/prisma/client.js";

export type DbEngine = "pglite" | "postgres";

/** Connections of one process' query pool on PostgreSQL unless DB_POOL_SIZE says otherwise. */
export const DEFAULT_POOL_SIZE = 10;

export interface Database {
  prisma: PrismaClient;
  engine: DbEngine;
  /** Migrations applied by this open (empty when the database was up to date). */
  applied: string[];
  close(): Promise<void>;
}

export interface OpenOptions {
  /** postgresql:// URL; when absent the embedded database is used. */
  url?: string;
  /** Folder for the embedded database (DATA_DIR/db). Ignored with a URL. */
  dataDir?: string;
  /** A PGlite data-dir dump to start from (tests: a migrated template); kept in memory. */
  pgliteImage?: Blob;
  migrate?: boolean;
  /** PostgreSQL: connections of the query pool (DB_POOL_SIZE); see README, "Connections". */
  poolSize?: number;
  /** Wraps the driver adapter (tests: a database that fails on cue). */
  wrapAdapter?: (factory: SqlDriverAdapterFactory) => SqlDriverAdapterFactory;
  /**
   * PGlite: the size of its buffer pool (PostgreSQL's shared_buffers, 128MB unless given).
   * Opening fills the whole pool, so a short-lived process (the command-line tool) starts
   * faster and in less memory with a small one ("16MB").
   */
  sharedBuffers?: string;
}

export async function openDatabase(opts: OpenOptions): Promise<Database> {
  const migrate = opts.migrate ?? true;
  if (opts.url) {
    const { PrismaPg } = await import("@prisma/adapter-pg");
    // Each statement prepared once per connection (db/statement-names.ts).
    const names = new StatementNames();
    const pg = new PrismaPg(
      {
        connectionString: opts.url,
        max: opts.poolSize ?? DEFAULT_POOL_SIZE,
        // A query never waits forever for a connection: a full pool is a transient failure.
        connectionTimeoutMillis: 10_000,
      },
      { statementNameGenerator: names.generate },
    );
    const applied = migrate ? await applyMigrations(pg) : [];
    const factory = names.wrap(pg);
    const prisma = clientOf(opts.wrapAdapter ? opts.wrapAdapter(factory) : factory);
    return { prisma, engine: "postgres", applied, close: () => prisma.$disconnect() };
  }

  const [{ PGlite }, { PrismaPGlite }, { preparedClient }] = await Promise.all([
    import("@electric-sql/pglite"),
    import("pglite-prisma-adapter"),
    import("./pglite-prepared.js"),
  ]);
  const startParams = opts.sharedBuffers
    ? { startParams: [...PGlite.defaultStartParams, "-c", `shared_buffers=${opts.sharedBuffers}`] }
    : {};
  let release = () => {};
  let pglite: PGlite;
  if (opts.pgliteImage) {
    pglite = new PGlite({ loadDataDir: opts.pgliteImage, ...startParams });
  } else {
    const dir = path.resolve(opts.dataDir ?? "./data", "db");
    mkdirSync(path.dirname(dir), { recursive: true });
    release = acquireFolderLock(`${dir}.lock`);
    pglite = new PGlite(dir, startParams);
  }
  try {
    await pglite.waitReady;
    // Each statement prepared once and planned by the plan cache (db/pglite-prepared.ts).
    const factory = new PrismaPGlite(preparedClient(pglite));
    const applied = migrate ? await applyMigrations(factory) : [];
    // PGlite learns the array types (e.g. "Role"[]) when it opens: types the migrations just
    // created must be read again, or array parameters (`roles: { has }`) are sent malformed.
    if (applied.length > 0) await pglite.refreshArrayTypes();
    const prisma = clientOf(opts.wrapAdapter ? opts.wrapAdapter(factory) : factory);
    return {
      prisma,
      engine: "pglite",
      applied,
      async close() {
        await prisma.$disconnect();
        await pglite.close();
        release();
      },
    };
  } catch (err) {
    release();
    throw err;
  }
}

/** The client over an adapter, with its direct runner for the hottest statements (db/direct.ts). */
function clientOf(factory: SqlDriverAdapterFactory): PrismaClient {
  const direct = withDirectSql(factory);
  const prisma = new PrismaClient({ adapter: direct.factory });
  direct.register(prisma);
  return prisma;
}

/** Every application table, for emptying a test database between tests. */
export async function truncateAll(prisma: PrismaClient): Promise<void> {
  const rows = await prisma.$queryRawUnsafe<{ tablename: string }[]>(
    `SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename <> '_prisma_migrations'`,
  );
  if (rows.length === 0) return;
  const list = rows.map((r) => `"${r.tablename}"`).join(", ");
  await prisma.$executeRawUnsafe(`TRUNCATE ${list} RESTART IDENTITY CASCADE`);
}
