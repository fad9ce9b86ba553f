/**
 * `npm run bench` runs every benchmark module bench/<name>.bench.ts in turn;
 * `npm run bench -- <name> [<name>…]` runs the named ones. A module exports
 * `run(): Promise<void>` and prints a small table of figures. Benchmarks measure; they
 * never assert timings.
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

interface BenchModule {
  run(): Promise<void>;
}

const dir = path.dirname(fileURLToPath(import.meta.url));
const available = readdirSync(dir)
  .filter((f) => f.endsWith(".bench.ts"))
  .map((f) => f.slice(0, -".bench.ts".length))
  .sort();

async function main() {
  const wanted = process.argv.slice(2).filter((a) => a !== "--");
  const unknown = wanted.filter((w) => !available.includes(w));
  if (unknown.length > 0) {
    console.error(`Unknown benchmark: ${unknown.join(", ")}. Available: ${available.join(", ")}`);
    process.exit(2);
  }
  const names = wanted.length > 0 ? wanted : available;
  for (const name of names) {
    console.log(`\n== ${name} ==`);
    const mod = (await import(pathToFileURL(path.join(dir, `${name}.bench.ts`)).href)) as BenchModule;
    const started = performance.now();
    await mod.run();
    console.log(`(${name}: ${((performance.now() - started) / 1000).toFixed(1)} s)`);
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
