/**
 * The bot's Bot API fetch (src/bot/api-fetch.ts) under grammY's client, against the Bot
 * API emulator served over HTTP on 127.0.0.1: JSON calls, a multipart upload, Telegram's
 * errors as grammY errors, and grammY's timeout aborting a call that hangs.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Api, GrammyError, HttpError, InputFile } from "grammy";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiFetch } from "../../src/bot/api-fetch.js";
import { BotApiEmulator, EMULATED_BOT } from "../../src/sandbox/bot-api-emulator.js";

const TOKEN = "123456:TEST-token-for-the-emulator-000000000";

describe("the bot's Bot API fetch", () => {
  const emulator = new BotApiEmulator(EMULATED_BOT);
  let server: Server;
  let apiRoot = "";
  let hang = false;

  beforeAll(async () => {
    server = createServer(async (req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      if (hang) return; // never answers
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers[k] = v;
      const answer = await emulator.fetch(`http://emulator${req.url}`, {
        method: req.method,
        headers,
        body: chunks.length ? Buffer.concat(chunks) : undefined,
      });
      res.writeHead(answer.status, { "content-type": "application/json" });
      res.end(Buffer.from(await answer.arrayBuffer()));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    apiRoot = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const api = (timeoutSeconds?: number) =>
    new Api(TOKEN, { apiRoot, fetch: apiFetch as never, ...(timeoutSeconds ? { timeoutSeconds } : {}) });

  it("sends JSON calls and reads their results, keyboards and Mongolian text intact", async () => {
    const sent = await api().sendMessage(501, "Сайн байна уу? <b>Өргөдөл</b>", {
      parse_mode: "HTML",
      reply_markup: { inline_keyboard: [[{ text: "✅ Илгээх", callback_data: "p:submit" }]] },
    });
    expect(sent.chat.id).toBe(501);
    const call = emulator.calls.at(-1)!;
    expect(call.method).toBe("sendMessage");
    expect(call.payload).toMatchObject({ text: "Сайн байна уу? <b>Өргөдөл</b>" });
    expect(await api().getMe()).toMatchObject({ username: EMULATED_BOT.username });
  });

  it("uploads a file as multipart", async () => {
    const bytes = Buffer.from("%PDF-1.4 тайлан");
    await api().sendDocument(502, new InputFile(bytes, "тайлан.pdf"), { caption: "Тайлан" });
    const call = emulator.calls.at(-1)!;
    expect(call.method).toBe("sendDocument");
    expect(call.payload).toMatchObject({ caption: "Тайлан" });
  });

  it("turns Telegram's refusals into grammY errors", async () => {
    emulator.failNext(
      { code: 403, description: "Forbidden: bot was blocked by the user" },
      { method: "sendMessage" },
    );
    await expect(api().sendMessage(503, "x")).rejects.toBeInstanceOf(GrammyError);
  });

  it("aborts a call that hangs when grammY's timeout passes", async () => {
    hang = true;
    try {
      const started = performance.now();
      await expect(api(1).sendMessage(504, "x")).rejects.toBeInstanceOf(HttpError);
      expect(performance.now() - started).toBeLessThan(10_000);
    } finally {
      hang = false;
    }
  });

  it("fails a call to an unreachable server with an HttpError", async () => {
    const closed = new Api(TOKEN, { apiRoot: "http://127.0.0.1:1", fetch: apiFetch as never });
    await expect(closed.sendMessage(505, "x")).rejects.toBeInstanceOf(HttpError);
  });
});
