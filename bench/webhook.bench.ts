/**
 * Webhook load test, albabot against a reference bot on the same work.
 *
 * albabot (`src/main.ts` with BOT_MODE=webhook) and the reference bot (bench/reference/main.ts:
 * grammY `webhookCallback` + Prisma, one INSERT and one reply per update) run as child
 * processes, each from its bundle as `npm start` runs the bot (scripts/bundle.mjs), one at
 * a time, interleaved (albabot, reference, albabot, reference, …,
 * BENCH_WEBHOOK_ROUNDS rounds, default 3), on PostgreSQL (when reachable) and on PGlite
 * (BENCH_WEBHOOK_ENGINES=PostgreSQL or PGlite picks one).
 * Each run gets a fresh copy of one seeded database (officials with plans of several
 * measures, petition topics and routing) and takes the same fixed replay from autocannon in
 * this process over loopback (40 connections, as Telegram): every chat through its whole
 * script — citizens file a complete petition, officials answer two measures of their
 * report, plus menus, help and free text (bench/webhook-updates.ts) — after a warm-up on
 * other chats. The bots' Bot API calls go to a fake Bot API (the emulator behind
 * node:http) in this process, unpaced.
 *
 * Per run and as the median of the rounds, with the ratio albabot/reference:
 *   - updates/s: updates handled per second, from the first request until the bot has
 *     finished every update (albabot acknowledges an update once stored and handles it
 *     right after; the reference answers when done), timed to the last answer and the
 *     last update's end, not to autocannon's own end (its one-second ticks);
 *   - p50/p99 of the webhook answer;
 *   - Node CPU ms/update (the bot process, which includes the database on PGlite);
 *   - PostgreSQL CPU ms/update (the server processes connected to the run's database);
 *   - SQL statements/update, counted in the bot process where statements leave it
 *     (bench/support/count-statements.ts);
 *   - Bot API calls/update, counted at the fake Bot API;
 *   - peak RSS of the bot process.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { cpus, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import autocannon from "autocannon";
import pg from "pg";
import { openDatabase } from "../src/db/index.js";
import { PROJECT_ROOT } from "../src/db/schema-engine.js";
import { BotApiEmulator, EMULATED_BOT } from "../src/sandbox/bot-api-emulator.js";
import { bundleFor } from "../scripts/bundle.mjs";
import { printTable, uniqueDatabaseName } from "./support/databases.js";
import { MEASURES_PER_PLAN, promptOf, ReplayUpdates, seedOfficialsSql } from "./webhook-updates.js";

const ROUNDS = Number(process.env.BENCH_WEBHOOK_ROUNDS ?? 3);
const CONNECTIONS = 40; // Telegram's default max_connections
const CITIZENS = Number(process.env.BENCH_WEBHOOK_CITIZENS ?? 60);
const OFFICIALS = Number(process.env.BENCH_WEBHOOK_OFFICIALS ?? 40);
const WARM_CITIZENS = 12;
const WARM_OFFICIALS = 8;
/** The warm-up's chats come after the measured ones (officials: seeded up to here). */
const WARM_FIRST_CHAT = Math.max(CITIZENS, OFFICIALS);
const SEEDED_OFFICIALS = WARM_FIRST_CHAT + WARM_OFFICIALS;
const TOKEN = "123456789:BENCH-token-for-the-fake-bot-api-000";
const SECRET = "bench-webhook-secret-0123456789";
const SECRET_HEADER = "x-telegram-bot-api-secret-token";
const PG_URL = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/test";

type Engine = "PostgreSQL" | "PGlite";
type BotKind = "albabot" | "reference";

/** The fake Bot API: the emulator answering over HTTP on 127.0.0.1. */
interface FakeBotApi {
  server: Server;
  url: string;
  emulator: BotApiEmulator;
  /** Bot API calls answered so far. */
  calls(): number;
}

async function startFakeBotApi(): Promise<FakeBotApi> {
  const emulator = new BotApiEmulator(EMULATED_BOT);
  emulator.maxCalls = 10_000;
  let calls = 0;
  const server = createServer(async (req: IncomingMessage, res) => {
    calls++;
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
  return {
    server,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    emulator,
    calls: () => calls,
  };
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

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const urlOf = (dbName: string) => {
  const url = new URL(PG_URL);
  url.pathname = `/${dbName}`;
  return url.toString();
};

/** The server processes connected to the run's database. */
async function backendPids(dbName: string): Promise<number[]> {
  return withClient(PG_URL, async (c) => {
    const { rows } = await c.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
      [dbName],
    );
    return rows.map((r) => r.pid);
  });
}

const cpuOf = (pids: number[]) => new Map(pids.map((p) => [p, cpuSeconds(p)]));
/** CPU seconds used since `before` by the processes alive now (new ones: all of it). */
const cpuSince = (before: Map<number, number>, pids: number[]) =>
  pids.reduce((sum, pid) => sum + Math.max(0, cpuSeconds(pid) - (before.get(pid) ?? 0)), 0);

interface Instance {
  child: ChildProcess;
  url: string;
  stderr: string[];
  statementsFile: string;
}

/** The bundle a process of the benchmark runs (built once, then reused while its files are unchanged). */
async function bundled(entry: string): Promise<string> {
  const file = await bundleFor(entry, "bench", "BENCH_BUNDLE");
  if (!file) throw new Error(`${entry} could not be bundled (esbuild)`);
  return file;
}

async function startInstance(kind: BotKind, env: Record<string, string>, workDir: string): Promise<Instance> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const statementsFile = path.join(workDir, `statements-${port}`);
  const [entry, counter] = await Promise.all([
    bundled(kind === "albabot" ? "src/main.ts" : "bench/reference/main.ts"),
    bundled("bench/support/count-statements.ts"),
  ]);
  const child = spawn(
    process.execPath,
    [
      ...(kind === "albabot" && process.env.BENCH_NODE_FLAGS ? process.env.BENCH_NODE_FLAGS.split(" ") : []),
      ...(kind === "albabot" && process.env.BENCH_PROFILE_DIR
        ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`]
        : []),
      "--import",
      pathToFileURL(counter).href,
      entry,
    ],
    {
      cwd: PROJECT_ROOT,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "",
        ...env,
        BENCH_STATEMENTS_FILE: statementsFile,
        BOT_MODE: "webhook",
        BOT_TOKEN: TOKEN,
        WEBHOOK_URL: `${url}/telegram`,
        WEBHOOK_SECRET: SECRET,
        PORT: String(port),
        HOST: "127.0.0.1",
        LOG_LEVEL: "warn",
        JOBS_ENABLED: "false",
        TELEGRAM_THROTTLE: "false",
      },
      // The bot logs (JSON lines, LOG_LEVEL=warn) to stdout: kept with stderr for the note.
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const stderr: string[] = [];
  child.stderr?.on("data", (d: Buffer) => stderr.push(d.toString()));
  child.stdout?.on("data", (d: Buffer) => stderr.push(d.toString()));
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${kind} exited: ${stderr.join("").slice(-2000)}`);
    const ok = await fetch(`${url}/healthz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`${kind} did not start: ${stderr.join("").slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return { child, url, stderr, statementsFile };
}

async function stopInstance(i: Instance): Promise<void> {
  if (i.child.exitCode !== null) return;
  const exited = new Promise((r) => i.child.once("exit", r));
  i.child.kill("SIGTERM");
  const timer = setTimeout(() => i.child.kill("SIGKILL"), 15_000);
  await exited;
  clearTimeout(timer);
}

/** The statements the bot has sent so far: asked with SIGUSR2 (bench/support/count-statements.ts). */
async function statements(i: Instance): Promise<number> {
  const read = () => {
    try {
      const [count, asked] = readFileSync(i.statementsFile, "utf8").split(" ").map(Number);
      return { count: count ?? 0, asked: asked ?? 0 };
    } catch {
      return undefined;
    }
  };
  const before = read()?.asked ?? 0;
  i.child.kill("SIGUSR2");
  for (let waited = 0; waited < 5_000; waited += 10) {
    const now = read();
    if (now && now.asked > before) return now.count;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error("the bot did not write its statement count");
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

function metric(samples: Map<string, number>, prefix: string): number {
  let sum = 0;
  for (const [k, v] of samples) if (k === prefix || k.startsWith(`${prefix}{`)) sum += v;
  return sum;
}

/** Updates the bot finished so far (albabot: its metrics; the reference answers when done). */
async function handledSoFar(kind: BotKind, i: Instance, answered: number): Promise<number> {
  if (kind === "reference") return answered;
  return metric(await scrape(i), "albabot_updates_handled_total");
}

/** Waits (at most 120 s) until albabot has no update in flight. */
async function drain(kind: BotKind, i: Instance): Promise<void> {
  if (kind === "reference") return;
  for (let k = 0; k < 6000; k++) {
    if (metric(await scrape(i), "albabot_updates_in_flight") === 0) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Sends the replay; `allAnswered` resolves when its last answer arrives. (autocannon's own
 * promise resolves at its next one-second tick after that: timed by it, a run of 2.01 s
 * would count as 3.)
 */
function load(url: string, replay: ReplayUpdates) {
  let answered = 0;
  let lastAnswer!: () => void;
  const allAnswered = new Promise<number>((resolve) => {
    lastAnswer = () => resolve(performance.now());
  });
  const result = autocannon({
    url,
    connections: CONNECTIONS,
    amount: replay.total,
    timeout: 60,
    requests: [
      {
        method: "POST",
        path: "/telegram",
        headers: { "content-type": "application/json", [SECRET_HEADER]: SECRET },
        setupRequest: (req) => ({ ...req, body: JSON.stringify(replay.next()) }),
        onResponse: () => {
          if (++answered === replay.total) lastAnswer();
        },
      },
    ],
  });
  return { result, allAnswered };
}

/** A seeded database that every run copies. */
interface Seeded {
  /** A fresh copy for one run: the bot's environment and how to read and drop it. */
  copy(): Promise<RunDatabase>;
  dispose(): Promise<void>;
}

interface RunDatabase {
  env: Record<string, string>;
  dbName?: string;
  /** Rows the run left: petitions filed and report entries completed (albabot's work done). */
  outcome(): Promise<string>;
  dispose(): Promise<void>;
}

const OUTCOME_SQL = `SELECT (SELECT count(*) FROM "Petition")::int AS petitions,
  (SELECT count(*) FROM "ReportEntry" WHERE completion IS NOT NULL)::int AS entries`;

async function seedPostgres(): Promise<Seeded> {
  const seedName = uniqueDatabaseName("webhook_seed");
  await withClient(PG_URL, (c) => c.query(`CREATE DATABASE "${seedName}"`));
  const db = await openDatabase({ url: urlOf(seedName) });
  for (const sql of seedOfficialsSql(SEEDED_OFFICIALS)) await db.prisma.$executeRawUnsafe(sql);
  await db.close();
  const drop = async (name: string) => {
    await withClient(PG_URL, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
  };
  return {
    async copy() {
      const dbName = uniqueDatabaseName("webhook");
      await withClient(PG_URL, (c) => c.query(`CREATE DATABASE "${dbName}" TEMPLATE "${seedName}"`));
      return {
        env: { DATABASE_URL: urlOf(dbName) },
        dbName,
        outcome: () =>
          withClient(urlOf(dbName), async (c) => {
            const r = (await c.query<{ petitions: number; entries: number }>(OUTCOME_SQL)).rows[0]!;
            return `${r.petitions} petitions, ${r.entries} entries`;
          }),
        dispose: () => drop(dbName),
      };
    },
    dispose: () => drop(seedName),
  };
}

async function seedPglite(): Promise<Seeded> {
  const seedDir = mkdtempSync(path.join(tmpdir(), "albabot-bench-webhook-seed-"));
  const db = await openDatabase({ dataDir: seedDir });
  for (const sql of seedOfficialsSql(SEEDED_OFFICIALS)) await db.prisma.$executeRawUnsafe(sql);
  await db.close();
  return {
    async copy() {
      const dir = mkdtempSync(path.join(tmpdir(), "albabot-bench-webhook-"));
      cpSync(path.join(seedDir, "db"), path.join(dir, "db"), { recursive: true });
      return {
        env: { DATA_DIR: dir },
        async outcome() {
          const lite = new PGlite(path.join(dir, "db"));
          try {
            const r = (await lite.query<{ petitions: number; entries: number }>(OUTCOME_SQL)).rows[0]!;
            return `${r.petitions} petitions, ${r.entries} entries`;
          } finally {
            await lite.close();
          }
        },
        dispose: async () => rmSync(dir, { recursive: true, force: true }),
      };
    },
    dispose: async () => rmSync(seedDir, { recursive: true, force: true }),
  };
}

/** The bot's warnings and errors of a run, counted by message (its log is JSON lines on stderr). */
function loggedProblems(stderr: string[]): string {
  const counts = new Map<string, number>();
  for (const line of stderr.join("").split("\n")) {
    if (!line.startsWith("{")) continue;
    try {
      const entry = JSON.parse(line) as { level?: number; msg?: string };
      if ((entry.level ?? 0) >= 40) counts.set(entry.msg ?? "?", (counts.get(entry.msg ?? "?") ?? 0) + 1);
    } catch {
      // not a log line
    }
  }
  return counts.size ? `; logged: ${[...counts].map(([msg, n]) => `${n}× "${msg}"`).join(", ")}` : "";
}

interface Figures {
  "updates/s": number;
  "p50 ms": number;
  "p99 ms": number;
  "Node CPU ms/upd": number;
  "PG CPU ms/upd": number;
  "SQL/upd": number;
  "API calls/upd": number;
  "peak RSS MB": number;
}

const FIGURES: (keyof Figures)[] = [
  "updates/s",
  "p50 ms",
  "p99 ms",
  "Node CPU ms/upd",
  "PG CPU ms/upd",
  "SQL/upd",
  "API calls/upd",
  "peak RSS MB",
];

async function oneRun(
  kind: BotKind,
  engine: Engine,
  seeded: Seeded,
  api: FakeBotApi,
  firstUpdateId: number,
): Promise<{ figures: Figures; note: string }> {
  const database = await seeded.copy();
  const workDir = mkdtempSync(path.join(tmpdir(), "albabot-bench-run-"));
  let instance: Instance | undefined;
  try {
    instance = await startInstance(kind, { ...database.env, TELEGRAM_API_ROOT: api.url }, workDir);
    const warm = new ReplayUpdates({
      citizens: WARM_CITIZENS,
      officials: WARM_OFFICIALS,
      firstChat: WARM_FIRST_CHAT,
      firstUpdateId,
      promptOf: promptOf(api.emulator),
    });
    const warmResult = await load(instance.url, warm).result; // JIT, pools, first-contact rows
    await drain(kind, instance);

    const replay = new ReplayUpdates({
      citizens: CITIZENS,
      officials: OFFICIALS,
      firstUpdateId: firstUpdateId + 1_000_000,
      promptOf: promptOf(api.emulator),
    });
    const pid = instance.child.pid!;
    const handled0 = await handledSoFar(kind, instance, warmResult["2xx"]);
    const stmts0 = await statements(instance);
    const pg0 = database.dbName ? cpuOf(await backendPids(database.dbName)) : new Map<number, number>();
    const cpu0 = cpuSeconds(pid);
    const calls0 = api.calls();
    const t0 = performance.now();
    const run = load(instance.url, replay);
    const bot = instance;
    // Until every update is handled: the last answer, then (albabot) nothing in flight.
    const finished = Promise.race([run.allAnswered, run.result.then(() => performance.now())]).then(
      async (at) => (kind === "reference" ? at : (await drain(kind, bot), performance.now())),
    );
    const [result, end] = await Promise.all([run.result, finished]);
    const elapsed = (end - t0) / 1000;
    const cpu = cpuSeconds(pid) - cpu0;
    const pgCpu = database.dbName ? cpuSince(pg0, await backendPids(database.dbName)) : 0;
    const handled = (await handledSoFar(kind, instance, warmResult["2xx"] + result["2xx"])) - handled0;
    const stmts = (await statements(instance)) - stmts0;
    const calls = api.calls() - calls0;
    const rss = peakRssMb(pid);
    await stopInstance(instance);
    const problems = result.non2xx + result.errors + result.timeouts;
    const note =
      `${engine} ${kind}: ${handled} of ${replay.total} updates handled` +
      (problems ? `, ${result.non2xx} non-2xx, ${result.errors + result.timeouts} errors/timeouts` : "") +
      (kind === "albabot" ? `; left ${await database.outcome()}` : "") +
      loggedProblems(instance.stderr);
    const per = (x: number) => (handled ? x / handled : 0);
    return {
      figures: {
        "updates/s": handled / elapsed,
        "p50 ms": result.latency.p50,
        "p99 ms": result.latency.p99,
        "Node CPU ms/upd": per(cpu * 1000),
        "PG CPU ms/upd": per(pgCpu * 1000),
        "SQL/upd": per(stmts),
        "API calls/upd": per(calls),
        "peak RSS MB": rss,
      },
      note,
    };
  } finally {
    if (instance) await stopInstance(instance);
    await database.dispose();
    rmSync(workDir, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

function fmt(key: keyof Figures, v: number): string {
  if (key === "updates/s" || key === "peak RSS MB") return v.toFixed(0);
  if (key === "p50 ms" || key === "p99 ms") return v.toFixed(0);
  return v.toFixed(2);
}

async function reachable(): Promise<boolean> {
  try {
    await withClient(PG_URL, async () => undefined);
    return true;
  } catch {
    return false;
  }
}

export async function run(): Promise<void> {
  const api = await startFakeBotApi();
  const wanted = (process.env.BENCH_WEBHOOK_ENGINES ?? "PostgreSQL,PGlite").split(",");
  const engines = ((await reachable()) ? ["PostgreSQL", "PGlite"] : ["PGlite"]).filter((e) =>
    wanted.includes(e),
  ) as Engine[];
  const perRound: Record<string, string | number>[] = [];
  const medians: Record<string, string | number>[] = [];
  const notes: string[] = [];
  let nextUpdateId = 1;
  try {
    for (const engine of engines) {
      const seeded = engine === "PostgreSQL" ? await seedPostgres() : await seedPglite();
      const runs: Record<BotKind, Figures[]> = { albabot: [], reference: [] };
      try {
        for (let round = 1; round <= ROUNDS; round++) {
          for (const kind of ["albabot", "reference"] as BotKind[]) {
            const r = await oneRun(kind, engine, seeded, api, nextUpdateId);
            nextUpdateId += 10_000_000;
            runs[kind].push(r.figures);
            notes.push(`round ${round}, ${r.note}`);
            perRound.push({
              engine,
              round,
              bot: kind,
              ...Object.fromEntries(FIGURES.map((k) => [k, fmt(k, r.figures[k])])),
              load: loadavg()[0]!.toFixed(1),
            });
          }
          const a = runs.albabot.at(-1)!;
          const b = runs.reference.at(-1)!;
          perRound.push({
            engine,
            round,
            bot: "ratio",
            ...Object.fromEntries(FIGURES.map((k) => [k, b[k] ? (a[k] / b[k]).toFixed(2) : "-"])),
            load: "",
          });
        }
      } finally {
        await seeded.dispose();
      }
      const med = (kind: BotKind, k: keyof Figures) => median(runs[kind].map((f) => f[k]));
      for (const kind of ["albabot", "reference"] as BotKind[]) {
        medians.push({
          engine,
          bot: kind,
          ...Object.fromEntries(FIGURES.map((k) => [k, fmt(k, med(kind, k))])),
        });
      }
      medians.push({
        engine,
        bot: "ratio",
        ...Object.fromEntries(
          FIGURES.map((k) => [
            k,
            med("reference", k) ? (med("albabot", k) / med("reference", k)).toFixed(2) : "-",
          ]),
        ),
      });
    }
  } finally {
    await new Promise((r) => api.server.close(r));
  }
  console.log(
    `${ROUNDS} rounds, albabot and the reference interleaved; per run ${CITIZENS} citizen + ${OFFICIALS} ` +
      `official chats through their whole scripts (${MEASURES_PER_PLAN} measures per plan), ` +
      `${CONNECTIONS} connections, after a warm-up on ${WARM_CITIZENS + WARM_OFFICIALS} other chats. ` +
      `${cpus().length} cores; load average at the end ${loadavg()[0]!.toFixed(1)}.`,
  );
  console.log("\nEach run:");
  printTable(perRound);
  console.log("\nMedian of the rounds (ratio = albabot / reference):");
  printTable(medians);
  for (const n of notes) console.log(n);
  console.log(
    "Node CPU includes the database on PGlite (PG CPU is then 0). SQL/upd: statements sent by the bot\n" +
      "process per handled update, BEGIN and COMMIT included.",
  );
}
