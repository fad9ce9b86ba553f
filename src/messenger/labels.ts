/**
 * Short forms of button labels for Messenger's 20-character quick replies, from
 * locales/<lang>/messenger.json `short`: a tree mirroring the keys of the long labels
 * (`short.petitionsBot.summary.editAddress` is the short form of
 * `petitionsBot:summary.editAddress`). Looked up by the long label's text, in any language.
 */
import { getI18n, LOCALES } from "../i18n.js";

let shortByLabel: Map<string, string> | undefined;
let overrideByText: Map<string, string> | undefined;
let skipped: Map<string, string> | undefined;

function walk(node: unknown, path: string[], visit: (path: string[], value: string) => void): void {
  if (typeof node === "string") visit(path, node);
  else if (node && typeof node === "object") {
    for (const [k, v] of Object.entries(node)) walk(v, [...path, k], visit);
  }
}

/** long text → Messenger form, from a tree of messenger.json mirroring the keys of the long texts. */
function reverseMap(section: "short" | "override" | "skip"): Map<string, string> {
  const map = new Map<string, string>();
  const i18n = getI18n();
  for (const lng of LOCALES) {
    const t = i18n.getFixedT(lng);
    const tree = i18n.getResourceBundle(lng, "messenger")?.[section];
    walk(tree, [], (path, value) => {
      const [ns, ...rest] = path;
      if (!ns || rest.length === 0) return;
      const long = t(`${ns}:${rest.join(".")}`);
      if (long && long !== rest.join(".")) map.set(long, value);
    });
  }
  return map;
}

export function shortLabel(label: string): string | undefined {
  shortByLabel ??= reverseMap("short");
  return shortByLabel.get(label);
}

/**
 * The Messenger wording of a text written for Telegram (messenger.json `override`, e.g. the
 * phone step names Telegram's button under the input field); "" for a text listed in `skip`
 * (a Telegram-only hint), which is not sent.
 */
export function messengerText(text: string): string | undefined {
  overrideByText ??= reverseMap("override");
  skipped ??= reverseMap("skip");
  return skipped.has(text) ? "" : overrideByText.get(text);
}
