/**
 * The HTTP side of webhook mode (Hono): Telegram's POSTs to the webhook path, and the
 * load balancer's and Prometheus' GET /healthz and GET /metrics, on one port.
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
import { createHash, timingSafeEqual } from "node:crypto";
import type { Update } from "grammy/types";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
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
}

/** Constant-time comparison of the presented secret with the configured one. */
export function secretMatches(presented: string | undefined, secret: string): boolean {
  if (presented === undefined) return false;
  const digest = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(digest(presented), digest(secret));
}

function isUpdate(body: unknown): body is Update {
  return (
    typeof body === "object" &&
    body !== null &&
    Number.isSafeInteger((body as { update_id?: unknown }).update_id) &&
    (body as { update_id: number }).update_id >= 0
  );
}

export function createWebhookApp(opts: WebhookAppOptions): Hono {
  const { processor, logger } = opts;
  const app = new Hono();

  app.post(
    opts.path,
    async (c, next) => {
      if (!secretMatches(c.req.header(SECRET_HEADER), opts.secret)) {
        logger?.warn({ ip: c.req.header("x-forwarded-for") }, "webhook request with a wrong secret refused");
        return c.json({ ok: false, error: "unauthorized" }, 401);
      }
      return next();
    },
    bodyLimit({ maxSize: 1024 * 1024, onError: (c) => c.json({ ok: false, error: "too large" }, 413) }),
    async (c) => {
      if (opts.stopping()) return c.json({ ok: false, error: "shutting down" }, 503);
      const body = await c.req.json().catch(() => undefined);
      if (!isUpdate(body)) return c.json({ ok: false, error: "not a Telegram update" }, 400);
      const answer = await processor.submit(body);
      return answer === "ack" ? c.json({ ok: true }) : c.json({ ok: false, error: "try again" }, 503);
    },
  );

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
