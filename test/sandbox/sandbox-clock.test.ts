/**
 * The sandbox clock passes time as a real week would: stepped slot by slot, each
 * reminder and digest goes on its own day, with the right "today" or "tomorrow".
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/index.js";
import { localDay } from "../../src/shared/local-time.js";
import type { AdvanceResult } from "../../src/sandbox/sandbox.js";
import { openTestDatabase } from "../support/db.js";
import { SANDBOX_START, startTestSandbox, type TestSandbox } from "./support.js";

const TZ = "Asia/Ulaanbaatar";

describe("the sandbox clock, a week at a time", () => {
  let db: Database;
  let t: TestSandbox;

  beforeAll(async () => {
    db = await openTestDatabase();
    t = await startTestSandbox(db);
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    await db?.close();
  });

  it("delivers every reminder and digest of two weeks on its own day", async () => {
    const start = new Date(SANDBOX_START);
    // Petitions assigned and due within the first week (their officials must be reminded).
    const dueThisWeek = await db.prisma.petition.findMany({
      where: {
        status: { in: ["ASSIGNED", "IN_PROGRESS"] },
        assigneeId: { not: null },
        dueAt: { gt: start, lte: new Date(start.getTime() + 7 * 86_400_000) },
      },
      select: { id: true, assignee: { select: { user: { select: { id: true } } } } },
    });

    for (let i = 0; i < 2; i++) {
      const week = await t.api<AdvanceResult>("/api/clock", { step: "1w" });
      expect(week.slots).toBeGreaterThanOrEqual(7 * 24);
    }

    // Report reminders (Q1 deadline 20 March): 7, 3, 1 days before and on the day, each sent that day.
    const reminders = await db.prisma.notification.findMany({
      where: { kind: "report.reminder" },
      orderBy: { id: "asc" },
    });
    expect(reminders.length).toBeGreaterThan(0);
    const byUser = new Map<number, string[]>();
    for (const n of reminders) {
      expect(n.status).toBe("SENT");
      const d = /:d(\d+)$/.exec(n.dedupeKey)?.[1];
      const sentDay = localDay(n.sentAt!, TZ);
      expect(sentDay).toBe(
        { "7": "2026-03-13", "3": "2026-03-17", "1": "2026-03-19", "0": "2026-03-20" }[d!],
      );
      byUser.set(n.userId, [...(byUser.get(n.userId) ?? []), d!]);
    }
    for (const days of byUser.values()) expect(days).toEqual(["7", "3", "1", "0"]);

    // The heads' deadline digest says "tomorrow" on the eve only.
    const digests = await db.prisma.notification.findMany({ where: { kind: "digest.deadline" } });
    expect(digests.length).toBeGreaterThan(0);
    for (const n of digests) expect(localDay(n.sentAt!, TZ)).toBe("2026-03-19");

    // Every official with a petition due in the first week was reminded of it.
    expect(dueThisWeek.length).toBeGreaterThan(0);
    for (const p of dueThisWeek) {
      const sent = await db.prisma.notification.count({
        where: {
          kind: "petition.reminder",
          dedupeKey: { startsWith: `petition.reminder:${p.id}:` },
          userId: p.assignee!.user!.id,
          status: "SENT",
        },
      });
      expect(sent).toBeGreaterThan(0);
    }
  }, 300_000);
});
