/**
 * Junk at every step of the report conversations (test/bot/fuzz-support.ts): each measure
 * step (achieved level of each kind, narrative and its figures suggestion, dates,
 * completion, evidence, "not due" and its reason, skip), additional tasks, the summary and
 * its measure choice, the submit confirmation; the head's return comment and rating (with
 * its reason), and the plan's return comment. Each junk is answered at once in the user's
 * language, the step is asked again, and nothing stored changes; the real answers given
 * afterwards are the ones saved.
 */
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/shared/clock.js";
import { createTestBot } from "../support/chat.js";
import { useTestDatabase } from "../support/db.js";
import { linkTelegram, seedOrganization, TG } from "../support/fixtures.js";
import {
  ALL,
  ALL_STALE,
  BUTTONS,
  ButtonMemory,
  fuzzStep,
  NOT_FILES,
  STALE,
  type Step,
} from "./fuzz-support.js";
import {
  actorOfChat,
  approvedPlan,
  fillThroughService,
  IN_Q1_2026,
  sendPlan,
  submitThroughService,
} from "./report-helpers.js";

describe("junk at every step of the report conversations", () => {
  const db = useTestDatabase();

  async function world(opts: { plan?: boolean; locale?: "en" | "mn" } = {}) {
    const { prisma } = db();
    const fx = await seedOrganization(prisma);
    await linkTelegram(prisma, TG.official, fx.people.official.id);
    await linkTelegram(prisma, TG.head, fx.people.head.id);
    const tb = await createTestBot(db(), { clock: new ManualClock(IN_Q1_2026) });
    const buttons = new ButtonMemory(tb);
    const official = tb.chat({ id: TG.official });
    const head = tb.chat({ id: TG.head });
    if (opts.plan ?? true) await approvedPlan(tb, official, head);
    if (opts.locale) {
      await linkTelegram(prisma, TG.official, fx.people.official.id, opts.locale);
      await linkTelegram(prisma, TG.head, fx.people.head.id, opts.locale);
    }
    const fuzz = (name: string, chat: typeof official, question: RegExp, junk = ALL_STALE) =>
      fuzzStep(tb, buttons, { name, chat, question, junk, locale: opts.locale } satisfies Step);
    return { prisma, tb, official, head, fuzz };
  }

  it("one measure's steps, and a measure not due", { timeout: 600_000 }, async () => {
    const { prisma, official: o, fuzz } = await world();
    await o.send("/report");
    await fuzz("1.1 achieved (percent)", o, /What level was reached\? Write a percent/, ALL);
    await o.send("92");
    await fuzz("1.1 narrative", o, /What was done\?/);
    await o.send("Хууль тогтоомжийг албан хаагчдад танилцуулсан.");
    await fuzz("1.1 figures suggestion", o, /Your text has no figures/);
    await o.press("➡️ Keep it as it is");
    await fuzz("1.1 dates", o, /When did the work start and end\?/);
    await o.press("📅 As planned: 2026.01.02-12.15");
    await fuzz("1.1 completion", o, /Completion percent of this measure/);
    await o.press("✔️ 100%");
    await fuzz("1.1 evidence", o, /Evidence \(optional\)/, [...NOT_FILES, ...BUTTONS, STALE]);
    await o.press("✅ Done");

    await o.press("🚫 Not due in this period"); // 1.2
    await fuzz("1.2 the plan says it is due", o, /By the plan, measure 1\.2 is due/);
    await o.press("⚠️ Mark it not due anyway");
    await fuzz("1.2 not-due reason", o, /Why is it not due in this period\?/);
    await o.send("Сургалт II улиралд зохион байгуулагдана.");
    await fuzz("1.3 achieved (yes/no), after a measure", o, /Was the target reached\?/);

    const entries = await prisma.reportEntry.findMany({
      include: { measure: true },
      orderBy: { measure: { number: "asc" } },
    });
    const by = Object.fromEntries(entries.map((e) => [e.measure.number, e]));
    expect(by["1.1"]).toMatchObject({
      achievedText: "92%",
      narrative: "Хууль тогтоомжийг албан хаагчдад танилцуулсан.",
      dates: "2026.01.02-12.15",
      completion: 100,
    });
    expect(by["1.2"]).toMatchObject({
      skipped: true,
      notDueReason: "Сургалт II улиралд зохион байгуулагдана.",
    });
    expect(await prisma.reportEvidence.count()).toBe(0);
  });

  // A conversation begun at 1.3: its log, replayed at every update, stays short.
  it("a yes/no and a text target, skip, tasks and the summary", { timeout: 600_000 }, async () => {
    const { prisma, tb, official: o, fuzz } = await world();
    const actor = await actorOfChat(tb, TG.official);
    const reports = tb.deps.services.reporting.reports;
    const view = await reports.openReport(actor);
    const [first, second] = view.entries;
    await reports.saveAnswer(actor, view.id, first!.measureId, {
      achieved: "92",
      narrative: "46 албан хаагчид танилцуулсан.",
      completion: 100,
    });
    await reports.saveAnswer(actor, view.id, second!.measureId, { notDue: { reason: "II улиралд." } });
    await o.send("/report");
    await fuzz("1.3 achieved (yes/no)", o, /Was the target reached\?/, ALL);
    await o.press("⏭ Skip");
    await fuzz("1.4 achieved (text)", o, /Describe the result briefly/);
    await o.send("Хуульд заасан мэдээллийг байршуулсан");
    await fuzz("1.4 narrative", o, /What was done\?/);
    await o.send("Ажил ".repeat(401));
    await fuzz("1.4 narrative too long", o, /Your text has 2004 characters/);
    await o.press("✏️ Edit it and send again");
    await fuzz("1.4 narrative, to be skipped", o, /What was done\?/);
    await o.press("⏭ Skip");
    await fuzz("2.1 achieved (count)", o, /What level was reached\? Write a number/);
    await o.press("⏭ Skip");

    await fuzz("additional tasks", o, /Additional tasks<\/b>: tasks you were given/);
    await o.press("➕ Add a task");
    await fuzz("task title", o, /What was the task\?/);
    await o.send("Аймгийн Засаг даргын захирамжаар ажлын хэсэгт ажилласан.");
    await fuzz("task result", o, /What was the result\?/);
    await o.send("Ажлын хэсгийн 3 хуралд оролцож, дүгнэлт гаргасан.");
    await fuzz("task completion", o, /Completion percent of the task/);
    await o.press("✔️ 100%");
    await o.press("➡️ No more tasks");

    await fuzz("summary: choose a measure", o, /Still to fill in: /);
    await o.press("▫️ 1.3");
    await fuzz("1.3 from the summary", o, /Was the target reached\?/);
    await o.press("Yes");

    const entries = await prisma.reportEntry.findMany({
      include: { measure: true },
      orderBy: { measure: { number: "asc" } },
    });
    const by = Object.fromEntries(entries.map((e) => [e.measure.number, e]));
    expect(by["1.3"]?.achievedText).toBe("Yes");
    expect(by["1.4"]).toMatchObject({
      achievedText: "Хуульд заасан мэдээллийг байршуулсан",
      narrative: null,
    });
    expect(by["2.1"]?.achievedText).toBeNull();
    const tasks = await prisma.additionalTask.findMany();
    expect(tasks.map((t) => [t.title, t.result, t.completion])).toEqual([
      [
        "Аймгийн Засаг даргын захирамжаар ажлын хэсэгт ажилласан.",
        "Ажлын хэсгийн 3 хуралд оролцож, дүгнэлт гаргасан.",
        100,
      ],
    ]);
  });

  it("the summary and the submit confirmation; a Mongolian official", { timeout: 300_000 }, async () => {
    const { prisma, tb, official: o, fuzz } = await world({ locale: "mn" });
    const reportId = await fillThroughService(tb, TG.official, 90);
    await o.send("/report");
    await fuzz("summary, ready", o, /Тайлангаа шалгаад илгээнэ үү/, ALL);
    await o.press("📤 Илгээх");
    await fuzz("submit confirmation", o, /Тайлангаа даргадаа илгээх үү/);
    await o.press("📤 Илгээх");
    expect((await prisma.report.findUniqueOrThrow({ where: { id: reportId } })).status).toBe("SUBMITTED");
  });

  it("the head's return comment, rating and its reason", { timeout: 300_000 }, async () => {
    const { prisma, tb, head, fuzz } = await world();
    const reportId = await submitThroughService(tb, TG.official, 90);
    await tb.deliverOutbox();

    await head.press("↩️ Return");
    await fuzz("return comment", head, /Why do you return the First quarter 2026 report/, ALL);
    await head.send("/cancel");

    await head.press("⭐ Rate");
    await fuzz("rating", head, /Rate the First quarter 2026 report/, ALL);
    await head.press("Good");
    await fuzz("rating reason", head, /Please write the reason/);
    await head.send("Two of the five measures have no figures.");
    expect(await prisma.report.findUniqueOrThrow({ where: { id: reportId } })).toMatchObject({
      status: "SUBMITTED",
      rating: "GOOD",
      ratingReason: "Two of the five measures have no figures.",
    });

    // The report returned with a real comment, after all the junk.
    await head.press("↩️ Return");
    await head.send("Please add figures to 1.4.");
    expect(await prisma.report.findUniqueOrThrow({ where: { id: reportId } })).toMatchObject({
      status: "RETURNED",
      returnComment: "Please add figures to 1.4.",
    });
  });

  it("the head's plan return comment", { timeout: 300_000 }, async () => {
    const { prisma, tb, official, head, fuzz } = await world({ plan: false });
    await sendPlan(tb, official);
    await official.press("📤 Send for approval");
    await tb.deliverOutbox();
    await head.press("↩️ Return");
    await fuzz("plan return comment", head, /Why do you return the 2026 plan/, ALL);
    await head.send("Measure 1.2 needs a target for each quarter.");
    const plan = await prisma.performancePlan.findFirstOrThrow();
    expect(plan).toMatchObject({
      status: "RETURNED",
      comment: "Measure 1.2 needs a target for each quarter.",
    });
  });
});
