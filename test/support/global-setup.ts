/**
 * Runs once before the suite. PGlite: builds a migrated database image that every test
 * file loads into memory (initialising a fresh PGlite costs seconds and ~900 MB; loading
 * an image is much cheaper). PostgreSQL (TEST_DATABASE_URL): checks it is reachable.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { applyMigrations, MIGRATIONS_DIR, PROJECT_ROOT } from "../../src/db/schema-engine.js";

export const IMAGE_DIR = path.join(PROJECT_ROOT, "node_modules/.cache/albabot-test");

function migrationsHash(): string {
  const h = createHash("sha256");
  for (const d of readdirSync(MIGRATIONS_DIR).sort()) {
    const f = path.join(MIGRATIONS_DIR, d, "migration.sql");
    if (existsSync(f)) h.update(d).update(readFileSync(f));
  }
  return h.digest("hex").slice(0, 16);
}

export default async function setup({ provide }: { provide: (k: string, v: string) => void }) {
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    const client = new pg.Client({ connectionString: url });
    await client.connect().catch((err) => {
      throw new Error(`TEST_DATABASE_URL is set but PostgreSQL is not reachable: ${err.message}`);
    });
    await client.end();
    provide("dbEngine", "postgres");
    return;
  }
  const image = path.join(IMAGE_DIR, `template-${migrationsHash()}.tar.gz`);
  if (!existsSync(image)) {
    mkdirSync(IMAGE_DIR, { recursive: true });
    const db = new PGlite("memory://");
    await applyMigrations(new PrismaPGlite(db));
    const blob = await db.dumpDataDir("gzip");
    writeFileSync(image, Buffer.from(await blob.arrayBuffer()));
    await db.close();
  }
  provide("dbEngine", "pglite");
  provide("pgliteImage", image);
}
