import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/index.js";
import { openTestDatabase } from "../support/db.js";
import { SECRET_HEADER } from "../../src/server/webhook.js";
import {
  botMessages,
  callbackUpdate,
  type Instance,
  newEmulator,
  parsePrometheus,
  SECRET,
  sleep,
  startInstance,
  textUpdate,
  useServerDatabase,
} from "./support.js";

describe("webhook server", () => {
  const server = useServerDatabase();
  const db = () => server().db;
  const pgUrl = () => server().url;
  const running: Instance[] = [];
  afterEach(async () => {
    for (const i of running.splice(0)) await i.stop();
  });
  const start = async (opts: Partial<Parameters<typeof startInstance>[1]> = {}) => {
    const emulator = opts.emulator ?? newEmulator();
    const instance = await startInstance(db(), { url: pgUrl(), ...opts, emulator });
    running.push(instance);
    return { instance, emulator };
  };

  it("refuses a wrong or missing secret with 401 and processes nothing", async () => {
    const { instance, emulator } = await start();
    const wrong = await instance.post(textUpdate(501, "/start"), "not-the-secret-at-all-000");
    const missing = await instance.post(textUpdate(501, "/start"), null);
    const almost = await instance.post(textUpdate(501, "/start"), `${SECRET}x`);
    expect([wrong.status, missing.status, almost.status]).toEqual([401, 401, 401]);
    await instance.server.processor.drain();
    expect(emulator.calls.filter((c) => c.method !== "getMe")).toEqual([]);
    expect(await db().prisma.processedUpdate.count()).toBe(0);
    expect(await db().prisma.user.count()).toBe(0);
  });

  it("handles an update with the right secret and records it done", async () => {
    const { instance, emulator } = await start();
    const update = textUpdate(502, "/start");
    const res = await instance.post(update);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
    await instance.server.processor.drain();
    const replies = botMessages(emulator, 502);
    expect(replies).toHaveLength(1);
    expect(replies[0]!.buttons?.flat().map((b) => b.data)).toEqual(["lang:set:mn", "lang:set:en"]);
    const row = await db().prisma.processedUpdate.findUniqueOrThrow({
      where: { updateId: BigInt(update.update_id) },
    });
    expect(row.doneAt).not.toBeNull();
    expect(row.payload).toBeNull();
  });

  it("acknowledges a re-delivered update and handles it once", async () => {
    const { instance, emulator } = await start();
    const update = textUpdate(503, "/help");
    expect((await instance.post(update)).status).toBe(200);
    await instance.server.processor.drain();
    expect((await instance.post(update)).status).toBe(200);
    // and twice at the same moment
    const [a, b] = await Promise.all([instance.post(update), instance.post(update)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    await instance.server.processor.drain();
    expect(botMessages(emulator, 503)).toHaveLength(1);
    const samples = parsePrometheus(await (await instance.get("/metrics")).text());
    expect(samples.get('albabot_updates_handled_total{type="message"}')).toBe(1);
    expect(samples.get("albabot_updates_skipped_total")).toBe(3);
  });

  it("answers 400 to a body that is not an update and 404 elsewhere", async () => {
    const { instance } = await start();
    expect((await instance.post("{not json")).status).toBe(400);
    expect((await instance.post({ hello: 1 })).status).toBe(400);
    expect((await instance.post({ update_id: -3 })).status).toBe(400);
    expect((await instance.get("/nothing")).status).toBe(404);
    expect((await instance.get("/telegram")).status).toBe(404); // a GET is not Telegram's
    expect(await db().prisma.processedUpdate.count()).toBe(0);
  });

  it("answers the webhook's POST as JSON, with a query string in its address too", async () => {
    const { instance } = await start();
    const res = await instance.post({ update_id: 4 });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ ok: true });
    const refused = await instance.post("[1]", SECRET, "/telegram?from=telegram");
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({ ok: false, error: "not a Telegram update" });
    expect((await instance.post({ update_id: 5 }, SECRET, "/telegram?from=telegram")).status).toBe(200);
    expect(await db().prisma.processedUpdate.count()).toBe(2);
  });

  it("reads a body sent in pieces, and answers 413 past 1 MB whether it is declared or streamed", async () => {
    const { instance, emulator } = await start();
    const url = `http://127.0.0.1:${instance.server.port}/telegram`;
    const streamed = (parts: string[]) =>
      fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", [SECRET_HEADER]: SECRET },
        body: new ReadableStream({
          start(controller) {
            for (const part of parts) controller.enqueue(new TextEncoder().encode(part));
            controller.close();
          },
        }),
        duplex: "half",
      } as RequestInit);
    const json = JSON.stringify(textUpdate(900, "/help"));
    const pieces = [json.slice(0, 10), json.slice(10, 30), json.slice(30)];
    expect((await streamed(pieces)).status).toBe(200);
    const big = JSON.stringify({ ...textUpdate(901, "/help"), pad: "x".repeat(1024 * 1024) });
    expect((await instance.post(big)).status).toBe(413);
    expect((await streamed([big.slice(0, 600_000), big.slice(600_000)])).status).toBe(413);
    await instance.server.processor.drain();
    expect(botMessages(emulator, 900).length).toBeGreaterThan(0);
    expect(botMessages(emulator, 901)).toEqual([]);
    expect(await db().prisma.processedUpdate.count()).toBe(1);
  });

  it("keeps one chat's updates in the order they arrive within an instance", async () => {
    let first = true;
    const emulator = newEmulator();
    const slowFirst: typeof fetch = async (input, init) => {
      if (first && String(input).endsWith("/sendMessage")) {
        first = false;
        await sleep(300);
      }
      return emulator.fetch(input, init);
    };
    const { instance } = await start({ emulator, fetch: slowFirst });
    await instance.post(textUpdate(504, "/help"));
    await instance.post(textUpdate(504, "/language"));
    await instance.server.processor.drain();
    const replies = botMessages(emulator, 504);
    expect(replies).toHaveLength(2);
    expect(replies[0]!.buttons).toBeUndefined();
    expect(replies[1]!.buttons?.flat().map((b) => b.data)).toContain("lang:set:en");
  });

  it("serves /healthz: 200 with the database, 503 without it", async () => {
    const { instance } = await start();
    const ok = await instance.get("/healthz");
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ status: "ok" });

    // PGlite: the database closed under the instance. PostgreSQL: a server that is gone
    // (a closed Prisma client on PostgreSQL reconnects by itself).
    const unreachable = "postgresql://postgres@127.0.0.1:1/gone";
    const own = pgUrl() ? await openDatabase({ url: unreachable, migrate: false }) : await openTestDatabase();
    const emulator = newEmulator();
    // Without presence: its lock could not be taken on a server that is gone.
    const other = await startInstance(own, {
      emulator,
      url: pgUrl() ? unreachable : undefined,
      presence: false,
    });
    running.push(other);
    if (!pgUrl()) {
      expect((await other.get("/healthz")).status).toBe(200);
      await own.close();
    }
    const down = await other.get("/healthz");
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({ status: "unavailable" });
    // An update that cannot be stored is refused with 503, so Telegram sends it again.
    const refused = await other.post(textUpdate(505, "/help"));
    expect(refused.status).toBe(503);
    await other.server.processor.drain();
    expect(botMessages(emulator, 505)).toHaveLength(0);
  });

  it("serves /metrics in the Prometheus text format with the counts", async () => {
    const { instance } = await start();
    const { prisma } = db();
    const user = await prisma.user.create({ data: { externalId: "777", chatId: "777" } });
    const note = (
      status: "PENDING" | "SENT" | "FAILED" | "HELD",
      key: string,
      notBefore = new Date("2020-01-01"),
    ) =>
      prisma.notification.create({
        data: {
          userId: user.id,
          kind: "test",
          payload: { key: "common:menu.title" },
          dedupeKey: key,
          status,
          notBefore,
        },
      });
    await note("PENDING", "a");
    await note("PENDING", "b");
    await note("PENDING", "c", new Date("2100-01-01"));
    await note("SENT", "d");
    await note("FAILED", "e");
    await note("HELD", "f");
    // Rows the retention job deleted earlier still count.
    await prisma.outboxTally.create({ data: { status: "SENT", count: 41 } });
    await prisma.jobRun.create({
      data: {
        job: "reminders",
        slot: "2026-03-10T09:00+08:00",
        instance: "x",
        finishedAt: new Date(),
        result: {},
      },
    });
    await prisma.jobRun.create({
      data: {
        job: "reminders",
        slot: "2026-03-11T09:00+08:00",
        instance: "x",
        finishedAt: new Date(),
        result: { error: "boom" },
      },
    });

    await instance.post(textUpdate(506, "/help"));
    await instance.post(callbackUpdate(506, "menu:help"));
    await instance.server.processor.drain();

    const res = await instance.get("/metrics");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/plain");
    const text = await res.text();
    expect(text).toContain("# TYPE albabot_updates_handled_total counter");
    expect(text).toContain("# TYPE albabot_update_handler_seconds histogram");
    const s = parsePrometheus(text);
    expect(s.get('albabot_updates_handled_total{type="message"}')).toBe(1);
    expect(s.get('albabot_updates_handled_total{type="callback_query"}')).toBe(1);
    expect(s.get('albabot_update_handler_seconds_count{type="message"}')).toBe(1);
    expect(s.get('albabot_update_handler_seconds_bucket{le="+Inf",type="message"}')).toBe(1);
    expect(s.get('albabot_outbox_pending{due="now"}')).toBe(2);
    expect(s.get('albabot_outbox_pending{due="later"}')).toBe(1);
    expect(s.get("albabot_outbox_held")).toBe(1);
    expect(s.get('albabot_notifications_total{status="sent"}')).toBe(42);
    expect(s.get('albabot_notifications_total{status="failed"}')).toBe(1);
    expect(s.get('albabot_notifications_total{status="unreachable"}')).toBe(0);
    expect(s.get('albabot_job_runs_total{job="reminders",state="done"}')).toBe(1);
    expect(s.get('albabot_job_runs_total{job="reminders",state="failed"}')).toBe(1);
    expect(s.get("albabot_updates_in_flight")).toBe(0);
  });

  it("stops gracefully: refuses new updates, finishes the ones in flight", async () => {
    const emulator = newEmulator();
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const held: typeof fetch = async (input, init) => {
      if (String(input).endsWith("/sendMessage")) await gate;
      return emulator.fetch(input, init);
    };
    const instance = await startInstance(db(), { emulator, fetch: held, url: pgUrl() });
    const update = textUpdate(507, "/help");
    expect((await instance.post(update)).status).toBe(200); // answered, still handling
    expect(instance.server.processor.inFlight).toBe(1);
    const stopping = instance.stop();
    await sleep(50);
    const late = await instance.get("/healthz").catch(() => null);
    expect(late === null || late.status === 503).toBe(true);
    let stopped = false;
    void stopping.then(() => {
      stopped = true;
    });
    await sleep(100);
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(botMessages(emulator, 507)).toHaveLength(1);
    const row = await db().prisma.processedUpdate.findUniqueOrThrow({
      where: { updateId: BigInt(update.update_id) },
    });
    expect(row.doneAt).not.toBeNull();
  });
});
