/**
 * Builds and starts the whole application from a validated config: database, services,
 * bot, outbox delivery and scheduled jobs; returns a stop function for graceful shutdown.
 */
import { run } from "@grammyjs/runner";
import { Api, type Bot } from "grammy";
import type { BotContext, BotDeps } from "./bot/context.js";
import { registerCommands } from "./bot/commands.js";
import { createBot } from "./bot/index.js";
import { type Config, webhookConcurrency } from "./config.js";
import { type Database, openDatabase } from "./db/index.js";
import { upkeepOf } from "./db/upkeep.js";
import { FileStore } from "./files/store.js";
import type { Logger } from "./logger.js";
import { openUpdateGuards } from "./server/guards.js";
import { UpdateHousekeeping } from "./server/housekeeping.js";
import { startWebhookServer, webhookPath } from "./server/index.js";
import { Metrics } from "./server/metrics.js";
import { type Scheduling, startScheduling } from "./scheduling/index.js";
import { telegramSender } from "./scheduling/telegram-sender.js";
import { messengerSender } from "./scheduling/messenger-sender.js";
import { channelRouter } from "./scheduling/sender.js";
import {
  type MessengerBridge,
  messengerReplay,
  messengerRoutes,
  openMessenger,
  startMessengerServer,
} from "./messenger/index.js";
import { createServices } from "./services.js";
import { DirectSentMarks } from "./scheduling/sent-marks.js";
import { type Clock, systemClock } from "./shared/clock.js";

export interface App {
  db: Database;
  deps: BotDeps;
  bot: Bot<BotContext>;
  stop(): Promise<void>;
}

/**
 * The outbox delivery worker and the scheduled jobs, sending through this bot's API. Every
 * instance runs them: rows are claimed with SKIP LOCKED and each job slot runs once.
 */
function startBackground(
  config: Config,
  logger: Logger,
  deps: BotDeps,
  bot: Bot<BotContext>,
  messenger: MessengerBridge | null,
  instanceId: string,
) {
  return startScheduling({
    prisma: deps.prisma,
    clock: deps.clock,
    logger,
    // Its own Api, without the bot's retry and throttling: the worker paces itself and must
    // see 429s (retry_after) and 403s to handle them.
    sender: messenger
      ? channelRouter({ TELEGRAM: outboxSender(deps, bot), MESSENGER: messengerSender(messenger.api) })
      : outboxSender(deps, bot),
    config,
    // The ledger's id: with presence, a dead instance's SENDING rows are taken over at once.
    delivery: {
      instanceId,
      ...(config.DATABASE_URL ? { sentMarks: new DirectSentMarks(config.DATABASE_URL, logger) } : {}),
    },
  });
}

/** The outbox's Telegram sender: files kept in the bot's store are uploaded from there. */
function outboxSender(deps: BotDeps, bot: Bot<BotContext>) {
  const api = new Api(bot.token, bot.api.options);
  return telegramSender(api, new FileStore({ prisma: deps.prisma, telegram: api }));
}

export async function openApp(config: Config, logger: Logger, clock: Clock = systemClock) {
  const db = await openDatabase({
    url: config.DATABASE_URL,
    dataDir: config.DATA_DIR,
    poolSize: config.DB_POOL_SIZE,
  });
  if (db.applied.length) logger.info({ migrations: db.applied }, "database migrated");
  const services = createServices({ prisma: db.prisma, clock, config });
  const deps: BotDeps = { config, prisma: db.prisma, clock, logger, services };
  return { db, deps };
}

/** Long polling through @grammyjs/runner (concurrent, sequential per chat). */
export async function startPolling(config: Config, logger: Logger, clock: Clock = systemClock): Promise<App> {
  const { db, deps } = await openApp(config, logger, clock);
  // Re-delivered updates skipped, unfinished ones recovered (src/bot/middlewares/dedupe.ts).
  const guards = await openUpdateGuards({
    db,
    url: config.DATABASE_URL,
    logger,
    lockConnections: webhookConcurrency(config),
  });
  const bot = createBot(deps, { guards: guards.guards, throttle: config.TELEGRAM_THROTTLE });
  try {
    await bot.init(AbortSignal.timeout(20_000) as never); // getMe retries forever otherwise
  } catch (err) {
    await db.close();
    throw new Error(
      `Could not reach the Bot API at ${config.TELEGRAM_API_ROOT} with this BOT_TOKEN: ${(err as Error).message}`,
      { cause: err },
    );
  }
  await registerCommands(bot.api).catch((err) => logger.warn({ err }, "setMyCommands failed"));
  // Messenger needs a webhook: served on PORT beside long polling when configured.
  const messenger = await openMessenger(config, deps, bot.api, guards.guards);
  const messengerServer = messenger ? await startMessengerServer(messenger, config.PORT, config.HOST) : null;
  const runner = run(bot, {
    runner: { fetch: { allowed_updates: ["message", "edited_message", "callback_query"] } },
  });
  const housekeeping = new UpdateHousekeeping({
    ledger: guards.ledger,
    handle: (update) => messengerReplay(messenger, update) ?? bot.handleUpdate(update).catch(() => undefined),
    logger,
    ...upkeepOf(db),
  });
  housekeeping.start();
  const scheduling = await startBackground(config, logger, deps, bot, messenger, guards.ledger.instanceId);
  if (messengerServer)
    logger.info({ port: messengerServer.port }, "messenger webhook listening on /messenger");
  logger.info({ bot: bot.botInfo.username, db: db.engine }, "albabot is running (long polling)");
  return {
    db,
    deps,
    bot,
    async stop() {
      if (runner.isRunning()) await runner.stop(); // stops fetching, waits for updates in flight
      await messengerServer?.stop();
      await messenger?.idle();
      await scheduling.stop(); // finishes the message being sent
      await housekeeping.stop();
      await guards.close();
      await db.close();
    },
  };
}

/**
 * Webhook mode (BOT_MODE=webhook): an HTTP server on HOST:PORT takes Telegram's updates
 * at the path of WEBHOOK_URL and serves /healthz and /metrics; the webhook is registered
 * at start and stays registered at stop (the other instances keep receiving). Several
 * instances run behind a load balancer on one PostgreSQL: README, "Deploying with PostgreSQL".
 */
export async function startWebhook(config: Config, logger: Logger, clock: Clock = systemClock): Promise<App> {
  const { WEBHOOK_URL: url, WEBHOOK_SECRET: secret } = config;
  if (!url || !secret) throw new Error("BOT_MODE=webhook needs WEBHOOK_URL and WEBHOOK_SECRET");
  const { db, deps } = await openApp(config, logger, clock);
  let inFlight = () => 0;
  const metrics = new Metrics({ prisma: db.prisma, logger, inFlight: () => inFlight() });
  const guards = await openUpdateGuards({
    db,
    url: config.DATABASE_URL,
    logger,
    metrics,
    lockConnections: webhookConcurrency(config),
  });
  const bot = createBot(deps, { guards: guards.guards, throttle: config.TELEGRAM_THROTTLE });
  let server: Awaited<ReturnType<typeof startWebhookServer>> | undefined;
  let messenger: MessengerBridge | null;
  try {
    await bot.init(AbortSignal.timeout(20_000) as never).catch((err) => {
      throw new Error(
        `Could not reach the Bot API at ${config.TELEGRAM_API_ROOT} with this BOT_TOKEN: ${(err as Error).message}`,
        { cause: err },
      );
    });
    await registerCommands(bot.api).catch((err) => logger.warn({ err }, "setMyCommands failed"));
    messenger = await openMessenger(config, deps, bot.api, guards.guards);
    const bridge = messenger;
    server = await startWebhookServer({
      ...(bridge
        ? { routes: messengerRoutes(bridge), replay: (update) => messengerReplay(bridge, update) }
        : {}),
      bot,
      db,
      guards: guards.guards,
      metrics,
      secret,
      path: webhookPath(url),
      port: config.PORT,
      hostname: config.HOST,
      concurrency: webhookConcurrency(config),
      logger,
    });
    const processor = server.processor;
    inFlight = () => processor.inFlight;
    // Every instance registers the same webhook at start: harmless.
    await bot.api.setWebhook(url, {
      secret_token: secret,
      allowed_updates: ["message", "edited_message", "callback_query"],
      drop_pending_updates: false,
      max_connections: config.WEBHOOK_MAX_CONNECTIONS,
    });
  } catch (err) {
    await server?.stop();
    await guards.close();
    await db.close();
    throw err;
  }
  const running = server;
  const scheduling: Scheduling = await startBackground(
    config,
    logger,
    deps,
    bot,
    messenger,
    guards.ledger.instanceId,
  );
  const bridge = messenger;
  logger.info(
    { bot: bot.botInfo.username, db: db.engine, port: running.port },
    "albabot is running (webhook)",
  );
  return {
    db,
    deps,
    bot,
    async stop() {
      await running.stop(); // no new updates; requests and handlings in flight finish
      await bridge?.idle();
      await scheduling.stop();
      await guards.close();
      await db.close();
    },
  };
}
