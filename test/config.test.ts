import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, webhookConcurrency } from "../src/config.js";
import { v8FlagsFor } from "../src/runtime-flags.js";

describe("config", () => {
  it("lets the heap grow 25% past its live data unless told otherwise", () => {
    expect(loadConfig({}).HEAP_GROWTH_PERCENT).toBe(25);
    expect(loadConfig({ HEAP_GROWTH_PERCENT: "0" }).HEAP_GROWTH_PERCENT).toBe(0);
  });

  it("names a bad HEAP_GROWTH_PERCENT", () => {
    for (const bad of ["abc", "-1", "1000", "2.5"]) {
      expect(() => loadConfig({ HEAP_GROWTH_PERCENT: bad })).toThrow(ConfigError);
      expect(() => loadConfig({ HEAP_GROWTH_PERCENT: bad })).toThrow(/HEAP_GROWTH_PERCENT/);
    }
  });

  it("optimises WebAssembly on the embedded database only, unless told otherwise", () => {
    const pg = { DATABASE_URL: "postgresql://albabot@db.example.mn/albabot" };
    expect(v8FlagsFor(loadConfig({}))).toEqual(["--heap-growing-percent=25"]);
    expect(v8FlagsFor(loadConfig(pg))).toEqual(["--heap-growing-percent=25", "--liftoff-only"]);
    expect(v8FlagsFor(loadConfig({ ...pg, WASM_OPTIMIZE: "always" }))).toEqual(["--heap-growing-percent=25"]);
    expect(v8FlagsFor(loadConfig({ WASM_OPTIMIZE: "never", HEAP_GROWTH_PERCENT: "0" }))).toEqual([
      "--liftoff-only",
    ]);
  });

  it("names a bad WASM_OPTIMIZE", () => {
    expect(() => loadConfig({ WASM_OPTIMIZE: "sometimes" })).toThrow(/WASM_OPTIMIZE/);
  });

  it("handles 20 updates at once against PostgreSQL and 10 on the embedded database, unless told", () => {
    const pg = { DATABASE_URL: "postgresql://albabot@db.example.mn/albabot" };
    expect(webhookConcurrency(loadConfig({}))).toBe(10);
    expect(webhookConcurrency(loadConfig({ WEBHOOK_CONCURRENCY: "" }))).toBe(10);
    expect(webhookConcurrency(loadConfig(pg))).toBe(20);
    expect(webhookConcurrency(loadConfig({ ...pg, WEBHOOK_CONCURRENCY: "8" }))).toBe(8);
    expect(webhookConcurrency(loadConfig({ WEBHOOK_CONCURRENCY: "30" }))).toBe(30);
    expect(() => loadConfig({ WEBHOOK_CONCURRENCY: "0" })).toThrow(/WEBHOOK_CONCURRENCY/);
  });
});
