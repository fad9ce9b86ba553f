/**
 * The report conversation runs one measure at a time: at a measure's end it continues as
 * a new run (src/bot/conversations/kit.ts continueAs), so the stored conversation holds
 * the measure in progress only, and does not grow with the measures answered before it.
 * A failure in the update that passes from one measure to the next leaves the update
 * unfinished; handled again, it asks the next measure once.
 */
import { describe, expect, it } from "vitest";
import { RetryLater } from "../../src/db/transient.js";
import { ManualClock } from "../../src/shared/clock.js";
import { createTestBot, type TestChat } from "../support/chat.js";
import { useTestDatabase } from "../support/db.js";
import { linkTelegram, seedOrganization, TG } from "../support/fixtures.js";
import { approvedPlan, IN_Q1_2026 } from "./report-helpers.js";

describe("the report conversation, one measure at a time", () => {
  const db = useTestDatabase();

  async function setup() {
    const { prisma } = db();
    const fx = await seedOrganization(prisma);
    await linkTelegram(prisma, TG.official, fx.people.official.id);
    await linkTelegram(prisma, TG.head, fx.people.head.id);
    const first = await createTestBot(db(), { clock: new ManualClock(IN_Q1_2026) });
    await approvedPlan(first, first.chat({ id: TG.official }), first.chat({ id: TG.head }));
    // As in production: the update ledger, so an update left unfinished is handled again.
    const tb = await first.restart({ ledger: true });
    return { prisma, tb, official: tb.chat({ id: TG.official }) };
  }

  /** The measure's answer through to "Done": level, text, the plan's dates, completion, no evidence. */
  async function answer(chat: TestChat, level: string, text: string, completion: string) {
    await chat.send(level);
    await chat.send(text);
    const planned = chat.buttonTexts().find((b) => b.startsWith("📅 As planned"));
    expect(planned, chat.text()).toBeDefined();
    await chat.press(planned as string);
    await chat.send(completion);
    expect(chat.text()).toContain("Evidence (optional)");
    await chat.press("✅ Done");
  }

  it("stores the measure in progress only, whatever was answered before", async () => {
    const { prisma, official } = await setup();
    const stored = async () => (await prisma.conversationState.findMany()).map((r) => r.value).join("");
    await official.send("/report");
    await answer(
      official,
      "95",
      "Хууль тогтоомжийг 46 албан хаагчид танилцуулж, 12 удаа зөвлөгөө өгсөн.",
      "100",
    );
    expect(official.text()).toContain("Measure 1.2</b> (2 of 5)");
    const second = await stored();

    await answer(official, "3", "3 удаа сургалт зохион байгуулж, 45 албан хаагчийг хамруулсан.", "80");
    expect(official.text()).toContain("Measure 1.3</b> (3 of 5)");
    await official.press("Yes");
    await official.send("Ээлжийн амралтын хуваарийг 2026.01.15-нд батлуулсан.");
    const planned = official.buttonTexts().find((b) => b.startsWith("📅 As planned"));
    await official.press(planned as string);
    await official.press("✔️ 100%");
    await official.press("✅ Done");
    expect(official.text()).toContain("Measure 1.4</b> (4 of 5)");
    const fourth = await stored();

    // The earlier measures' answers are not in it; it is about as big at the 4th measure as
    // at the 2nd (one run per measure: before, each measure answered added about 4 KB).
    expect(fourth).not.toContain("46 албан хаагчид");
    expect(fourth).not.toContain("45 албан хаагчийг");
    expect(fourth).not.toContain("Ээлжийн амралтын");
    expect(Math.abs(Buffer.byteLength(fourth) - Buffer.byteLength(second))).toBeLessThan(1_500);
    // Where the report stands is the run's argument: the report and the measure.
    const args = JSON.parse(JSON.parse(fourth).state.report[0].args);
    expect(args).toEqual([expect.objectContaining({ at: "measure", index: 3, editing: false })]);
  });

  it("a failure between two measures leaves the update unfinished; handled again, it asks the next measure once", async () => {
    const { prisma, tb, official } = await setup();
    const reports = tb.deps.services.reporting.reports;
    const entryAt = reports.entryAt.bind(reports);
    let armed = true;
    reports.entryAt = async (actor, reportId, index) => {
      if (armed && index === 1) {
        armed = false;
        throw new RetryLater("simulated failure reading the next measure");
      }
      return entryAt(actor, reportId, index);
    };
    await official.send("/report");
    await official.send("95");
    await official.send("Хууль тогтоомжийг 46 албан хаагчид танилцуулж, 12 удаа зөвлөгөө өгсөн.");
    await official.press(official.buttonTexts().find((b) => b.startsWith("📅 As planned")) as string);
    await official.press("✔️ 100%");
    await expect(official.press("✅ Done")).rejects.toThrow(/simulated failure/);
    expect(official.text()).not.toContain("Measure 1.2");
    expect(official.text()).not.toContain("went wrong");

    const stale = await tb.ledger!.stale();
    expect(stale).toHaveLength(1);
    for (const update of stale) await tb.handle(update);
    const cards = tb.emulator
      .messages(TG.official)
      .filter((m) => m.from === "bot" && m.text?.includes("Measure 1.2</b> (2 of 5)"));
    expect(cards).toHaveLength(1);
    expect(official.text()).toContain("Write a number, for example 4.");
    expect(await prisma.processedUpdate.count({ where: { doneAt: null } })).toBe(0);

    // The conversation goes on in the next measure, with the first one's answers kept.
    await official.send("3");
    expect(official.text()).toContain("What was done?");
    const first = await prisma.reportEntry.findFirstOrThrow({ where: { measure: { number: "1.1" } } });
    expect(first).toMatchObject({ achievedText: "95%", completion: 100 });
  });
});
