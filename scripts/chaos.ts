/**
 * `npm run chaos`: an operator's worst day, from outside. Two webhook instances
 * (`src/main.ts`, BOT_MODE=webhook, separate processes) on one fresh PostgreSQL database,
 * a local Bot API emulator over HTTP, N citizens filing a petition each at once through
 * the webhook, one instance killed with SIGKILL every few seconds and started again, and
 * every update that got no 200 posted again (to either instance) as Telegram does.
 * Prints what a register must never show: double registrations, confirmations of
 * petitions that are not there, petitions never confirmed, gaps in the numbering,
 * notifications sent twice, and the longest wait for the next question. Every official
 * of the demo has a linked chat and quiet hours are off, so each registration's notices
 * to staff go out during the run and a notice sent twice is seen. Exits with 1 when a
 * figure misses its goal: no double, missing, unconfirmed or unfinished registration, no
 * gap, at most 1 notice in 1,000 sent twice, no wait for a next question over 30 s.
 *
 *   npm run chaos -- [--intakes 600] [--concurrency 60] [--kill-min 2] [--kill-max 5]
 *   (PostgreSQL: CHAOS_DATABASE_URL or TEST_DATABASE_URL, default postgresql://postgres@127.0.0.1:5432/test)
 */
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, mkdtempSync, openSync } from "node:fs";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { BotApiEmulator, EMULATED_BOT } from "../src/sandbox/bot-api-emulator.js";

const { values: args } = parseArgs({
  options: {
    intakes: { type: "string", default: "600" },
    concurrency: { type: "string", default: "60" },
    "kill-min": { type: "string", default: "2" },
    "kill-max": { type: "string", default: "5" },
  },
});
const INTAKES = Number(args.intakes);
const CONCURRENCY = Number(args.concurrency);
const KILL_MIN_MS = Number(args["kill-min"]) * 1000;
const KILL_MAX_MS = Number(args["kill-max"]) * 1000;
/** Goals: the longest wait for a next question, notices sent twice per 1,000 sent. */
const MAX_WAIT_MS = 30_000;
const MAX_TWICE_PER_1000 = 1;
const BASE_URL =
  process.env.CHAOS_DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  "postgresql://postgres@127.0.0.1:5432/test";
const TOKEN = "123456:CHAOS-token-for-the-emulator-0000000000";
const SECRET = "chaos-secret-0123456789abcdef";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function onDatabase(connectionString: string, statements: string[]) {
  const c = new pg.Client({ connectionString });
  await c.connect();
  try {
    for (const sql of statements) await c.query(sql);
  } finally {
    await c.end();
  }
}

async function onServer(sql: string) {
  const c = new pg.Client({ connectionString: BASE_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/** The emulator behind a real HTTP port, as the instances' TELEGRAM_API_ROOT. */
async function serveEmulator(emulator: BotApiEmulator): Promise<{ root: string; close: () => void }> {
  const read = (req: IncomingMessage) =>
    new Promise<Buffer>((resolve) => {
      const parts: Buffer[] = [];
      req.on("data", (d: Buffer) => parts.push(d));
      req.on("end", () => resolve(Buffer.concat(parts)));
    });
  const server = createServer(async (req, res) => {
    const body = await read(req);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers[k] = v;
    const answer = await emulator.fetch(`http://emulator${req.url}`, {
      method: req.method,
      headers,
      body: body.length ? body.toString("utf8") : undefined,
    });
    res.writeHead(answer.status, { "content-type": "application/json" });
    res.end(Buffer.from(await answer.arrayBuffer()));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { root: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

interface Slot {
  port: number;
  child?: ChildProcess;
  up: boolean;
}

/** The instances' warnings and errors (pino lines) go here, one file per port. */
const LOG_DIR = mkdtempSync(path.join(tmpdir(), "albabot-chaos-"));

function startInstance(slot: Slot, env: Record<string, string>): Promise<void> {
  const log = openSync(path.join(LOG_DIR, `instance-${slot.port}.log`), "a");
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    env: { ...process.env, ...env, PORT: String(slot.port) },
    stdio: ["ignore", log, "pipe"],
  });
  closeSync(log);
  slot.child = child;
  child.stderr?.on("data", () => undefined);
  child.on("exit", () => {
    if (slot.child === child) slot.up = false;
  });
  return (async () => {
    for (let i = 0; i < 600; i++) {
      const ok = await fetch(`http://127.0.0.1:${slot.port}/healthz`)
        .then((r) => r.ok)
        .catch(() => false);
      if (ok) {
        slot.up = true;
        return;
      }
      await sleep(100);
    }
    throw new Error(`instance on port ${slot.port} did not start`);
  })();
}

async function main() {
  const name = `albabot_chaos_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  await onServer(`CREATE DATABASE "${name}"`);
  const url = new URL(BASE_URL);
  url.pathname = `/${name}`;
  const emulator = new BotApiEmulator(EMULATED_BOT);
  const api = await serveEmulator(emulator);
  const ports = [18_000 + (process.pid % 1000) * 2, 18_001 + (process.pid % 1000) * 2];
  const slots: Slot[] = ports.map((port) => ({ port, up: false }));
  const env = {
    BOT_TOKEN: TOKEN,
    BOT_MODE: "webhook",
    DATABASE_URL: url.toString(),
    WEBHOOK_URL: "http://127.0.0.1/telegram",
    WEBHOOK_SECRET: SECRET,
    HOST: "127.0.0.1",
    TELEGRAM_API_ROOT: api.root,
    TELEGRAM_THROTTLE: "false",
    LOG_LEVEL: "warn",
    DEFAULT_LOCALE: "en",
    WEBHOOK_CONCURRENCY: "10",
    DB_POOL_SIZE: "6",
  };
  // The demo organisation (migrates the database first).
  await new Promise<void>((resolve, reject) =>
    spawn(process.execPath, ["--import", "tsx", "src/cli/index.ts", "demo"], {
      env: { ...process.env, ...env },
      stdio: "ignore",
    }).on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`demo exited ${code}`)))),
  );
  // Every official gets a chat (their notices are counted) and quiet hours are off.
  await onDatabase(url.toString(), [
    `INSERT INTO "User" ("externalId", "chatId", "personId", "locale")
       SELECT (900000 + id)::text, (900000 + id)::text, id, 'en' FROM "Person"
       ON CONFLICT DO NOTHING`,
    `UPDATE "Organization" SET settings = jsonb_set(settings::jsonb, '{notifications}',
       COALESCE(settings::jsonb -> 'notifications', '{}'::jsonb) || '{"quietStart":"00:00","quietEnd":"00:00"}')`,
  ]);
  await Promise.all(slots.map((s) => startInstance(s, env)));

  // Telegram's side: post to an instance that is up; no 200 → post again (any instance).
  let nextUpdateId = 1;
  let redeliveries = 0;
  async function deliver(update: Record<string, unknown>): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const up = slots.filter((s) => s.up);
      const slot = up[Math.floor(Math.random() * up.length)] ?? slots[0]!;
      const ok = await fetch(`http://127.0.0.1:${slot.port}/telegram`, {
        method: "POST",
        headers: { "content-type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET },
        body: JSON.stringify(update),
        signal: AbortSignal.timeout(60_000),
      })
        .then((r) => r.status === 200)
        .catch(() => false);
      if (ok) return;
      redeliveries++;
      await sleep(Math.min(2000, 250 * (attempt + 1)));
    }
  }

  const user = (id: number) => ({ id, is_bot: false, first_name: `Citizen${id}`, language_code: "en" });
  const chat = (id: number) => ({ id, type: "private", first_name: `Citizen${id}` });
  const text = (id: number, t: string) =>
    deliver({
      update_id: nextUpdateId++,
      message: {
        message_id: nextUpdateId,
        date: Math.floor(Date.now() / 1000),
        chat: chat(id),
        from: user(id),
        text: t,
        ...(t.startsWith("/") ? { entities: [{ type: "bot_command", offset: 0, length: t.length }] } : {}),
      },
    });
  const press = (id: number, data: string, messageId: number) =>
    deliver({
      update_id: nextUpdateId++,
      callback_query: {
        id: `cb${nextUpdateId}`,
        from: user(id),
        chat_instance: `ci${id}`,
        data,
        message: { message_id: messageId, date: 0, chat: chat(id), from: EMULATED_BOT, text: "" },
      },
    });
  const botMessages = (id: number) => emulator.messages(id).filter((m) => m.from === "bot");
  const waiters = new Map<number, () => void>();
  emulator.onBotMessage = (m) => waiters.get(m.chatId)?.();

  /** Waits until the chat's newest bot message matches; returns it and the wait. */
  let longestWait = 0;
  const waits: { ms: number; chat: number; what: string; at: number }[] = [];
  async function expect(id: number, pattern: RegExp, after: number) {
    const started = Date.now();
    for (;;) {
      const found = botMessages(id)
        .slice(after)
        .reverse()
        .find((m) => pattern.test(m.text ?? ""));
      if (found) {
        const ms = Date.now() - started;
        longestWait = Math.max(longestWait, ms);
        waits.push({ ms, chat: id, what: (found.text ?? "").slice(0, 40), at: started - runStarted });
        return found;
      }
      if (Date.now() - started > 120_000) {
        const last = botMessages(id).at(-1)?.text?.slice(0, 80);
        throw new Error(`chat ${id}: no ${pattern} in 120 s (last: ${last})`);
      }
      // Woken by the chat's next bot message (or edit); looked at again every second anyway.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 1000);
        waiters.set(id, () => {
          clearTimeout(timer);
          resolve();
        });
      });
      waiters.delete(id);
    }
  }
  const confirmed = new Map<number, string>();
  const failed: string[] = [];

  async function intake(id: number) {
    let seen = botMessages(id).length;
    let m;
    await text(id, "/new");
    for (let step = 0; step < 20; step++) {
      m = await expect(
        id,
        /Which organisation|What kind|Choose the topic|Describe your petition|attach up to|Your full name|Your phone number|Your address|Do you agree|Please check your petition|Registration number/,
        seen,
      );
      seen = botMessages(id).length;
      const t = m.text ?? "";
      if (/Registration number/.test(t)) {
        confirmed.set(id, /Registration number: <b>([^<]+)<\/b>/.exec(t)?.[1] ?? "?");
        return;
      }
      if (/Describe your petition/.test(t))
        await text(id, `My allowance has not been paid since January (citizen ${id}).`);
      else if (/Your full name/.test(t)) await text(id, `B. Bold ${id}`);
      else if (/Your phone number/.test(t)) await text(id, "+97699112233");
      else if (/Your address/.test(t)) await text(id, "Bag 3, street 5, house 12");
      else if (/attach up to/.test(t)) await press(id, "opt:done", m.messageId);
      else await press(id, "opt:0", m.messageId); // first option: organisation, kind, topic, I agree, Submit
    }
    throw new Error(`chat ${id}: the intake did not end`);
  }

  // The killer: SIGKILL one instance every few seconds, start it again at once.
  const runStarted = Date.now();
  const killedAt: number[] = [];
  let kills = 0;
  let stop = false;
  const killer = (async () => {
    while (!stop) {
      await sleep(KILL_MIN_MS + (KILL_MAX_MS - KILL_MIN_MS) * Math.random());
      if (stop) break;
      const slot = slots[Math.floor(Math.random() * slots.length)]!;
      if (!slot.up || !slot.child) continue;
      slot.up = false;
      slot.child.kill("SIGKILL");
      killedAt.push(Date.now() - runStarted);
      kills++;
      await startInstance(slot, env).catch(() => undefined);
    }
  })();

  const started = Date.now();
  const queue = Array.from({ length: INTAKES }, (_, i) => 700_000 + i);
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
        await intake(id).catch((err) => failed.push((err as Error).message));
      }
    }),
  );
  const intakesDone = Date.now();
  stop = true;
  await killer;
  // Let the outbox deliver everything (one message a second per chat, as Telegram allows:
  // the routed official's notices take a while), then read the register.
  const db = new pg.Client({ connectionString: url.toString() });
  await db.connect();
  const drainStarted = Date.now();
  while (Date.now() - drainStarted < 15 * 60_000) {
    const { rows } = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "Notification" WHERE status IN ('PENDING', 'SENDING')`,
    );
    if (rows[0]!.n === 0) break;
    await sleep(1000);
  }
  const outbox = (
    await db.query<{ status: string; n: number }>(
      `SELECT status, count(*)::int AS n FROM "Notification" GROUP BY status`,
    )
  ).rows;
  const petitions = (
    await db.query<{ number: string; orgId: number; seq: number; externalId: string }>(
      `SELECT p."number", p."orgId", p."seq", u."externalId" FROM "Petition" p JOIN "User" u ON u.id = p."citizenUserId"`,
    )
  ).rows;
  const byCitizen = new Map<string, number>();
  for (const p of petitions) byCitizen.set(p.externalId, (byCitizen.get(p.externalId) ?? 0) + 1);
  const doubles = [...byCitizen.values()].filter((n) => n > 1).reduce((a, n) => a + n - 1, 0);
  const numbers = new Set(petitions.map((p) => p.number));
  const confirmedNumbers = new Set(confirmed.values());
  const confirmedMissing = [...confirmedNumbers].filter((n) => !numbers.has(n)).length;
  const unconfirmed = petitions.filter((p) => confirmed.get(Number(p.externalId)) !== p.number).length;
  const seqs = new Map<number, number[]>();
  for (const p of petitions) seqs.set(p.orgId, [...(seqs.get(p.orgId) ?? []), p.seq]);
  let gaps = 0;
  for (const list of seqs.values()) gaps += Math.max(...list) - list.length;
  // Notifications (the outbox's messages to staff) sent twice: the same text to the same chat.
  const staffTexts = new Map<string, number>();
  const sentAt = new Map<string, number[]>();
  for (const c of emulator.calls) {
    if (c.method !== "sendMessage") continue;
    const to = Number(c.payload.chat_id);
    if (to >= 700_000 && to < 700_000 + INTAKES) continue; // the citizens' own conversations
    const key = `${to}|${String(c.payload.text)}`;
    staffTexts.set(key, (staffTexts.get(key) ?? 0) + 1);
    sentAt.set(key, [...(sentAt.get(key) ?? []), c.at - runStarted]);
  }
  const twice = [...sentAt.entries()].filter(([, at]) => at.length > 1);
  const sentTwice = [...staffTexts.values()].filter((n) => n > 1).reduce((a, n) => a + n - 1, 0);
  const staffSent = [...staffTexts.values()].reduce((a, n) => a + n, 0);
  await db.end();

  for (const s of slots) s.child?.kill("SIGKILL");
  api.close();
  await sleep(500);
  await onServer(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => undefined);

  const sortedWaits = waits.map((w) => w.ms).sort((a, b) => a - b);
  const pct = (q: number) =>
    sortedWaits[Math.min(sortedWaits.length - 1, Math.floor(q * sortedWaits.length))] ?? 0;
  const rows: [string, string | number][] = [
    ["intakes", INTAKES],
    ["completed intakes (confirmed)", confirmed.size],
    ["intakes that did not finish", failed.length],
    ["instances killed (SIGKILL)", kills],
    ["deliveries posted again", redeliveries],
    ["petitions", petitions.length],
    ["double registrations", doubles],
    ["confirmed but missing", confirmedMissing],
    ["registered but never confirmed", unconfirmed],
    ["gaps in the numbering", gaps],
    ["notifications sent twice", sentTwice],
    ["staff notifications sent", staffSent],
    ["outbox rows by status", outbox.map((r) => `${r.status} ${r.n}`).join(", ")],
    [
      "wait for the next question, p50 / p99",
      `${(pct(0.5) / 1000).toFixed(2)} s / ${(pct(0.99) / 1000).toFixed(1)} s`,
    ],
    ["longest wait for the next question", `${(longestWait / 1000).toFixed(1)} s`],
    ["duration of the intakes", `${((intakesDone - started) / 1000).toFixed(0)} s`],
  ];
  console.log("\n| figure | value |\n| --- | --- |");
  for (const [k, v] of rows) console.log(`| ${k} | ${v} |`);
  if (failed.length) console.log(`\nunfinished: ${failed.slice(0, 5).join("; ")}`);
  const slowest = [...waits].sort((a, b) => b.ms - a.ms).slice(0, 5);
  console.log(
    `\nslowest waits: ${slowest.map((w) => `${(w.ms / 1000).toFixed(1)} s (chat ${w.chat} at ${(w.at / 1000).toFixed(0)} s, for "${w.what}")`).join("; ")}`,
  );
  console.log(`kills at (s): ${killedAt.map((t) => (t / 1000).toFixed(1)).join(" ")}`);
  for (const [key, at] of twice.slice(0, 5))
    console.log(
      `sent twice: ${key.slice(0, 90).replace(/\n/g, " ")} at ${at.map((t) => (t / 1000).toFixed(2)).join(", ")} s`,
    );
  console.log(`instance logs: ${LOG_DIR}`);
  const misses = [
    failed.length > 0 && "intakes that did not finish",
    confirmed.size !== INTAKES && "not every intake confirmed",
    doubles > 0 && "double registrations",
    confirmedMissing > 0 && "confirmed but missing",
    unconfirmed > 0 && "registered but never confirmed",
    gaps > 0 && "gaps in the numbering",
    staffSent === 0 && "no staff notification was sent",
    sentTwice * 1000 > MAX_TWICE_PER_1000 * staffSent &&
      `more than ${MAX_TWICE_PER_1000} in 1,000 notices sent twice`,
    longestWait > MAX_WAIT_MS && `a wait over ${MAX_WAIT_MS / 1000} s`,
  ].filter(Boolean);
  console.log(misses.length ? `\nmissed: ${misses.join("; ")}` : "\nevery goal met");
  process.exit(misses.length ? 1 : 0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
