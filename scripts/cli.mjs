// `npm run cli -- <command>` starts here: src/cli/index.ts and everything it imports, run
// from a bundle (scripts/bundle.mjs). ALBABOT_CLI_BUNDLE=0 runs it through tsx,
// ALBABOT_CLI_BUNDLE=rebuild rebuilds the bundle.
import v8 from "node:v8";
import { runBundled } from "./bundle.mjs";

// A command runs for a second or two: the embedded database's WebAssembly (and Prisma's) runs
// as V8 first compiles it. Optimising it in the background as well costs more CPU than the
// command itself and holds the process at exit until done.
v8.setFlagsFromString("--liftoff-only");

await runBundled("src/cli/index.ts", "cli", "ALBABOT_CLI_BUNDLE");
