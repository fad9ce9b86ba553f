/**
 * A sandbox for tests: the real Sandbox (bot, emulator, jobs, outbox) on a test database,
 * with a ManualClock at a fixed time, served on a free localhost port.
 */
import { loadConfig } from "../../src/config.js";
import type { Database } from "../../src/db/index.js";
import { createLogger } from "../../src/logger.js";
import { Sandbox } from "../../src/sandbox/sandbox.js";
import { type SandboxServer, serveSandbox } from "../../src/sandbox/server.js";
import { ManualClock } from "../../src/shared/clock.js";

/** Tuesday 10 March 2026, 10:00 in Ulaanbaatar: ten days before the Q1 report deadline. */
export const SANDBOX_START = "2026-03-10T02:00:00Z";

export interface TestSandbox {
  sandbox: Sandbox;
  server: SandboxServer;
  clock: ManualClock;
  url: string;
  /** JSON API call; throws with the server's error text on a non-2xx answer. */
  api<T = Record<string, unknown>>(path: string, body?: unknown): Promise<T>;
  close(): Promise<void>;
}

export async function startTestSandbox(db: Database, opts: { stateDir?: string } = {}): Promise<TestSandbox> {
  const clock = new ManualClock(SANDBOX_START);
  const config = loadConfig({ LOG_LEVEL: "silent" });
  const logger = createLogger(process.env.TEST_LOG_LEVEL ?? "silent");
  const sandbox = await Sandbox.create({
    db,
    config,
    logger,
    clock,
    messengerFloodLimit: { max: 1000, windowMs: 1000 },
    ...opts,
  });
  const server = await serveSandbox(sandbox, { port: 0, logger });
  config.TELEGRAM_API_ROOT = server.url;
  const api = async <T>(path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${server.url}${path}`, {
      method: body === undefined ? "GET" : "POST",
      ...(body === undefined
        ? {}
        : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
    });
    const data = (await res.json()) as T & { error?: string };
    if (!res.ok) throw new Error(`${res.status}: ${data.error}`);
    return data;
  };
  return {
    sandbox,
    server,
    clock,
    url: server.url,
    api,
    async close() {
      await server.close();
      await sandbox.close();
    },
  };
}
