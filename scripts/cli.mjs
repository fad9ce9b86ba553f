// `npm run cli -- <command>` starts here.
//
// The command-line tool (src/cli/index.ts and everything it imports) runs from a bundle
// built with esbuild, rather than being transpiled module by module on every start. The
// bundle is kept in node_modules/.cache/albabot-cli/<checkout>/ and rebuilt when a file it
// was built from has changed (its size or modification time), so an edit to src/ or a new
// package version is picked up by the next command. When it cannot be built (esbuild
// missing, a read-only folder, a syntax error), the tool runs through tsx as before.
//
// Packages that find their own files at run time (WebAssembly, fonts, native add-ons), and
// packages a module loads with import(), stay outside the bundle and load from node_modules.
//
// ALBABOT_CLI_BUNDLE=0 runs through tsx; ALBABOT_CLI_BUNDLE=rebuild rebuilds the bundle.
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import v8 from "node:v8";

// A command runs for a second or two: the embedded database's WebAssembly (and Prisma's) runs
// as V8 first compiles it. Optimising it in the background as well costs more CPU than the
// command itself and holds the process at exit until done.
v8.setFlagsFromString("--liftoff-only");

const ROOT = path.resolve(import.meta.dirname, "..");
const ENTRY = "src/cli/index.ts";
const EXTERNAL = [
  "@electric-sql/pglite",
  "@electric-sql/pglite/*",
  "pglite-prisma-adapter",
  "@prisma/*",
  "prisma",
  "pg",
  "pg-native",
  "@resvg/*",
  "@expo-google-fonts/*",
  "vega",
  "vega-lite",
  "grammy",
  "@grammyjs/*",
];
/** Bumped when the manifest's layout changes. */
const FORMAT = 1;
const debug = process.env.LOG_LEVEL === "debug" || process.env.LOG_LEVEL === "trace";

const cacheDir = path.join(
  ROOT,
  "node_modules/.cache/albabot-cli",
  createHash("sha256").update(ROOT).digest("hex").slice(0, 12),
);
const manifestPath = path.join(cacheDir, "manifest.json");

function readManifest() {
  try {
    return JSON.parse(readFileSync(manifestPath, "utf8"));
  } catch {
    return null;
  }
}

/** The bundle's entry when every file it was built from is as it was then. */
function freshEntry(manifest) {
  if (!manifest || manifest.format !== FORMAT || manifest.node !== process.version) return null;
  for (const [file, [size, mtime]] of Object.entries(manifest.inputs)) {
    let st;
    try {
      st = statSync(path.join(ROOT, file));
    } catch {
      return null;
    }
    if (st.size !== size || st.mtimeMs !== mtime) return null;
  }
  return path.join(cacheDir, manifest.build, "index.js");
}

/**
 * A file's own import.meta.url and import.meta.dirname, written in as constants: the bundled
 * code finds the project's files (locales, migrations, the schema) as it does unbundled.
 */
const ownLocation = {
  name: "own-location",
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, async (args) => {
      const code = (await readFile(args.path, "utf8"))
        .replaceAll("import.meta.dirname", JSON.stringify(path.dirname(args.path)))
        .replaceAll("import.meta.url", JSON.stringify(pathToFileURL(args.path).href));
      return { contents: code, loader: "ts" };
    });
  },
};

/**
 * Prisma's query compiler comes as a module holding the WebAssembly in base64 (4.5 MB of
 * source to parse on every start). The bundle keeps the bytes in a file beside it and reads
 * them when the first query needs them; the module still exports the same `wasm` string.
 */
function wasmBeside(outdir) {
  const require = createRequire(path.join(ROOT, "package.json"));
  return {
    name: "wasm-beside",
    setup(build) {
      build.onResolve({ filter: /\.wasm-base64\.mjs$/ }, (args) => ({
        path: require.resolve(args.path),
        namespace: "wasm-beside",
      }));
      build.onLoad({ filter: /.*/, namespace: "wasm-beside" }, async (args) => {
        const { wasm } = await import(pathToFileURL(args.path).href);
        const file = path.basename(args.path).replace(/-base64\.mjs$/, "");
        writeFileSync(path.join(outdir, file), Buffer.from(wasm, "base64"));
        return {
          contents:
            `import { readFileSync } from "node:fs";\n` +
            `export const wasm = readFileSync(new URL(${JSON.stringify(`./${file}`)}, import.meta.url)).toString("base64");\n`,
          loader: "js",
          resolveDir: ROOT,
          watchFiles: [args.path],
        };
      });
    },
  };
}

/**
 * A package loaded with import() stays outside: Node then gives a CommonJS package's named
 * exports as it does unbundled (a split bundle would give only its default export).
 */
const dynamicPackagesOutside = {
  name: "dynamic-packages-outside",
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) =>
      args.kind === "dynamic-import" ? { path: args.path, external: true } : undefined,
    );
  },
};

async function build() {
  const { build: esbuild } = await import("esbuild");
  const id = `${Date.now().toString(36)}-${process.pid}`;
  const outdir = path.join(cacheDir, id);
  mkdirSync(outdir, { recursive: true });
  const result = await esbuild({
    absWorkingDir: ROOT,
    entryPoints: { index: ENTRY },
    outdir,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: `node${process.versions.node.split(".")[0]}`,
    external: EXTERNAL,
    // Bundled CommonJS packages call require(): give them Node's, resolving from the project.
    banner: {
      js: `import { createRequire as __albabotRequire } from "node:module"; const require = __albabotRequire(${JSON.stringify(pathToFileURL(path.join(ROOT, "package.json")).href)});`,
    },
    sourcemap: "linked",
    metafile: true,
    logLevel: "silent",
    plugins: [ownLocation, wasmBeside(outdir), dynamicPackagesOutside],
  });
  const inputs = {};
  // This file too: a change to how the bundle is built rebuilds it.
  const files = [path.relative(ROOT, import.meta.filename), ...Object.keys(result.metafile.inputs)];
  for (const file of files) {
    const real = file.startsWith("wasm-beside:") ? path.relative(ROOT, file.slice(12)) : file;
    try {
      const st = statSync(path.join(ROOT, real));
      inputs[real] = [st.size, st.mtimeMs];
    } catch {
      // not a file
    }
  }
  const tmp = `${manifestPath}.${id}`;
  writeFileSync(tmp, JSON.stringify({ format: FORMAT, node: process.version, build: id, inputs }));
  renameSync(tmp, manifestPath);
  // Earlier builds are kept an hour, for a command still running from one.
  for (const name of readdirSync(cacheDir)) {
    if (name === id || name === "manifest.json") continue;
    const old = path.join(cacheDir, name);
    try {
      if (Date.now() - statSync(old).mtimeMs > 3_600_000) rmSync(old, { recursive: true, force: true });
    } catch {
      // another command removed it
    }
  }
  return path.join(outdir, "index.js");
}

async function bundleEntry() {
  const mode = process.env.ALBABOT_CLI_BUNDLE;
  if (mode === "0") return null;
  if (mode !== "rebuild") {
    const fresh = freshEntry(readManifest());
    if (fresh) return fresh;
  }
  try {
    return await build();
  } catch (err) {
    if (debug)
      process.stderr.write(`(running through tsx: the bundle could not be built: ${err?.message ?? err})\n`);
    return null;
  }
}

const entry = await bundleEntry();
if (entry) {
  if (debug) process.setSourceMapsEnabled(true);
  await import(pathToFileURL(entry).href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import(pathToFileURL(path.join(ROOT, ENTRY)).href);
}
