// Runs an entry of the project (src/main.ts for `npm start`, src/cli/index.ts for
// `npm run cli`) from a bundle built with esbuild, rather than transpiled module by module
// by tsx at every start. Besides the start-up, the bundle is plain JavaScript as written:
// tsx also wraps every function the code creates in a call that keeps its name, which a
// busy bot pays on every update, and keeps esbuild and source maps in the process's memory.
//
// The bundle is kept in node_modules/.cache/albabot-<name>/<checkout>/ and rebuilt when a
// file it was built from has changed (its size or modification time), so an edit to src/ or
// a new package version is picked up by the next start. When it cannot be built (esbuild
// missing, a read-only folder, a syntax error), the entry runs through tsx as before.
//
// Packages that find their own files at run time (WebAssembly, fonts, native add-ons), and
// packages a module loads with import(), stay outside the bundle and load from node_modules.
//
// <ENV>=0 runs through tsx, <ENV>=rebuild rebuilds the bundle, where <ENV> is the entry's
// switch (ALBABOT_BUNDLE for the bot, ALBABOT_CLI_BUNDLE for the command-line tool).
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";

const ROOT = path.resolve(import.meta.dirname, "..");
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

function readManifest(b) {
  try {
    return JSON.parse(readFileSync(b.manifestPath, "utf8"));
  } catch {
    return null;
  }
}

/** The bundle's entry when every file it was built from is as it was then. */
function freshEntry(b, manifest) {
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
  return path.join(b.cacheDir, manifest.build, "index.js");
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

async function build(b) {
  const { build: esbuild } = await import("esbuild");
  const id = `${Date.now().toString(36)}-${process.pid}`;
  const outdir = path.join(b.cacheDir, id);
  mkdirSync(outdir, { recursive: true });
  const result = await esbuild({
    absWorkingDir: ROOT,
    entryPoints: { index: b.entry },
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
  const tmp = `${b.manifestPath}.${id}`;
  writeFileSync(tmp, JSON.stringify({ format: FORMAT, node: process.version, build: id, inputs }));
  renameSync(tmp, b.manifestPath);
  // Earlier builds are kept an hour, for a command still running from one.
  for (const name of readdirSync(b.cacheDir)) {
    if (name === id || name === "manifest.json") continue;
    const old = path.join(b.cacheDir, name);
    try {
      if (Date.now() - statSync(old).mtimeMs > 3_600_000) rmSync(old, { recursive: true, force: true });
    } catch {
      // another command removed it
    }
  }
  return path.join(outdir, "index.js");
}

/**
 * The bundle of `entry` (a path from the project's root), built now if it is missing or
 * older than a file it was built from; null when it cannot be built or `envVar` is "0".
 */
export async function bundleFor(entry, name, envVar) {
  const cacheDir = path.join(
    ROOT,
    `node_modules/.cache/albabot-${name}`,
    createHash("sha256").update(`${ROOT}\0${entry}`).digest("hex").slice(0, 12),
  );
  const b = { entry, cacheDir, manifestPath: path.join(cacheDir, "manifest.json") };
  const mode = process.env[envVar];
  if (mode === "0") return null;
  if (mode !== "rebuild") {
    const fresh = freshEntry(b, readManifest(b));
    if (fresh) return fresh;
  }
  try {
    return await build(b);
  } catch (err) {
    if (debug)
      process.stderr.write(`(running through tsx: the bundle could not be built: ${err?.message ?? err})\n`);
    return null;
  }
}

/** Runs `entry` from its bundle, or through tsx when there is none. */
export async function runBundled(entry, name, envVar) {
  const bundle = await bundleFor(entry, name, envVar);
  if (bundle) {
    if (debug) process.setSourceMapsEnabled(true);
    await import(pathToFileURL(bundle).href);
  } else {
    const { register } = await import("tsx/esm/api");
    register();
    await import(pathToFileURL(path.join(ROOT, entry)).href);
  }
}
