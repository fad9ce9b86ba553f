/**
 * The head's side of reports in the chat: the notification's buttons (open, approve,
 * return with a comment, rate with the reason rule), the returned report reopening with the
 * comment and its resubmission, exports as documents, the unit list, the evaluation
 * overview, and forged or foreign buttons.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import JSZip from "jszip";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../src/db/schema-engine.js";
import { ManualClock } from "../../src/shared/clock.js";
import { createTestBot, type TestBot } from "../support/chat.js";
import { useTestDatabase } from "../support/db.js";
import { linkTelegram, seedOrganization, TG } from "../support/fixtures.js";
import {
  actorOfChat,
  approvedPlan,
  IN_Q1_2026,
  Script,
  sendFile,
  submitThroughService,
  XLSX_MIME,
} from "./report-helpers.js";

describe("reviewing reports in the chat", () => {
  const db = useTestDatabase();

  async function setup() {
    const { prisma } = db();
    const fx = await seedOrganization(prisma);
    for (const [tg, person] of [
      [TG.official, fx.people.official],
      [TG.official2, fx.people.official2],
      [TG.head, fx.people.head],
      [TG.orgHead, fx.people.orgHead],
      [TG.evaluator, fx.people.evaluator],
      [TG.otherOrgClerk, fx.people.otherOrgClerk],
    ] as const) {
      await linkTelegram(prisma, tg, person.id);
    }
    const tb = await createTestBot(db(), { clock: new ManualClock(IN_Q1_2026) });
    const official = tb.chat({ id: TG.official });
    const head = tb.chat({ id: TG.head });
    await approvedPlan(tb, official, head);
    return {
      prisma,
      fx,
      tb,
      official,
      head,
      official2: tb.chat({ id: TG.official2 }),
      orgHead: tb.chat({ id: TG.orgHead }),
      evaluator: tb.chat({ id: TG.evaluator }),
      stranger: tb.chat({ id: TG.otherOrgClerk }),
    };
  }

  function lastDocument(tb: TestBot, chatId: number) {
    const m = tb.emulator
      .messages(chatId)
      .filter((x) => x.from === "bot" && x.file?.kind === "document")
      .at(-1);
    return { name: m?.file?.name, data: tb.emulator.file(m?.file?.fileId ?? "")?.data };
  }

  async function docxText(data: Buffer | undefined): Promise<string> {
    const zip = await JSZip.loadAsync(data ?? Buffer.alloc(0));
    return (await zip.file("word/document.xml")?.async("string")) ?? "";
  }

  it(
    "return with a comment, the official sees it first and resubmits; approve, rate, export",
    { timeout: 120_000 },
    async () => {
      const { prisma, tb, official, head } = await setup();
      const reportId = await submitThroughService(tb, TG.official, 80);
      await tb.deliverOutbox();
      expect(head.lastText()).toContain(
        "submitted the First quarter 2026 performance report. Completion: 80%, suggested rating: Good.",
      );

      // Open: the whole report, compactly, with what the head may do.
      await head.press("📄 Open the report");
      let out = head.text();
      expect(out).toContain("📊 <b>Н.Ванчинсэмбэрүү</b>: First quarter 2026 performance report");
      expect(out).toContain("Status: Submitted · completion 80% · suggested rating: Good");
      expect(out).toContain("<b>Goal 1. Хүний нөөцийн бодлогыг хэрэгжүүлж");
      expect(out).toContain("🎯 92% → 95% · 80%");
      expect(out).toContain("1.3: 46 албан хаагчид танилцуулж, 12 удаа зөвлөгөө өгсөн.");
      expect(head.buttonTexts()).toEqual(["✅ Approve", "↩️ Return", "⭐ Rate", "📄 DOCX", "📊 XLSX"]);

      // Return with a comment, two hours later (notifications wait out the quiet hours).
      tb.clock.advance(2 * 3600_000);
      await head.press("↩️ Return");
      expect(head.text()).toContain(
        "Why do you return the First quarter 2026 report of <b>Н.Ванчинсэмбэрүү</b>?",
      );
      await head.sendSticker();
      expect(head.text()).toContain("Please answer with text here.");
      await head.send("1.2-т хамрагдсан албан хаагчдын тоог бичнэ үү.");
      expect(head.text()).toContain("Returned to Н.Ванчинсэмбэрүү with your comment.");
      expect((await prisma.report.findUniqueOrThrow({ where: { id: reportId } })).status).toBe("RETURNED");

      // The official: the notification, then the report opens with the comment first.
      await tb.deliverOutbox();
      expect(official.lastText()).toContain(
        "was returned for changes.\nComment: 1.2-т хамрагдсан албан хаагчдын тоог бичнэ үү.",
      );
      tb.clock.advance(3 * 3600_000);
      const s = new Script(official);
      out = await s.press("📄 Open the report");
      const first = official.replies()[0]?.text ?? "";
      expect(first).toContain("Your head returned the report.");
      expect(first).toContain("Comment: 1.2-т хамрагдсан албан хаагчдын тоог бичнэ үү.");
      expect(out).toContain("Summary: First quarter 2026");
      await s.press("✏️ 1.2");
      await s.send("4 удаа");
      await s.send("4 удаа сургалт зохион байгуулж, 52 албан хаагч хамрагдсан нь өмнөх улирлаас 7-оор их.");
      expect(official.text()).toContain("When did the work start and end?");
      await s.press(official.buttonTexts()[0] as string);
      await s.press("✔️ 100%");
      out = await s.press("✅ Done");
      expect(out).toContain("Overall completion: <b>84%</b>");
      await s.press("📤 Submit");
      out = await s.press("📤 Submit");
      expect(out).toContain("Your First quarter 2026 report is submitted. Overall completion: 84%");
      s.print("A returned report, changed and submitted again");

      // The head approves (from the new notification), then rates.
      await tb.deliverOutbox();
      expect(head.lastText()).toContain("Completion: 84%, suggested rating: Good.");
      await head.press("✅ Approve");
      expect(head.text()).toContain("Approved: the First quarter 2026 report of Н.Ванчинсэмбэрүү.");
      expect(head.buttonTexts()).toEqual(["⭐ Rate", "📄 DOCX", "📊 XLSX"]);
      await tb.deliverOutbox();
      expect(official.lastText()).toContain("Your First quarter 2026 performance report is approved.");

      // A rating other than the suggested one needs a reason.
      await head.press("⭐ Rate");
      expect(head.text()).toContain("Overall completion: 84%; suggested rating: <b>Good</b>.");
      expect(head.buttonTexts()).toEqual([
        "Excellent",
        "⭐ Good (suggested)",
        "Satisfactory",
        "Unsatisfactory",
        "✖️ Cancel",
      ]);
      await head.press("Excellent");
      expect(head.text()).toContain(
        "You chose «Excellent» instead of the suggested «Good». Please write the reason.",
      );
      await head.press("⬅️ Back");
      expect(head.buttonTexts()).toContain("⭐ Good (suggested)");
      await head.press("Excellent");
      await head.send("Нэмэлт 3 ажлын хэсэгт идэвхтэй ажилласан.");
      expect(head.text()).toContain("Rated «Excellent»: the report of Н.Ванчинсэмбэрүү.");
      // The official is told the rating with the head's reason for leaving the suggestion.
      await tb.deliverOutbox();
      expect(official.lastText()).toContain('was rated "Excellent".');
      expect(official.lastText()).toContain(
        'The suggested rating was "Good". The reason for a different one: Нэмэлт 3 ажлын хэсэгт идэвхтэй ажилласан.',
      );
      let report = await prisma.report.findUniqueOrThrow({ where: { id: reportId } });
      expect(report).toMatchObject({
        status: "APPROVED",
        rating: "EXCELLENT",
        ratingReason: "Нэмэлт 3 ажлын хэсэгт идэвхтэй ажилласан.",
      });
      // The suggested rating needs no reason.
      await head.press("⭐ Rate");
      await head.press("⭐ Good (suggested)");
      expect(head.text()).toContain("Rated «Good»");
      report = await prisma.report.findUniqueOrThrow({ where: { id: reportId } });
      expect(report).toMatchObject({ rating: "GOOD", ratingReason: null });
      await tb.deliverOutbox();
      expect(official.lastText()).toContain('was rated "Good"');

      // Exports arrive as documents, for the head and for the official.
      await head.press("📄 DOCX");
      let doc = lastDocument(tb, TG.head);
      expect(doc.name).toBe("report-2026-Q1-P001.docx");
      expect(doc.data?.subarray(0, 2).toString()).toBe("PK");
      // The paper is Mongolian whatever language the head uses; an English copy is offered.
      expect(await docxText(doc.data)).toContain("ГҮЙЦЭТГЭЛИЙН ТАЙЛАН");
      expect(head.text()).toContain("The official report is the Mongolian document above.");
      await head.press("🇬🇧 English copy");
      doc = lastDocument(tb, TG.head);
      expect(doc.name).toBe("report-2026-Q1-P001-en.docx");
      expect(await docxText(doc.data)).toContain("PERFORMANCE REPORT");
      await head.press("📊 XLSX");
      doc = lastDocument(tb, TG.head);
      expect(doc.name).toBe("report-2026-Q1-P001.xlsx");
      expect(doc.data?.length).toBeGreaterThan(1000);
      await official.press("📄 DOCX");
      expect(lastDocument(tb, TG.official).name).toBe("report-2026-Q1-P001.docx");
    },
  );

  it("the unit list, the evaluation overview and the evidence files", async () => {
    const { prisma, tb, official, head, evaluator, orgHead } = await setup();
    // The official attaches a photo while filling in 1.1, then the rest through the service.
    await official.send("/report");
    await official.send("95");
    await official.send("46 албан хаагчид танилцуулсан.");
    await official.press("📅 As planned: 2026.01.02-12.15");
    await official.press("✔️ 100%");
    await official.sendPhoto({ fileId: "photo-evidence-1" });
    await official.press("✅ Done");
    await official.press("💾 Save and leave");
    await head.pressData("rv:list");
    let out = head.text();
    expect(out).toContain("Unit reports: First quarter 2026</b> (deadline 2026.03.20)");
    expect(out).toContain("⏳ Н.Ванчинсэмбэрүү: being filled in");
    // Only people with a plan for the year owe a report (src/reporting/due.ts).
    expect(out).not.toContain("Г.Оюунчимэг");

    await submitThroughService(tb, TG.official, 100);
    await head.pressData("rv:list");
    out = head.text();
    expect(out).toContain("<b>Төрийн захиргааны удирдлагын хэлтэс</b>: 1 of 1 handed in");
    expect(out).toContain("📥 Н.Ванчинсэмбэрүү: waiting for review, 100%");
    expect(head.buttonTexts()).toEqual(["📥 Н.Ванчинсэмбэрүү"]);
    await head.press("📥 Н.Ванчинсэмбэрүү");
    expect(head.text()).toContain("Status: Submitted · completion 100% · suggested rating: Excellent");
    expect(head.buttonTexts()).toContain("📎 Evidence (1)");
    await head.press("📎 Evidence (1)");
    const photo = tb.emulator.messages(TG.head).at(-1);
    expect(photo?.file).toMatchObject({ kind: "photo", fileId: "photo-evidence-1" });
    expect(photo?.text).toContain("1.1 Хүний нөөцийн чиглэлээр");

    // The evaluation team: each unit's completion and ratings; the extremes flagged.
    await head.press("⭐ Rate");
    await head.press("⭐ Excellent (suggested)");
    await evaluator.pressData("rv:eval");
    out = evaluator.text();
    expect(out).toContain("Evaluation overview: First quarter 2026");
    expect(out).toContain("Reports handed in: 1 of 1 · mean completion 100%");
    expect(out).toContain("<b>Төрийн захиргааны удирдлагын хэлтэс</b>: 1 of 1\n▓▓▓▓▓▓▓▓▓▓ 100%");
    expect(out).not.toContain("Хөгжлийн бодлого, төлөвлөлтийн хэлтэс");
    expect(out).toContain("For a second look");
    expect(out).toContain(
      "• Н.Ванчинсэмбэрүү (Төрийн захиргааны удирдлагын хэлтэс): Excellent; suggested Excellent, completion 100%",
    );
    expect(evaluator.buttonTexts()).toEqual(["🚩 Н.Ванчинсэмбэрүү", "📊 As a chart"]);
    await evaluator.press("📊 As a chart");
    const chart = evaluator.replies().find((m) => m.file?.kind === "photo");
    expect(tb.emulator.files.get(chart!.file!.fileId)?.data.subarray(1, 4).toString()).toBe("PNG");
    await evaluator.press("🚩 Н.Ванчинсэмбэрүү");
    expect(evaluator.text()).toContain("Rating: <b>Excellent</b>");
    // The evaluation team reads, and rates only half-year and year-end reports.
    expect(evaluator.buttonTexts()).toEqual(["📎 Evidence (1)", "📄 DOCX", "📊 XLSX"]);
    const reportId = (await prisma.report.findFirstOrThrow()).id;
    await evaluator.pressData(`rv:rate:${reportId}`);
    expect(evaluator.lastCallbackAnswer()).toBe("The evaluation team rates half-year and year-end reports.");
    await orgHead.pressData("rv:eval");
    expect(orgHead.text()).toContain("Evaluation overview");
  });

  it("forged and foreign buttons get a polite answer and change nothing", async () => {
    const { prisma, tb, official, official2, head, stranger } = await setup();
    const reportId = await submitThroughService(tb, TG.official);

    // The official cannot decide on their own report.
    for (const data of [`rv:ok:${reportId}`, `rv:ret:${reportId}`, `rv:rate:${reportId}`]) {
      await official.pressData(data);
      expect(official.lastCallbackAnswer(), data).toBe("You are not allowed to do this.");
    }
    // Another official sees nothing of it.
    for (const data of [
      `rp:open:${reportId}`,
      `rv:open:${reportId}`,
      `rp:docx:${reportId}`,
      `rv:ev:${reportId}`,
    ]) {
      await official2.pressData(data);
      expect(official2.lastCallbackAnswer(), data).toBe("You are not allowed to do this.");
    }
    // Another organisation: not found.
    await stranger.pressData(`rv:open:${reportId}`);
    expect(stranger.lastCallbackAnswer()).toBe("Not found, or you are not allowed to see it.");
    // Malformed and unknown ids.
    await head.pressData("rv:ok:1x");
    expect(head.lastCallbackAnswer()).toBe("This button is no longer active. Open a fresh menu with /menu.");
    await head.pressData("rv:ok:999999");
    expect(head.lastCallbackAnswer()).toBe("Not found, or you are not allowed to see it.");
    // Lists are for heads and the evaluation team.
    await official.pressData("rv:list");
    expect(official.lastCallbackAnswer()).toBe("You are not allowed to do this.");
    await official.pressData("rv:eval");
    expect(official.lastCallbackAnswer()).toBe("You are not allowed to do this.");
    expect((await prisma.report.findUniqueOrThrow({ where: { id: reportId } })).status).toBe("SUBMITTED");

    // The head of another unit cannot act on Development's reports (the org head reviews).
    await linkTelegram(
      prisma,
      TG.official2,
      (await prisma.person.findFirstOrThrow({ where: { code: "P002" } })).id,
    );
    await approvedPlanForOfficial2(tb);
    const report2 = await submitThroughService(tb, TG.official2);
    for (const data of [`rv:open:${report2}`, `rv:ok:${report2}`, `rv:ret:${report2}`]) {
      await head.pressData(data);
      expect(head.lastCallbackAnswer(), data).toBe("You are not allowed to do this.");
    }
    // A decided report: returning it again is refused.
    await head.pressData(`rv:ok:${reportId}`);
    await head.pressData(`rv:ret:${reportId}`);
    expect(head.lastCallbackAnswer()).toBe("This report is not waiting for review.");
    expect((await prisma.report.findUniqueOrThrow({ where: { id: report2 } })).status).toBe("SUBMITTED");
  });

  it("a long report opens in several messages, each within Telegram's limit", async () => {
    // Seed 000's plan as shipped in the examples (24 measures, dated in the demo year 2026),
    // sent to the bot, with long narratives.
    const { prisma } = db();
    const fx = await seedOrganization(prisma);
    await linkTelegram(prisma, TG.official, fx.people.official.id);
    await linkTelegram(prisma, TG.head, fx.people.head.id);
    const tb = await createTestBot(db(), { clock: new ManualClock("2026-03-10T01:00:00Z") });
    const official = tb.chat({ id: TG.official });
    const head = tb.chat({ id: TG.head });
    await sendFile(tb, official, {
      name: "plan-000-hr-specialist.xlsx",
      mime: XLSX_MIME,
      data: readFileSync(path.join(PROJECT_ROOT, "examples/plans/plan-000-hr-specialist.xlsx")),
    });
    await official.press("📤 Send for approval");
    await tb.deliverOutbox();
    await head.press("✅ Approve");

    const actor = await actorOfChat(tb, TG.official);
    const reports = tb.deps.services.reporting.reports;
    const view = await reports.openReport(actor);
    expect(view.total).toBe(24);
    const level = { PERCENT: "95%", COUNT: "4", BOOLEAN: "тийм", TEXT: "Хийгдсэн" } as const;
    for (const e of view.entries) {
      const narrative =
        `${e.number}: ${"Албан хаагчдад 12 удаа зөвлөгөө өгч, & <хяналт> тавьсан. ".repeat(30)}`.slice(
          0,
          1990,
        );
      await reports.saveAnswer(actor, view.id, e.measureId, {
        achieved: level[e.targetType],
        narrative,
        completion: 100,
      });
    }
    await reports.submit(actor, view.id);
    await tb.deliverOutbox();
    await head.press("📄 Open the report");
    const messages = head.replies().map((m) => m.text ?? "");
    expect(messages.length).toBeGreaterThan(10);
    for (const text of messages) expect(text.length).toBeLessThanOrEqual(4096);
    const all = messages.join("\n");
    for (const e of view.entries) expect(all).toContain(`<b>${e.number}</b>`);
    expect(all).toContain("&amp; &lt;хяналт&gt;");
    expect(head.buttonTexts()).toEqual(["✅ Approve", "↩️ Return", "⭐ Rate", "📄 DOCX", "📊 XLSX"]);
  });

  /** Official2's plan, approved by the organisation head (their unit has no head). */
  async function approvedPlanForOfficial2(tb: TestBot) {
    const official2 = tb.chat({ id: TG.official2 });
    const orgHead = tb.chat({ id: TG.orgHead });
    await approvedPlan(tb, official2, orgHead);
  }
});
