import { describe, expect, it } from "vitest";
import { loadDemo } from "../../src/directory/demo.js";
import { DirectoryService } from "../../src/directory/directory-service.js";
import { useTestDatabase } from "../support/db.js";

describe("directory queries", () => {
  const db = useTestDatabase();

  async function setup() {
    const { prisma } = db();
    await loadDemo(prisma);
    const org = await prisma.organization.findUniqueOrThrow({ where: { slug: "demo-aimag" } });
    const unit = (code: string) =>
      prisma.unit.findUniqueOrThrow({ where: { orgId_code: { orgId: org.id, code } } });
    const person = (code: string) =>
      prisma.person.findUniqueOrThrow({ where: { orgId_code: { orgId: org.id, code } } });
    return { prisma, org, unit, person, dir: new DirectoryService({ prisma }) };
  }

  const codes = (list: { code: string }[]) => list.map((p) => p.code);

  it("finds the head of a unit, else of its parent, else the organisation head", async () => {
    const { prisma, org, unit, person, dir } = await setup();
    const tzuh = await unit("TZUH");
    const archive = await unit("TZUH-ARH");
    expect(codes(await dir.unitHeads(tzuh.id))).toEqual(["magnaibayar"]);
    // The archive office has no head of its own: its parent's head.
    expect(codes(await dir.unitHeads(archive.id))).toEqual(["magnaibayar"]);
    // The unit head's own head: up to the organisation head (TZUH has no parent).
    const magnaibayar = await person("magnaibayar");
    expect(codes(await dir.unitHeads(tzuh.id, { exclude: magnaibayar.id }))).toEqual(["otgonbat"]);
    expect(codes(await dir.headsOf(magnaibayar.id))).toEqual(["otgonbat"]);
    expect(codes(await dir.headsOf((await person("sarantuya")).id))).toEqual(["magnaibayar"]);
    expect(codes(await dir.headsOf((await person("tugsjargal")).id))).toEqual(["batsetseg"]);
    // The organisation head answers to nobody in the directory.
    expect(await dir.headsOf((await person("otgonbat")).id)).toEqual([]);

    // An inactive head does not count.
    await prisma.person.update({ where: { id: magnaibayar.id }, data: { active: false } });
    expect(codes(await dir.unitHeads(archive.id))).toEqual(["otgonbat"]);
    expect(await dir.unitHeads(999_999)).toEqual([]);
    expect(org.slug).toBe("demo-aimag");
  });

  it("lists clerks, people of a unit and active organisations", async () => {
    const { prisma, org, unit, dir } = await setup();
    expect(codes(await dir.petitionClerks(org.id))).toEqual(["vansemberuu"]);
    expect(codes(await dir.orgAdmins(org.id))).toEqual(["temuulen"]);
    const tzuh = await unit("TZUH");
    expect(codes(await dir.unitPeople(tzuh.id)).sort()).toEqual(["magnaibayar", "temuulen", "vansemberuu"]);
    expect(codes(await dir.unitPeople(tzuh.id, { includeSubunits: true })).sort()).toEqual([
      "magnaibayar",
      "sarantuya",
      "temuulen",
      "vansemberuu",
    ]);

    expect((await dir.listActiveOrganizations()).map((o) => o.slug).sort()).toEqual([
      "demo-aimag",
      "demo-soum",
    ]);
    await prisma.organization.update({ where: { slug: "demo-soum" }, data: { active: false } });
    expect((await dir.listActiveOrganizations()).map((o) => o.slug)).toEqual(["demo-aimag"]);
    expect((await dir.organizationBySlug("demo-soum"))?.active).toBe(false);
    expect((await dir.listTopics(org.id)).length).toBe(8);
  });

  it("shows a person with unit, position, roles and linked account", async () => {
    const { prisma, org, dir } = await setup();
    const p = await dir.personByCode(org.id, "vansemberuu");
    expect(p).toMatchObject({
      fullName: "Н.Вансэмбэрүү",
      roles: ["OFFICIAL", "PETITION_CLERK"],
      unit: { code: "TZUH", name: "Төрийн захиргааны удирдлагын хэлтэс" },
      position: { code: "TZUH-HNOG" },
      userId: null,
    });
    const user = await prisma.user.create({ data: { externalId: "77", chatId: "77", personId: p!.id } });
    expect((await dir.person(p!.id))?.userId).toBe(user.id);
    expect(await dir.person(999_999)).toBeNull();
  });
});
