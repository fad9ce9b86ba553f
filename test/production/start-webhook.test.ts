/**
 * `startWebhook` as `npm start` runs it with BOT_MODE=webhook: the Bot API is a fake
 * HTTP server on 127.0.0.1 (the emulator behind node:http), reached via TELEGRAM_API_ROOT.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWebhook } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/logger.js";
import { BotApiEmulator, EMULATED_BOT } from "../../src/sandbox/bot-api-emulator.js";
import { SECRET_HEADER } from "../../src/server/webhook.js";
import { botMessages, freshPgDatabase, SECRET, textUpdate } from "../server/support.js";

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

describe.skipIf(!process.env.TEST_DATABASE_URL)("startWebhook (BOT_MODE=webhook)", () => {
  const emulator = new BotApiEmulator(EMULATED_BOT);
  const api = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers[k] = v;
    const answer = await emulator.fetch(`http://api${req.url}`, {
      method: req.method,
      headers,
      body: chunks.length ? Buffer.concat(chunks) : undefined,
    });
    res.writeHead(answer.status, { "content-type": "application/json" });
    res.end(Buffer.from(await answer.arrayBuffer()));
  });
  let apiRoot = "";
  let database: Awaited<ReturnType<typeof freshPgDatabase>>;

  beforeAll(async () => {
    apiRoot = `http://127.0.0.1:${await listen(api)}`;
    database = await freshPgDatabase();
  });
  afterAll(async () => {
    await new Promise((r) => api.close(r));
    await database.drop();
  });

  it("registers the webhook, takes updates with the secret, serves /healthz, stops cleanly", async () => {
    const probe = createServer();
    const port = await listen(probe);
    await new Promise((r) => probe.close(r));
    const config = loadConfig({
      BOT_TOKEN: "123456789:TEST-token-for-the-fake-bot-api-0000",
      BOT_MODE: "webhook",
      WEBHOOK_URL: "https://albabot.example.mn/telegram",
      WEBHOOK_SECRET: SECRET,
      PORT: String(port),
      HOST: "127.0.0.1",
      TELEGRAM_API_ROOT: apiRoot,
      DATABASE_URL: database.url,
      LOG_LEVEL: "silent",
    });
    const app = await startWebhook(config, createLogger("silent"));
    try {
      const setWebhook = emulator.calls.find((c) => c.method === "setWebhook");
      expect(setWebhook?.payload).toEqual({
        url: "https://albabot.example.mn/telegram",
        secret_token: SECRET,
        allowed_updates: ["message", "edited_message", "callback_query"],
        drop_pending_updates: false,
        max_connections: 40,
      });
      const base = `http://127.0.0.1:${port}`;
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      const post = (secret: string) =>
        fetch(`${base}/telegram`, {
          method: "POST",
          headers: { "content-type": "application/json", [SECRET_HEADER]: secret },
          body: JSON.stringify(textUpdate(801, "/start")),
        });
      expect((await post("wrong-secret-wrong-secret")).status).toBe(401);
      expect((await post(SECRET)).status).toBe(200);
    } finally {
      await app.stop(); // waits for the update in flight
    }
    expect(botMessages(emulator, 801)).toHaveLength(1);
    expect(emulator.calls.some((c) => c.method === "deleteWebhook")).toBe(false);
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  });
});
