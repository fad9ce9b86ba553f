// Generates the Prisma client into src/generated/prisma.
// `prisma generate` would try to download the native schema engine, which it does not
// need for generating; pointing PRISMA_SCHEMA_ENGINE_BINARY at a no-op stops that.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const cli = require.resolve("prisma/build/index.js");
const noop = process.platform === "win32" ? "cmd.exe" : "/bin/false";
const result = spawnSync(process.execPath, [cli, "generate"], {
  stdio: "inherit",
  env: {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? noop,
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
    CHECKPOINT_DISABLE: "1",
  },
});
process.exit(result.status ?? 1);
