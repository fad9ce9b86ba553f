/**
 * The official's quarterly report in the chat: every kind of target, bad input at each
 * step, skip, back, the figures suggestion, evidence, additional tasks, editing from the
 * summary, submitting; save-and-leave and resuming; a restart of the bot mid-report; late
 * submission; a Mongolian run.
 */
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/shared/clock.js";
import { createTestBot, type TestBot, type TestChat } from "../support/chat.js";
import { useTestDatabase } from "../support/db.js";
import { linkTelegram, seedOrganization, TG } from "../support/fixtures.js";
import { approvedPlan, IN_Q1_2026, Script, submitThroughService } from "./report-helpers.js";

describe("the quarterly report conversation", () => {
  const db = useTestDatabase();

  async function setup(opts: { locale?: "en" | "mn"; at?: string } = {}) {
    const { prisma } = db();
    const fx = await seedOrganization(prisma);
    await linkTelegram(prisma, TG.official, fx.people.official.id);
    await linkTelegram(prisma, TG.head, fx.people.head.id);
    const tb = await createTestBot(db(), { clock: new ManualClock(opts.at ?? IN_Q1_2026) });
    const official = tb.chat({ id: TG.official });
    const head = tb.chat({ id: TG.head });
    await approvedPlan(tb, official, head);
    if (opts.locale === "mn") {
      await linkTelegram(prisma, TG.official, fx.people.official.id, "mn");
      await linkTelegram(prisma, TG.head, fx.people.head.id, "mn");
    }
    return { prisma, fx, tb, official, head };
  }

  /** The "keep" button of a long answer (shortened on the button). */
  function keepButton(chat: TestChat, start: string): string {
    const label = chat.buttonTexts().find((b) => b.startsWith(`↩️ Keep «${start}`));
    expect(label).toMatch(/…»$/);
    return label as string;
  }

  /** The dates step: the plan's start–end, one tap (or the answer kept). */
  async function asPlanned(chat: TestChat): Promise<string> {
    const label = chat
      .buttonTexts()
      .find((b) => b.startsWith("📅 As planned") || b.startsWith("📅 Төлөвлөгөөний"));
    const keep = chat.buttonTexts().find((b) => /^↩️ Keep «20\d\d\./.test(b));
    expect(label ?? keep, chat.text()).toBeDefined();
    await chat.press((label ?? keep) as string);
    return chat.text();
  }

  async function entries(tb: TestBot) {
    const rows = await tb.deps.prisma.reportEntry.findMany({
      include: { measure: true, evidence: true },
      orderBy: { measure: { number: "asc" } },
    });
    return Object.fromEntries(rows.map((r) => [r.measure.number, r]));
  }

  it(
    "walks every measure with every kind of target, bad input, skip, back, tasks, edit and submit",
    { timeout: 120_000 },
    async () => {
      const { prisma, tb, official, head } = await setup();
      const s = new Script(official);

      let out = await s.send("/report");
      expect(out).toContain("First quarter 2026 performance report");
      expect(out).toContain("Deadline: 2026.03.20. Measures due: 5, answered: 0.");
      expect(out).toContain("Measure 1.1</b> (1 of 5)");
      expect(out).toContain("Indicator: Хэрэгжилтийн хувь");
      expect(out).toContain("Baseline: 90% → target: <b>92%</b>");
      expect(out).toContain("Last period: no report yet.");
      expect(out).toContain("What level was reached? Write a percent");
      expect(official.buttonTexts()).toEqual([
        "🚫 Not due in this period",
        "⏭ Skip",
        "💾 Save and leave",
        "✖️ Cancel",
      ]);

      // 1.1 percent: a sticker, out of range, a command, over the target (taken), then "92,5".
      expect(await s.sticker()).toContain("Please answer with text here.");
      expect(await s.send("1200")).toContain("A percent is between 0 and 1000.");
      out = await s.send("/plan");
      expect(out).toContain("You are filling in «the performance report»");
      expect(out).toContain("What level was reached? Write a percent");
      expect(await s.send("150")).toContain("What was done?");
      expect((await entries(tb))["1.1"]).toMatchObject({ achievedText: "150%", achievedValue: 150 });
      expect(await s.press("⬅️ Back")).toContain("What level was reached?");
      expect(await s.send("92,5")).toContain("What was done?");
      expect((await entries(tb))["1.1"]?.achievedText).toBe("92.5%");

      // The narrative: over 2000 characters is kept and offered shortened or back to edit;
      // then without figures (suggested once), then with.
      out = await s.send("Ажил ".repeat(401));
      expect(out).toContain("Your text has 2004 characters; at most 2000 fit in the report.");
      expect(official.buttonTexts().slice(0, 2)).toEqual([
        "✂️ Save it shortened (1995 characters)",
        "✏️ Edit it and send again",
      ]);
      out = await s.press("✏️ Edit it and send again");
      expect(out).toContain("tap it to copy");
      expect(out).toContain("<code>Ажил Ажил");
      expect(out).toContain("What was done?");
      expect((await entries(tb))["1.1"]?.narrative).toBeNull();
      out = await s.send("Хууль тогтоомжийг албан хаагчдад танилцуулж, зөвлөгөө өгсөн.");
      expect(out).toContain("Your text has no figures");
      expect((await entries(tb))["1.1"]?.narrative).toBe(
        "Хууль тогтоомжийг албан хаагчдад танилцуулж, зөвлөгөө өгсөн.",
      );
      expect(await s.press("✏️ Add figures")).toContain("What was done?");
      out = await s.send(
        "Хууль тогтоомжийг 46 албан хаагчид танилцуулж, 12 удаа зөвлөгөө өгсөн нь өмнөх оноос 20% өссөн.",
      );
      expect(out).not.toContain("no figures");
      // The seed's start–end column: the plan's dates, one tap.
      expect(out).toContain("When did the work start and end?");
      expect(official.buttonTexts()[0]).toBe("📅 As planned: 2026.01.02-12.15");
      expect(await s.send("2026.13.01-02.01")).toContain("Please write the dates like this");
      expect(await s.send("2025.01.02-03.01")).toContain("The dates are not in the report's year (2026).");
      out = await s.press("📅 As planned: 2026.01.02-12.15");
      expect(out).toContain("Suggested from what was reached against the target: <b>100%</b>");

      // Completion: out of range, then the suggestion; evidence: a photo, then Done.
      expect(await s.send("101")).toContain("Please give the completion as a whole number from 0 to 100.");
      expect(await s.press("✔️ 100%")).toContain("Evidence (optional)");
      expect(await s.photo()).toContain("📎 Attached: 1.");
      out = await s.press("✅ Done");
      expect(out).toContain("Measure 1.2</b> (2 of 5)");
      expect(out).toContain("Write a number, for example 4.");

      // 1.2 count: "abc", then "3 удаа"; the suggestion is 75%, the official writes 80%.
      expect(await s.send("abc")).toContain("Please give a number, for example 4 (whole, not negative).");
      expect(await s.send("3 удаа")).toContain("What was done?");
      expect(await s.send("3 удаа сургалт зохион байгуулж, 45 албан хаагчийг хамруулсан.")).toContain(
        "When did the work start and end?",
      );
      expect(await s.send("01.05-03.10")).toContain("<b>75%</b>");
      expect((await entries(tb))["1.2"]?.dates).toBe("2026.01.05-03.10");
      expect(await s.send("80%")).toContain("Evidence (optional)");
      expect(await s.document("surgalt-tailan.pdf")).toContain("📎 Attached: 1.");
      out = await s.press("✅ Done");
      expect(out).toContain("Measure 1.3</b> (3 of 5)");
      expect(out).toContain("Was the target reached? Press Yes or No.");

      // 1.3 yes/no: "maybe" is refused, Yes, back, then "тийм" typed.
      expect(official.buttonTexts().slice(0, 2)).toEqual(["Yes", "No"]);
      expect(await s.send("maybe")).toContain('Please answer "yes" or "no".');
      expect(await s.press("Yes")).toContain("What was done?");
      expect(await s.press("⬅️ Back")).toContain("Was the target reached?");
      expect(await s.send("тийм")).toContain("What was done?");
      await s.send("Ээлжийн амралтын хуваарийг 2026.01.15-нд батлуулсан.");
      expect(await asPlanned(official)).toContain("<b>100%</b>");
      await s.press("✔️ 100%");
      out = await s.press("✅ Done");
      expect(out).toContain("Measure 1.4</b> (4 of 5)");
      expect(out).toContain("Describe the result briefly.");

      // 1.4 text: no suggestion for the completion; the text without figures is kept as it is.
      await s.send("Хуульд заасан мэдээллийг байршуулсан");
      expect(await s.send("Цахим хуудсанд мэдээллийг байршуулсан.")).toContain("Your text has no figures");
      await s.press("➡️ Keep it as it is");
      out = await asPlanned(official);
      expect(out).toContain("Completion percent of this measure (0–100)?");
      expect(out).not.toContain("Suggested");
      await s.send("90");
      out = await s.press("✅ Done");
      expect(out).toContain("Measure 2.1</b> (5 of 5)");

      // 2.1: skipped for later, not "not due".
      out = await s.press("⏭ Skip");
      expect(out).toContain("2.1: left for later. The summary will ask for it.");
      expect(out).toContain("Additional tasks");
      expect((await entries(tb))["2.1"]).toMatchObject({ skipped: false, completion: null });

      // An additional task.
      expect(await s.press("➕ Add a task")).toContain("What was the task?");
      await s.send("Аймгийн Засаг даргын захирамжаар ажлын хэсэгт ажилласан.");
      await s.send("Ажлын хэсгийн 3 хуралд оролцож, дүгнэлт гаргасан.");
      expect(await s.press("✔️ 100%")).toContain("Task added");
      out = await s.press("➡️ No more tasks");
      expect(out).toContain("Summary: First quarter 2026");
      expect(out).toContain("Overall completion: <b>92.5%</b> · suggested rating: Excellent");
      expect(out).toContain("Answered: 4 of 5 (not due: 0)");
      expect(out).toContain("▫️ 2.1");
      expect(out).toContain("Still to fill in: 2.1. Choose a measure.");
      expect(official.buttonTexts()).not.toContain("📤 Submit");

      // "Not due" is its own choice, with a reason; the plan says 2.1 is due in I–II, so the
      // official is told, may insist, and it then counts as 0% and is shown to the head.
      out = await s.press("▫️ 2.1");
      expect(out).toContain("Measure 2.1</b> (5 of 5)");
      out = await s.press("🚫 Not due in this period");
      expect(out).toContain("By the plan, measure 2.1 is due in this period (start–end: 2026.01.10-06.10)");
      expect(await s.press("⬅️ Answer it")).toContain("What level was reached?");
      await s.press("🚫 Not due in this period");
      expect(await s.press("⚠️ Mark it not due anyway")).toContain("Why is it not due in this period?");
      expect(await s.send("x".repeat(501))).toContain("at most 500");
      out = await s.send("Сургалт II улиралд зохион байгуулагдана.");
      expect(out).toContain("2.1: marked as not due. The plan says it is due, so your head will see it");
      expect(out).toContain("Overall completion: <b>74%</b> · suggested rating: Good");
      expect(out).toContain("Answered: 5 of 5 (not due: 1)");
      expect(out).toContain("— 92.5% · 100% · 📎1");
      expect(out).toContain("🚫 2.1");
      expect(out).toContain("⚠️ Marked not due although the plan says they are due: 2.1.");
      expect(out).toContain("No figures in the text of 1.4.");
      expect(official.buttonTexts()).toEqual([
        "✏️ 1.1",
        "✏️ 1.2",
        "✏️ 1.3",
        "✏️ 1.4",
        "🚫 2.1",
        "✏️ Task 1",
        "➕ Add a task",
        "📤 Submit",
        "💾 Save and leave",
        "✖️ Cancel",
      ]);

      // Editing 1.2 from the summary: keep the level and the text, change the completion.
      out = await s.press("✏️ 1.2");
      expect(out).toContain("Answered so far: 3 удаа, completion 80%");
      await s.press("↩️ Keep «3 удаа»");
      await s.press(keepButton(official, "3 удаа сургалт"));
      expect(official.buttonTexts()[0]).toBe("📅 As planned: 2026.01.02-12.15");
      expect(official.buttonTexts()[1]).toBe("↩️ Keep «2026.01.05-03.10»");
      await s.press("↩️ Keep «2026.01.05-03.10»");
      await s.send("75");
      out = await s.press("✅ Done");
      expect(out).toContain("Overall completion: <b>73%</b>");

      // Submit, with a confirmation.
      expect(await s.press("📤 Submit")).toContain("Submit the report to your head?");
      out = await s.press("📤 Submit");
      expect(out).toContain(
        "Your First quarter 2026 report is submitted. Overall completion: 73%, suggested rating: Good.",
      );
      expect(official.buttonTexts()).toEqual(["📄 DOCX", "📊 XLSX"]);
      s.print("A quarterly report");

      const report = await prisma.report.findFirstOrThrow({ include: { tasks: true } });
      expect(report.status).toBe("SUBMITTED");
      expect(report.late).toBe(false);
      expect(report.overallCompletion).toBe(73);
      expect(report.tasks).toHaveLength(1);
      const e = await entries(tb);
      expect(e["1.1"]).toMatchObject({ achievedValue: 92.5, completion: 100, skipped: false });
      expect(e["1.1"]?.evidence.map((x) => x.kind)).toEqual(["PHOTO"]);
      expect(e["1.2"]).toMatchObject({ achievedText: "3 удаа", achievedValue: 3, completion: 75 });
      expect(e["1.2"]?.evidence.map((x) => x.fileName)).toEqual(["surgalt-tailan.pdf"]);
      expect(e["1.3"]).toMatchObject({ achievedText: "тийм", achievedValue: 1, completion: 100 });
      expect(e["1.4"]).toMatchObject({
        achievedText: "Хуульд заасан мэдээллийг байршуулсан",
        completion: 90,
      });
      expect(e["2.1"]).toMatchObject({
        skipped: true,
        notDueFlagged: true,
        notDueReason: "Сургалт II улиралд зохион байгуулагдана.",
      });
      expect(e["2.2"]).toBeUndefined();

      // The head is told, with the review buttons.
      await tb.deliverOutbox();
      expect(head.lastText()).toContain(
        "submitted the First quarter 2026 performance report. Completion: 73%, suggested rating: Good.",
      );
      expect(head.lastText()).toContain(
        "⚠️ Marked not due although the plan says they are due: 2.1. They count as 0%.",
      );
      expect(head.buttonTexts()).toEqual(["✅ Approve", "↩️ Return", "⭐ Rate", "📄 Open the report"]);

      // Opening the report again shows it read-only, with the exports.
      await official.send("/report");
      expect(official.text()).toContain("Status: Submitted · completion 73%");
      expect(official.buttonTexts()).toEqual(["📄 DOCX", "📊 XLSX"]);
    },
  );

  it("save and leave keeps every answer; /report resumes at the first unanswered measure", async () => {
    const { tb, official } = await setup();
    await official.send("/report");
    await official.send("95");
    await official.send("12 албан хаагчид зөвлөгөө өгсөн.");
    await asPlanned(official);
    await official.press("✔️ 100%");
    await official.press("✅ Done");
    await official.send("3");
    expect(official.text()).toContain("What was done?");
    await official.press("💾 Save and leave");
    expect(official.text()).toContain("Saved. Continue any time with /report");
    expect((await entries(tb))["1.2"]).toMatchObject({
      achievedText: "3",
      narrative: null,
      completion: null,
    });

    // Resuming: the measure still unanswered, at the step it lacks.
    await official.send("/report");
    let out = official.text();
    expect(out).toContain("Measures due: 5, answered: 1.");
    expect(out).toContain("Measure 1.2</b> (2 of 5)");
    expect(out).toContain("Answered so far: 3, completion —");
    expect(out).toContain("What was done?");

    // Back within the measure (the level, with "keep"), then back to the previous measure.
    await official.press("⬅️ Back");
    expect(official.text()).toContain("Write a number");
    expect(official.buttonTexts()[0]).toBe("↩️ Keep «3»");
    await official.press("⬅️ Back");
    out = official.text();
    expect(out).toContain("Measure 1.1</b> (1 of 5)");
    expect(out).toContain("Answered so far: 95%, completion 100%");
    await official.press("↩️ Keep «95%»");
    await official.press(keepButton(official, "12 албан хаагчид"));
    await asPlanned(official);
    await official.press("✔️ 100%");
    await official.press("✅ Done");
    // Forward again: the measure we stepped back from.
    expect(official.text()).toContain("Measure 1.2</b> (2 of 5)");
    // The menu's report button while the report is open: one conversation at a time.
    await official.pressData("rp:open");
    expect(official.text()).toContain("You are filling in «the performance report»");
    await official.press("✖️ Cancel");
    expect(official.text()).toContain("Stopped. Your answers so far are saved");

    // /cancel leaves too, and nothing is lost.
    await official.send("/report");
    expect(official.text()).toContain("Measure 1.2</b> (2 of 5)");
    await official.send("/cancel");
    expect(official.text()).toContain("Cancelled");
    expect((await entries(tb))["1.1"]).toMatchObject({ achievedText: "95%", completion: 100 });
    expect((await entries(tb))["1.2"]).toMatchObject({ achievedText: "3" });
  });

  it("keeps the stored conversation small: sent messages and saved entries are not copied into it", async () => {
    const { prisma, official } = await setup();
    const stored = async () => (await prisma.conversationState.findMany()).map((r) => r.value).join("");
    await official.send("/report");
    const start = Buffer.byteLength(await stored());
    await official.send("92");
    await official.send("Хууль тогтоомжийг 46 албан хаагчид танилцуулж, 12 удаа зөвлөгөө өгсөн.");
    await asPlanned(official);
    await official.press("✔️ 100%");
    await official.press("✅ Done");
    expect(official.text()).toContain("Measure 1.2</b> (2 of 5)");

    const log = await stored();
    // The conversation is replayed from this log at every update: the bot's own messages
    // (their ids suffice) and the measure's unchanged texts must not pile up in it.
    expect(log).not.toContain("What was done?");
    expect(log).not.toContain("Evidence (optional)");
    expect(log.split("Хүний нөөцийн ил тод").length - 1).toBeLessThanOrEqual(1);
    // One measure answered (4 updates) adds about 4 KB; whole messages made it about 9 KB.
    expect(Buffer.byteLength(log) - start).toBeLessThan(6_000);
  });

  it("continues after a restart of the bot in the middle of a measure", async () => {
    const { tb, official } = await setup();
    await official.send("/report");
    await official.send("95");
    expect(official.text()).toContain("What was done?");

    const tb2 = await tb.restart();
    const again = tb2.chat({ id: TG.official });
    await again.send("46 албан хаагчид танилцуулсан.");
    await asPlanned(again);
    expect(again.text()).toContain("Suggested from what was reached against the target: <b>100%</b>");
    await again.send("98");
    await again.sendPhoto();
    expect(again.text()).toContain("📎 Attached: 1.");

    // Another restart between two photos: the count goes on.
    const tb3 = await tb2.restart();
    const third = tb3.chat({ id: TG.official });
    await third.sendPhoto();
    expect(third.text()).toContain("📎 Attached: 2.");
    await third.press("✅ Done");
    expect(third.text()).toContain("Measure 1.2</b> (2 of 5)");
    expect((await entries(tb3))["1.1"]?.evidence).toHaveLength(2);
    expect((await entries(tb2))["1.1"]).toMatchObject({
      achievedText: "95%",
      narrative: "46 албан хаагчид танилцуулсан.",
      completion: 98,
    });
  });

  it("marks a report handed in after the deadline as late", async () => {
    const { prisma, tb, official, head } = await setup();
    tb.clock.set("2026-03-25T02:00:00Z");
    await official.send("/report");
    expect(official.text()).toContain("The deadline has passed: the report will be marked late.");
    for (const [level, text] of [
      ["92", "46 албан хаагчид"],
      ["4", "4 сургалт"],
    ] as const) {
      await official.send(level);
      await official.send(text);
      await asPlanned(official);
      await official.press("✔️ 100%");
      await official.press("✅ Done");
    }
    await official.press("Yes");
    await official.send("1 хуваарь батлав");
    await asPlanned(official);
    await official.press("✔️ 100%");
    await official.press("✅ Done");
    await official.send("Байршуулсан");
    await official.send("8 мэдээлэл байршуулсан");
    await asPlanned(official);
    await official.send("100");
    await official.press("✅ Done");
    await official.send("1");
    await official.send("1 сургалтад хамрагдсан");
    await asPlanned(official);
    await official.press("✔️ 100%");
    await official.press("✅ Done");
    await official.press("➡️ No more tasks");
    expect(official.text()).toContain(
      "The deadline (2026.03.20) has passed: the report will be marked late.",
    );
    await official.press("📤 Submit");
    expect(official.text()).toContain("so it will be marked late");
    await official.press("📤 Submit");
    expect(official.text()).toContain("submitted after the deadline (marked late)");
    expect((await prisma.report.findFirstOrThrow()).late).toBe(true);
    await tb.deliverOutbox();
    expect(head.lastText()).toContain("after the deadline");
  });

  it("says when the next period opens when none is open, and asks for an approved plan first", async () => {
    const { prisma } = db();
    const fx = await seedOrganization(prisma);
    await linkTelegram(prisma, TG.official, fx.people.official.id);
    const tb = await createTestBot(db(), { clock: new ManualClock("2026-02-01T02:00:00Z") });
    const official = tb.chat({ id: TG.official });
    await official.send("/report");
    expect(official.text()).toContain(
      "No reporting period is open now. The First quarter report opens on 2026.03.06.",
    );
    tb.clock.set(IN_Q1_2026);
    await official.pressData("rp:open");
    expect(official.text()).toContain("You have no approved performance plan for 2026.");
    expect(official.buttonTexts()).toEqual(["🗂 My plan"]);
  });

  it("shows last period's figures in the next period, and the progress in /plan", async () => {
    const { tb, official } = await setup();
    await submitThroughService(tb, TG.official, 90);
    tb.clock.set("2026-06-05T01:00:00Z");
    await official.send("/report");
    let out = official.text();
    expect(out).toContain("Half-year 2026 performance report");
    expect(out).toContain("Last period (First quarter): 95%, completion 90%");
    await official.press("💾 Save and leave");
    await official.send("/plan");
    out = official.text();
    expect(out).toContain("First quarter: Submitted, 90%");
    expect(out).toContain("Half-year: Being filled in, —");
    expect(out).toContain("First quarter: 95% (90%)");
    expect(out).toContain("First quarter: тийм (90%)");
  });

  it("runs in Mongolian", async () => {
    const { official, head, tb } = await setup({ locale: "mn" });
    await official.send("/report");
    let out = official.text();
    expect(out).toContain("Гүйцэтгэлийн тайлан: 2026 оны I улирал");
    expect(out).toContain("1.1 арга хэмжээ</b> (1/5)");
    expect(out).toContain("Шалгуур үзүүлэлт: Хэрэгжилтийн хувь");
    expect(out).toContain("Хүрсэн түвшин хэд вэ? Хувиар бичнэ үү");
    expect(official.buttonTexts()).toEqual([
      "🚫 Энэ үед хамаарахгүй",
      "⏭ Алгасах",
      "💾 Хадгалаад гарах",
      "✖️ Цуцлах",
    ]);
    await official.send("1200");
    expect(official.text()).toContain("Хувь 0-ээс 1000 хүртэл байна.");
    await official.send("92,5");
    await official.send("Хууль тогтоомжийг танилцуулсан.");
    expect(official.text()).toContain("Таны бичсэнд тоо баримт алга.");
    await official.press("➡️ Ийм хэвээр нь үлдээх");
    expect(official.text()).toContain("Ажлыг хэзээ эхэлж, хэзээ дуусгасан бэ?");
    await official.press("📅 Төлөвлөгөөний дагуу: 2026.01.02-12.15");
    expect(official.text()).toContain("Хүрэх түвшинтэй харьцуулан тооцсон санал: <b>100%</b>");
    await official.press("✔️ 100%");
    await official.press("✅ Болсон");
    await official.send("4");
    await official.send("4 сургалт");
    await asPlanned(official);
    await official.press("✔️ 100%");
    await official.press("✅ Болсон");
    expect(official.buttonTexts().slice(0, 2)).toEqual(["Тийм", "Үгүй"]);
    await official.press("Тийм");
    await official.send("Хуваарийг 1-р сард батлуулсан");
    await asPlanned(official);
    await official.press("✔️ 100%");
    await official.press("✅ Болсон");
    await official.send("Байршуулсан");
    await official.send("8 төрлийн мэдээлэл байршуулсан");
    await asPlanned(official);
    await official.send("100");
    await official.press("✅ Болсон");
    await official.press("⏭ Алгасах");
    expect(official.text()).toContain("2.1: дараа бөглөхөөр үлдээлээ. Нэгтгэлд сануулна.");
    await official.press("⬅️ Буцах");
    await official.send("1");
    await official.send("1 сургалтад хамрагдсан");
    await asPlanned(official);
    await official.press("✔️ 100%");
    await official.press("✅ Болсон");
    await official.press("➡️ Өөр даалгавар байхгүй");
    out = official.text();
    expect(out).toContain("Нэгтгэл: 2026 оны I улирал");
    expect(out).toContain("Нийт биелэлт: <b>100%</b> · санал болгох үнэлгээ: Маш сайн");
    await official.press("📤 Илгээх");
    expect(official.text()).toContain("Тайлангаа даргадаа илгээх үү?");
    await official.press("📤 Илгээх");
    expect(official.text()).toContain(
      "Тайлан илгээгдлээ (2026 оны I улирал). Нийт биелэлт: 100%, санал болгох үнэлгээ: Маш сайн.",
    );
    await tb.deliverOutbox();
    expect(head.lastText()).toContain(
      "<b>Н.Ванчинсэмбэрүү</b> гүйцэтгэлийн тайлангаа илгээлээ (2026 оны I улирал).",
    );
    expect(head.buttonTexts()).toEqual(["✅ Батлах", "↩️ Буцаах", "⭐ Үнэлэх", "📄 Тайланг харах"]);
  });
});
