import { describe, expect, it } from "vitest";
import { ensureUser } from "../../src/directory/users.js";
import { useTestDatabase } from "../support/db.js";

describe("chat users", () => {
  const db = useTestDatabase();

  it("a new user's first updates handled at the same moment create one user and fail none", async () => {
    const { prisma } = db();
    const who = { channel: "TELEGRAM" as const, externalId: "880001", chatId: "880001" };
    const now = new Date("2026-03-10T02:00:00Z");
    const users = await Promise.all(Array.from({ length: 8 }, () => ensureUser(prisma, who, now)));
    expect(new Set(users.map((u) => u.id)).size).toBe(1);
    expect(await prisma.user.count()).toBe(1);
  });

  it("a returning user is reachable again and seen later", async () => {
    const { prisma } = db();
    const who = { channel: "TELEGRAM" as const, externalId: "880002", chatId: "880002" };
    const first = await ensureUser(prisma, who, new Date("2026-03-10T02:00:00Z"));
    await prisma.user.update({
      where: { id: first.id },
      data: { unreachableAt: new Date("2026-03-11T00:00:00Z") },
    });
    const again = await ensureUser(prisma, who, new Date("2026-03-12T02:00:00Z"));
    expect(again.id).toBe(first.id);
    expect(again.unreachableAt).toBeNull();
    expect(again.lastSeenAt.toISOString()).toBe("2026-03-12T02:00:00.000Z");
  });
});
