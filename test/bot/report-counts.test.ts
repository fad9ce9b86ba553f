/**
 * One definition of "due" and "submitted": the unit head's list, the evaluation overview,
 * the heads' digest and the reminders count the same people. Due: a plan for the year (not
 * superseded) or a report for the period; submitted: SUBMITTED or APPROVED.
 */
import { describe, expect, it } from "vitest";
import { reportingReminders } from "../../src/jobs/reporting-reminders.js";
import { weeklyDigest } from "../../src/jobs/weekly-digest.js";
import { ManualClock } from "../../src/shared/clock.js";
import { local } from "../scheduling/fixtures.js";
import { createTestBot } from "../support/chat.js";
import { useTestDatabase } from "../support/db.js";
import { linkTelegram, seedOrganization, TG } from "../support/fixtures.js";
import { approvedPlan, IN_Q1_2026, submitThroughService } from "./report-helpers.js";

describe("report counts", () => {
  const db = useTestDatabase();

  it(
    "the unit list, the evaluation overview, the digest and the reminders agree",
    { timeout: 120_000 },
    async () => {
      const { prisma } = db();
      const fx = await seedOrganization(prisma);
      const CLERK = 990_001;
      for (const [tg, person] of [
        [TG.official, fx.people.official],
        [CLERK, fx.people.clerk],
        [TG.head, fx.people.head],
        [TG.orgHead, fx.people.orgHead],
        [TG.evaluator, fx.people.evaluator],
      ] as const) {
        await linkTelegram(prisma, tg, person.id);
      }
      const tb = await createTestBot(db(), { clock: new ManualClock(IN_Q1_2026) });
      const official = tb.chat({ id: TG.official });
      const clerk = tb.chat({ id: CLERK });
      const head = tb.chat({ id: TG.head });
      const orgHead = tb.chat({ id: TG.orgHead });
      const evaluator = tb.chat({ id: TG.evaluator });
      // Two people of the unit have a plan for the year; the others (the evaluator, the
      // second unit's official) have none and owe no report.
      await approvedPlan(tb, official, head);
      await approvedPlan(tb, clerk, head);
      await submitThroughService(tb, TG.official, 100);

      await head.pressData("rv:list");
      expect(head.text()).toContain("<b>Төрийн захиргааны удирдлагын хэлтэс</b>: 1 of 2 handed in");
      expect(head.text()).toContain("Г.Оюунчимэг");
      expect(head.text()).not.toContain("Б.Болд");

      await evaluator.pressData("rv:eval");
      expect(evaluator.text()).toContain("Reports handed in: 1 of 2");
      expect(evaluator.text()).toContain("<b>Төрийн захиргааны удирдлагын хэлтэс</b>: 1 of 2");
      expect(evaluator.text()).not.toContain("Хөгжлийн бодлого, төлөвлөлтийн хэлтэс");

      // The eve of the deadline: every head's digest, and the reminder of the day before.
      const eve = local("2026-03-19T09:00");
      tb.clock.set(eve.toISOString());
      await weeklyDigest({ prisma, clock: tb.clock }, eve);
      await reportingReminders({ prisma, clock: tb.clock }, eve);
      await tb.deliverOutbox();
      expect(head.lastText()).toContain("📊 Q1 2026 reports: 1/2 sent, 1 missing — Г.Оюунчимэг");
      expect(orgHead.lastText()).toContain("📊 Q1 2026 reports: 1/2 sent, 1 missing — Г.Оюунчимэг");
      expect(clerk.lastText()).toContain("2026.03.20");
      expect(official.lastText()).not.toContain("2026.03.20");
      expect(tb.emulator.messages(TG.evaluator).some((m) => m.text?.includes("2026.03.20"))).toBe(false);
    },
  );
});
