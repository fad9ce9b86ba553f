import { describe, expect, it } from "vitest";
import { PetitionService } from "../../src/petitions/petition-service.js";
import { ManualClock } from "../../src/shared/clock.js";
import { useTestDatabase } from "../support/db.js";
import { draft, makeOffice } from "./fixtures.js";

describe("registration numbers under simultaneous submissions", () => {
  const db = useTestDatabase();

  async function submitAtOnce(count: number) {
    const { prisma } = db();
    const clock = new ManualClock("2026-03-10T01:00:00Z");
    const svc = new PetitionService({ prisma, clock });
    const o = await makeOffice(prisma);
    await prisma.user.createMany({
      data: Array.from({ length: count }, (_, i) => ({ externalId: `c${i}`, chatId: `c${i}` })),
    });
    const users = await prisma.user.findMany({ where: { personId: null }, orderBy: { id: "asc" } });
    expect(users).toHaveLength(count);
    // No topic: every petition goes to the clerks' queue and the clerk is told of each.
    const results = await Promise.all(users.map((u) => svc.submitFromCitizen(u.id, draft(o.org.id))));
    return { o, results };
  }

  async function expectConsecutive(count: number, o: Awaited<ReturnType<typeof makeOffice>>) {
    const { prisma } = db();
    const petitions = await prisma.petition.findMany({ orderBy: { seq: "asc" } });
    expect(petitions.map((p) => p.seq)).toEqual(Array.from({ length: count }, (_, i) => i + 1));
    expect(new Set(petitions.map((p) => p.number)).size).toBe(count);
    expect(petitions.at(-1)?.number).toBe(`ӨГ-2026-${String(count).padStart(6, "0")}`);
    expect(await prisma.petitionCounter.findMany()).toEqual([
      { orgId: o.org.id, year: 2026, lastSeq: count },
    ]);
    expect(await prisma.petitionEvent.count({ where: { type: "REGISTERED" } })).toBe(count);
    const notes = await prisma.notification.findMany({ include: { user: true } });
    expect(notes).toHaveLength(count);
    expect(new Set(notes.map((n) => n.dedupeKey)).size).toBe(count);
    expect(new Set(notes.map((n) => n.user.personId))).toEqual(new Set([o.clerk.personId]));
  }

  it("20 at once get 1..20", async () => {
    const { o, results } = await submitAtOnce(20);
    expect(new Set(results.map((r) => r.number)).size).toBe(20);
    await expectConsecutive(20, o);
  });

  it.skipIf(process.env.TEST_DATABASE_URL === undefined)(
    "200 at once on PostgreSQL get 200 distinct consecutive numbers",
    async () => {
      const { o, results } = await submitAtOnce(200);
      expect(new Set(results.map((r) => r.number)).size).toBe(200);
      await expectConsecutive(200, o);
    },
    120_000,
  );
});
