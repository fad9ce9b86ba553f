/**
 * The example plans work with the demo as shipped: seed 000's plan, dated in the demo's
 * year, imports for the demo official from the CSV and from the XLSX.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import "../../src/cli/directory-commands.js";
import "../../src/cli/plan-commands.js";
import { runCli } from "../../src/cli/run.js";
import { loadConfig } from "../../src/config.js";
import { PROJECT_ROOT } from "../../src/db/schema-engine.js";
import { ManualClock } from "../../src/shared/clock.js";
import { useTestDatabase } from "../support/db.js";

describe("the example plans", () => {
  const db = useTestDatabase();

  async function cli(argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(argv, {
      config: loadConfig({ BOT_USERNAME: "albabot" }),
      clock: new ManualClock("2026-03-10T01:00:00Z"),
      openDb: async () => ({ ...db(), close: async () => {} }),
      out: (l) => out.push(l),
      err: (l) => err.push(l),
    });
    return { code, out, err };
  }

  it("imports the example plans into the demo as shipped", async () => {
    expect((await cli(["demo"])).code).toBe(0);
    for (const file of ["plan-000-hr-specialist.csv", "plan-000-hr-specialist.xlsx"]) {
      const plan = path.join(PROJECT_ROOT, "examples/plans", file);
      const imported = await cli([
        "plan",
        "import",
        plan,
        "--org",
        "demo-aimag",
        "--person",
        "vansemberuu",
        "--year",
        "2026",
      ]);
      expect(imported.err, file).toEqual([]);
      expect(imported.code, file).toBe(0);
      expect(imported.out[0], file).toMatch(
        /^Imported plan version \d for vansemberuu \(2026\): \d+ goals, 24 measures\.$/,
      );
    }
    const measure = await db().prisma.measure.findFirstOrThrow({
      where: { number: "1.1" },
      orderBy: { id: "asc" },
    });
    expect(measure.dates).toBe("2026.01.02-06.15");
  });
});
