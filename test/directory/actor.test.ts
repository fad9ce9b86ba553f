import { describe, expect, it } from "vitest";
import { requireOrgAdmin } from "../../src/directory/actor.js";
import { loadDemo } from "../../src/directory/demo.js";
import { actorForUser, ensureUser } from "../../src/directory/users.js";
import { useTestDatabase } from "../support/db.js";

describe("chat users and their actors", () => {
  const db = useTestDatabase();

  it("is a citizen, an official with roles, or a super admin", async () => {
    const { prisma } = db();
    await loadDemo(prisma);
    const head = await prisma.person.findFirstOrThrow({ where: { code: "daariimaa" } });
    const citizen = await prisma.user.create({ data: { externalId: "4001", chatId: "4001" } });
    const official = await prisma.user.create({
      data: { externalId: "3001", chatId: "3001", personId: head.id },
    });
    const operator = await prisma.user.create({ data: { externalId: "1001", chatId: "1001" } });

    expect(await actorForUser(prisma, citizen.id, ["1001"])).toEqual({
      userId: citizen.id,
      personId: null,
      orgId: null,
      unitId: null,
      roles: [],
      superAdmin: false,
    });
    expect(await actorForUser(prisma, official.id, ["1001"])).toEqual({
      userId: official.id,
      personId: head.id,
      orgId: head.orgId,
      unitId: head.unitId,
      roles: ["OFFICIAL", "UNIT_HEAD", "EVALUATION_TEAM"],
      superAdmin: false,
    });
    const superAdmin = await actorForUser(prisma, operator.id, ["1001"]);
    expect(superAdmin).toMatchObject({ personId: null, superAdmin: true });
    expect(() => requireOrgAdmin(superAdmin, head.orgId)).not.toThrow();

    // A deactivated person's account acts as a citizen.
    await prisma.person.update({ where: { id: head.id }, data: { active: false } });
    expect(await actorForUser(prisma, official.id, [])).toMatchObject({ personId: null, roles: [] });
  });

  it("are created on first contact and refreshed afterwards (reachable again)", async () => {
    const { prisma } = db();
    const who = { channel: "TELEGRAM" as const, externalId: "4242", chatId: "4242" };
    const first = await ensureUser(prisma, who, new Date("2026-03-10T01:00:00Z"));
    expect(first).toMatchObject({ externalId: "4242", personId: null, unreachableAt: null });
    await prisma.user.update({
      where: { id: first.id },
      data: { unreachableAt: new Date("2026-03-11T00:00:00Z") },
    });
    const again = await ensureUser(prisma, { ...who, chatId: "4243" }, new Date("2026-03-12T01:00:00Z"));
    expect(again).toMatchObject({ id: first.id, chatId: "4243", unreachableAt: null });
    expect(again.lastSeenAt.toISOString()).toBe("2026-03-12T01:00:00.000Z");
    expect(await prisma.user.count()).toBe(1);
  });
});
