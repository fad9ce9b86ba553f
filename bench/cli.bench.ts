/**
 * Operator commands as the operator runs them: `npm run cli -- <command>`, a fresh process
 * each time, on the embedded database (PGlite) in a DATA_DIR prepared once with
 * `npm run cli -- demo`. Each command runs BENCH_CLI_RUNS times (default 5), the commands
 * taking turns; printed per command: the median and the longest wall time from start to
 * exit, and the median CPU time of the process tree (npm, the shell and node; Linux only).
 *
 * Also printed: one start after the bundle of the command-line tool had to be rebuilt (the
 * first command after a change to src/ does that, see scripts/cli.mjs), and the machine's
 * load average, since wall times on a busy machine say more about the machine than the tool.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { PROJECT_ROOT } from "../src/db/schema-engine.js";
import { printTable } from "./support/databases.js";

const RUNS = Number(process.env.BENCH_CLI_RUNS ?? 5);

/** CPU seconds used by this process' waited-for children (and theirs), from /proc. */
function childrenCpu(): number | null {
  try {
    const stat = readFileSync("/proc/self/stat", "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[13]) + Number(fields[14])) / 100; // cutime, cstime in clock ticks
  } catch {
    return null;
  }
}

async function npmRun(
  args: string[],
  env: Record<string, string>,
): Promise<{ wall: number; cpu: number | null }> {
  const cpu0 = childrenCpu();
  const t0 = performance.now();
  const child = spawn("npm", ["run", "--silent", "cli", "--", ...args], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, DATABASE_URL: "", LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  const wall = (performance.now() - t0) / 1000;
  if (code !== 0)
    throw new Error(`npm run cli -- ${args.join(" ")} exited with ${code}: ${stderr.slice(-2000)}`);
  const cpu1 = childrenCpu();
  return { wall, cpu: cpu0 === null || cpu1 === null ? null : cpu1 - cpu0 };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const secs = (x: number) => x.toFixed(2);
const load = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(" ");

export async function run(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), "albabot-bench-cli-"));
  try {
    const env = { DATA_DIR: path.join(dir, "data") };
    const out = (name: string) => path.join(dir, name);
    console.log(`load average before: ${load()} (${RUNS} runs per command)`);
    const rebuild = await npmRun(["help"], { ...env, ALBABOT_CLI_BUNDLE: "rebuild" });
    await npmRun(["demo"], env); // the prepared DATA_DIR: a migrated database with the demo organisations

    const commands: [string, string[]][] = [
      ["invite vansemberuu --org demo-aimag", ["invite", "vansemberuu", "--org", "demo-aimag"]],
      ["plan template out.xlsx", ["plan", "template", out("plan.xlsx"), "--force"]],
      ["directory template out.xlsx", ["directory", "template", out("directory.xlsx"), "--force"]],
      ["help", ["help"]],
    ];
    const times = new Map(commands.map(([label]) => [label, { wall: [] as number[], cpu: [] as number[] }]));
    for (let i = 0; i < RUNS; i++) {
      for (const [label, args] of commands) {
        const r = await npmRun(args, env);
        times.get(label)!.wall.push(r.wall);
        if (r.cpu !== null) times.get(label)!.cpu.push(r.cpu);
      }
    }
    printTable(
      commands.map(([label]) => {
        const t = times.get(label)!;
        return {
          command: `npm run cli -- ${label}`,
          "median s": secs(median(t.wall)),
          "max s": secs(Math.max(...t.wall)),
          "CPU median s": t.cpu.length ? secs(median(t.cpu)) : "—",
        };
      }),
    );
    console.log(
      `first start after a change (the bundle rebuilt): npm run cli -- help in ${secs(rebuild.wall)} s` +
        (rebuild.cpu !== null ? ` (CPU ${secs(rebuild.cpu)} s)` : ""),
    );
    console.log(`load average after: ${load()}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
