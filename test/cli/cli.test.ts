import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import ExcelJS from "exceljs";
import { afterAll, describe, expect, it } from "vitest";
import "../../src/cli/db-commands.js";
import "../../src/cli/directory-commands.js";
import { commands, findCommand, registerCommands } from "../../src/cli/commands.js";
import { runCli } from "../../src/cli/run.js";
import { loadConfig } from "../../src/config.js";
import { PROJECT_ROOT } from "../../src/db/schema-engine.js";
import { redeemInvite } from "../../src/directory/invites.js";
import { ManualClock } from "../../src/shared/clock.js";
import { useTestDatabase } from "../support/db.js";

const run = promisify(execFile);
const EXAMPLE = path.join(PROJECT_ROOT, "examples/directory.example.yaml");
const BROKEN = path.join(PROJECT_ROOT, "test/fixtures/directory/broken.yaml");

describe("command line", () => {
  const db = useTestDatabase();
  const tmp = mkdtempSync(path.join(tmpdir(), "albabot-cli-"));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  /** Runs a command on the test database; returns the exit code and what it printed. */
  async function cli(argv: string[], env: Record<string, string> = {}) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(argv, {
      config: loadConfig({ BOT_USERNAME: "albabot", ...env }),
      clock: new ManualClock("2026-03-10T01:00:00Z"),
      openDb: async () => ({ ...db(), close: async () => {} }),
      out: (l) => out.push(l),
      err: (l) => err.push(l),
    });
    return { code, out, err };
  }

  it("imports a file and prints what it did", async () => {
    const first = await cli(["directory", "import", EXAMPLE]);
    expect(first).toMatchObject({ code: 0, err: [] });
    expect(first.out[0]).toBe(
      "example-office (Жишээ аймгийн Засаг даргын Тамгын газар): organisation created",
    );
    expect(first.out).toContain("  people: 3 created, 0 updated, 0 unchanged");
    expect(first.out.at(-1)).toBe("Total: 14 created, 0 updated, 0 unchanged");
    const again = await cli(["directory", "import", EXAMPLE, "--deactivate-missing"]);
    expect(again.out.at(-1)).toBe("Total: 0 created, 0 updated, 14 unchanged");
  });

  it("prints every row error of a broken file on its own line, in English, and exits with 1", async () => {
    const { code, out, err } = await cli(["directory", "import", BROKEN]);
    expect(code).toBe(1);
    expect(out).toEqual([]);
    expect(err[0]).toBe(`The file has ${err.length - 2} errors:`);
    expect(err.length - 2).toBeGreaterThanOrEqual(15);
    expect(err).toContain("  Line 25, organizations[0].people[0].unit: Unknown unit code «NOPE».");
    expect(err.at(-1)).toBe("Nothing was imported.");
    expect(await db().prisma.organization.count()).toBe(0);
  });

  it("writes the workbook template, which imports like the YAML example", async () => {
    const out = path.join(tmp, "directory.xlsx");
    expect(await cli(["directory", "template", out])).toMatchObject({ code: 0, out: [`Wrote ${out}`] });
    expect(existsSync(out)).toBe(true);
    const again = await cli(["directory", "template", out]);
    expect(again.code).toBe(1);
    expect(again.err[0]).toContain("add --force");
    expect((await cli(["directory", "template", out, "--force"])).code).toBe(0);
    const imported = await cli(["directory", "import", out]);
    expect(imported.out.at(-1)).toBe("Total: 14 created, 0 updated, 0 unchanged");
  });

  it("loads the demo and creates invite links", async () => {
    const demo = await cli(["demo"]);
    expect(demo.code).toBe(0);
    expect(demo.out[0]).toBe("demo-aimag (Аймгийн Засаг даргын Тамгын газар): organisation created");
    expect((await cli(["demo"])).out.find((l) => l.startsWith("Total:"))).toMatch(
      /^Total: 0 created, 0 updated, \d+ unchanged$/,
    );

    const invite = await cli(["invite", "vansemberuu", "--days", "3"]);
    expect(invite.code).toBe(0);
    expect(invite.out[0]).toBe("Invite for Н.Вансэмбэрүү (vansemberuu), Аймгийн Засаг даргын Тамгын газар:");
    const link = invite.out[1]!.trim();
    expect(link).toMatch(/^https:\/\/t\.me\/albabot\?start=inv_[A-Za-z0-9_-]{16,}$/);
    expect(invite.out[2]).toContain("until 2026.03.13 09:00 (Asia/Ulaanbaatar)");

    const { prisma } = db();
    const user = await prisma.user.create({ data: { externalId: "5001", chatId: "5001" } });
    const code = link.split("start=")[1]!;
    const linked = await redeemInvite(prisma, new ManualClock("2026-03-11T00:00:00Z"), {
      userId: user.id,
      code,
    });
    expect(linked.fullName).toBe("Н.Вансэмбэрүү");

    const bare = await cli(["invite", "otgonbat", "--org", "demo-aimag"], { BOT_USERNAME: "" });
    expect(bare.out[1]).toMatch(/^ {2}\?start=inv_/);
    expect(bare.out.at(-1)).toContain("BOT_USERNAME is not set");

    const soum = await prisma.organization.findUniqueOrThrow({ where: { slug: "demo-soum" } });
    await prisma.person.create({ data: { orgId: soum.id, code: "otgonbat", fullName: "Б.Отгонбат" } });
    const ambiguous = await cli(["invite", "otgonbat"]);
    expect(ambiguous.code).toBe(1);
    expect(ambiguous.err[0]).toContain("several organisations (demo-aimag, demo-soum)");
    expect((await cli(["invite", "otgonbat", "--org", "demo-soum"])).code).toBe(0);
    const nobody = await cli(["invite", "nobody"]);
    expect(nobody).toMatchObject({
      code: 1,
      err: ['No person with the code "nobody".', expect.stringContaining("Usage:")],
    });
    expect((await cli(["invite", "vansemberuu", "--days", "200"])).err).toEqual([
      "An invite is valid for 1 to 90 days.",
    ]);
  });

  it("reports unknown commands, bad options and missing arguments", async () => {
    expect(await cli(["frobnicate"])).toMatchObject({
      code: 1,
      err: ["Unknown command: frobnicate", expect.any(String)],
    });
    const badOption = await cli(["directory", "import", EXAMPLE, "--force"]);
    expect(badOption.code).toBe(1);
    expect(badOption.err.at(-1)).toBe(
      "Usage: npm run cli -- directory import <file.yaml|file.xlsx> [--deactivate-missing]",
    );
    expect((await cli(["directory", "import"])).err[0]).toBe("Missing argument.");
    expect((await cli(["directory", "import", "/tmp/nothing-here.yaml"])).err[0]).toMatch(
      /^Cannot read .*ENOENT$/,
    );
    const help = await cli(["help"]);
    expect(help.code).toBe(0);
    expect(help.out.join("\n")).toContain("directory template <out.xlsx> [--force]");
  });

  it("applies migrations and says what it applied", async () => {
    const { code, out } = await cli(["db", "migrate"]);
    expect(code).toBe(0);
    // The test database was migrated when it was opened (PostgreSQL) or came migrated (PGlite).
    const { applied, engine } = db();
    expect(out[0]).toContain(
      engine === "postgres" ? "PostgreSQL (DATABASE_URL)" : "the embedded database in ",
    );
    if (applied.length === 0) expect(out).toHaveLength(1);
    else expect(out.slice(1)).toEqual(applied.map((name) => `  ${name}`));
  });

  it("lets other capabilities register commands", async () => {
    registerCommands({
      name: "plan template",
      usage: "<out.xlsx>",
      description: "test command",
      args: [1, 1],
      async run(ctx, { positionals }) {
        ctx.out(`plan ${positionals[0]}`);
        return 0;
      },
    });
    expect(findCommand(["plan", "template", "x.xlsx"])?.rest).toEqual(["x.xlsx"]);
    expect((await cli(["plan", "template", "x.xlsx"])).out).toEqual(["plan x.xlsx"]);
    expect(() => registerCommands(commands.get("demo")!)).toThrow(/twice/);
    commands.delete("plan template");
  });

  it("runs as a process, as `npm run cli` starts it (node scripts/cli.mjs, from its bundle), on an embedded database folder; exit code 1 on errors", async () => {
    const dataDir = path.join(tmp, "data");
    const env = { ...process.env, DATA_DIR: dataDir, DATABASE_URL: "", TZ: "UTC", BOT_USERNAME: "" };
    const opts = { cwd: PROJECT_ROOT, env, timeout: 120_000 };
    const cli = (...args: string[]) => run(process.execPath, ["scripts/cli.mjs", ...args], opts);
    const first = await cli("demo");
    expect(first.stdout).toContain("demo-aimag (Аймгийн Засаг даргын Тамгын газар): organisation created");
    expect(existsSync(path.join(dataDir, "db"))).toBe(true);
    const failed = await cli("directory", "import", BROKEN).catch((e: { code: number; stderr: string }) => e);
    expect(failed).toMatchObject({ code: 1 });
    expect((failed as { stderr: string }).stderr).toContain("Unknown unit code «NOPE».");

    const invite = await cli("invite", "vansemberuu", "--org", "demo-aimag");
    expect(invite.stdout).toMatch(/^ {2}\?start=inv_[\w-]{24}$/m);

    // The templates, written by the bundled exceljs, read back by the unbundled one and by the tool.
    const plan = path.join(tmp, "process-plan.xlsx");
    await cli("plan", "template", plan, "--lang", "en");
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(plan);
    expect(wb.worksheets.length).toBeGreaterThan(1);
    expect(wb.worksheets[0]!.getRow(1).values).toContain("Measure");
    const directory = path.join(tmp, "process-directory.xlsx");
    expect((await cli("directory", "template", directory)).stdout).toContain("Wrote");
    expect((await cli("directory", "import", directory)).stdout).toContain(
      "example-office (Жишээ аймгийн Засаг даргын Тамгын газар): organisation created",
    );
  }, 240_000);
});
