import { describe, expect, it } from "vitest";
import { ensureUser, LAST_SEEN_RESOLUTION_MS } from "../../src/directory/users.js";
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

  it("a user seen moments ago is read without a write, with their directory record as it is now", async () => {
    const { prisma } = db();
    const org = await prisma.organization.create({ data: { slug: "u-org", name: "Байгууллага" } });
    const person = await prisma.person.create({
      data: { orgId: org.id, code: "U1", fullName: "Б.Бат", roles: ["OFFICIAL", "UNIT_HEAD"] },
    });
    const who = { channel: "TELEGRAM" as const, externalId: "880003", chatId: "880003" };
    const t0 = new Date("2026-03-10T02:00:00Z");
    const first = await ensureUser(prisma, who, t0);
    await prisma.user.update({ where: { id: first.id }, data: { personId: person.id } });

    const soon = await ensureUser(prisma, who, new Date(t0.getTime() + LAST_SEEN_RESOLUTION_MS - 1000));
    expect(soon.lastSeenAt.toISOString()).toBe(t0.toISOString());
    expect(soon.person).toEqual({
      id: person.id,
      orgId: org.id,
      unitId: null,
      roles: ["OFFICIAL", "UNIT_HEAD"],
      active: true,
      fullName: "Б.Бат",
    });

    await prisma.person.update({ where: { id: person.id }, data: { active: false } });
    const later = new Date(t0.getTime() + LAST_SEEN_RESOLUTION_MS + 1000);
    const after = await ensureUser(prisma, who, later);
    expect(after.person?.active).toBe(false);
    expect(after.lastSeenAt.toISOString()).toBe(later.toISOString());
    expect((await prisma.user.findUniqueOrThrow({ where: { id: first.id } })).lastSeenAt).toEqual(later);
  });
});
