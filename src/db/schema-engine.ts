/**
 * Prisma's schema engine compiled to WebAssembly, driven through a driver adapter.
 *
 * The Prisma CLI's `migrate` commands need a native engine binary that is downloaded on
 * first use; where that download is impossible, this module does the same work with
 * `@prisma/schema-engine-wasm`. It keeps Prisma's `_prisma_migrations` table, so a
 * database migrated here can later be handled by the ordinary Prisma CLI.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from "@prisma/driver-adapter-utils";
import type { MigrationList, SchemaEngine } from "@prisma/schema-engine-wasm/schema_engine_bg";

const require = createRequire(import.meta.url);

export const PROJECT_ROOT = path.resolve(import.meta.dirname, "../..");
export const SCHEMA_PATH = path.join(PROJECT_ROOT, "prisma/schema.prisma");
export const MIGRATIONS_DIR = path.join(PROJECT_ROOT, "prisma/migrations");

let bindings: Promise<typeof import("@prisma/schema-engine-wasm/schema_engine_bg")> | undefined;

/** Instantiates the WebAssembly module once per process. */
function loadBindings() {
  bindings ??= (async () => {
    const bg = await import("@prisma/schema-engine-wasm/schema_engine_bg");
    // The package does not export its .wasm file: locate it beside the exported glue.
    const wasmPath = path.join(
      path.dirname(require.resolve("@prisma/schema-engine-wasm/schema_engine_bg")),
      "schema_engine_bg.wasm",
    );
    const module = await WebAssembly.compile(readFileSync(wasmPath));
    const instance = await WebAssembly.instantiate(module, {
      "./schema_engine_bg.js": bg as unknown as WebAssembly.ModuleImports,
    });
    bg.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return bg;
  })();
  return bindings;
}

export async function openSchemaEngine(
  factory: SqlMigrationAwareDriverAdapterFactory,
  log: (line: string) => void = () => {},
): Promise<SchemaEngine> {
  const bg = await loadBindings();
  const schema = readFileSync(SCHEMA_PATH, "utf8");
  return bg.SchemaEngine.new(
    { datamodels: [[SCHEMA_PATH, schema]] },
    (msg: string) => log(msg),
    bindMigrationAwareSqlAdapterFactory(factory),
  );
}

/** Reads prisma/migrations the way the Prisma CLI does. */
export function readMigrations(dir = MIGRATIONS_DIR): MigrationList {
  const dirs = existsSync(dir)
    ? readdirSync(dir, { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => d.name)
        .sort()
    : [];
  const lockPath = path.join(dir, "migration_lock.toml");
  return {
    baseDir: dir,
    lockfile: {
      path: "migration_lock.toml",
      content: existsSync(lockPath) ? readFileSync(lockPath, "utf8") : null,
    },
    shadowDbInitScript: "",
    migrationDirectories: dirs.map((name) => {
      const file = path.join(dir, name, "migration.sql");
      return {
        path: name,
        migrationFile: {
          path: "migration.sql",
          content: existsSync(file)
            ? { tag: "ok" as const, value: readFileSync(file, "utf8") }
            : { tag: "error" as const, value: `missing ${file}` },
        },
      };
    }),
  };
}

const noFilters = { externalTables: [], externalEnums: [] };

/**
 * Applies the migrations not yet applied; returns their names. Re-running applies nothing.
 * Safe when several instances start together on one PostgreSQL: the engine migrates under
 * a session advisory lock (72707369). It never disposes the connections it opens, so an
 * idle pooled connection would keep that lock and make the next instance time out: every
 * connection it opened is closed here.
 */
export async function applyMigrations(factory: SqlMigrationAwareDriverAdapterFactory): Promise<string[]> {
  const migrations = readMigrations();
  if (await upToDate(factory, migrations)) return [];
  const opened: SqlDriverAdapter[] = [];
  const tracked: SqlMigrationAwareDriverAdapterFactory = {
    adapterName: factory.adapterName,
    provider: factory.provider,
    connect: async () => {
      const adapter = await factory.connect();
      opened.push(adapter);
      return adapter;
    },
    connectToShadowDb: () => factory.connectToShadowDb(),
  };
  const engine = await openSchemaEngine(tracked);
  try {
    const out = await engine.applyMigrations({
      migrationsList: migrations,
      filters: noFilters,
    });
    return out.appliedMigrationNames;
  } finally {
    engine.free();
    await Promise.allSettled(opened.map((a) => a.dispose()));
  }
}

/**
 * True when every migration of the folder is recorded in `_prisma_migrations` as finished,
 * with the same checksum (SHA-256 of its SQL, as Prisma records it), and none is left
 * failed: then starting needs no schema engine at all. Anything else (no table yet, a new
 * or changed migration, an error) leaves the decision to the engine.
 */
async function upToDate(
  factory: SqlMigrationAwareDriverAdapterFactory,
  list: MigrationList,
): Promise<boolean> {
  let adapter: SqlDriverAdapter | undefined;
  try {
    adapter = await factory.connect();
    const res = await adapter.queryRaw({
      sql: `SELECT migration_name, checksum, finished_at IS NOT NULL AS done FROM _prisma_migrations
            WHERE rolled_back_at IS NULL`,
      args: [],
      argTypes: [],
    });
    const applied = new Map<string, string>();
    for (const [name, checksum, done] of res.rows as [string, string, boolean][]) {
      if (!done) return false; // a failed migration: the engine reports it
      applied.set(name, checksum);
    }
    return list.migrationDirectories.every((d) => {
      const file = d.migrationFile.content;
      if (file.tag !== "ok") return false;
      return applied.get(d.path) === createHash("sha256").update(file.value).digest("hex");
    });
  } catch {
    return false;
  } finally {
    await adapter?.dispose().catch(() => {});
  }
}

/**
 * Computes the SQL that takes the database built by the existing migrations to the
 * current schema. The WebAssembly engine cannot open a PostgreSQL shadow database, so the
 * migrations are replayed into the throwaway database behind `factory` (an in-memory
 * PGlite) and its live schema is diffed against the datamodel. Returns null when equal.
 */
export async function createMigrationScript(
  factory: SqlMigrationAwareDriverAdapterFactory,
): Promise<string | null> {
  const engine = await openSchemaEngine(factory);
  try {
    const migrations = readMigrations();
    if (migrations.migrationDirectories.length > 0) {
      await engine.applyMigrations({ migrationsList: migrations, filters: noFilters });
    }
    const files = [{ path: SCHEMA_PATH, content: readFileSync(SCHEMA_PATH, "utf8") }];
    const diff = await engine.diff({
      from: { tag: "schemaDatasource", files, configDir: PROJECT_ROOT },
      to: { tag: "schemaDatamodel", files },
      script: true,
      exitCode: true,
      filters: noFilters,
    });
    return diff.exitCode === 0 || !diff.stdout ? null : diff.stdout;
  } finally {
    engine.free();
  }
}
