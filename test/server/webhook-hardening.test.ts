/**
 * The webhook against slow and abusive clients: a body that never finishes is cut off by
 * the body timeout, and a flood of refused requests is one or two log lines, not one each.
 */
import { connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../../src/logger.js";
import { Metrics } from "../../src/server/metrics.js";
import {
  createWebhookApp,
  RefusalLog,
  SECRET_HEADER,
  secretMatches,
  webhookListener,
} from "../../src/server/webhook.js";
import type { UpdateProcessor } from "../../src/server/update-processor.js";
import { type Instance, newEmulator, SECRET, startInstance, useServerDatabase } from "./support.js";

describe("webhook hardening", () => {
  const server = useServerDatabase();
  const running: Instance[] = [];
  afterEach(async () => {
    for (const i of running.splice(0)) await i.stop();
  });

  it("closes a request whose body does not arrive (right secret, slow body)", async () => {
    const instance = await startInstance(server().db, {
      url: server().url,
      emulator: newEmulator(),
      bodyTimeoutMs: 500,
    });
    running.push(instance);
    const socket = connect(instance.server.port, "127.0.0.1");
    let answer = "";
    socket.on("data", (d) => (answer += d.toString()));
    const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
    socket.write(
      `POST /telegram HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n${SECRET_HEADER}: ${SECRET}\r\nContent-Length: 1000\r\n\r\n{"update_id":`,
    );
    await closed; // the test's own time limit fails it if the server keeps waiting
    expect(answer === "" || answer.startsWith("HTTP/1.1 408")).toBe(true);
    expect(await server().db.prisma.processedUpdate.count()).toBe(0);
  });

  it("a flood of refused requests writes one line at once and one summary, not a line each", async () => {
    const lines: { msg: string; total?: number; byReason?: Record<string, number> }[] = [];
    const logger = createLogger("warn");
    const capture = new Proxy(logger, {
      get(target, prop, receiver) {
        if (prop === "warn")
          return (obj: Record<string, unknown>, msg: string) => lines.push({ ...obj, msg } as never);
        return Reflect.get(target, prop, receiver);
      },
    });
    const refusals = new RefusalLog(capture, 60_000);
    const app = createWebhookApp({
      processor: {} as UpdateProcessor,
      secret: SECRET,
      path: "/telegram",
      health: async () => ({ ok: true, body: {} }) as never,
      metrics: new Metrics({ prisma: server().db.prisma, inFlight: () => 0, processMetrics: false }),
      stopping: () => false,
      logger: capture,
      refusals,
    });
    for (let i = 0; i < 500; i++) {
      const res = await app.request("/telegram", {
        method: "POST",
        headers: {
          [SECRET_HEADER]: i % 2 ? "wrong-secret-000000000000" : SECRET,
          "content-type": "application/json",
        },
        body: i % 2 ? "{}" : '{"not":"an update"}',
      });
      expect([400, 401]).toContain(res.status);
    }
    expect(lines).toHaveLength(1);
    refusals.flush();
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatchObject({ total: 499, byReason: { "wrong secret": 250, "not an update": 249 } });
  });
});

describe("the webhook's POST on node:http", () => {
  it("answers 500 as JSON when the handling fails, and leaves other requests to the app", async () => {
    const { createServer } = await import("node:http");
    const listener = webhookListener("/telegram", async () => {
      throw new Error("boom");
    });
    const server = createServer((req, res) => {
      if (!listener(req, res)) res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      const failed = await fetch(`${base}/telegram`, { method: "POST", body: "{}" });
      expect(failed.status).toBe(500);
      expect(await failed.json()).toEqual({ ok: false, error: "internal error" });
      expect((await fetch(`${base}/telegram`)).status).toBe(404);
      expect((await fetch(`${base}/telegram/x`, { method: "POST", body: "{}" })).status).toBe(404);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe("the webhook's secret", () => {
  it("matches only the configured secret: not a prefix, a longer one, one character off, none, or other bytes of the same length", () => {
    const secret = "s3cret-Token_0123456789";
    expect(secretMatches(secret, secret)).toBe(true);
    expect(secretMatches(secret, Buffer.from(secret))).toBe(true);
    expect(secretMatches(undefined, secret)).toBe(false);
    expect(secretMatches("", secret)).toBe(false);
    expect(secretMatches(secret.slice(0, -1), secret)).toBe(false);
    expect(secretMatches(`${secret}x`, secret)).toBe(false);
    expect(secretMatches(`${secret.slice(0, -1)}8`, secret)).toBe(false);
    // "é" is two bytes in UTF-8: as long in characters, longer in bytes.
    expect(secretMatches(`${secret.slice(0, -1)}é`, secret)).toBe(false);
  });
});
