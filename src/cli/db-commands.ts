/** Database commands. */
import path from "node:path";
import { type CliCommand, registerCommands } from "./commands.js";

export const dbMigrate: CliCommand = {
  name: "db migrate",
  usage: "",
  description:
    "Applies the migrations of prisma/migrations to the database (DATABASE_URL, or the embedded one in DATA_DIR).",
  async run(ctx) {
    const db = await ctx.db();
    const where =
      db.engine === "postgres"
        ? "PostgreSQL (DATABASE_URL)"
        : `the embedded database in ${path.resolve(ctx.config.DATA_DIR, "db")}`;
    if (db.applied.length === 0) ctx.out(`The database is up to date: ${where}.`);
    else {
      ctx.out(`Applied ${db.applied.length} migration(s) to ${where}:`);
      for (const name of db.applied) ctx.out(`  ${name}`);
    }
    return 0;
  },
};

registerCommands(dbMigrate);
