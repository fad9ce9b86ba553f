// `npm start` starts here: src/main.ts and everything it imports, run from a bundle
// (scripts/bundle.mjs). ALBABOT_BUNDLE=0 runs it through tsx, ALBABOT_BUNDLE=rebuild
// rebuilds the bundle.
import { runBundled } from "./bundle.mjs";

await runBundled("src/main.ts", "main", "ALBABOT_BUNDLE");
