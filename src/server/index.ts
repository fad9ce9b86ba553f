/**
 * Webhook mode's server: the webhook's POST and the Hono app on node:http, the update processor, and the
 * ledger's housekeeping, with a graceful stop. Used by `startWebhook` (src/app.ts) and
 * by the tests and the benchmark.
 */
import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { getRequestListener } from "@hono/node-server";
import type { Bot } from "grammy";
import type { Update } from "grammy/types";
import type { Hono } from "hono";
import type { BotContext } from "../bot/context.js";
import type { UpdateGuards } from "../bot/middlewares/dedupe.js";
import type { Database } from "../db/index.js";
import type { Logger } from "../logger.js";
import { upkeepOf } from "../db/upkeep.js";
import { checkHealth } from "./health.js";
import { UpdateHousekeeping } from "./housekeeping.js";
import type { Metrics } from "./metrics.js";
import { UpdateProcessor } from "./update-processor.js";
import { createWebhookApp, RefusalLog, webhookHandler, webhookListener } from "./webhook.js";

export interface WebhookServerOptions {
  bot: Bot<BotContext>;
  db: Database;
  guards: UpdateGuards;
  metrics: Metrics;
  secret: string;
  /** Path Telegram posts to (the path of WEBHOOK_URL). */
  path: string;
  port: number;
  hostname?: string;
  concurrency?: number;
  ackWaitMs?: number;
  housekeepingIntervalMs?: number;
  /** A request's headers and body must arrive within this (a slow body is cut off: 408). */
  bodyTimeoutMs?: number;
  logger?: Logger;
  /** More routes on the same port (Messenger's /messenger). */
  routes?: Hono;
  /** Replays an unfinished update that belongs to another bot (Messenger's); undefined otherwise. */
  replay?: (update: Update) => Promise<void> | undefined;
}

export interface WebhookServer {
  /** The port listened on (useful with port 0). */
  port: number;
  processor: UpdateProcessor;
  housekeeping: UpdateHousekeeping;
  /** Stops taking updates, lets the requests and handlings in flight finish. */
  stop(): Promise<void>;
}

/** The path Telegram posts to, from WEBHOOK_URL ("/" when it has none). */
export function webhookPath(url: string): string {
  const p = new URL(url).pathname;
  return p === "" ? "/" : p;
}

export async function startWebhookServer(opts: WebhookServerOptions): Promise<WebhookServer> {
  const { db, logger } = opts;
  const processor = new UpdateProcessor(opts.bot, {
    concurrency: opts.concurrency,
    ackWaitMs: opts.ackWaitMs,
    metrics: opts.metrics,
    logger,
  });
  opts.guards.onProgress = processor.onProgress;
  let stopping = false;
  const refusals = new RefusalLog(logger);
  const app = createWebhookApp({
    processor,
    secret: opts.secret,
    path: opts.path,
    metrics: opts.metrics,
    health: () => checkHealth(db.prisma, { engine: db.engine, stopping }),
    stopping: () => stopping,
    logger,
    refusals,
    ...(opts.routes ? { routes: opts.routes } : {}),
  });
  // Telegram's POSTs on node:http itself; everything else through the Hono app.
  const webhook = webhookListener(
    opts.path,
    webhookHandler({ processor, secret: opts.secret, stopping: () => stopping, logger, refusals }),
    logger,
  );
  const toApp = getRequestListener(app.fetch);
  const bodyTimeout = opts.bodyTimeoutMs ?? 10_000;
  const server = createServer(
    {
      requestTimeout: bodyTimeout,
      headersTimeout: bodyTimeout,
      // How often Node checks the timeouts above (its default, 30 s, would let a slow body last).
      connectionsCheckingInterval: Math.max(250, Math.min(1000, bodyTimeout / 4)),
    },
    (req, res) => {
      if (!webhook(req, res)) void toApp(req, res);
    },
  );
  const port = await new Promise<number>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.hostname ?? "0.0.0.0", () => {
      server.off("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
  const housekeeping = new UpdateHousekeeping({
    ledger: opts.guards.ledger,
    handle: (update) => opts.replay?.(update) ?? processor.run(update),
    logger,
    intervalMs: opts.housekeepingIntervalMs,
    ...upkeepOf(opts.db),
  });
  housekeeping.start();
  logger?.info({ port, path: opts.path }, "webhook server listening");

  return {
    port,
    processor,
    housekeeping,
    async stop() {
      if (stopping) return;
      stopping = true;
      // No new connections; requests in flight get their answer (new updates: 503).
      const http: HttpServer = server;
      const closed = new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeIdleConnections();
      await housekeeping.stop();
      await processor.drain();
      // Keep-alive connections left idle by the last answers; then anything still open.
      http.closeIdleConnections();
      const force = setTimeout(() => http.closeAllConnections(), 5_000);
      await closed;
      clearTimeout(force);
      logger?.info("webhook server stopped");
    },
  };
}
