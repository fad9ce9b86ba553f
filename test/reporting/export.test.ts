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
      { achieved?: string; narrative?: string; completion?: number; skipped?: boolean }
    > = {
      "1.1": {
        achieved: "92",
        narrative:
          "Төрийн албаны тухай хууль, Хөдөлмөрийн тухай хуулийг 85 албан хаагчдад танилцуулан ажиллаж байна.",
        completion: 100,
      },
      "1.2": { achieved: "4 удаа", narrative: "Мэдээг улирал бүр нэгтгэж хүргүүлсэн.", completion: 100 },
      "1.3": { achieved: "тийм", completion: 100 },
      "1.4": { narrative: "Журмын төслийг боловсруулж байна.", completion: 60 },
      "2.1": { achieved: "1", narrative: "Мэргэшүүлэх багц сургалтад 1 удаа хамрагдсан.", completion: 50 },
      "2.2": { skipped: true },
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
      "Нэмэлт үүрэг даалгавар (арга хэмжээ)-ын биелэлт",
      "Аймгийн Засаг даргын захирамжийн төсөл боловсруулах",
      "Хоёр. Мэдлэг, ур чадвараа дээшлүүлэх зорилт, арга хэмжээний биелэлт",
      "Мэргэшүүлэх сургалтад хамрагдана.",
      "Энэ үед хамаарахгүй",
      "Нийт биелэлт: 82%",
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
    expect(file.fileName).toBe("report-2026-H1-E103.xlsx");
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
      "Not due in this period",
      "Overall completion: 82%",
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
});
