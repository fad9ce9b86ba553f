import { describe, expect, it } from "vitest";
import type { Actor } from "../../src/directory/actor.js";
import { loadDemo } from "../../src/directory/demo.js";
import { DirectoryAdmin } from "../../src/directory/directory-admin.js";
import { ManualClock } from "../../src/shared/clock.js";
import { DomainError } from "../../src/shared/errors.js";
import { useTestDatabase } from "../support/db.js";

describe("directory admin edits", () => {
  const db = useTestDatabase();

  async function setup() {
    const { prisma } = db();
    await loadDemo(prisma);
    const aimag = await prisma.organization.findUniqueOrThrow({ where: { slug: "demo-aimag" } });
    const soum = await prisma.organization.findUniqueOrThrow({ where: { slug: "demo-soum" } });
    const actorFor = async (orgId: number, code: string): Promise<Actor> => {
      const p = await prisma.person.findUniqueOrThrow({ where: { orgId_code: { orgId, code } } });
      return {
        userId: p.id,
        personId: p.id,
        orgId: p.orgId,
        unitId: p.unitId,
        roles: p.roles,
        superAdmin: false,
      };
    };
    return {
      prisma,
      aimag,
      soum,
      admin: new DirectoryAdmin({ prisma, clock: new ManualClock("2026-03-10T01:00:00Z") }),
      aimagAdmin: await actorFor(aimag.id, "temuulen"),
      soumAdmin: await actorFor(soum.id, "tsogtbayar"),
      aimagOfficial: await actorFor(aimag.id, "duurenbilig"),
      unit: (orgId: number, code: string) =>
        prisma.unit.findUniqueOrThrow({ where: { orgId_code: { orgId, code } } }),
      person: (orgId: number, code: string) =>
        prisma.person.findUniqueOrThrow({ where: { orgId_code: { orgId, code } } }),
    };
  }

  async function key(p: Promise<unknown>): Promise<string> {
    const err = await p.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DomainError);
    return (err as DomainError).key;
  }

  it("keeps every edit inside the admin's own organisation", async () => {
    const { prisma, aimag, soum, admin, aimagAdmin, soumAdmin, aimagOfficial, unit, person } = await setup();
    const aimagPerson = await person(aimag.id, "duurenbilig");
    const aimagUnit = await unit(aimag.id, "HBTH");
    const land = await prisma.petitionTopic.findUniqueOrThrow({
      where: { orgId_code: { orgId: aimag.id, code: "land" } },
    });
    const rule = await prisma.routingRule.findFirstOrThrow({ where: { orgId: aimag.id } });

    // The soum's admin cannot see or change anything of the aimag.
    const attempts = [
      () => admin.updatePerson(soumAdmin, aimagPerson.id, { fullName: "X" }),
      () => admin.setRoles(soumAdmin, aimagPerson.id, ["ORG_ADMIN"]),
      () => admin.addPerson(soumAdmin, aimag.id, { fullName: "Х.Хулгайч" }),
      () => admin.addTopic(soumAdmin, aimag.id, { name: "Сэдэв" }),
      () => admin.addRoutingRule(soumAdmin, aimag.id, { kind: "REQUEST", unitId: aimagUnit.id }),
      () => admin.removeRoutingRule(soumAdmin, rule.id),
      () =>
        admin.setCalendarDeadline(soumAdmin, aimag.id, { year: 2026, kind: "Q1", deadline: "2026-03-25" }),
      () => admin.unlinkAccount(soumAdmin, aimagPerson.id),
      () => admin.listRoutingRules(soumAdmin, aimag.id),
      // ...nor point its own records at the aimag's units, topics or people.
      () => admin.addPerson(soumAdmin, soum.id, { fullName: "Б.Бат", unitId: aimagUnit.id }),
      () => admin.addRoutingRule(soumAdmin, soum.id, { topicId: land.id, personId: aimagPerson.id }),
    ];
    for (const attempt of attempts) expect(await key(attempt())).toBe("common:errors.notFound");

    // Staff without ORG_ADMIN cannot edit their own organisation either.
    expect(await key(admin.updatePerson(aimagOfficial, aimagPerson.id, { fullName: "X" }))).toBe(
      "common:errors.forbidden",
    );
    const citizen: Actor = {
      userId: 1,
      personId: null,
      orgId: null,
      unitId: null,
      roles: [],
      superAdmin: false,
    };
    expect(await key(admin.addTopic(citizen, aimag.id, { name: "X" }))).toBe("common:errors.forbidden");

    expect(await prisma.person.findUniqueOrThrow({ where: { id: aimagPerson.id } })).toMatchObject({
      fullName: "Ч.Дүүрэнбилиг",
    });
    expect(await prisma.routingRule.count({ where: { id: rule.id } })).toBe(1);

    // The aimag's admin and a super admin can.
    await admin.updatePerson(aimagAdmin, aimagPerson.id, { fullName: "Ч.Дүүрэнбилэг" });
    const superAdmin: Actor = {
      userId: 2,
      personId: null,
      orgId: null,
      unitId: null,
      roles: [],
      superAdmin: true,
    };
    expect((await admin.updatePerson(superAdmin, aimagPerson.id, { phone: "99001122" })).phone).toBe(
      "99001122",
    );
  });

  it("adds and updates people, with generated codes and checked values", async () => {
    const { aimag, admin, aimagAdmin, unit } = await setup();
    const hbth = await unit(aimag.id, "HBTH");
    const added = await admin.addPerson(aimagAdmin, aimag.id, {
      fullName: "  Г.Гэрэлмаа ",
      unitId: hbth.id,
      roles: ["UNIT_HEAD", "OFFICIAL"],
      email: "gerelmaa@example.mn",
    });
    expect(added).toMatchObject({ code: "P012", fullName: "Г.Гэрэлмаа", roles: ["OFFICIAL", "UNIT_HEAD"] });
    expect(added.unit?.code).toBe("HBTH");
    expect(
      await key(admin.addPerson(aimagAdmin, aimag.id, { code: "vansemberuu", fullName: "Давхар" })),
    ).toBe("directory:errors.duplicateCode");
    expect(await key(admin.addPerson(aimagAdmin, aimag.id, { fullName: "  " }))).toBe(
      "directory:errors.invalidField",
    );
    expect(await key(admin.updatePerson(aimagAdmin, added.id, { email: "not mail" }))).toBe(
      "directory:errors.invalidField",
    );
    expect(await key(admin.updatePerson(aimagAdmin, added.id, { digestWeekday: 8 }))).toBe(
      "directory:errors.invalidField",
    );
    const moved = await admin.updatePerson(aimagAdmin, added.id, { unitId: null, phone: "+976 9911 2233" });
    expect(moved).toMatchObject({ unit: null, phone: "+976 9911 2233" });
  });

  it("never leaves an organisation without an admin", async () => {
    const { aimag, admin, aimagAdmin, person } = await setup();
    const self = await person(aimag.id, "temuulen");
    expect(await key(admin.setRoles(aimagAdmin, self.id, ["OFFICIAL"]))).toBe("directory:errors.lastAdmin");
    expect(await key(admin.updatePerson(aimagAdmin, self.id, { active: false }))).toBe(
      "directory:errors.lastAdmin",
    );
    const other = await person(aimag.id, "duurenbilig");
    await admin.setRoles(aimagAdmin, other.id, ["OFFICIAL", "ORG_ADMIN"]);
    expect((await admin.setRoles(aimagAdmin, self.id, ["OFFICIAL"])).roles).toEqual(["OFFICIAL"]);
  });

  it("adds topics and routing rules, one rule per topic and kind", async () => {
    const { prisma, aimag, admin, aimagAdmin, unit, person } = await setup();
    const topic = await admin.addTopic(aimagAdmin, aimag.id, {
      name: "Малчдын асуудал",
      nameEn: "Herders",
      requiresAddress: true,
    });
    expect(topic).toMatchObject({ code: "T9", name: "Малчдын асуудал", requiresAddress: true });
    expect(await key(admin.addTopic(aimagAdmin, aimag.id, { code: "land", name: "Газар" }))).toBe(
      "directory:errors.duplicateCode",
    );

    const hbth = await unit(aimag.id, "HBTH");
    const first = await admin.addRoutingRule(aimagAdmin, aimag.id, { topicId: topic.id, unitId: hbth.id });
    const clerk = await person(aimag.id, "vansemberuu");
    const again = await admin.addRoutingRule(aimagAdmin, aimag.id, {
      topicId: topic.id,
      personId: clerk.id,
      priority: 3,
    });
    expect(again.id).toBe(first.id);
    expect(await prisma.routingRule.findUniqueOrThrow({ where: { id: first.id } })).toMatchObject({
      unitId: null,
      personId: clerk.id,
      priority: 3,
    });
    expect(await key(admin.addRoutingRule(aimagAdmin, aimag.id, { unitId: hbth.id }))).toBe(
      "directory:errors.routingMatch",
    );
    expect(
      await key(
        admin.addRoutingRule(aimagAdmin, aimag.id, { kind: "REQUEST", unitId: hbth.id, personId: clerk.id }),
      ),
    ).toBe("directory:errors.routingTarget");

    const rules = await admin.listRoutingRules(aimagAdmin, aimag.id);
    expect(rules.find((r) => r.id === first.id)).toMatchObject({
      topic: { code: "T9" },
      person: { code: "vansemberuu" },
    });
    await admin.removeRoutingRule(aimagAdmin, first.id);
    expect(await prisma.routingRule.count({ where: { id: first.id } })).toBe(0);
    expect(await key(admin.removeRoutingRule(aimagAdmin, first.id))).toBe("common:errors.notFound");
  });

  it("sets a calendar deadline in the organisation's time zone", async () => {
    const { prisma, aimag, admin, aimagAdmin } = await setup();
    const moved = await admin.setCalendarDeadline(aimagAdmin, aimag.id, {
      year: 2026,
      kind: "Q1",
      deadline: "2026.03.25",
    });
    expect(moved.outcome).toBe("updated");
    expect(moved.deadline.toISOString()).toBe("2026-03-25T15:59:59.000Z");
    expect(moved.opensAt.toISOString()).toBe("2026-03-10T16:00:00.000Z"); // 14 days before, 00:00 local
    const created = await admin.setCalendarDeadline(aimagAdmin, aimag.id, {
      year: 2027,
      kind: "H1",
      deadline: "2027-06-15",
      opens: "2027-06-01",
    });
    expect(created.outcome).toBe("created");
    expect(created.opensAt.toISOString()).toBe("2027-05-31T16:00:00.000Z");
    expect(await prisma.reportingPeriod.count({ where: { orgId: aimag.id } })).toBe(5);
    expect(
      await key(
        admin.setCalendarDeadline(aimagAdmin, aimag.id, { year: 2026, kind: "Q3", deadline: "2026-02-30" }),
      ),
    ).toBe("directory:errors.invalidDate");
    expect(
      await key(
        admin.setCalendarDeadline(aimagAdmin, aimag.id, {
          year: 2026,
          kind: "Q3",
          deadline: "2026-09-20",
          opens: "2026-10-01",
        }),
      ),
    ).toBe("directory:errors.opensAfterDeadline");
  });

  it("unlinks an account and cancels the person's open invites", async () => {
    const { prisma, aimag, admin, aimagAdmin, person } = await setup();
    const p = await person(aimag.id, "enkhbayar");
    const user = await prisma.user.create({ data: { externalId: "81", chatId: "81", personId: p.id } });
    await prisma.invite.create({
      data: { personId: p.id, codeHash: "x", expiresAt: new Date("2026-03-17T00:00:00Z") },
    });
    await admin.unlinkAccount(aimagAdmin, p.id);
    expect((await prisma.user.findUniqueOrThrow({ where: { id: user.id } })).personId).toBeNull();
    expect(
      (await prisma.invite.findFirstOrThrow({ where: { personId: p.id } })).expiresAt.toISOString(),
    ).toBe("2026-03-10T01:00:00.000Z");
  });
});
