import { readFileSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { describe, expect, inject, it } from "vitest";
import { sqlFor } from "../src/db/direct.js";
import { openDatabase } from "../src/db/index.js";
import { preparedClient } from "../src/db/pglite-prepared.js";
import { StatementNames } from "../src/db/statement-names.js";
import { isTransientDbError, isUniqueViolation } from "../src/db/transient.js";
import { postgresUrlOf, useTestDatabase } from "./support/db.js";

const postgres = inject("dbEngine") === "postgres";

// Statements run prepared on both engines (db/pglite-prepared.ts, db/statement-names.ts).
describe("prepared statements", () => {
  const db = useTestDatabase();

  it("prepare a text once per connection and run it again with other parameters", async () => {
    const { prisma } = db();
    const text = `SELECT $1::int + 1 AS n, $2::text AS s`;
    await prisma.$transaction(async (tx) => {
      // One connection for the whole transaction: its prepared statements are the ones seen.
      for (let i = 0; i < 8; i++) {
        const rows = await tx.$queryRawUnsafe<{ n: number; s: string }[]>(text, i, `ж${i}`);
        expect(rows).toEqual([{ n: i + 1, s: `ж${i}` }]);
      }
      const prepared = await tx.$queryRawUnsafe<{ n: bigint }[]>(
        `SELECT count(*) AS n FROM pg_prepared_statements WHERE statement = $1`,
        text,
      );
      expect(prepared[0]!.n).toBe(1n);
    });
    // The direct runner shares them.
    expect(await sqlFor(prisma).query(text, [41, "x"])).toEqual([{ n: 42, s: "x" }]);
  });

  it("keep the connection usable after a statement fails, and its errors what they were", async () => {
    const { prisma } = db();
    const org = { slug: "o", name: "O" };
    await prisma.organization.create({ data: org });
    const duplicate = await prisma.organization.create({ data: org }).catch((err: unknown) => err);
    expect(isUniqueViolation(duplicate)).toBe(true);
    const insert = `INSERT INTO "Organization" (slug, name, "updatedAt") VALUES ($1, $2, now())`;
    const direct = await sqlFor(prisma)
      .query(insert, ["o", "again"])
      .catch((err: unknown) => err);
    expect(isUniqueViolation(direct)).toBe(true);
    await expect(prisma.$queryRawUnsafe(`SELEC $1::int`, 1)).rejects.toThrow(/syntax/);
    expect(await prisma.organization.count()).toBe(1);
    await sqlFor(prisma).query(insert, ["p", "P"]);
    expect(await prisma.organization.count()).toBe(2);
  });

  it("run a statement whose table changed its columns since it was prepared", async () => {
    // PostgreSQL: a pool of one connection, so the second run meets the statement prepared by the first.
    const opened = postgres ? await openDatabase({ url: await postgresUrlOf(db()), poolSize: 1 }) : undefined;
    const prisma = opened?.prisma ?? db().prisma;
    try {
      await prisma.$executeRawUnsafe(`DROP TABLE IF EXISTS "PreparedProbe"`);
      await prisma.$executeRawUnsafe(`CREATE TABLE "PreparedProbe" (id int PRIMARY KEY, a text)`);
      await prisma.$executeRawUnsafe(`INSERT INTO "PreparedProbe" VALUES (1, 'а')`);
      const text = `SELECT * FROM "PreparedProbe" WHERE id = $1`;
      expect(await prisma.$queryRawUnsafe(text, 1)).toEqual([{ id: 1, a: "а" }]);
      await prisma.$executeRawUnsafe(`ALTER TABLE "PreparedProbe" ADD COLUMN b text`);
      expect(await prisma.$queryRawUnsafe(text, 1)).toEqual([{ id: 1, a: "а", b: null }]);
      expect(await sqlFor(prisma).query(text, [1])).toEqual([{ id: 1, a: "а", b: null }]);

      await prisma.$executeRawUnsafe(`ALTER TABLE "PreparedProbe" ADD COLUMN c text`);
      // In a transaction the failure aborts it: a transient error (the update is handled
      // again), and the statement is prepared afresh for the next run.
      const failed = await prisma
        .$transaction((tx) => tx.$queryRawUnsafe(text, 1))
        .catch((err: unknown) => err);
      expect(isTransientDbError(failed)).toBe(true);
      expect(await prisma.$transaction((tx) => tx.$queryRawUnsafe(text, 1))).toEqual([
        { id: 1, a: "а", b: null, c: null },
      ]);
    } finally {
      await prisma.$executeRawUnsafe(`DROP TABLE IF EXISTS "PreparedProbe"`);
      await opened?.close();
    }
  });

  // PostgreSQL's simple protocol (PGlite runs every statement through the extended one, alone).
  it.skipIf(!postgres)(
    "run a statement without parameters unprepared, so it may hold several commands",
    async () => {
      const { prisma } = db();
      await prisma.$executeRawUnsafe(`CREATE TEMP TABLE probe (n int); INSERT INTO probe VALUES (1), (2)`);
      expect(await prisma.$queryRawUnsafe(`SELECT count(*)::int AS n FROM probe`)).toEqual([{ n: 2 }]);
    },
    20_000,
  );
});

describe("statement names (PostgreSQL's adapter)", () => {
  const query = (sql: string, args: unknown[] = [1]) => ({ sql, args, argTypes: [] });

  it("give one name per text with parameters, none without, none past the limit", () => {
    const names = new StatementNames(2);
    const first = names.generate(query("SELECT $1"));
    expect(first).toMatch(/^albabot_\d+$/);
    expect(names.generate(query("SELECT $1"))).toBe(first);
    expect(names.generate(query("SELECT 1", []))).toBeUndefined();
    const second = names.generate(query("SELECT $1 + 1"));
    expect(second).not.toBe(first);
    expect(names.generate(query("SELECT $1 + 2"))).toBeUndefined();
    names.forget("SELECT $1");
    const renewed = names.generate(query("SELECT $1"));
    expect(renewed).not.toBe(first);
    expect(renewed).not.toBe(second);
  });
});

describe.skipIf(postgres)("PGlite's prepared statements", () => {
  it("keep the latest texts and close the rest", async () => {
    const engine = new PGlite({ loadDataDir: new Blob([readFileSync(inject("pgliteImage"))]) });
    try {
      await engine.waitReady;
      const client = preparedClient(engine, 2);
      for (let i = 0; i < 5; i++)
        expect((await client.query(`SELECT $1::int + ${i} AS n`, [1])).rows).toEqual([{ n: 1 + i }]);
      // Three closed, two kept.
      const { rows } = await engine.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_prepared_statements WHERE name LIKE 'albabot_%'`,
      );
      expect(rows[0]!.n).toBe(2);
      expect((await client.query(`SELECT $1::int + 0 AS n`, [5])).rows).toEqual([{ n: 5 }]);
      // A transaction's statements are prepared too and roll back with it.
      await expect(
        client.transaction(async (tx) => {
          await tx.query(`CREATE TABLE probe (n int)`);
          await tx.query(`INSERT INTO probe VALUES ($1)`, [1]);
          throw new Error("undo");
        }),
      ).rejects.toThrow("undo");
      const { rows: tables } = await client.query(`SELECT to_regclass($1) AS t`, ["probe"]);
      expect(tables).toEqual([{ t: null }]);
    } finally {
      await engine.close();
    }
  }, 60_000);

  it("let the event loop take what has arrived before each statement", async () => {
    const engine = new PGlite({ loadDataDir: new Blob([readFileSync(inject("pgliteImage"))]) });
    try {
      await engine.waitReady;
      const client = preparedClient(engine);
      // A webhook request or a Bot API answer waiting to be read, while a handler runs statements.
      const order: string[] = [];
      setImmediate(() => order.push("arrived"));
      await client.query(`SELECT 1`);
      order.push("statement");
      expect(order).toEqual(["arrived", "statement"]);
    } finally {
      await engine.close();
    }
  }, 60_000);
});
