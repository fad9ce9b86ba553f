import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/support/global-setup.ts"],
    pool: "forks",
    // Limits against hangs, not timings: a test on a busy shared machine (a fresh database
    // migrated, an app started) may take many times its usual time and still be right.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // Each file opens its own database; two at a time fit the 2-core machines.
    maxWorkers: 2,
    env: { TZ: "UTC", LOG_LEVEL: "silent" },
  },
});
