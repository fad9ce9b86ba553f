/**
 * The Messenger webhook over HTTP: `GET /messenger` answers Meta's verification
 * (hub.mode=subscribe, hub.verify_token, hub.challenge), `POST /messenger` takes signed
 * event batches (403 when the X-Hub-Signature-256 does not match; the body is read raw, the
 * signature checked before it is parsed; 503 when its events could not be recorded). Mounted beside Telegram's webhook in webhook mode,
 * or served on its own (`startMessengerServer`) with long polling and in the sandbox.
 */
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { MessengerBridge } from "./bridge.js";

export const MESSENGER_PATH = "/messenger";

export function messengerRoutes(bridge: MessengerBridge, path = MESSENGER_PATH): Hono {
  const app = new Hono();
  app.get(path, (c) => {
    const challenge = bridge.verify({
      mode: c.req.query("hub.mode"),
      token: c.req.query("hub.verify_token"),
      challenge: c.req.query("hub.challenge"),
    });
    return challenge === null ? c.text("forbidden", 403) : c.text(challenge, 200);
  });
  app.post(path, bodyLimit({ maxSize: 1024 * 1024, onError: (c) => c.text("too large", 413) }), async (c) => {
    const raw = new Uint8Array(await c.req.arrayBuffer());
    const r = await bridge.receive(raw, c.req.header("x-hub-signature-256"));
    return c.text(r.body, r.status);
  });
  return app;
}

/** The webhook on its own HTTP server (long polling mode, sandbox). */
export async function startMessengerServer(bridge: MessengerBridge, port: number, hostname = "0.0.0.0") {
  const app = messengerRoutes(bridge);
  app.get("/healthz", (c) => c.json({ status: "ok" }));
  return new Promise<{ port: number; stop(): Promise<void> }>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port, hostname }, (info) =>
      resolve({
        port: (info as AddressInfo).port,
        stop: () => new Promise<void>((done) => s.close(() => done())),
      }),
    );
    s.once("error", reject);
  });
}
