import { describe, expect, it } from "vitest";
import { enqueue } from "../../src/scheduling/outbox.js";
import { useTestDatabase } from "../support/db.js";
import { createCitizen } from "./fixtures.js";

describe("outbox enqueue", () => {
  const db = useTestDatabase();

  it("writes each message once, with its time, payload and petition exactly as given", async () => {
    const { prisma } = db();
    const user = await createCitizen(prisma);
    const later = new Date("2026-03-10T23:30:00.123Z");
    const payload = {
      key: "petitions:notify.assigned",
      params: { number: "ӨГ-2026-000001", due: { date: "2026-04-09T15:59:59.999Z" }, note: "'$x$' \\ \"q\"" },
      buttons: [[{ key: "petitions:buttons.accept", data: "pt:acc:1" }]],
    };
    const first = await enqueue(prisma, [
      { userId: user.id, kind: "test.now", dedupeKey: "outbox-test:now", payload },
      { userId: user.id, kind: "test.later", dedupeKey: "outbox-test:later", payload, notBefore: later },
      // The same key twice in one call: written once.
      { userId: user.id, kind: "test.later", dedupeKey: "outbox-test:later", payload, notBefore: later },
    ]);
    expect(first).toBe(2);
    // Again (a replayed step, a job run twice): nothing new.
    expect(
      await enqueue(prisma, { userId: user.id, kind: "test.now", dedupeKey: "outbox-test:now", payload }),
    ).toBe(0);
    expect(await enqueue(prisma, [])).toBe(0);

    const rows = await prisma.notification.findMany({ orderBy: { id: "asc" } });
    expect(rows.map((r) => [r.kind, r.dedupeKey, r.status, r.attempts, r.petitionId])).toEqual([
      ["test.now", "outbox-test:now", "PENDING", 0, null],
      ["test.later", "outbox-test:later", "PENDING", 0, null],
    ]);
    expect(rows[0]!.notBefore.toISOString()).toBe(new Date(0).toISOString());
    expect(rows[1]!.notBefore.toISOString()).toBe(later.toISOString());
    expect(rows[1]!.payload).toEqual(payload);
    // Written now, in UTC like every other time column.
    expect(Math.abs(rows[0]!.createdAt.getTime() - Date.now())).toBeLessThan(60_000);
  });
});
