/**
 * Short forms of button labels for Messenger's 20-character quick replies, from
 * locales/<lang>/messenger.json `short`: a tree mirroring the keys of the long labels
 * (`short.petitionsBot.summary.editAddress` is the short form of
 * `petitionsBot:summary.editAddress`). Looked up by the long label's text, in any language.
 */
import { getI18n, LOCALES } from "../i18n.js";

let shortByLabel: Map<string, string> | undefined;

function walk(node: unknown, path: string[], visit: (path: string[], value: string) => void): void {
  if (typeof node === "string") visit(path, node);
  else if (node && typeof node === "object") {
    for (const [k, v] of Object.entries(node)) walk(v, [...path, k], visit);
  }
}

export function shortLabel(label: string): string | undefined {
  if (!shortByLabel) {
    const map = new Map<string, string>();
    const i18n = getI18n();
    for (const lng of LOCALES) {
      const t = i18n.getFixedT(lng);
      const tree = i18n.getResourceBundle(lng, "messenger")?.short;
      walk(tree, [], (path, value) => {
        const [ns, ...rest] = path;
        if (!ns || rest.length === 0) return;
        const long = t(`${ns}:${rest.join(".")}`);
        if (long && long !== rest.join(".")) map.set(long, value);
      });
    }
    shortByLabel = map;
  }
  return shortByLabel.get(label);
}
