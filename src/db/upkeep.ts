/**
 * The embedded database's autovacuum. PostgreSQL vacuums and analyses its tables in the
 * background; PGlite, one process with one connection, never does. Without it, the tables
 * every update writes keep the dead versions of their rows and the planner keeps the
 * statistics (and cached plans) of the day the database was created: the ledger's order
 * check then walked every update ever claimed, a little slower at each update.
 *
 * `vacuumGrownTables` does what autovacuum would: a table that has grown a fifth past the
 * size its last VACUUM or ANALYZE recorded (at least eight pages, 64 kB, with its indexes)
 * is vacuumed and analysed, which also has its statements planned again. The update housekeeping
 * (server/housekeeping.ts) calls it every round on the embedded database (`upkeepOf`).
 */
import type { PrismaClient } from "../generated/prisma/client.js";
import { sqlFor } from "./direct.js";
import type { Database } from "./index.js";

/** The tables updates write all the time: the ledger, conversations, users, reports, the outbox. */
export const BUSY_TABLES = ["ProcessedUpdate", "ConversationState", "User", "ReportEntry", "Notification"];

/**
 * A table whose pages (its own, its indexes' and its TOAST's) number a fifth more than its
 * last VACUUM or ANALYZE counted, and at least eight more. The indexes count: the ledger's
 * rows stay small (their payload is dropped when done), while every update leaves entries
 * behind in its indexes until a VACUUM.
 */
const GROWN = `
  SELECT c.relname AS name FROM pg_class c
  WHERE c.relnamespace = current_schema()::regnamespace AND c.relname = ANY ($1::text[])
    AND pg_total_relation_size(c.oid) / current_setting('block_size')::int >
      1.2 * (GREATEST(c.relpages, 0)
        + COALESCE((SELECT GREATEST(t.relpages, 0) FROM pg_class t WHERE t.oid = c.reltoastrelid), 0)
        + COALESCE((SELECT sum(GREATEST(i.relpages, 0)) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
                    WHERE x.indrelid = c.oid), 0)) + 8
  ORDER BY c.relname`;

/** Vacuums and analyses each of `tables` that has grown since its last upkeep; returns their names. */
export async function vacuumGrownTables(
  prisma: PrismaClient,
  tables: readonly string[] = BUSY_TABLES,
): Promise<string[]> {
  const grown = await sqlFor(prisma).query<{ name: string }>(GROWN, [[...tables]]);
  // The names come from the catalogue, and from a fixed list.
  for (const { name } of grown) await prisma.$executeRawUnsafe(`VACUUM (ANALYZE) "${name}"`);
  return grown.map((g) => g.name);
}

/** The housekeeping's upkeep for a database: the embedded one's; PostgreSQL has its autovacuum. */
export function upkeepOf(db: Database): { upkeep?: () => Promise<string[]> } {
  return db.engine === "pglite" ? { upkeep: () => vacuumGrownTables(db.prisma) } : {};
}
