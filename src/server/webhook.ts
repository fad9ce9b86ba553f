/**
 * The HTTP side of webhook mode: Telegram's POSTs to the webhook path (on node:http itself,
 * `webhookListener`), and the load balancer's and Prometheus' GET /healthz and GET /metrics
 * (the Hono app, `createWebhookApp`, which also answers the webhook's POST), on one port.
 *
 * POST <webhook path>:
 *  - `X-Telegram-Bot-Api-Secret-Token` must equal WEBHOOK_SECRET (compared in constant
 *    time): otherwise 401 and the body is not even read;
 *  - the body must be one update (JSON with a numeric `update_id`): otherwise 400;
 *  - the update goes to the UpdateProcessor, which says when to answer 200 (stored and
 *    holding its chat's turn, or a re-delivery) or 503 (could not be stored: Telegram
 *    retries). While the instance stops, new updates get 503 (Telegram retries them on
 *    another instance) and the ones in flight finish.
 */
import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Update } from "grammy/types";
import { type Context, Hono } from "hono";
import type { Logger } from "../logger.js";
import type { Health } from "./health.js";
import type { Metrics } from "./metrics.js";
import type { UpdateProcessor } from "./update-processor.js";

export const SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token";

export interface WebhookAppOptions {
  processor: UpdateProcessor;
  secret: string;
  /** Path of WEBHOOK_URL, e.g. "/telegram". */
  path: string;
  health: () => Promise<Health>;
  metrics: Metrics;
  /** True once shutdown began. */
  stopping: () => boolean;
  logger?: Logger;
  /** More routes on the same port (Messenger's /messenger). */
  routes?: Hono;
  /** Where refused requests are logged (aggregated); one is made with `logger` if absent. */
  refusals?: RefusalLog;
}

/**
 * Compares the presented secret with the configured one in constant time for its length
 * (which is all a wrong guess learns). No digest of each request's header: that was a
 * hash object per update.
 */
export function secretMatches(presented: string | undefined, secret: string | Buffer): boolean {
  if (presented === undefined) return false;
  const expected = typeof secret === "string" ? Buffer.from(secret) : secret;
  const given = Buffer.from(presented);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The largest webhook body taken (Telegram's updates are a few kilobytes). */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * The request body as text, or "too large" past `maxBytes`. On node:http (the served app)
 * it is read straight from the socket's IncomingMessage, without building a web Request
 * and its streams for every update; elsewhere (app.request in tests) through the Request.
 */
export async function readBody(c: Context, maxBytes: number): Promise<string | "too large"> {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (!incoming) {
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    return bytes.byteLength > maxBytes ? "too large" : Buffer.from(bytes).toString("utf8");
  }
  return readIncoming(incoming, maxBytes);
}

/** A node:http request's body as text, or "too large" past `maxBytes` (the rest is drained). */
export async function readIncoming(
  incoming: IncomingMessage,
  maxBytes: number,
): Promise<string | "too large"> {
  if (Number(incoming.headers["content-length"] ?? 0) > maxBytes) {
    incoming.resume();
    return "too large";
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of incoming as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      incoming.resume();
      return "too large";
    }
    chunks.push(chunk);
  }
  return (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).toString("utf8");
}

/** A webhook POST as the handler sees it, whichever server received it. */
export interface WebhookRequest {
  /** The secret token header, as presented. */
  secret: string | undefined;
  /** The client's address as the proxy forwarded it, for the log of refusals. */
  forwardedFor: string | undefined;
  /** Reads the body (not called when the secret is wrong). */
  body: () => Promise<string | "too large">;
}

/** The answer to a webhook POST: an HTTP status and a JSON body. */
export interface WebhookAnswer {
  status: 200 | 400 | 401 | 413 | 503;
  body: { ok: boolean; error?: string };
}

/** The webhook's POST, apart from any HTTP framework (see `createWebhookApp`, `webhookListener`). */
export function webhookHandler(
  opts: Pick<WebhookAppOptions, "processor" | "secret" | "stopping" | "logger" | "refusals">,
): (req: WebhookRequest) => Promise<WebhookAnswer> {
  const { processor } = opts;
  const refusals = opts.refusals ?? new RefusalLog(opts.logger);
  const secretBytes = Buffer.from(opts.secret);
  return async (req) => {
    if (!secretMatches(req.secret, secretBytes)) {
      refusals.refused("wrong secret", { ip: req.forwardedFor });
      return { status: 401, body: { ok: false, error: "unauthorized" } };
    }
    const text = await req.body();
    if (text === "too large") {
      refusals.refused("too large");
      return { status: 413, body: { ok: false, error: "too large" } };
    }
    if (opts.stopping()) return { status: 503, body: { ok: false, error: "shutting down" } };
    const body = parseJson(text);
    if (!isUpdate(body)) {
      refusals.refused("not an update");
      return { status: 400, body: { ok: false, error: "not a Telegram update" } };
    }
    const answer = await processor.submit(body);
    return answer === "ack"
      ? { status: 200, body: { ok: true } }
      : { status: 503, body: { ok: false, error: "try again" } };
  };
}

/**
 * The webhook's POST straight on node:http, ahead of the Hono app: an update is answered
 * without a web Request and Response on the way (each about as costly as a database
 * statement). Returns false for any other request, which the caller hands to the app.
 */
export function webhookListener(
  path: string,
  handle: (req: WebhookRequest) => Promise<WebhookAnswer>,
  logger?: Logger,
): (req: IncomingMessage, res: ServerResponse) => boolean {
  const withQuery = `${path}?`;
  return (req, res) => {
    const url = req.url ?? "";
    if (req.method !== "POST" || (url !== path && !url.startsWith(withQuery))) return false;
    const header = (name: string) => {
      const v = req.headers[name];
      return Array.isArray(v) ? v[0] : v;
    };
    handle({
      secret: header(SECRET_HEADER.toLowerCase()),
      forwardedFor: header("x-forwarded-for"),
      body: () => readIncoming(req, MAX_BODY_BYTES),
    }).then(
      (answer) => reply(res, answer.status, answer.body),
      (err: unknown) => {
        logger?.error({ err: (err as Error)?.message, path }, "http request failed");
        reply(res, 500, { ok: false, error: "internal error" });
      },
    );
    return true;
  };
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return void res.end();
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isUpdate(body: unknown): body is Update {
  return (
    typeof body === "object" &&
    body !== null &&
    Number.isSafeInteger((body as { update_id?: unknown }).update_id) &&
    (body as { update_id: number }).update_id >= 0
  );
}

/**
 * Refused requests in the log without flooding it: the first refusal of a quiet period is
 * written at once, the next ones are counted and written as one line per `windowMs`
 * (a burst of bad requests is one or two lines, not thousands).
 */
export class RefusalLog {
  private counts = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly logger?: Logger,
    private readonly windowMs = 60_000,
  ) {}

  refused(reason: string, detail: Record<string, unknown> = {}): void {
    if (!this.timer) {
      this.logger?.warn({ reason, ...detail }, "webhook request refused");
      this.timer = setTimeout(() => this.flush(), this.windowMs);
      this.timer.unref();
      return;
    }
    this.counts.set(reason, (this.counts.get(reason) ?? 0) + 1);
  }

  /** Writes the counts so far (one line) and starts a new quiet period. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.counts.size === 0) return;
    const byReason = Object.fromEntries(this.counts);
    const total = [...this.counts.values()].reduce((a, b) => a + b, 0);
    this.counts.clear();
    this.logger?.warn({ total, byReason, seconds: this.windowMs / 1000 }, "more webhook requests refused");
  }
}

export function createWebhookApp(opts: WebhookAppOptions): Hono {
  const { logger } = opts;
  const app = new Hono();
  const refusals = opts.refusals ?? new RefusalLog(logger);

  const handle = webhookHandler({ ...opts, refusals });
  app.post(opts.path, async (c) => {
    const answer = await handle({
      secret: c.req.header(SECRET_HEADER),
      forwardedFor: c.req.header("x-forwarded-for"),
      body: () => readBody(c, MAX_BODY_BYTES),
    });
    return c.json(answer.body, answer.status);
  });

  app.get("/healthz", async (c) => {
    const health = await opts.health();
    return c.json(health.body, health.ok ? 200 : 503);
  });

  app.get("/metrics", async (c) => {
    const text = await opts.metrics.text();
    return c.body(text, 200, { "content-type": opts.metrics.contentType });
  });

  if (opts.routes) app.route("/", opts.routes);

  app.notFound((c) => c.json({ ok: false, error: "not found" }, 404));
  app.onError((err, c) => {
    logger?.error({ err: err.message, path: c.req.path }, "http request failed");
    return c.json({ ok: false, error: "internal error" }, 500);
  });
  return app;
}
