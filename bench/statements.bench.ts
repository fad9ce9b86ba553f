/**
 * SQL statements per update, step by step: one official and one citizen go through the
 * webhook benchmark's scripts (bench/webhook-updates.ts: a report with two measures
 * answered, a whole petition intake, menus, help, free text) through the whole bot on
 * PGlite, by `bot.handleUpdate`, and the statements each update sent are counted where they
 * leave the process (bench/support/count-statements.ts). Without the production guards
 * (the update ledger and the chat lock), which add their own statements to every update.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { openDatabase } from "../src/db/index.js";
import { emulatedBot } from "./support/bot.js";
import { statementCount } from "./support/count-statements.js";
import { printTable } from "./support/databases.js";
import { OFFICIAL_TG_BASE, promptOf, ReplayUpdates, seedOfficialsSql } from "./webhook-updates.js";

export async function run(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), "albabot-bench-statements-"));
  const db = await openDatabase({ dataDir: dir });
  try {
    for (const sql of seedOfficialsSql(2)) await db.prisma.$executeRawUnsafe(sql);
    // One person answering as fast as the machine allows: not a flood to refuse.
    const { bot, emulator } = await emulatedBot(db, { floodLimit: { max: 100_000, windowMs: 1000 } });
    const replay = new ReplayUpdates({
      citizens: 1,
      officials: 1,
      firstUpdateId: 1,
      promptOf: promptOf(emulator),
    });
    const rows: Record<string, string | number>[] = [];
    for (let i = 0; i < replay.total; i += 2) {
      const row: Record<string, string | number> = { step: i / 2 + 1 };
      for (let k = 0; k < 2; k++) {
        const update = replay.next();
        if (process.env.BENCH_STATEMENTS_LOG === "1")
          console.log(`--- update ${update.update_id}: ${JSON.stringify(update).slice(0, 120)}`);
        const before = statementCount();
        const callsBefore = emulator.calls.length;
        await bot.handleUpdate(update);
        const sent = statementCount() - before;
        const calls = emulator.calls
          .slice(callsBefore)
          .map((c) => c.method.replace(/^(send|answer|edit)/, "$1 ").split(" ")[0]);
        const what =
          update.message?.text ??
          (update.message?.contact ? "(contact)" : undefined) ??
          update.callback_query?.data;
        const from = update.message?.from.id ?? update.callback_query?.from.id ?? 0;
        const kind = from >= OFFICIAL_TG_BASE ? "official" : "citizen";
        row[`${kind} update`] = String(what).slice(0, 24);
        row[`${kind} SQL`] = sent;
        row[`${kind} API`] = calls.join(",");
      }
      rows.push(row);
    }
    printTable(rows);
    // The scripts did their work: the petition filed, the two measures answered.
    const petitions = await db.prisma.petition.count();
    const entries = await db.prisma.reportEntry.count({ where: { completion: { not: null } } });
    console.log(`left ${petitions} petition(s), ${entries} report entries answered`);
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
