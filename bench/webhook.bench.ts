/**
 * Webhook load test: real albabot instances (`src/main.ts` with BOT_MODE=webhook, child
 * processes) take a replayed mix of citizen and official updates from autocannon in this
 * process over loopback, for ~10 s per mode (BENCH_WEBHOOK_SECONDS):
 *   - one instance on PostgreSQL,
 *   - two instances on one PostgreSQL (autocannon splits its connections between them),
 *   - one instance on PGlite,
 *   - one instance on PostgreSQL with Telegram's pacing of the bot's calls.
 * The bot's Bot API calls go to a fake Bot API (the emulator behind node:http) in this
 * process, unpaced (TELEGRAM_THROTTLE=false) except in the last mode (30 calls/s per
 * instance, 1/s per chat, as Telegram allows).
 *
 * Reported: updates answered per second and answer latency p50/p99 (the webhook answers
 * once the update is stored and holds its chat), updates handled per second (from the
 * instances' /metrics, including the drain after the load stops), mean handler time,
 * chat-lock waits, peak RSS of the instance(s), CPU of the instances, PostgreSQL and this
 * process (total and per handled update), transactions per update, the database's wait events
 * sampled from pg_stat_activity, and the machine's load: the evidence of what limits
 * throughput.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { cpus, loadavg, tmpdir } from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import pg from "pg";
import { openDatabase } from "../src/db/index.js";
import { PROJECT_ROOT } from "../src/db/schema-engine.js";
import { BotApiEmulator, EMULATED_BOT } from "../src/sandbox/bot-api-emulator.js";
import { SECRET_HEADER } from "../src/server/webhook.js";
import { type BenchDatabase, benchDatabases, printTable } from "./support/databases.js";
import { ReplayUpdates, seedOfficialsSql } from "./webhook-updates.js";

const DURATION_S = Number(process.env.BENCH_WEBHOOK_SECONDS ?? 10);
const WARMUP_S = 2;
const CONNECTIONS = 40; // Telegram's default max_connections
const CITIZENS = 360;
const OFFICIALS = 240;
const TOKEN = "123456789:BENCH-token-for-the-fake-bot-api-000";
const SECRET = "bench-webhook-secret-0123456789";

interface Mode {
  label: string;
  engine: "PostgreSQL" | "PGlite";
  instances: number;
  /** Telegram's pacing of the bot's own calls (TELEGRAM_THROTTLE). */
  throttle: boolean;
}

const MODES: Mode[] = [
  { label: "1 instance, PostgreSQL", engine: "PostgreSQL", instances: 1, throttle: false },
  { label: "2 instances, PostgreSQL", engine: "PostgreSQL", instances: 2, throttle: false },
  { label: "1 instance, PGlite", engine: "PGlite", instances: 1, throttle: false },
  {
    label: "1 instance, PostgreSQL, paced as for Telegram",
    engine: "PostgreSQL",
    instances: 1,
    throttle: true,
  },
];

/** The fake Bot API: the emulator answering over HTTP on 127.0.0.1. */
async function startFakeBotApi(): Promise<{ server: Server; url: string; emulator: BotApiEmulator }> {
  const emulator = new BotApiEmulator(EMULATED_BOT);
  const server = createServer(async (req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers[k] = v;
    const answer = await emulator.fetch(`http://fake${req.url}`, {
      method: req.method,
      headers,
      body: chunks.length ? Buffer.concat(chunks) : undefined,
    });
    res.writeHead(answer.status, { "content-type": "application/json" });
    res.end(Buffer.from(await answer.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, emulator };
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** CPU seconds (user + system) a process has used, from /proc. */
function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (100/s)
  } catch {
    return 0;
  }
}

function peakRssMb(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Math.round(Number(m[1]) / 1024) : 0;
  } catch {
    return 0;
  }
}

/**
 * The PostgreSQL processes working for the benchmark: the backends connected to its
 * database and the server's background writers (WAL writer, checkpointer…), not the
 * backends of other databases on the same server.
 */
async function postgresPids(url: string, dbName: string): Promise<number[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity
       WHERE (datname = $1 AND pid <> pg_backend_pid()) OR backend_type <> 'client backend'`,
      [dbName],
    );
    return rows.map((r) => r.pid);
  } finally {
    await client.end();
  }
}

/** CPU seconds used since `before` by the processes alive now (new ones: all of it). */
function cpuSince(before: Map<number, number>, pids: number[]): number {
  return pids.reduce((sum, pid) => sum + Math.max(0, cpuSeconds(pid) - (before.get(pid) ?? 0)), 0);
}

const cpuOf = (pids: number[]) => new Map(pids.map((p) => [p, cpuSeconds(p)]));

const sumCpu = (pids: number[]) => pids.reduce((s, p) => s + cpuSeconds(p), 0);

interface Instance {
  child: ChildProcess;
  port: number;
  url: string;
  stderr: string[];
}

async function startInstance(env: Record<string, string>): Promise<Instance> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: PROJECT_ROOT,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      ...env,
      BOT_MODE: "webhook",
      BOT_TOKEN: TOKEN,
      WEBHOOK_URL: `${url}/telegram`,
      WEBHOOK_SECRET: SECRET,
      PORT: String(port),
      HOST: "127.0.0.1",
      LOG_LEVEL: "warn",
      JOBS_ENABLED: "false",
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  const stderr: string[] = [];
  child.stderr?.on("data", (d: Buffer) => stderr.push(d.toString()));
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`instance exited: ${stderr.join("").slice(-2000)}`);
    const ok = await fetch(`${url}/healthz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`instance did not start: ${stderr.join("").slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return { child, port, url, stderr };
}

async function stopInstance(i: Instance): Promise<void> {
  if (i.child.exitCode !== null) return;
  const exited = new Promise((r) => i.child.once("exit", r));
  i.child.kill("SIGTERM");
  const timer = setTimeout(() => i.child.kill("SIGKILL"), 15_000);
  await exited;
  clearTimeout(timer);
}

async function scrape(i: Instance): Promise<Map<string, number>> {
  const text = await (await fetch(`${i.url}/metrics`)).text();
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    const m = /^([a-zA-Z_:][\w:]*(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (m) out.set(m[1]!, Number(m[2]));
  }
  return out;
}

function metricSum(samples: Map<string, number>[], prefix: string): number {
  let sum = 0;
  for (const s of samples) for (const [k, v] of s) if (k === prefix || k.startsWith(`${prefix}{`)) sum += v;
  return sum;
}

/** Waits (at most 30 s) until no instance has updates in flight. */
async function drain(instances: Instance[]): Promise<void> {
  for (let k = 0; k < 300; k++) {
    const s = await Promise.all(instances.map(scrape));
    if (metricSum(s, "albabot_updates_in_flight") === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function load(urls: string[], replay: ReplayUpdates, seconds: number) {
  return autocannon({
    url: urls as unknown as string, // autocannon takes several targets; its types say one
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        method: "POST",
        path: "/telegram",
        headers: { "content-type": "application/json", [SECRET_HEADER]: SECRET },
        setupRequest: (req) => ({ ...req, body: JSON.stringify(replay.next()) }),
      },
    ],
  });
}

/** Transactions committed in the benchmark database so far. */
async function commits(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(
      `SELECT xact_commit AS n FROM pg_stat_database WHERE datname = current_database()`,
    );
    return Number(rows[0]?.n ?? 0);
  } finally {
    await client.end();
  }
}

/** Samples what the benchmark database's sessions wait on, every 100 ms. */
function sampleWaits(url: string, dbName: string) {
  const client = new pg.Client({ connectionString: url });
  const counts = new Map<string, number>();
  let samples = 0;
  let stop = false;
  const done = (async () => {
    await client.connect();
    while (!stop) {
      const { rows } = await client.query<{ w: string; n: number }>(
        `SELECT CASE WHEN state = 'active' THEN coalesce(wait_event_type || ':' || wait_event, 'CPU')
                     ELSE coalesce(state, '?') END AS w, count(*)::int AS n
         FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() GROUP BY 1`,
        [dbName],
      );
      samples++;
      for (const r of rows) counts.set(r.w, (counts.get(r.w) ?? 0) + r.n);
      await new Promise((r) => setTimeout(r, 100));
    }
    await client.end();
  })();
  return {
    async finish(): Promise<string> {
      stop = true;
      await done;
      const busy = [...counts].filter(([w]) => !w.startsWith("idle"));
      busy.sort((a, b) => b[1] - a[1]);
      return busy
        .slice(0, 3)
        .map(([w, n]) => `${w} ${(n / Math.max(1, samples)).toFixed(1)}`)
        .join(", ");
    },
  };
}

interface Prepared {
  env: Record<string, string>;
  pgUrl?: string;
  dbName: string;
  dispose(): Promise<void>;
}

/** A fresh database with the seeded officials, closed again (PGlite: one process per folder). */
async function prepareDatabase(engine: Mode["engine"], targets: BenchDatabase[]): Promise<Prepared | null> {
  if (engine === "PGlite") {
    const dir = mkdtempSync(path.join(tmpdir(), "albabot-bench-webhook-"));
    const db = await openDatabase({ dataDir: dir });
    for (const sql of seedOfficialsSql(OFFICIALS)) await db.prisma.$executeRawUnsafe(sql);
    await db.close();
    return {
      env: { DATA_DIR: dir },
      dbName: "pglite",
      dispose: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const target = targets.find((t) => t.label === "PostgreSQL");
  if (!target) return null;
  const db = await target.open();
  for (const sql of seedOfficialsSql(OFFICIALS)) await db.prisma.$executeRawUnsafe(sql);
  const rows = await db.prisma.$queryRawUnsafe<{ name: string }[]>(`SELECT current_database() AS name`);
  const name = rows[0]!.name;
  await db.close();
  const url = new URL(process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/test");
  url.pathname = `/${name}`;
  return {
    env: { DATABASE_URL: url.toString() },
    pgUrl: url.toString(),
    dbName: name,
    dispose: () => target.dispose(),
  };
}

export async function run(): Promise<void> {
  const api = await startFakeBotApi();
  const targets = await benchDatabases("webhook");
  const rows: Record<string, string | number>[] = [];
  const notes: string[] = [];
  let nextUpdateId = 1;
  try {
    for (const mode of MODES) {
      const prepared = await prepareDatabase(mode.engine, targets);
      if (!prepared) {
        console.log(`(${mode.label}: skipped, no ${mode.engine})`);
        continue;
      }
      const { env, pgUrl, dbName } = prepared;

      const instances: Instance[] = [];
      try {
        for (let i = 0; i < mode.instances; i++) {
          instances.push(
            await startInstance({
              ...env,
              TELEGRAM_API_ROOT: api.url,
              TELEGRAM_THROTTLE: String(mode.throttle),
            }),
          );
        }
        const urls = instances.map((i) => i.url);
        const replay = new ReplayUpdates({
          citizens: CITIZENS,
          officials: OFFICIALS,
          firstUpdateId: nextUpdateId,
        });

        await load(urls, replay, WARMUP_S); // JIT, pools, first-contact rows
        await drain(instances);
        const before = await Promise.all(instances.map(scrape));
        const pids = instances.map((i) => i.child.pid!);
        const pgCpu0 = cpuOf(pgUrl ? await postgresPids(pgUrl, dbName) : []);
        const cpu0 = { inst: sumCpu(pids), self: process.cpuUsage() };
        const waits = pgUrl ? sampleWaits(pgUrl, dbName) : undefined;
        const commits0 = pgUrl ? await commits(pgUrl) : 0;
        const t0 = performance.now();
        const result = await load(urls, replay, DURATION_S);
        await drain(instances); // the instances finish what they took
        const elapsed = (performance.now() - t0) / 1000;
        const after = await Promise.all(instances.map(scrape));
        const selfCpu = process.cpuUsage(cpu0.self);
        const waitSummary = waits ? await waits.finish() : "n/a (embedded)";
        const commitCount = pgUrl ? (await commits(pgUrl)) - commits0 : 0;
        const cpu = {
          inst: (sumCpu(pids) - cpu0.inst) / elapsed,
          pg: (pgUrl ? cpuSince(pgCpu0, await postgresPids(pgUrl, dbName)) : 0) / elapsed,
          self: (selfCpu.user + selfCpu.system) / 1e6 / elapsed,
        };
        const delta = (name: string) => metricSum(after, name) - metricSum(before, name);
        const handled = delta("albabot_updates_handled_total");
        const handlerS = delta("albabot_update_handler_seconds_sum");
        const handlerN = delta("albabot_update_handler_seconds_count");
        const lockS = delta("albabot_chat_lock_wait_seconds_sum");
        const lockN = delta("albabot_chat_lock_wait_seconds_count");
        const rss = instances.map((i) => peakRssMb(i.child.pid!));
        rows.push({
          mode: mode.label,
          "answered/s": Math.round(result.requests.average),
          "p50 ms": result.latency.p50,
          "p99 ms": result.latency.p99,
          "handled/s": Math.round(handled / elapsed),
          "handler ms": handlerN ? (handlerS / handlerN) * 1000 : 0,
          "lock wait ms": lockN ? ((lockS / lockN) * 1000).toFixed(2) : "-",
          "non-2xx/timeouts": `${result.non2xx}/${result.timeouts + result.errors}`,
          "peak RSS MB": rss.join(" + "),
          "CPU inst": `${Math.round(cpu.inst * 100)}%`,
          "CPU pg": mode.engine === "PostgreSQL" ? `${Math.round(cpu.pg * 100)}%` : "-",
          "CPU load gen": `${Math.round(cpu.self * 100)}%`,
          "inst CPU ms/upd": handled ? ((cpu.inst * elapsed * 1000) / handled).toFixed(1) : "-",
          "pg CPU ms/upd": pgUrl && handled ? ((cpu.pg * elapsed * 1000) / handled).toFixed(1) : "-",
          "xacts/upd": pgUrl && handled ? (commitCount / handled).toFixed(1) : "-",
          "machine load": loadavg()[0]!.toFixed(1),
        });
        for (const row of rows.slice(-1)) row["handler ms"] = Number(row["handler ms"]).toFixed(1);
        notes.push(`${mode.label}: database sessions busy on average: ${waitSummary || "none"}`);
      } finally {
        for (const i of instances) await stopInstance(i);
        await prepared.dispose();
      }
      nextUpdateId += 10_000_000;
    }
  } finally {
    await new Promise((r) => api.server.close(r));
  }
  const load1 = loadavg()[0]!.toFixed(1);
  console.log(
    `load average of the machine at the end: ${load1} (${cpus().length} cores; other work running on it ` +
      `slows every figure down)`,
  );
  console.log(
    `${DURATION_S} s per mode after ${WARMUP_S} s of warm-up, ${CONNECTIONS} connections, ` +
      `${CITIZENS} citizen + ${OFFICIALS} official chats, loopback.`,
  );
  printTable(rows);
  for (const n of notes) console.log(n);
  console.log(
    "CPU: 100% = one core. 'handled/s' counts updates the instances finished (incl. the drain).\n" +
      "xacts/upd: transactions in pg_stat_database per handled update (approximate: PostgreSQL\n" +
      "reports a busy backend's counts up to a second late).\n" +
      "Fake Bot API calls made by the bots: " +
      api.emulator.calls.length,
  );
}
