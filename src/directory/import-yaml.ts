/**
 * Reads a YAML directory file. Errors point at the line of the offending value (or of the
 * nearest enclosing item when the value is missing) and name its path, e.g.
 * `organizations[0].people[3].unit`.
 */
import { isNode, LineCounter, parseDocument } from "yaml";
import type { RowError } from "../shared/errors.js";
import type { DirectorySource, ParsedDirectoryFile } from "./import-schema.js";

export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) {
    if (typeof p === "number") out += `[${p}]`;
    else out += out === "" ? String(p) : `.${String(p)}`;
  }
  return out;
}

export function parseDirectoryYaml(text: string): ParsedDirectoryFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });

  const source: DirectorySource = {
    locate(path) {
      for (let n = path.length; n >= 0; n--) {
        const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n) as unknown[], true);
        if (isNode(node) && node.range) {
          return { row: lineCounter.linePos(node.range[0]).line, column: formatPath(path) };
        }
      }
      return { row: 1, column: formatPath(path) };
    },
  };

  const errors: RowError[] = doc.errors.map((e) => ({
    row: lineCounter.linePos(e.pos[0]).line,
    key: "directory:import.yamlSyntax",
    params: { message: e.message.split("\n")[0] },
  }));
  const data = errors.length === 0 ? doc.toJS({ maxAliasCount: 100 }) : undefined;
  return { format: "yaml", data, source, errors };
}
