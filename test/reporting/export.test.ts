import ExcelJS from "exceljs";
import JSZip from "jszip";
import { beforeEach, describe, expect, it } from "vitest";
import { ReportExport } from "../../src/reporting/export.js";
import { ReportService } from "../../src/reporting/report-service.js";
import { ReviewService } from "../../src/reporting/review-service.js";
import { ManualClock } from "../../src/shared/clock.js";
import { DomainError } from "../../src/shared/errors.js";
import { useTestDatabase } from "../support/db.js";
import { createPlan, MIXED_PLAN, seedWorld, type World } from "./fixtures.js";

async function documentText(docx: Buffer): Promise<string> {
  const zip = await JSZip.loadAsync(docx);
  const xml = await zip.file("word/document.xml")?.async("string");
  if (!xml) throw new Error("no word/document.xml");
  return [...xml.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)]
    .map((m) => m[1])
    .join("\n")
    .replaceAll("&quot;", '"')
    .replaceAll("&amp;", "&");
}

describe("report export", () => {
  const db = useTestDatabase();
  let w: World;
  let exporter: ReportExport;
  let reportId: number;

  beforeEach(async () => {
    const { prisma } = db();
    w = await seedWorld(prisma);
    const clock = new ManualClock("2026-06-10T02:00:00Z");
    const reports = new ReportService({ prisma, clock });
    exporter = new ReportExport({ prisma, clock });
    await createPlan(prisma, w.orgId, w.people.official, 2026, MIXED_PLAN);
    const r = await reports.openReport(w.actors.official);
    const answers: Record<
      string,
      {
        achieved?: string;
        narrative?: string;
        completion?: number;
        dates?: string;
        notDue?: { reason: string };
      }
    > = {
      "1.1": {
        achieved: "92",
        narrative:
          "Төрийн албаны тухай хууль, Хөдөлмөрийн тухай хуулийг 85 албан хаагчдад танилцуулан ажиллаж байна.",
        completion: 100,
      },
      "1.2": { achieved: "4 удаа", narrative: "Мэдээг улирал бүр нэгтгэж хүргүүлсэн.", completion: 100 },
      "1.3": { achieved: "тийм", completion: 100, dates: "2026.01.05-03.20" },
      "1.4": { narrative: "Журмын төслийг боловсруулж байна.", completion: 60 },
      "2.1": { achieved: "1", narrative: "Мэргэшүүлэх багц сургалтад 1 удаа хамрагдсан.", completion: 50 },
      "2.2": { notDue: { reason: "III улиралд шилжсэн." } },
    };
    for (const e of r.entries)
      await reports.saveAnswer(w.actors.official, r.id, e.measureId, answers[e.number] ?? {});
    await reports.addTask(w.actors.official, r.id, {
      title: "Аймгийн Засаг даргын захирамжийн төсөл боловсруулах",
      result: "Төслийг хууль зүйн хяналтад хүргүүлсэн.",
      completion: 100,
    });
    await reports.submit(w.actors.official, r.id);
    await new ReviewService({ prisma, clock }).approve(w.actors.adminHead, r.id);
    reportId = r.id;
  });

  it("writes a DOCX in seed 000's layout that holds the measures, answers and signatures", async () => {
    const file = await exporter.docx(w.actors.official, reportId);
    expect(file.fileName).toBe("report-2026-H1-E103.docx");
    expect(file.mimeType).toContain("wordprocessingml");
    expect(file.data.subarray(0, 2).toString()).toBe("PK");
    const text = await documentText(file.data);
    for (const expected of [
      "ТӨРИЙН ЗАХИРГААНЫ УДИРДЛАГЫН ХЭЛТСИЙН ХҮНИЙ НӨӨЦ, ӨРГӨДӨЛ ГОМДОЛ ХАРИУЦСАН АХЛАХ МЭРГЭЖИЛТЭН Н.ВАНСЭМБЭРҮҮГИЙН 2026 ОНЫ ХАГАС ЖИЛИЙН ГҮЙЦЭТГЭЛИЙН ТАЙЛАН",
      "Нэг. Гүйцэтгэлийн зорилт, арга хэмжээний биелэлт",
      "Д/Д",
      "Зорилтыг хэрэгжүүлэх арга хэмжээ",
      "Шалгуур үзүүлэлт",
      "Суурь түвшин",
      "Хүрэх түвшин",
      "Хүрсэн түвшин (Биелэлт)",
      "Эхэлсэн, дууссан хугацаа",
      "Биелэлтийн хувь",
      "Зорилт 1. “Хүний нөөцийн бодлогыг хэрэгжүүлж, хүний нөөцийн манлайллаар хангана.”",
      "Хүний нөөцийн чиглэлээр гарсан хууль тогтоомжийн хэрэгжилтийг хангана.",
      "92%",
      "Төрийн албаны тухай хууль, Хөдөлмөрийн тухай хуулийг 85 албан хаагчдад танилцуулан ажиллаж байна.",
      "2026.01-12",
      "2026.01.05-03.20",
      "Гүйцэтгэлийн түвшин",
      "Энэ үед хамаарахгүй. Шалтгаан: III улиралд шилжсэн.",
      "Нэмэлт үүрэг даалгавар (арга хэмжээ)-ын биелэлт",
      "Аймгийн Засаг даргын захирамжийн төсөл боловсруулах",
      "Хоёр. Мэдлэг, ур чадвараа дээшлүүлэх зорилт, арга хэмжээний биелэлт",
      "Мэргэшүүлэх сургалтад хамрагдана.",
      "Нийт биелэлт: 68.3%",
      "ТАЙЛАН ГАРГАСАН:",
      "..................... / Н.Вансэмбэрүү /",
      "ХЯНАСАН:",
      "..................... / Б.Мөнхбат /",
      "2026.06.10",
    ]) {
      expect(text, expected).toContain(expected);
    }
    // Section one comes before the additional tasks, and those before section two.
    expect(text.indexOf("Нэг.")).toBeLessThan(text.indexOf("Нэмэлт үүрэг"));
    expect(text.indexOf("Нэмэлт үүрэг")).toBeLessThan(text.indexOf("Хоёр."));
  });

  it("writes the same table as XLSX, and in English on request", async () => {
    const file = await exporter.xlsx(w.actors.adminHead, reportId, "en");
    expect(file.fileName).toBe("report-2026-H1-E103-en.xlsx");
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(file.data as never);
    const ws = wb.getWorksheet("Report");
    const cells: string[] = [];
    ws?.eachRow((row) => {
      row.eachCell((c) => {
        cells.push(String(c.value));
      });
    });
    expect(cells[0]).toBe(
      "Н.ВАНСЭМБЭРҮҮ, ХҮНИЙ НӨӨЦ, ӨРГӨДӨЛ ГОМДОЛ ХАРИУЦСАН АХЛАХ МЭРГЭЖИЛТЭН, ТӨРИЙН ЗАХИРГААНЫ УДИРДЛАГЫН ХЭЛТЭС: HALF-YEAR 2026 PERFORMANCE REPORT",
    );
    for (const expected of [
      "Achieved (result)",
      "Хүний нөөцийн чиглэлээр гарсан хууль тогтоомжийн хэрэгжилтийг хангана.",
      "Журмын төслийг боловсруулж байна.",
      "Not due in this period. Reason: III улиралд шилжсэн.",
      "Overall completion: 68.3%",
    ]) {
      expect(
        cells.some((c) => c.includes(expected)),
        expected,
      ).toBe(true);
    }
    expect(cells).toContain("60");
  });

  it("is for the official, their head and the evaluation team only", async () => {
    expect((await exporter.docx(w.actors.evaluator, reportId)).data.length).toBeGreaterThan(1000);
    for (const [key, code] of [
      ["colleague", "common:errors.forbidden"],
      ["otherHead", "common:errors.notFound"],
    ] as const) {
      await expect(exporter.docx(w.actors[key], reportId)).rejects.toSatisfy(
        (e: unknown) => e instanceof DomainError && e.key === code,
      );
    }
  });

  it("lays the DOCX table out as seed 000: the levels heading over three columns, fixed widths, borders", async () => {
    const file = await exporter.docx(w.actors.official, reportId);
    const zip = await JSZip.loadAsync(file.data);
    const xml = (await zip.file("word/document.xml")?.async("string")) ?? "";
    const table = xml.slice(xml.indexOf("<w:tbl>"), xml.indexOf("</w:tbl>"));
    expect(table).toContain('<w:tblLayout w:type="fixed"/>');
    const grid = [...table.matchAll(/<w:gridCol w:w="(\d+)"\/>/g)].map((m) => Number(m[1]));
    expect(grid).toHaveLength(8);
    // The first heading row: six cells, "Гүйцэтгэлийн түвшин" spanning three columns, the
    // others merged down over the second heading row.
    const rows = table.split("</w:tr>");
    const first = rows[0] ?? "";
    expect(first.split("<w:tc>").length - 1).toBe(6);
    const levels = first.split("<w:tc>").find((c) => c.includes("Гүйцэтгэлийн түвшин")) ?? "";
    expect(levels).toContain('<w:gridSpan w:val="3"/>');
    expect(first.match(/<w:vMerge w:val="restart"\/>/g)).toHaveLength(5);
    const second = rows[1] ?? "";
    for (const h of ["Суурь түвшин", "Хүрэх түвшин", "Хүрсэн түвшин (Биелэлт)"]) expect(second).toContain(h);
    expect(second.match(/<w:vMerge(?: w:val="continue")?\/>/g)).toHaveLength(5);
    // Every cell has its borders drawn.
    expect(table.split("<w:tc>").length - 1).toBe(table.split("<w:tcBorders>").length - 1);
    // No word of a narrow column is wider than the column (10-point Times New Roman: at
    // most about 110 twips a Cyrillic letter, 130 in bold, 100 a digit, 50 a stop, plus
    // 160 of cell margins).
    const words = (texts: string[]) => texts.flatMap((x) => x.split(/\s+/)).filter(Boolean);
    const twips = (word: string, bold: boolean) =>
      [...word].reduce((n, c) => n + (/\d/.test(c) ? 100 : /[.,:]/.test(c) ? 50 : bold ? 130 : 110), 0);
    const longest = (texts: string[], bold = false) =>
      Math.max(0, ...words(texts).map((x) => twips(x, bold)));
    const body = (i: number) =>
      [...table.matchAll(/<w:tr>([\s\S]*?)<\/w:tr>/g)]
        .slice(3)
        .map((m) => [...(m[1] ?? "").matchAll(/<w:tc>([\s\S]*?)<\/w:tc>/g)])
        .filter((cells) => cells.length === 8)
        .map((cells) =>
          [...(cells[i]?.[1] ?? "").matchAll(/<w:t[^>]*>([^<]*)<\/w:t>/g)].map((t) => t[1] ?? "").join(" "),
        );
    const headings = [
      "Д/Д",
      "",
      "Шалгуур үзүүлэлт",
      "Суурь түвшин",
      "Хүрэх түвшин",
      "",
      "Эхэлсэн, дууссан хугацаа",
      "Биелэлтийн хувь",
    ];
    for (const i of [0, 2, 3, 4, 6, 7]) {
      const need = Math.max(longest(body(i)), longest([headings[i] ?? ""], true)) + 160;
      expect(need, `column ${i + 1}`).toBeLessThanOrEqual(grid[i] ?? 0);
    }
    expect(body(4)).toContain("92%");
  });

  it("gives every XLSX row a height and every table cell a border; prints one page wide", async () => {
    const file = await exporter.xlsx(w.actors.official, reportId);
    expect(file.fileName).toBe("report-2026-H1-E103.xlsx");
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(file.data as never);
    const ws = wb.getWorksheet("Тайлан");
    if (!ws) throw new Error("no sheet");
    expect(ws.pageSetup).toMatchObject({
      orientation: "landscape",
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
    });
    expect(ws.pageSetup.printTitlesRow).toMatch(/^\d+:\d+$/);
    let top = 0;
    ws.eachRow((row, n) => {
      if (row.getCell(4).value === "Гүйцэтгэлийн түвшин") top = n;
    });
    expect(top).toBeGreaterThan(0);
    expect(ws.getCell(top, 4).isMerged).toBe(true);
    expect(ws.getCell(top, 6).master.address).toBe(ws.getCell(top, 4).address);
    expect(ws.getCell(top + 1, 2).master.address).toBe(ws.getCell(top, 2).address);
    expect(ws.getCell(top + 1, 5).value).toBe("Хүрэх түвшин");
    let measured = 0;
    ws.eachRow((row) => {
      const texts: string[] = [];
      row.eachCell((c) => {
        texts.push(String(c.value ?? ""));
      });
      if (texts.join("").trim() === "") return;
      expect(row.height, texts.join(" | ").slice(0, 80)).toBeGreaterThanOrEqual(19);
      measured++;
    });
    expect(measured).toBeGreaterThan(15);
    // The long narrative of 1.1 gets a row tall enough for its lines in its 56-wide column.
    let narrativeRow = 0;
    ws.eachRow((row, n) => {
      if (String(row.getCell(6).value ?? "").includes("85 албан хаагчдад")) narrativeRow = n;
    });
    const row = ws.getRow(narrativeRow);
    expect(row.height).toBeGreaterThanOrEqual(3 * 15);
    for (let c = 1; c <= 8; c++) expect(row.getCell(c).border?.left?.style, `cell ${c}`).toBe("thin");
    expect(row.getCell(7).value).toBe("2026.01-12");
  });
});
