import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import ExcelJS from "exceljs";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import "../../src/cli/statistics-commands.js";
import { quarterLabel } from "../../src/charts/labels.js";
import { runCli } from "../../src/cli/run.js";
import { loadConfig } from "../../src/config.js";
import { translator } from "../../src/i18n.js";
import { PetitionService } from "../../src/petitions/petition-service.js";
import { quarterRange } from "../../src/petitions/statistics.js";
import {
  STATISTICS_CHART_SIZE,
  statisticsChartPng,
  statisticsChartSvg,
  statisticsXlsx,
} from "../../src/petitions/statistics-export.js";
import { ManualClock } from "../../src/shared/clock.js";
import { useTestDatabase } from "../support/db.js";
import { draft, makeCitizen, makeOffice, type Office } from "../petitions/fixtures.js";
import { expectPng, saveArtifact, svgTexts } from "./support.js";

type Rows = (string | number | null)[][];

/** Every sheet as rows of values (merged cells read once, empty cells null). */
async function readWorkbook(buffer: Buffer): Promise<Map<string, Rows>> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buffer as unknown as ArrayBuffer);
  const sheets = new Map<string, Rows>();
  wb.eachSheet((ws) => {
    const rows: Rows = [];
    for (let r = 1; r <= ws.rowCount; r++) {
      const row = ws.getRow(r);
      const values: (string | number | null)[] = [];
      for (let c = 1; c <= ws.columnCount; c++) {
        const cell = row.getCell(c);
        const v = cell.isMerged && cell.master !== cell ? null : cell.value;
        values.push(v === undefined || v === null || v === "" ? null : (v as string | number));
      }
      while (values.length && values.at(-1) === null) values.pop();
      rows.push(values);
    }
    sheets.set(ws.name, rows);
  });
  return sheets;
}

describe("petition statistics as a workbook and a chart", () => {
  const db = useTestDatabase();
  let clock: ManualClock;
  let svc: PetitionService;
  let o: Office;
  const tmp = mkdtempSync(path.join(tmpdir(), "albabot-charts-"));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  beforeEach(async () => {
    clock = new ManualClock("2026-01-05T02:00:00Z");
    svc = new PetitionService({ prisma: db().prisma, clock });
    o = await makeOffice(db().prisma);
  });

  /**
   * Q1 2026 in Ulaanbaatar, six petitions received:
   * A bot request (welfare) 5 Jan, answered 15 Jan: on time, 10 days, rated 5
   * B bot complaint (welfare, routed to the officer) 10 Jan, answered 12 Feb: late, 33 days, rated 2
   * C bot suggestion (other) 1 Feb, forwarded 3 Feb
   * D written request (land) from a company 10 Feb: open, overdue since 12 Mar
   * E 11-11 criticism (no topic) 20 Mar: open, not yet due
   * F anonymous bot gratitude (no topic) 1 Mar, withdrawn 2 Mar
   */
  async function knownQuarter() {
    const { prisma } = db();
    const citizen = await makeCitizen(prisma);
    const at = (iso: string) => clock.set(iso);
    const assign = (id: number) => svc.assign(o.clerk.actor, id, { personId: o.welfareOfficer.personId });
    const answer = (id: number) =>
      svc.answer(o.welfareOfficer.actor, id, { text: "Хүсэлтийн дагуу шийдвэрлэлээ." });

    at("2026-01-05T02:00:00Z");
    const a = await svc.submitFromCitizen(citizen.id, draft(o.org.id, { topicId: o.topics.welfare.id }));
    await assign(a.id);
    at("2026-01-10T02:00:00Z");
    const b = await svc.submitFromCitizen(
      citizen.id,
      draft(o.org.id, { topicId: o.topics.welfare.id, kind: "COMPLAINT" }),
    );
    at("2026-01-15T05:00:00Z");
    await answer(a.id);
    await svc.rate(citizen.id, a.id, 5);
    at("2026-02-01T02:00:00Z");
    const c = await svc.submitFromCitizen(
      citizen.id,
      draft(o.org.id, { topicId: o.topics.other.id, kind: "SUGGESTION" }),
    );
    at("2026-02-03T02:00:00Z");
    await svc.forward(o.clerk.actor, c.id, {
      toName: "Сүхбаатар сумын ЗДТГ",
      reason: "Сумын эрх хэмжээний асуудал.",
    });
    at("2026-02-11T02:00:00Z");
    await svc.registerByStaff(o.clerk.actor, {
      channel: "WRITTEN",
      receivedAt: "2026-02-10",
      senderType: "LEGAL_ENTITY",
      kind: "REQUEST",
      topicId: o.topics.land.id,
      text: "Үйлдвэрийн зориулалттай газар олгох хүсэлт.",
      petitionerName: "Сэлэнгэ Трейд ХХК",
      phone: "70361234",
      address: "Сүхбаатар сум, 1-р баг",
    });
    at("2026-02-12T09:00:00Z");
    await answer(b.id);
    await svc.rate(citizen.id, b.id, 2);
    at("2026-03-01T02:00:00Z");
    const f = await svc.submitFromCitizen(
      citizen.id,
      draft(o.org.id, { kind: "GRATITUDE", anonymous: true, petitionerName: "", phone: "" }),
    );
    at("2026-03-02T02:00:00Z");
    await svc.withdraw(citizen.id, f.id);
    at("2026-03-20T02:00:00Z");
    await svc.registerByStaff(o.clerk.actor, {
      channel: "GOV_11_11",
      receivedAt: "2026-03-20",
      kind: "CRITICISM",
      text: "Үйлчилгээний ажилтан иргэдэд хүндэтгэлгүй хандаж байна.",
      petitionerName: "Ч.Баатар",
      phone: "95112233",
    });
    at("2026-04-05T02:00:00Z");
    return svc.statistics(o.clerk.actor, { orgId: o.org.id, ...quarterRange(2026, 1) });
  }

  it("writes the exact figures into the workbook, headed in Mongolian", async () => {
    const stats = await knownQuarter();
    expect(stats).toMatchObject({
      received: { total: 6 },
      resolved: { total: 2, onTime: 1, late: 1 },
      forwarded: 1,
      withdrawn: 1,
      open: { total: 2, overdue: 1 },
      onTimeRate: 50,
      resolutionRate: 50,
      averageDaysToResolve: 21.5,
      satisfaction: { average: 3.5, count: 2 },
    });
    const t = translator("mn");
    const xlsx = await statisticsXlsx(
      stats,
      { t, locale: "mn" },
      { org: o.org, period: quarterLabel(t, 2026, 1) },
    );
    saveArtifact("petition-statistics.mn.xlsx", xlsx);
    const sheets = await readWorkbook(xlsx);
    expect([...sheets.keys()]).toEqual(["Нэгтгэл", "Төрлөөр", "Ирсэн хэлбэрээр", "Сэдвээр", "Гаргагчаар"]);
    expect(sheets.get("Нэгтгэл")).toEqual([
      ["Өргөдөл, гомдлын шийдвэрлэлтийн мэдээ"],
      ["Байгууллага", "Сэлэнгэ аймгийн Засаг даргын Тамгын газар"],
      ["Хамрах хугацаа", "2026 оны I улирал (2026.01.01–2026.03.31)"],
      ["Тооцсон огноо: 2026.03.31"],
      [],
      ["Үзүүлэлт", "Дүн"],
      ["Нийт ирсэн", 6],
      ["Шийдвэрлэж, хариу өгсөн", 2],
      ["Хугацаандаа", 1],
      ["Хугацаа хэтрүүлж", 1],
      ["Харьяаллын дагуу шилжүүлсэн", 1],
      ["Буцаан авсан", 1],
      ["Хяналтад байгаа", 2],
      ["Хугацаа хэтэрсэн", 1],
      ["Хугацаандаа шийдвэрлэсэн хувь (%)", 50],
      ["Шийдвэрлэлтийн хувь (%)", 50],
      ["Шийдвэрлэсэн дундаж хоног", 21.5],
      ["Иргэдийн сэтгэл ханамж (1–5 оноо)", 3.5],
      ["Үнэлгээний тоо", 2],
    ]);
    expect(sheets.get("Төрлөөр")).toEqual([
      ["Төрөл", "Тоо", "Эзлэх хувь (%)"],
      ["Өргөдөл", 2, 33.3],
      ["Гомдол", 1, 16.7],
      ["Санал хүсэлт", 1, 16.7],
      ["Шүүмжлэл", 1, 16.7],
      ["Талархал", 1, 16.7],
      ["Бүгд", 6, 100],
    ]);
    expect(sheets.get("Ирсэн хэлбэрээр")).toEqual([
      ["Ирсэн хэлбэр", "Тоо", "Эзлэх хувь (%)"],
      ["Чатбот", 4, 66.7],
      ["Facebook Messenger-ээр", 0, 0],
      ["Бичгээр", 1, 16.7],
      ["Биечлэн, амаар", 0, 0],
      ["Утсаар", 0, 0],
      ["Цахим шуудангаар", 0, 0],
      ["11-11 төвөөр", 1, 16.7],
      ["Бусад", 0, 0],
      ["Бүгд", 6, 100],
    ]);
    expect(sheets.get("Сэдвээр")).toEqual([
      ["Сэдэв", "Код", "Тоо", "Эзлэх хувь (%)"],
      ["Нийгмийн халамж", "HALAMJ", 2, 33.3],
      ["Сэдэвгүй", null, 2, 33.3],
      ["Бусад", "BUSAD", 1, 16.7],
      ["Газар олголт", "GAZAR", 1, 16.7],
      ["Бүгд", null, 6, 100],
    ]);
    expect(sheets.get("Гаргагчаар")).toEqual([
      ["Гаргагч", "Тоо", "Эзлэх хувь (%)"],
      ["Иргэн", 5, 83.3],
      ["Хуулийн этгээд", 1, 16.7],
      ["Төрийн албан хаагч", 0, 0],
      ["Бүгд", 6, 100],
    ]);
    // No personal data: no names, phones or texts of the petitions.
    const everything = JSON.stringify([...sheets.values()]);
    for (const personal of ["Б.Болд", "9911", "Сэлэнгэ Трейд", "Ч.Баатар", "хүндэтгэлгүй", "тэтгэвр"]) {
      expect(everything).not.toContain(personal);
    }
  });

  it("heads the workbook in English, with the English names, and marks what cannot be computed", async () => {
    const stats = await knownQuarter();
    const t = translator("en");
    const sheets = await readWorkbook(
      await statisticsXlsx(stats, { t, locale: "en" }, { org: o.org, period: quarterLabel(t, 2026, 1) }),
    );
    expect([...sheets.keys()]).toEqual(["Summary", "By kind", "By channel", "By topic", "By sender"]);
    expect(sheets.get("Summary")?.slice(0, 7)).toEqual([
      ["Petition statistics"],
      ["Organisation", "Selenge Governor's Office"],
      ["Period", "Q1 2026 (2026.01.01–2026.03.31)"],
      ["Figures as of 2026.03.31"],
      [],
      ["Indicator", "Value"],
      ["Received", 6],
    ]);
    expect(sheets.get("By topic")?.[1]).toEqual(["Social welfare", "HALAMJ", 2, 33.3]);

    // A quarter with nothing received: zeros, and "—" where a rate has no base.
    const empty = await svc.statistics(o.clerk.actor, { orgId: o.org.id, ...quarterRange(2025, 4) });
    const none = await readWorkbook(await statisticsXlsx(empty, { t, locale: "en" }, { org: o.org }));
    const summary = new Map(
      none
        .get("Summary")
        ?.slice(6)
        .map((r) => [r[0], r[1]]),
    );
    expect(summary.get("Received")).toBe(0);
    expect(summary.get("Resolved on time (%)")).toBe("—");
    expect(summary.get("Average days to resolve")).toBe("—");
    expect(summary.get("Satisfaction (score 1–5)")).toBe("—");
    expect(none.get("Summary")?.[2]).toEqual(["Period", "2025.10.01–2025.12.31"]);
    expect(none.get("By kind")?.[1]).toEqual(["Request", 0, "—"]);
  });

  it("draws the chart with the labels in the user's language", async () => {
    const stats = await knownQuarter();
    for (const locale of ["mn", "en"] as const) {
      const t = translator(locale);
      const lang = { t, locale };
      const heading = { org: o.org, period: quarterLabel(t, 2026, 1) };
      const svg = await statisticsChartSvg(stats, lang, heading);
      const texts = svgTexts(svg);
      const png = await statisticsChartPng(stats, lang, heading);
      expectPng(png, STATISTICS_CHART_SIZE);
      saveArtifact(`petition-statistics.${locale}.png`, png);
      if (locale === "mn") {
        for (const label of [
          "Өргөдөл, гомдлын шийдвэрлэлт — нийт ирсэн 6",
          "Төрлөөр",
          "Ирсэн хэлбэрээр",
          "Шийдвэрлэлт",
          "Өргөдөл",
          "Талархал",
          "11-11 төвөөр",
          "Хугацаандаа: 1",
          "Хугацаа хэтрүүлж: 1",
          "Харьяаллын дагуу шилжүүлсэн: 1",
          "Хяналтад, хугацаа хэтэрсэн: 1",
        ]) {
          expect(texts).toContain(label);
        }
        expect(texts.join("\n")).toContain("Сэлэнгэ аймгийн Засаг даргын Тамгын газар · 2026 оны I улирал");
        expect(texts.join("\n")).toContain("Хугацаандаа шийдвэрлэсэн: 50%");
      } else {
        for (const label of [
          "Petitions and how they were resolved — 6 received",
          "By channel",
          "Chatbot",
          "Late: 1",
        ]) {
          expect(texts).toContain(label);
        }
      }
    }
  });

  it("draws a quarter with nothing received", async () => {
    const t = translator("mn");
    const empty = await svc.statistics(o.clerk.actor, { orgId: o.org.id, ...quarterRange(2026, 1) });
    const png = await statisticsChartPng(empty, { t, locale: "mn" }, { org: o.org });
    expectPng(png, STATISTICS_CHART_SIZE);
  });

  it("prints the figures and writes both files from the command line", async () => {
    await knownQuarter();
    const out: string[] = [];
    const err: string[] = [];
    const xlsx = path.join(tmp, "q1.xlsx");
    const png = path.join(tmp, "q1.png");
    const cli = (argv: string[]) =>
      runCli(argv, {
        config: loadConfig({}),
        clock,
        openDb: async () => ({ ...db(), close: async () => {} }),
        out: (l) => out.push(l),
        err: (l) => err.push(l),
      });
    const code = await cli([
      "petitions",
      "stats",
      "--org",
      "selenge",
      "--year",
      "2026",
      "--quarter",
      "1",
      "--out",
      xlsx,
      "--chart",
      png,
      "--lang",
      "en",
    ]);
    expect({ code, err }).toEqual({ code: 0, err: [] });
    expect(out.slice(0, 4)).toEqual([
      "Сэлэнгэ аймгийн Засаг даргын Тамгын газар — Q1 2026",
      "  Received: 6",
      "  Resolved and answered: 2",
      "    On time: 1",
    ]);
    expect(out.slice(-2)).toEqual([`Wrote ${xlsx}`, `Wrote ${png}`]);
    expect((await readWorkbook(readFileSync(xlsx))).get("Summary")?.[6]).toEqual(["Received", 6]);
    expectPng(readFileSync(png), STATISTICS_CHART_SIZE);

    out.length = 0;
    expect(await cli(["petitions", "stats", "--org", "nowhere", "--year", "2026", "--quarter", "1"])).toBe(1);
    expect(err[0]).toBe('No organisation with the slug "nowhere".');
    err.length = 0;
    expect(await cli(["petitions", "stats", "--org", "selenge", "--year", "2026", "--quarter", "5"])).toBe(1);
    expect(err[0]).toBe("--quarter takes a whole number from 1 to 4.");
    err.length = 0;
    expect(
      await cli([
        "petitions",
        "stats",
        "--org",
        "selenge",
        "--year",
        "2026",
        "--quarter",
        "1",
        "--out",
        "x.csv",
      ]),
    ).toBe(1);
    expect(err[0]).toBe("--out takes a .xlsx file.");
  });
});
