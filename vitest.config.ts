import { BaseSequencer, type TestSpecification } from "vitest/node";
import { defineConfig } from "vitest/config";

/** The longest files (the browser test, the CLI as processes) start first, so the end is not one of them alone. */
const LONG_FIRST = /\/test\/(e2e|cli)\//;

class LongFilesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    return [
      ...sorted.filter((f) => LONG_FIRST.test(f.moduleId)),
      ...sorted.filter((f) => !LONG_FIRST.test(f.moduleId)),
    ];
  }
}

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/support/global-setup.ts"],
    pool: "forks",
    // A worker process runs file after file: the modules (Prisma, grammY, the services)
    // are imported once per worker, not once per file. Each file still opens its own
    // database (test/support/db.ts).
    isolate: false,
    sequence: { sequencer: LongFilesFirst },
    // Limits against hangs, not timings: a test on a busy shared machine (a fresh database
    // migrated, an app started) may take many times its usual time and still be right.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // Each file opens its own database; two at a time fit the 2-core machines.
    maxWorkers: 2,
    env: { TZ: "UTC", LOG_LEVEL: "silent" },
  },
});
