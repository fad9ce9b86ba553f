/**
 * Import results and row errors as lines of text in the reader's language (the command
 * line uses English; the bot the admin's language).
 */
import type { TFunction } from "i18next";
import type { RowError } from "../shared/errors.js";
import type { ImportResult, SectionCounts } from "./import.js";
import type { Section } from "./import-schema.js";
import { SECTIONS } from "./import-schema.js";

/** "People, row 5, «unit»: Unknown unit code "X"." or "Line 12, organizations[0].people[3].unit: ..." */
export function describeRowError(e: RowError, t: TFunction): string {
  const message = t(e.key, { ...e.params });
  const sheet = e.params?.sheet;
  const at =
    typeof sheet === "string"
      ? e.column
        ? t("directory:import.at.sheetColumn", { sheet, row: e.row, column: e.column })
        : t("directory:import.at.sheet", { sheet, row: e.row })
      : e.column
        ? t("directory:import.at.lineColumn", { row: e.row, column: e.column })
        : t("directory:import.at.line", { row: e.row });
  return `${at}: ${message}`;
}

function sectionName(s: Section, t: TFunction): string {
  const names: Record<Section, string> = {
    units: t("directory:import.section.units"),
    positions: t("directory:import.section.positions"),
    people: t("directory:import.section.people"),
    topics: t("directory:import.section.topics"),
    routing: t("directory:import.section.routing"),
    calendar: t("directory:import.section.calendar"),
  };
  return names[s];
}

function counts(c: SectionCounts, t: TFunction): string {
  return t("directory:import.summary.counts", { ...c });
}

export function summarizeImport(result: ImportResult, t: TFunction): string[] {
  const lines: string[] = [];
  for (const o of result.organizations) {
    const outcome = {
      created: t("directory:import.outcome.created"),
      updated: t("directory:import.outcome.updated"),
      unchanged: t("directory:import.outcome.unchanged"),
    }[o.organization];
    lines.push(t("directory:import.summary.org", { slug: o.slug, name: o.name, outcome }));
    for (const s of SECTIONS) {
      const c = o.sections[s];
      if (c.created + c.updated + c.unchanged === 0) continue;
      lines.push(`  ${sectionName(s, t)}: ${counts(c, t)}`);
    }
    for (const s of ["units", "positions", "people", "topics"] as const) {
      const codes = o.notInFile[s];
      if (codes.length === 0) continue;
      lines.push(
        `  ${t("directory:import.summary.notInFile", { section: sectionName(s, t), codes: codes.join(", ") })}`,
      );
    }
    if (o.notInFile.routing > 0) {
      lines.push(`  ${t("directory:import.summary.rulesNotInFile", { count: o.notInFile.routing })}`);
    }
    if (o.deactivated.people.length > 0 || o.deactivated.topics.length > 0) {
      const codes = [...o.deactivated.people, ...o.deactivated.topics].join(", ");
      lines.push(`  ${t("directory:import.summary.deactivated", { codes })}`);
    }
    if (o.deactivated.routing > 0) {
      lines.push(`  ${t("directory:import.summary.rulesRemoved", { count: o.deactivated.routing })}`);
    }
  }
  lines.push(t("directory:import.summary.total", { ...result.totals }));
  return lines;
}
