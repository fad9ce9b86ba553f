/**
 * The statistics workbook prints whole: long names wrap in columns wide enough, every row
 * is as tall as its text, pages are A4 one page wide with the heading row repeated; and its
 * file name never ends in a dash, in either language.
 */
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { quarterLabel } from "../../src/charts/labels.js";
import { translator } from "../../src/i18n.js";
import { PetitionService } from "../../src/petitions/petition-service.js";
import { quarterRange } from "../../src/petitions/statistics.js";
import { statisticsFileName, statisticsXlsx } from "../../src/petitions/statistics-export.js";
import { ManualClock } from "../../src/shared/clock.js";
import { linesIn } from "../../src/shared/xlsx-layout.js";
import { useTestDatabase } from "../support/db.js";
import { makeOffice } from "../petitions/fixtures.js";

describe("the statistics workbook in print", () => {
  const db = useTestDatabase();

  it("names the file without a trailing dash", () => {
    const mn = translator("mn");
    const en = translator("en");
    expect(statisticsFileName("orgodol-statistik", quarterLabel(mn, 2026, 4))).toBe(
      "orgodol-statistik-2026-IV.xlsx",
    );
    expect(statisticsFileName("petition-statistics", quarterLabel(en, 2026, 1))).toBe(
      "petition-statistics-Q1-2026.xlsx",
    );
    expect(statisticsFileName("orgodol-statistik", "2026 оны")).toBe("orgodol-statistik-2026.xlsx");
    expect(statisticsFileName("orgodol-statistik", "жил")).toBe("orgodol-statistik.xlsx");
  });

  it("wraps long names in wide columns, sizes every row and prints one page wide", async () => {
    const { prisma } = db();
    const o = await makeOffice(prisma);
    const svc = new PetitionService({ prisma, clock: new ManualClock("2026-03-31T02:00:00Z") });
    const stats = await svc.statistics(o.clerk.actor, { orgId: o.org.id, ...quarterRange(2026, 1) });
    const t = translator("mn");
    const org = {
      ...o.org,
      name: "Сэлэнгэ аймгийн Засаг даргын Тамгын газрын Өргөдөл, гомдол хүлээн авах алба",
    };
    const data = await statisticsXlsx(stats, { t, locale: "mn" }, { org, period: quarterLabel(t, 2026, 1) });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(data as never);
    expect(wb.worksheets.length).toBeGreaterThan(1);
    for (const ws of wb.worksheets) {
      expect(ws.pageSetup, ws.name).toMatchObject({
        paperSize: 9,
        fitToPage: true,
        fitToWidth: 1,
        fitToHeight: 0,
      });
      const widths = ws.columns.map((c) => c.width ?? 9);
      ws.eachRow((row) => {
        row.eachCell((cell, col) => {
          if (typeof cell.value !== "string" || cell.isMerged) return;
          const width = widths[col - 1] ?? 9;
          const lines = linesIn(cell.value, width, Boolean(row.font?.bold));
          if (lines > 1) {
            // Text longer than its column wraps, and the row is tall enough for it.
            expect(cell.alignment?.wrapText, `${ws.name} ${cell.address}`).toBe(true);
            expect(row.height ?? 0, `${ws.name} ${cell.address}`).toBeGreaterThanOrEqual(lines * 15);
          }
        });
      });
    }
    const summary = wb.worksheets[0] as ExcelJS.Worksheet;
    let orgRow: ExcelJS.Row | undefined;
    summary.eachRow((row) => {
      if (row.getCell(2).value === org.name) orgRow = row;
    });
    expect(orgRow?.getCell(2).alignment?.wrapText).toBe(true);
    expect(orgRow?.height ?? 0).toBeGreaterThanOrEqual(2 * 15);
    expect(wb.worksheets[1]?.pageSetup.printTitlesRow).toBe("1:1");
  });
});
