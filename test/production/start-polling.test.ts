/**
 * `startPolling` as `npm start` runs it: the Bot API is a fake HTTP server on 127.0.0.1
 * (the emulator behind node:http). Checks that the running app also delivers the outbox.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPolling } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/logger.js";
import { BotApiEmulator, EMULATED_BOT } from "../../src/sandbox/bot-api-emulator.js";
import { enqueue } from "../../src/scheduling/outbox.js";
import { OffsetClock } from "../../src/shared/clock.js";
import { localParts } from "../../src/shared/local-time.js";

/** The system clock moved to midday in `timeZone`, so quiet hours never hold the message. */
function middayClock(timeZone: string): OffsetClock {
  const clock = new OffsetClock();
  const { hour } = localParts(new Date(), timeZone);
  clock.offsetMs = ((12 - hour + 24) % 24) * 3_600_000;
  return clock;
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

describe("startPolling (npm start with a token)", () => {
  const emulator = new BotApiEmulator(EMULATED_BOT);
  const api = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers[k] = v;
    // Long polling: an empty answer after a short wait, as Telegram would after its timeout.
    if (req.url?.endsWith("/getUpdates")) await new Promise((r) => setTimeout(r, 200));
    const answer = await emulator.fetch(`http://api${req.url}`, {
      method: req.method,
      headers,
      body: chunks.length ? Buffer.concat(chunks) : undefined,
    });
    res.writeHead(answer.status, { "content-type": "application/json" });
    res.end(Buffer.from(await answer.arrayBuffer()));
  });
  let apiRoot = "";
  const dataDir = mkdtempSync(path.join(tmpdir(), "albabot-polling-"));

  beforeAll(async () => {
    apiRoot = `http://127.0.0.1:${await listen(api)}`;
  });
  afterAll(async () => {
    await new Promise((r) => api.close(r));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("registers the commands, delivers a notification from the outbox, and stops cleanly", async () => {
    const config = loadConfig({
      BOT_TOKEN: "123456789:TEST-token-for-the-fake-bot-api-0000",
      TELEGRAM_API_ROOT: apiRoot,
      DATA_DIR: dataDir,
      TELEGRAM_THROTTLE: "false",
      LOG_LEVEL: "silent",
    });
    // Run at any hour: at night in Ulaanbaatar the outbox would wait for the morning.
    const app = await startPolling(config, createLogger("silent"), middayClock(config.TZ));
    try {
      expect(emulator.calls.some((c) => c.method === "setMyCommands")).toBe(true);
      const user = await app.db.prisma.user.create({
        data: { externalId: "555", chatId: "555", locale: "en" },
      });
      await enqueue(app.db.prisma, {
        userId: user.id,
        kind: "test.hello",
        dedupeKey: "test.hello:1",
        payload: { key: "common:cancel.nothing" },
      });
      // The worker marks the row sent just after Telegram answers: wait for both.
      await expect
        .poll(async () => (await app.db.prisma.notification.findFirstOrThrow()).status, { timeout: 60_000 })
        .toBe("SENT");
      expect(emulator.messages(555).map((m) => m.text)).toEqual(["There is nothing to cancel."]);
    } finally {
      await app.stop();
    }
  });
});
