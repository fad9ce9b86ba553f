/**
 * Entry point: `npm start`. Validates the environment, then runs the bot (long polling or
 * webhooks). Without a BOT_TOKEN (or with --sandbox: `npm run sandbox`) it runs the local
 * sandbox instead and explains how to get a token.
 */
import { setFlagsFromString } from "node:v8";
import dotenv from "dotenv";
import { startPolling, startWebhook } from "./app.js";
import { type Config, ConfigError, loadConfig } from "./config.js";
import { FolderLockedError } from "./db/folder-lock.js";
import { createLogger, type Logger } from "./logger.js";
import { v8FlagsFor } from "./runtime-flags.js";

const NO_TOKEN = `No BOT_TOKEN is set, so albabot runs the local sandbox. To run it on Telegram:

  1. In Telegram, open @BotFather and send /newbot; follow the steps.
  2. Copy the token it gives you (it looks like 123456789:AAH...).
  3. Put it in a file named .env next to package.json:  BOT_TOKEN=123456789:AAH...
     (see .env.example for every setting), then run npm start again.
`;

dotenv.config({ quiet: true });

async function main() {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger(config.LOG_LEVEL);
  for (const flag of v8FlagsFor(config)) setFlagsFromString(flag);
  const app =
    process.argv.includes("--sandbox") || !config.BOT_TOKEN
      ? await startSandboxWithBanner(config, logger)
      : config.BOT_MODE === "webhook"
        ? await startWebhook(config, logger)
        : await startPolling(config, logger);
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    await app.stop();
    process.exit(0);
  };
  process.once("SIGINT", () => void shutdown("SIGINT"));
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
}

async function startSandboxWithBanner(config: Config, logger: Logger) {
  const { startSandbox } = await import("./sandbox/index.js");
  console.log("Starting the albabot sandbox (the first start prepares its database, a few seconds)…");
  const sandbox = await startSandbox(config, logger);
  if (!config.BOT_TOKEN) console.log(`\n${NO_TOKEN}`);
  console.log(
    `\n  albabot sandbox: open ${sandbox.url} in your browser\n` +
      `  (demo data in ${sandbox.dataDir}; Ctrl+C stops it)\n`,
  );
  return sandbox;
}

main().catch((err) => {
  if (err instanceof FolderLockedError) console.error(err.message);
  else console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
