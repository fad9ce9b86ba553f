/**
 * Crash safety of the report's life through the real update path with the update ledger:
 * the official's Submit, the head's approve, return and rate, and the head's approve or
 * return of a plan. The process "dies" at
 * each point between the service's commit and the update's done mark (after the commit,
 * after the conversation's state is written, just before the done mark, after a send);
 * a new process, a little later, recovers the update from the ledger and replays it.
 * Whatever the point: one status change, one history entry, one notice in the outbox (by
 * its dedupe key), the confirmation sent (again, when the process died after sending it).
 */
import { describe, expect, it } from "vitest";
import type { UpdateFaults } from "../../src/bot/middlewares/unfinished.js";
import { RetryLater } from "../../src/db/transient.js";
import type { Database } from "../../src/db/index.js";
import { BotApiEmulator, EMULATED_BOT } from "../../src/sandbox/bot-api-emulator.js";
import { ManualClock } from "../../src/shared/clock.js";
import { createTestBot, type TestBot } from "../support/chat.js";
import { useTestDatabase } from "../support/db.js";
import { linkTelegram, seedOrganization, TG } from "../support/fixtures.js";
import {
  approvedPlan,
  fillThroughService,
  IN_Q1_2026,
  sendPlan,
  submitThroughService,
} from "./report-helpers.js";

const crash = (where: string) => new RetryLater(`simulated crash ${where}`);

/** The seeded organisation with its official and head linked, and a bot with the update ledger. */
async function officialAndHead(
  db: Database,
  opts: { faults?: UpdateFaults; emulator?: BotApiEmulator; clock?: ManualClock } = {},
) {
  const { prisma } = db;
  const fx = await seedOrganization(prisma);
  await linkTelegram(prisma, TG.official, fx.people.official.id);
  await linkTelegram(prisma, TG.head, fx.people.head.id);
  const clock = opts.clock ?? new ManualClock(IN_Q1_2026);
  const tb = await createTestBot(db, {
    clock,
    ledger: true,
    faults: opts.faults,
    ...(opts.emulator ? { emulator: opts.emulator } : {}),
  });
  return { prisma, clock, tb, official: tb.chat({ id: TG.official }), head: tb.chat({ id: TG.head }) };
}

/** A restart takes a while: the replay runs at a later moment than the first attempt. */
const RESTART_MS = 90_000;

/** Replays every update the ledger holds unfinished, in a new process. */
async function recover(tb: TestBot): Promise<number> {
  const stale = await tb.ledger!.stale();
  for (const update of stale) await tb.handle(update);
  return stale.length;
}

/** Makes `method` of `target` die once, right after its commit. */
function crashOnceAfter<T extends object>(target: T, method: keyof T & string) {
  const real = (target[method] as (...a: unknown[]) => Promise<unknown>).bind(target);
  let armed = true;
  Object.assign(target, {
    [method]: async (...args: unknown[]) => {
      const result = await real(...args);
      if (armed) {
        armed = false;
        throw crash(`after ${method}`);
      }
      return result;
    },
  });
}

/** Bot messages of a chat whose text matches. */
function said(tb: TestBot, chatId: number, pattern: RegExp): string[] {
  return tb.emulator
    .messages(chatId)
    .filter((m) => m.from === "bot" && pattern.test(m.text ?? ""))
    .map((m) => m.text ?? "");
}

const SUBMITTED = /Your First quarter 2026 report is submitted/;

describe("a crash between the report's submission and the update's done mark", () => {
  const db = useTestDatabase();

  async function world(opts: { faults?: UpdateFaults; emulator?: BotApiEmulator; clock?: ManualClock } = {}) {
    const { prisma, clock, tb, official, head } = await officialAndHead(db(), opts);
    await approvedPlan(tb, official, head);
    const reportId = await fillThroughService(tb, TG.official, 90);
    await official.send("/report");
    await official.press("📤 Submit"); // the summary's
    expect(official.text()).toContain("Submit the report to your head?");
    return { prisma, tb, clock, official, head, reportId };
  }

  /** One submission: the status, one history entry, one notice to the head, nothing unfinished. */
  async function expectSubmittedOnce(w: Awaited<ReturnType<typeof world>>) {
    const { prisma, tb, reportId } = w;
    const report = await prisma.report.findUniqueOrThrow({ where: { id: reportId } });
    expect(report.status).toBe("SUBMITTED");
    expect(report.submittedAt?.toISOString()).toBe(IN_Q1_2026.replace("Z", ".000Z"));
    expect(await prisma.reportEvent.count({ where: { reportId, type: "SUBMITTED" } })).toBe(1);
    const notices = await prisma.notification.findMany({ where: { kind: "report.submitted" } });
    expect(notices).toHaveLength(1);
    expect(await prisma.processedUpdate.count({ where: { doneAt: null } })).toBe(0);
    await tb.deliverOutbox();
    expect(said(tb, TG.head, /submitted the First quarter 2026 performance report/)).toHaveLength(1);
  }

  it("after the submission's commit: the replay finds it submitted and confirms it", async () => {
    const w = await world();
    const { tb, clock, official, prisma, reportId } = w;
    crashOnceAfter(tb.deps.services.reporting.reports, "submit");
    await expect(official.press("📤 Submit")).rejects.toThrow(/simulated crash/);
    expect((await prisma.report.findUniqueOrThrow({ where: { id: reportId } })).status).toBe("SUBMITTED");
    expect(said(tb, TG.official, SUBMITTED)).toEqual([]);
    expect(official.text()).not.toContain("went wrong");

    clock.advance(RESTART_MS);
    const restarted = await tb.restart();
    expect(await recover(restarted)).toBe(1);
    await expectSubmittedOnce(w);
    expect(said(tb, TG.official, SUBMITTED)).toHaveLength(1);
    expect(said(tb, TG.official, /cannot be changed/)).toEqual([]);
  });

  for (const point of ["conversation-written", "before-done"] as const) {
    // The conversation's state is written with the done mark: the replay starts from the
    // summary, finds the report submitted and confirms it again.
    it(`at ${point}: nothing new is submitted (the confirmation comes again)`, async () => {
      let armed = false;
      const faults: UpdateFaults = (at) => {
        if (armed && at === point) {
          armed = false;
          throw crash(point);
        }
      };
      const w = await world({ faults });
      const { tb, clock, official } = w;
      armed = true;
      await expect(official.press("📤 Submit")).rejects.toThrow(/simulated crash/);
      expect(said(tb, TG.official, SUBMITTED)).toHaveLength(1);

      clock.advance(RESTART_MS);
      const restarted = await tb.restart({ faults: undefined });
      expect(await recover(restarted)).toBe(1);
      await expectSubmittedOnce(w);
      expect(said(tb, TG.official, SUBMITTED)).toHaveLength(2);
    });
  }

  it("after the confirmation was sent: nothing new is submitted (the confirmation may come again)", async () => {
    const clock = new ManualClock(IN_Q1_2026);
    const emulator = new BotApiEmulator(EMULATED_BOT, () => clock.now().getTime());
    const real = emulator.fetch;
    let armed = false;
    Object.defineProperty(emulator, "fetch", {
      value: (async (input, init) => {
        const res = await real(input, init);
        if (armed && String(input).endsWith("/sendMessage") && String(init?.body).includes("is submitted")) {
          armed = false;
          throw crash("after a send");
        }
        return res;
      }) as typeof fetch,
    });
    const w = await world({ emulator, clock });
    armed = true;
    await expect(w.official.press("📤 Submit")).rejects.toThrow();
    expect(said(w.tb, TG.official, SUBMITTED)).toHaveLength(1);

    clock.advance(RESTART_MS);
    const restarted = await w.tb.restart({ emulator });
    expect(await recover(restarted)).toBe(1);
    await expectSubmittedOnce(w);
    // At least once: the process died after the send, before anything recorded it.
    expect(said(w.tb, TG.official, SUBMITTED)).toHaveLength(2);
  });

  it("a Submit delivered twice (two presses, or a redelivery under a new id) submits once", async () => {
    const w = await world();
    const { tb, prisma, official, clock } = w;
    const confirmId = tb.emulator
      .messages(TG.official)
      .filter((m) => m.from === "bot" && m.buttons?.flat().some((b) => b.text === "📤 Submit"))
      .at(-1)!.messageId;
    const data = tb.emulator
      .messages(TG.official)
      .find((m) => m.messageId === confirmId)!
      .buttons!.flat()
      .find((b) => b.text === "📤 Submit")!.data!;
    // The state before the press, as a process that died after the commit left it.
    const before = await prisma.conversationState.findMany();
    await official.press("📤 Submit");
    expect(said(tb, TG.official, SUBMITTED)).toHaveLength(1);
    for (const row of before)
      await prisma.conversationState.upsert({
        where: { key: row.key },
        create: row,
        update: { value: row.value },
      });
    clock.advance(RESTART_MS);
    await official.pressData(data, confirmId);
    await expectSubmittedOnce(w);
    expect(said(tb, TG.official, /cannot be changed|went wrong/)).toEqual([]);

    // And pressed again once the conversation is over: told, nothing changes.
    await official.pressData(data, confirmId);
    expect(official.lastCallbackAnswer() ?? official.text()).toBeTruthy();
    expect(await prisma.reportEvent.count({ where: { type: "SUBMITTED" } })).toBe(1);
    expect(await prisma.notification.count({ where: { kind: "report.submitted" } })).toBe(1);
  });
});

describe("a crash after the head's approve, return or rating of a report, then the replay", () => {
  const db = useTestDatabase();

  async function world() {
    const { prisma, clock, tb, official, head } = await officialAndHead(db());
    await approvedPlan(tb, official, head);
    const reportId = await submitThroughService(tb, TG.official, 90);
    await tb.deliverOutbox();
    expect(head.lastText()).toContain("submitted the First quarter 2026 performance report");
    return { prisma, tb, clock, official, head, reportId };
  }

  async function replay(tb: TestBot, clock: ManualClock) {
    clock.advance(RESTART_MS);
    const restarted = await tb.restart();
    expect(await recover(restarted)).toBe(1);
    expect(await tb.deps.prisma.processedUpdate.count({ where: { doneAt: null } })).toBe(0);
    return restarted;
  }

  const NOT_WAITING = /not waiting for review|went wrong|cannot be rated/;

  it("approve: approved once, the official told once, the head's confirmation sent", async () => {
    const { prisma, tb, clock, head, reportId } = await world();
    crashOnceAfter(tb.deps.services.reporting.review, "approve");
    await expect(head.press("✅ Approve")).rejects.toThrow(/simulated crash/);
    expect((await prisma.report.findUniqueOrThrow({ where: { id: reportId } })).status).toBe("APPROVED");

    await replay(tb, clock);
    expect((await prisma.report.findUniqueOrThrow({ where: { id: reportId } })).status).toBe("APPROVED");
    expect(await prisma.reportEvent.count({ where: { reportId, type: "APPROVED" } })).toBe(1);
    expect(await prisma.notification.count({ where: { kind: "report.approved" } })).toBe(1);
    expect(said(tb, TG.head, /✅ Approved: the First quarter 2026 report/)).toHaveLength(1);
    expect(said(tb, TG.head, NOT_WAITING)).toEqual([]);
    await tb.deliverOutbox();
    expect(said(tb, TG.official, /performance report is approved/)).toHaveLength(1);
  });

  it("return with a comment: returned once, the official told once, the head's confirmation sent", async () => {
    const { prisma, tb, clock, head, reportId } = await world();
    await head.press("↩️ Return");
    crashOnceAfter(tb.deps.services.reporting.review, "returnReport");
    await expect(head.send("Please add the figures for the training sessions in 1.2.")).rejects.toThrow(
      /simulated crash/,
    );
    expect((await prisma.report.findUniqueOrThrow({ where: { id: reportId } })).status).toBe("RETURNED");

    await replay(tb, clock);
    const report = await prisma.report.findUniqueOrThrow({ where: { id: reportId } });
    expect(report).toMatchObject({
      status: "RETURNED",
      returnComment: "Please add the figures for the training sessions in 1.2.",
    });
    expect(await prisma.reportEvent.count({ where: { reportId, type: "RETURNED" } })).toBe(1);
    expect(await prisma.notification.count({ where: { kind: "report.returned" } })).toBe(1);
    expect(said(tb, TG.head, /Returned to .* with your comment/)).toHaveLength(1);
    expect(said(tb, TG.head, NOT_WAITING)).toEqual([]);
    await tb.deliverOutbox();
    expect(said(tb, TG.official, /was returned for changes/)).toHaveLength(1);
  });

  it("rate with a reason: rated once, the official told once, the head's confirmation sent", async () => {
    const { prisma, tb, clock, head, reportId } = await world();
    await head.press("⭐ Rate");
    await head.press("Good");
    expect(head.text()).toContain("Please write the reason");
    crashOnceAfter(tb.deps.services.reporting.review, "rate");
    await expect(head.send("Two of the five measures have no figures.")).rejects.toThrow(/simulated crash/);

    await replay(tb, clock);
    const report = await prisma.report.findUniqueOrThrow({ where: { id: reportId } });
    expect(report).toMatchObject({
      rating: "GOOD",
      ratingReason: "Two of the five measures have no figures.",
    });
    expect(report.ratedAt?.toISOString()).toBe(IN_Q1_2026.replace("Z", ".000Z"));
    expect(await prisma.reportEvent.count({ where: { reportId, type: "RATED" } })).toBe(1);
    expect(await prisma.notification.count({ where: { kind: "report.rated" } })).toBe(1);
    expect(said(tb, TG.head, /⭐ Rated «Good»/)).toHaveLength(1);
    expect(said(tb, TG.head, NOT_WAITING)).toEqual([]);
    await tb.deliverOutbox();
    expect(said(tb, TG.official, /was rated "Good"/)).toHaveLength(1);
  });

  it("rate with the suggested rating (one press, no reason): rated once, told once", async () => {
    const { prisma, tb, clock, head, reportId } = await world();
    await head.press("⭐ Rate");
    crashOnceAfter(tb.deps.services.reporting.review, "rate");
    const suggested = head.buttonTexts().find((b) => b.includes("(suggested)"))!;
    await expect(head.press(suggested)).rejects.toThrow(/simulated crash/);

    await replay(tb, clock);
    expect(await prisma.reportEvent.count({ where: { reportId, type: "RATED" } })).toBe(1);
    expect(await prisma.notification.count({ where: { kind: "report.rated" } })).toBe(1);
    expect(said(tb, TG.head, /⭐ Rated «/)).toHaveLength(1);
  });

  it("approve pressed twice (two update ids): approved once, the official told once", async () => {
    const { prisma, tb, head, reportId } = await world();
    await head.press("✅ Approve");
    const notice = tb.emulator
      .messages(TG.head)
      .find((m) => m.from === "bot" && m.text?.includes("submitted the First quarter"))!;
    const approve = notice.buttons!.flat().find((b) => b.text === "✅ Approve")!;
    await head.pressData(approve.data!, notice.messageId);
    expect(await prisma.reportEvent.count({ where: { reportId, type: "APPROVED" } })).toBe(1);
    expect(await prisma.notification.count({ where: { kind: "report.approved" } })).toBe(1);
    expect(said(tb, TG.head, /went wrong/)).toEqual([]);
  });
});

describe("a crash after the head's approve or return of a plan, then the replay", () => {
  const db = useTestDatabase();

  async function world() {
    const { prisma, clock, tb, official, head } = await officialAndHead(db());
    await sendPlan(tb, official);
    await official.press("📤 Send for approval");
    await tb.deliverOutbox();
    return { prisma, tb, clock, head };
  }

  async function replay(tb: TestBot, clock: ManualClock) {
    clock.advance(RESTART_MS);
    const restarted = await tb.restart();
    expect(await recover(restarted)).toBe(1);
    expect(await tb.deps.prisma.processedUpdate.count({ where: { doneAt: null } })).toBe(0);
  }

  it("approve: approved once, the official told once, the head's confirmation sent", async () => {
    const { prisma, tb, clock, head } = await world();
    crashOnceAfter(tb.deps.services.reporting.plans, "approvePlan");
    await expect(head.press("✅ Approve")).rejects.toThrow(/simulated crash/);
    await replay(tb, clock);
    expect((await prisma.performancePlan.findFirstOrThrow()).status).toBe("APPROVED");
    expect(await prisma.notification.count({ where: { kind: "plan.approved" } })).toBe(1);
    expect(said(tb, TG.head, /✅ Approved: the 2026 plan/)).toHaveLength(1);
    expect(said(tb, TG.head, /not waiting|went wrong/)).toEqual([]);
  });

  it("return with a comment: returned once, the official told once, the head's confirmation sent", async () => {
    const { prisma, tb, clock, head } = await world();
    await head.press("↩️ Return");
    crashOnceAfter(tb.deps.services.reporting.plans, "returnPlan");
    await expect(head.send("Measure 1.2 needs a target for each quarter.")).rejects.toThrow(
      /simulated crash/,
    );
    await replay(tb, clock);
    expect(await prisma.performancePlan.findFirstOrThrow()).toMatchObject({
      status: "RETURNED",
      comment: "Measure 1.2 needs a target for each quarter.",
    });
    expect(await prisma.notification.count({ where: { kind: "plan.returned" } })).toBe(1);
    expect(said(tb, TG.head, /The plan is returned to .* with your comment/)).toHaveLength(1);
    expect(said(tb, TG.head, /not waiting|went wrong/)).toEqual([]);
  });
});

describe("a crash after an answer of the report's conversation, then the replay", () => {
  const db = useTestDatabase();

  // The conversation's state is written with the done mark: a crash before it leaves
  // neither, so the replay answers the same question again, never the next one.
  for (const point of ["conversation-written", "before-done"] as const) {
    it(`at ${point}: the replayed answer is taken for its own question`, async () => {
      let armed = false;
      const faults: UpdateFaults = (at) => {
        if (armed && at === point) {
          armed = false;
          throw crash(point);
        }
      };
      const { prisma, clock, tb, official, head } = await officialAndHead(db(), { faults });
      await approvedPlan(tb, official, head);
      await official.send("/report");
      expect(official.text()).toContain("What level was reached? Write a percent");
      armed = true;
      await expect(official.send("92")).rejects.toThrow(/simulated crash/);
      expect(said(tb, TG.official, /What was done\?/)).toHaveLength(1);

      clock.advance(RESTART_MS);
      const restarted = await tb.restart({ faults: undefined });
      expect(await recover(restarted)).toBe(1);
      // Asked again what was done: "92" answered the level, not this question.
      const last = tb.emulator
        .messages(TG.official)
        .filter((m) => m.from === "bot")
        .at(-1);
      expect(last?.text).toContain("What was done?");
      const entries = await prisma.reportEntry.findMany({
        where: { OR: [{ achievedText: { not: null } }, { narrative: { not: null } }] },
      });
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({ achievedText: "92%", narrative: null });
      expect(await prisma.processedUpdate.count({ where: { doneAt: null } })).toBe(0);
    });
  }
});
