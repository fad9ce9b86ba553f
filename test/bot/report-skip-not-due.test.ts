/**
 * Skip means "later", "not due in this period" is its own choice with a reason (plain where
 * the plan agrees), the resume header counts answered measures only, and an over-long
 * narrative is kept and saved shortened on request.
 */
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/shared/clock.js";
import { createTestBot } from "../support/chat.js";
import { useTestDatabase } from "../support/db.js";
import { linkTelegram, seedOrganization, TG } from "../support/fixtures.js";
import { approvedPlan, IN_Q1_2026, seedPlanRows } from "./report-helpers.js";

describe("skipping, not due and long narratives in the report", () => {
  const db = useTestDatabase();

  it(
    "skip leaves a measure unanswered; not due (as the plan says) takes a reason; the header counts the same way",
    { timeout: 120_000 },
    async () => {
      const { prisma } = db();
      const fx = await seedOrganization(prisma);
      await linkTelegram(prisma, TG.official, fx.people.official.id);
      await linkTelegram(prisma, TG.head, fx.people.head.id);
      const tb = await createTestBot(db(), { clock: new ManualClock(IN_Q1_2026) });
      const official = tb.chat({ id: TG.official });
      const head = tb.chat({ id: TG.head });
      // 1.4 is reported all year but planned from May: the plan says it is not due in Q1.
      const rows = seedPlanRows().map((r) =>
        r.measureNumber === "1.4" ? { ...r, dates: "2026.05.01-12.15" } : r,
      );
      await approvedPlan(tb, official, head, rows);
      const entry = async (number: string) =>
        prisma.reportEntry.findFirstOrThrow({ where: { measure: { number } } });

      await official.send("/report");
      expect(official.text()).toContain("Measures due: 5, answered: 0.");
      expect(official.text()).toContain("⏭ Skip leaves a measure for later");
      await official.press("⏭ Skip");
      expect(official.text()).toContain("1.1: left for later. The summary will ask for it.");
      expect(official.text()).toContain("Measure 1.2</b> (2 of 5)");
      expect(await entry("1.1")).toMatchObject({ skipped: false, achievedText: null });
      await official.press("💾 Save and leave");

      // The header does not count a skipped measure as answered, and resumes at it.
      await official.send("/report");
      expect(official.text()).toContain("Measures due: 5, answered: 0.");
      expect(official.text()).toContain("Measure 1.1</b> (1 of 5)");

      // An over-long narrative is kept and saved shortened at a sentence boundary.
      await official.send("95");
      const sentence = "Хууль тогтоомжийг 46 албан хаагчид танилцуулж, 12 удаа зөвлөгөө өгсөн. ";
      const long = sentence.repeat(40).trim();
      await official.send(long);
      expect(official.text()).toContain(
        `Your text has ${long.length} characters; at most 2000 fit in the report.`,
      );
      const kept = sentence.repeat(Math.floor(2000 / sentence.length)).trim();
      await official.press(`✂️ Save it shortened (${kept.length} characters)`);
      expect(official.text()).toContain(`✂️ Saved shortened: ${kept.length} characters. It now ends: «`);
      expect(official.text()).toContain("When did the work start and end?");
      expect((await entry("1.1")).narrative).toBe(kept);
      await official.press("📅 As planned: 2026.01.02-12.15");
      await official.press("✔️ 100%");
      await official.press("✅ Done");

      // 1.2 and 1.3 for later; 1.4 is not due by the plan: the reason is asked at once.
      await official.press("⏭ Skip");
      await official.press("⏭ Skip");
      expect(official.text()).toContain("Measure 1.4</b> (4 of 5)");
      await official.press("🚫 Not due in this period");
      expect(official.text()).toContain("Why is it not due in this period?");
      expect(official.text()).not.toContain("By the plan");
      await official.send("🙂");
      expect(official.text()).toContain("Please write why it is not due in this period.");
      await official.send("Төлөвлөгөөгөөр 5 дугаар сараас эхэлнэ.");
      expect(official.text()).toContain("1.4: marked as not due in this period.");
      expect(official.text()).toContain("Measure 2.1</b> (5 of 5)");
      expect(await entry("1.4")).toMatchObject({
        skipped: true,
        notDueFlagged: false,
        notDueReason: "Төлөвлөгөөгөөр 5 дугаар сараас эхэлнэ.",
      });
      await official.press("💾 Save and leave");

      await official.send("/report");
      expect(official.text()).toContain("Measures due: 5, answered: 2.");
      expect(official.text()).toContain("Measure 1.2</b> (2 of 5)");
      await official.press("💾 Save and leave");

      // The summary asks for what was skipped, and submitting is not offered.
      await official.pressData("rp:open");
      await official.press("⏭ Skip");
      await official.press("⏭ Skip");
      await official.press("⏭ Skip");
      await official.press("➡️ No more tasks");
      const out = official.text();
      expect(out).toContain("Answered: 2 of 5 (not due: 1)");
      expect(out).toContain("🚫 1.4");
      expect(out).toContain("Still to fill in: 1.2, 1.3, 2.1. Choose a measure.");
      expect(out).toContain("Overall completion: <b>100%</b>");
      expect(official.buttonTexts()).not.toContain("📤 Submit");
    },
  );
});
