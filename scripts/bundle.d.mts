/** The bundle of `entry` (a path from the project's root), built if needed; null when it cannot be. */
export function bundleFor(entry: string, name: string, envVar: string): Promise<string | null>;
/** Runs `entry` from its bundle, or through tsx when there is none. */
export function runBundled(entry: string, name: string, envVar: string): Promise<void>;
