import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.js";

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
});
