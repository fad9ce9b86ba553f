import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../src/db/schema-engine.js";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

describe("npm start (node scripts/start.mjs)", () => {
  const tmp = mkdtempSync(path.join(tmpdir(), "albabot-start-"));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it("runs the bot from its bundle: without a token the sandbox, its page and texts found where the sources are", async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ["scripts/start.mjs"], {
      cwd: PROJECT_ROOT,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "",
        DATA_DIR: path.join(tmp, "data"),
        SANDBOX_PORT: String(port),
        BOT_TOKEN: "",
        DATABASE_URL: "",
        TZ: "UTC",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr.on("data", (c: Buffer) => (output += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    try {
      const url = `http://127.0.0.1:${port}`;
      const deadline = Date.now() + 100_000;
      let page: Response | undefined;
      while (Date.now() < deadline && child.exitCode === null) {
        page = await fetch(url).catch(() => undefined);
        if (page?.ok) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      expect(page?.status, output).toBe(200);
      expect(await page!.text()).toContain("<html");
      expect((await fetch(`${url}/app.js`)).status).toBe(200);
      expect(output).toContain(`http://127.0.0.1:${port}`);
      // Run from the bundle kept in node_modules/.cache (scripts/bundle.mjs), not through tsx.
      const cache = path.join(PROJECT_ROOT, "node_modules/.cache/albabot-main");
      const manifests = readdirSync(cache).map((d) => path.join(cache, d, "manifest.json"));
      expect(manifests.some((m) => existsSync(m))).toBe(true);
    } finally {
      child.kill("SIGTERM");
      await exited;
    }
  }, 150_000);
});
