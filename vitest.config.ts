import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/support/global-setup.ts"],
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Each file opens its own database; two at a time fit the 2-core machines.
    maxWorkers: 2,
    env: { TZ: "UTC", LOG_LEVEL: "silent" },
  },
});
