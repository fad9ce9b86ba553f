import type { Update } from "grammy/types";
import { describe, expect, it } from "vitest";
import { UpdateLedger } from "../src/bot/middlewares/dedupe.js";
import { sqlFor } from "../src/db/direct.js";
import { upkeepOf, vacuumGrownTables } from "../src/db/upkeep.js";
import type { PrismaClient } from "../src/generated/prisma/client.js";
import { UpdateHousekeeping } from "../src/server/housekeeping.js";
import { useTestDatabase } from "./support/db.js";

const message = (id: number, chat: number): Update =>
  ({
    update_id: id,
    message: {
      message_id: id,
      date: 1796300000,
      chat: { id: chat, type: "private", first_name: "Б" },
      from: { id: chat, is_bot: false, first_name: "Б" },
      text: "Сайн байна уу",
    },
  }) as Update;

/** The indexes a statement's plan reads when the table is not read whole. */
async function indexesRead(prisma: PrismaClient, statement: string) {
  const row = await prisma.$transaction(async (tx) => {
    await tx.$executeRawUnsafe("SET LOCAL enable_seqscan = off");
    const [r] = await tx.$queryRawUnsafe<{ "QUERY PLAN": unknown }[]>(`EXPLAIN (FORMAT JSON) ${statement}`);
    return r!["QUERY PLAN"];
  });
  const names = new Set<string>();
  const walk = (node: unknown): void => {
    if (!node || typeof node !== "object") return;
    const n = node as Record<string, unknown>;
    if (typeof n["Index Name"] === "string") names.add(n["Index Name"]);
    for (const value of Object.values(n)) if (typeof value === "object") walk(value);
  };
  walk(typeof row === "string" ? JSON.parse(row) : row);
  return [...names];
}

describe("the busy tables' upkeep", () => {
  const db = useTestDatabase();

  it("vacuums and analyses the ledger once it has grown, and not again until it grows", async () => {
    const ledger = new UpdateLedger({ prisma: db().prisma, instanceId: "upkeep" });
    for (let id = 1; id <= 300; id++) {
      expect((await ledger.claim(message(id, 7001), "7001")).status).toBe("claimed");
      await ledger.complete(id);
    }
    expect(await vacuumGrownTables(db().prisma)).toContain("ProcessedUpdate");
    const [stats] = await sqlFor(db().prisma).query<{ reltuples: number }>(
      `SELECT reltuples FROM pg_class WHERE relname = 'ProcessedUpdate'`,
      [],
    );
    expect(Number(stats!.reltuples)).toBe(300);
    expect(await vacuumGrownTables(db().prisma)).toEqual([]);
  });

  it("a chat's order check reads the index of open updates, not every update done", async () => {
    const ledger = new UpdateLedger({ prisma: db().prisma, instanceId: "upkeep" });
    for (let id = 1; id <= 200; id++) {
      await ledger.claim(message(id, 7002), "7002");
      await ledger.complete(id);
    }
    expect((await ledger.claim(message(201, 7002), "7002", { checkOrder: true })).status).toBe("claimed");
    expect(await ledger.hasEarlierUnfinished("7002", 202)).toBe(false);
    expect(await ledger.hasEarlierUnfinished("7002", 201)).toBe(false);
    await vacuumGrownTables(db().prisma);
    const check = `SELECT EXISTS (SELECT 1 FROM "ProcessedUpdate"
      WHERE "chatKey" = '7002' AND "updateId" < 202 AND "doneAt" IS NULL)`;
    expect(await indexesRead(db().prisma, check)).toEqual(["ProcessedUpdate_chatKey_updateId_idx"]);
    // That index holds only updates not done: a chat's history does not lengthen the check.
    const [index] = await sqlFor(db().prisma).query<{ indexdef: string }>(
      `SELECT indexdef FROM pg_indexes WHERE indexname = 'ProcessedUpdate_chatKey_updateId_idx'`,
      [],
    );
    expect(index!.indexdef).toMatch(/WHERE \("doneAt" IS NULL\)$/);
  });

  it("is the embedded database's only: PostgreSQL has its autovacuum", () => {
    expect(Object.keys(upkeepOf(db()))).toEqual(db().engine === "pglite" ? ["upkeep"] : []);
  });

  it("runs after each housekeeping round when given", async () => {
    const ledger = new UpdateLedger({ prisma: db().prisma, instanceId: "upkeep" });
    let rounds = 0;
    const housekeeping = new UpdateHousekeeping({
      ledger,
      handle: async () => undefined,
      upkeep: async () => {
        rounds++;
        return ["ProcessedUpdate"];
      },
    });
    expect(await housekeeping.runOnce()).toEqual({ recovered: 0, pruned: 0, vacuumed: ["ProcessedUpdate"] });
    expect(rounds).toBe(1);
  });
});
