/**
 * The V8 settings the bot starts with, from its configuration (set by main.ts before the
 * database opens, so they apply to everything it compiles).
 */
import type { Config } from "./config.js";

export function v8FlagsFor(
  config: Pick<Config, "HEAP_GROWTH_PERCENT" | "WASM_OPTIMIZE" | "DATABASE_URL">,
): string[] {
  const flags: string[] = [];
  if (config.HEAP_GROWTH_PERCENT > 0) flags.push(`--heap-growing-percent=${config.HEAP_GROWTH_PERCENT}`);
  const optimize = config.WASM_OPTIMIZE === "auto" ? !config.DATABASE_URL : config.WASM_OPTIMIZE === "always";
  // WebAssembly then stays in its first, quickly compiled form (V8's Liftoff).
  if (!optimize) flags.push("--liftoff-only");
  return flags;
}
