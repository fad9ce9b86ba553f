/**
 * Starts the local sandbox (`npm run sandbox`, or `npm start` without a BOT_TOKEN): the
 * embedded database in DATA_DIR/sandbox (always PGlite, even when DATABASE_URL is set, so
 * trying things never touches a real deployment's data), the real bot against the Bot API
 * emulator, the demo organisation, and the chat page on http://127.0.0.1:SANDBOX_PORT.
 */
import { createServer } from "node:net";
import path from "node:path";
import type { Config } from "../config.js";
import { FolderLockedError } from "../db/folder-lock.js";
import { openDatabase } from "../db/index.js";
import type { Logger } from "../logger.js";
import { OffsetClock } from "../shared/clock.js";
import { EMULATED_BOT } from "./bot-api-emulator.js";
import { Sandbox } from "./sandbox.js";
import { portInUse, serveSandbox } from "./server.js";

export { Sandbox, SandboxError } from "./sandbox.js";
export { serveSandbox } from "./server.js";

export interface RunningSandbox {
  url: string;
  sandbox: Sandbox;
  /** Where the sandbox keeps its database, chats and files. */
  dataDir: string;
  stop(): Promise<void>;
}

export async function startSandbox(config: Config, logger: Logger): Promise<RunningSandbox> {
  const dataDir = path.resolve(config.DATA_DIR, "sandbox");
  await checkPortFree(config.SANDBOX_PORT); // before the database's few seconds of start-up
  const db = await openDatabase({ dataDir }).catch((err) => {
    if (err instanceof FolderLockedError) {
      throw new Error(
        `Another albabot sandbox (pid ${err.pid}) is using ${dataDir}. Stop it, or start this one with another DATA_DIR.`,
      );
    }
    throw err;
  });
  try {
    // The sandbox's own copy of the settings: no token and no PostgreSQL ever reach it.
    const sandboxConfig: Config = {
      ...config,
      BOT_TOKEN: undefined,
      BOT_MODE: "polling",
      DATABASE_URL: undefined,
      WEBHOOK_URL: undefined,
      BOT_USERNAME: EMULATED_BOT.username,
    };
    const sandbox = await Sandbox.create({
      db,
      config: sandboxConfig,
      logger,
      clock: new OffsetClock(),
      stateDir: dataDir,
      live: true,
    });
    let server: Awaited<ReturnType<typeof serveSandbox>>;
    try {
      server = await serveSandbox(sandbox, { port: config.SANDBOX_PORT, logger });
    } catch (err) {
      await sandbox.close();
      throw err;
    }
    // File downloads the bot makes itself (getFile, then GET <api root>/file/bot<token>/<path>).
    sandboxConfig.TELEGRAM_API_ROOT = server.url;
    return {
      url: server.url,
      sandbox,
      dataDir,
      async stop() {
        await server.close();
        await sandbox.close();
        await db.close();
      },
    };
  } catch (err) {
    await db.close();
    throw err;
  }
}

function checkPortFree(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", (err: NodeJS.ErrnoException) =>
      reject(err.code === "EADDRINUSE" ? portInUse(port) : err),
    );
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve()));
  });
}
