/**
 * Webhook instances for tests: the real bot, guards, processor and Hono server listening
 * on 127.0.0.1 (a free port), talking to a shared Bot API emulator. Two instances on one
 * PostgreSQL database behave like two processes behind a load balancer.
 */
import type { Update } from "grammy/types";
import pg from "pg";
import { afterAll, beforeAll, beforeEach } from "vitest";
import type { BotDeps } from "../../src/bot/context.js";
import { createBot } from "../../src/bot/index.js";
import { loadConfig } from "../../src/config.js";
import { type Database, openDatabase, truncateAll } from "../../src/db/index.js";
import { createLogger } from "../../src/logger.js";
import { BotApiEmulator, EMULATED_BOT } from "../../src/sandbox/bot-api-emulator.js";
import { type OpenGuards, openUpdateGuards } from "../../src/server/guards.js";
import { startWebhookServer, type WebhookServer } from "../../src/server/index.js";
import { Metrics } from "../../src/server/metrics.js";
import { SECRET_HEADER } from "../../src/server/webhook.js";
import { createServices } from "../../src/services.js";
import { ManualClock } from "../../src/shared/clock.js";
import { openTestDatabase } from "../support/db.js";

export const SECRET = "test-webhook-secret-0123456789";

async function onServer(sql: string): Promise<void> {
  const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

/** A new, empty PostgreSQL database on TEST_DATABASE_URL's server; `drop` removes it. */
export async function freshPgDatabase(
  prefix = "albabot_srv",
): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  await onServer(`CREATE DATABASE "${name}"`);
  const u = new URL(process.env.TEST_DATABASE_URL as string);
  u.pathname = `/${name}`;
  return { url: u.toString(), drop: () => onServer(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}

export interface ServerTestDatabase {
  db: Database;
  /** The PostgreSQL URL (chat locks, second instances); undefined on PGlite. */
  url?: string;
}

/**
 * Like useTestDatabase(), but on PostgreSQL the URL is known, so a test can open the
 * chat locks and a second instance ("process") on the same database.
 */
export function useServerDatabase(): () => ServerTestDatabase {
  let current: ServerTestDatabase | undefined;
  let drop = async () => {};
  beforeAll(async () => {
    if (process.env.TEST_DATABASE_URL) {
      const fresh = await freshPgDatabase();
      drop = fresh.drop;
      current = { db: await openDatabase({ url: fresh.url }), url: fresh.url };
    } else {
      current = { db: await openTestDatabase() };
    }
  }, 60_000);
  beforeEach(async () => {
    if (current) await truncateAll(current.db.prisma);
  });
  afterAll(async () => {
    await current?.db.close();
    await drop();
  });
  return () => {
    if (!current) throw new Error("test database not open");
    return current;
  };
}

export interface InstanceOptions {
  emulator: BotApiEmulator;
  clock?: ManualClock;
  /** PostgreSQL URL of `db`: enables the chat locks. */
  url?: string;
  /** Wraps the emulator's fetch (e.g. to make some calls slow). */
  fetch?: typeof fetch;
  instanceId?: string;
  /** Presence on PostgreSQL (src/db/presence.ts); default: on when no instanceId is given. */
  presence?: boolean;
  leaseMs?: number;
  ackWaitMs?: number;
  concurrency?: number;
  bodyTimeoutMs?: number;
}

export interface Instance {
  db: Database;
  server: WebhookServer;
  guards: OpenGuards;
  metrics: Metrics;
  /** POSTs an update to this instance's webhook. */
  post(update: unknown, secret?: string | null, path?: string): Promise<Response>;
  get(path: string): Promise<Response>;
  stop(): Promise<void>;
}

export async function startInstance(db: Database, opts: InstanceOptions): Promise<Instance> {
  const clock = opts.clock ?? new ManualClock("2026-03-10T02:00:00Z");
  const config = loadConfig({
    BOT_TOKEN: "123456:TEST-token-for-the-emulator-000000000",
    LOG_LEVEL: "silent",
  });
  const logger = createLogger(process.env.TEST_LOG_LEVEL ?? "silent");
  const services = createServices({ prisma: db.prisma, clock, config });
  const deps: BotDeps = { config, prisma: db.prisma, clock, logger, services };
  let inFlight = () => 0;
  const metrics = new Metrics({
    prisma: db.prisma,
    logger,
    inFlight: () => inFlight(),
    processMetrics: false,
  });
  const guards = await openUpdateGuards({
    db,
    url: opts.url,
    logger,
    metrics,
    instanceId: opts.instanceId,
    presence: opts.presence,
    leaseMs: opts.leaseMs,
  });
  const bot = createBot(deps, {
    botInfo: EMULATED_BOT as never,
    client: { fetch: (opts.fetch ?? opts.emulator.fetch) as never },
    throttle: false,
    guards: guards.guards,
  });
  await bot.init();
  const server = await startWebhookServer({
    bot,
    db,
    guards: guards.guards,
    metrics,
    secret: SECRET,
    path: "/telegram",
    port: 0,
    hostname: "127.0.0.1",
    ackWaitMs: opts.ackWaitMs,
    concurrency: opts.concurrency,
    bodyTimeoutMs: opts.bodyTimeoutMs,
    housekeepingIntervalMs: 3_600_000,
    logger,
  });
  inFlight = () => server.processor.inFlight;
  const base = `http://127.0.0.1:${server.port}`;
  return {
    db,
    server,
    guards,
    metrics,
    post: (update, secret = SECRET, path = "/telegram") =>
      fetch(`${base}${path}`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(secret === null ? {} : { [SECRET_HEADER]: secret }),
        },
        body: typeof update === "string" ? update : JSON.stringify(update),
      }),
    get: (path) => fetch(`${base}${path}`),
    async stop() {
      await server.stop();
      await guards.close();
    },
  };
}

/** Opens a second handle on the same PostgreSQL database (another "process"). */
export function openSecondHandle(url: string): Promise<Database> {
  return openDatabase({ url });
}

let nextUpdateId = 9_000_000;

export function textUpdate(chatId: number, text: string, updateId = nextUpdateId++): Update {
  const entities = text.startsWith("/")
    ? [{ type: "bot_command" as const, offset: 0, length: text.split(" ")[0]!.length }]
    : undefined;
  return {
    update_id: updateId,
    message: {
      message_id: updateId,
      date: 1773108000,
      chat: { id: chatId, type: "private", first_name: `User${chatId}` },
      from: { id: chatId, is_bot: false, first_name: `User${chatId}`, language_code: "en" },
      text,
      ...(entities ? { entities } : {}),
    },
  } as Update;
}

export function callbackUpdate(chatId: number, data: string, updateId = nextUpdateId++): Update {
  return {
    update_id: updateId,
    callback_query: {
      id: `cb-${updateId}`,
      from: { id: chatId, is_bot: false, first_name: `User${chatId}`, language_code: "en" },
      chat_instance: `ci${chatId}`,
      data,
      message: {
        message_id: 1,
        date: 1773108000,
        chat: { id: chatId, type: "private", first_name: `User${chatId}` },
        from: EMULATED_BOT,
        text: "menu",
      },
    },
  } as Update;
}

export function newEmulator(clock = new ManualClock("2026-03-10T02:00:00Z")): BotApiEmulator {
  return new BotApiEmulator(EMULATED_BOT, () => clock.now().getTime());
}

/** Bot messages sent to a chat. */
export function botMessages(emulator: BotApiEmulator, chatId: number) {
  return emulator.messages(chatId).filter((m) => m.from === "bot");
}

/** Parses Prometheus text: every sample line must be well-formed; returns name{labels} → value. */
export function parsePrometheus(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("# HELP ") || line.startsWith("# TYPE ")) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (-?[0-9.]+(?:e[+-]?\d+)?|NaN|[+-]Inf)$/.exec(line);
    if (!m) throw new Error(`not a Prometheus sample line: ${line}`);
    samples.set(`${m[1]}${m[2] ?? ""}`, Number(m[3]));
  }
  return samples;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export type { Update };
