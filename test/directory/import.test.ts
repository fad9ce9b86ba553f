import { readFileSync } from "node:fs";
import path from "node:path";
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../src/db/schema-engine.js";
import { loadDemo } from "../../src/directory/demo.js";
import { importDirectory, importDirectoryFile, readDirectoryFile } from "../../src/directory/import.js";
import { describeRowError, summarizeImport } from "../../src/directory/import-report.js";
import { parseDirectoryXlsx, writeDirectoryXlsx } from "../../src/directory/import-xlsx.js";
import { parseDirectoryYaml } from "../../src/directory/import-yaml.js";
import { translator } from "../../src/i18n.js";
import { DomainError, ValidationError } from "../../src/shared/errors.js";
import { useTestDatabase } from "../support/db.js";
import { directorySnapshot } from "./snapshot.js";

const EXAMPLE = path.join(PROJECT_ROOT, "examples/directory.example.yaml");
const EXAMPLE_XLSX = path.join(PROJECT_ROOT, "examples/directory.example.xlsx");
const BROKEN = path.join(PROJECT_ROOT, "test/fixtures/directory/broken.yaml");

async function validationErrors(run: Promise<unknown>): Promise<ValidationError> {
  const err = await run.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ValidationError);
  return err as ValidationError;
}

function yamlData(file: string) {
  return parseDirectoryYaml(readFileSync(file, "utf8")).data as { organizations: Record<string, unknown>[] };
}

describe("directory import", () => {
  const db = useTestDatabase();

  it("imports the example file: every section, with calendar days in the organisation's time zone", async () => {
    const { prisma } = db();
    const result = await importDirectoryFile(prisma, EXAMPLE);
    expect(result.totals).toEqual({ created: 1 + 2 + 2 + 3 + 2 + 2 + 2, updated: 0, unchanged: 0 });
    const org = await prisma.organization.findUniqueOrThrow({ where: { slug: "example-office" } });
    expect(org.settings).toEqual({
      petitions: { resolveDays: { SUGGESTION: 15 }, reminderDaysBefore: [5, 1] },
      reporting: { opensDaysBefore: 10 },
    });

    const bold = await prisma.person.findUniqueOrThrow({
      where: { orgId_code: { orgId: org.id, code: "1001" } },
      include: { unit: true, position: true },
    });
    expect(bold).toMatchObject({
      fullName: "Б.Болд",
      phone: "99112233",
      email: "bold@example.mn",
      active: true,
    });
    expect(bold.roles).toEqual(["OFFICIAL", "UNIT_HEAD", "ORG_ADMIN"]);
    expect(bold.unit?.code).toBe("TZUH");
    expect(bold.position?.code).toBe("TZUH-D");

    const hr = await prisma.unit.findUniqueOrThrow({
      where: { orgId_code: { orgId: org.id, code: "HR" } },
      include: { parent: true },
    });
    expect(hr.parent?.code).toBe("TZUH");

    const q1 = await prisma.reportingPeriod.findUniqueOrThrow({
      where: { orgId_year_kind: { orgId: org.id, year: 2026, kind: "Q1" } },
    });
    // 2026-03-20 23:59:59 and 2026-03-01 00:00 in Ulaanbaatar (UTC+8).
    expect(q1.deadline.toISOString()).toBe("2026-03-20T15:59:59.000Z");
    expect(q1.opensAt.toISOString()).toBe("2026-02-28T16:00:00.000Z");
    const h1 = await prisma.reportingPeriod.findUniqueOrThrow({
      where: { orgId_year_kind: { orgId: org.id, year: 2026, kind: "H1" } },
    });
    // Opens reporting.opensDaysBefore (10, from the file's settings) days before the deadline.
    expect(h1.opensAt.toISOString()).toBe("2026-06-04T16:00:00.000Z");

    const rules = await prisma.routingRule.findMany({
      where: { orgId: org.id },
      include: { topic: true, person: true },
    });
    expect(
      rules.map((r) => [r.topic?.code ?? null, r.kind, r.person?.code ?? null, r.priority]).sort(),
    ).toEqual([
      [null, "COMPLAINT", "1002", 5],
      ["land", null, null, 0],
    ]);
  });

  it("changes nothing when the same file is imported again", async () => {
    const { prisma } = db();
    await importDirectoryFile(prisma, EXAMPLE);
    const before = await directorySnapshot(prisma, { timestamps: true });
    const again = await importDirectoryFile(prisma, EXAMPLE);
    expect(again.totals).toEqual({ created: 0, updated: 0, unchanged: 14 });
    expect(again.organizations[0]!.organization).toBe("unchanged");
    expect(await directorySnapshot(prisma, { timestamps: true })).toEqual(before);
    const lines = summarizeImport(again, translator("en"));
    expect(lines.at(-1)).toBe("Total: 0 created, 0 updated, 14 unchanged");
  });

  it("updates what changed and reports what the file no longer lists", async () => {
    const { prisma } = db();
    await importDirectoryFile(prisma, EXAMPLE);
    const data = yamlData(EXAMPLE);
    const org = data.organizations[0]!;
    const people = org.people as Record<string, unknown>[];
    people[0]!.fullName = "Б.Болдбаатар";
    org.people = people.filter((p) => p.code !== "1003");
    org.routing = (org.routing as Record<string, unknown>[]).filter((r) => r.topic === "land");
    const text = JSON.stringify(data);

    const result = await importDirectory(prisma, parseDirectoryYaml(text));
    const o = result.organizations[0]!;
    expect(o.sections.people).toEqual({ created: 0, updated: 1, unchanged: 1 });
    expect(o.notInFile).toMatchObject({ people: ["1003"], routing: 1 });
    expect(o.deactivated).toEqual({ people: [], topics: [], routing: 0 });
    expect(await prisma.person.count({ where: { active: true } })).toBe(3);

    const strict = await importDirectory(prisma, parseDirectoryYaml(text), { deactivateMissing: true });
    expect(strict.organizations[0]!.deactivated).toEqual({ people: ["1003"], topics: [], routing: 1 });
    expect(await prisma.person.findFirstOrThrow({ where: { code: "1003" } })).toMatchObject({
      active: false,
    });
    expect(await prisma.routingRule.count()).toBe(1);
    // Deactivated people are no longer "not in file" the next time.
    const third = await importDirectory(prisma, parseDirectoryYaml(text), { deactivateMissing: true });
    expect(third.organizations[0]!.notInFile.people).toEqual([]);
    expect(third.totals.created + third.totals.updated).toBe(0);
  });

  it("leaves sections the file does not contain alone, and resolves codes already in the database", async () => {
    const { prisma } = db();
    await importDirectoryFile(prisma, EXAMPLE);
    const partial = [
      "organizations:",
      "  - slug: example-office",
      "    name: Жишээ аймгийн Засаг даргын Тамгын газар",
      "    nameEn: Example Aimag Governor's Office",
      "    units:", // nothing after it: not given, not "no units"
      "    people:",
      "      - { code: '1004', fullName: Г.Гэрэл, unit: HR, position: HR-M }",
    ].join("\n");
    const result = await importDirectory(prisma, parseDirectoryYaml(partial));
    const o = result.organizations[0]!;
    expect(o.sections.people.created).toBe(1);
    // People is present, so the others are "not in file"; units etc. are not mentioned.
    expect(o.notInFile).toEqual({
      units: [],
      positions: [],
      people: ["1001", "1002", "1003"],
      topics: [],
      routing: 0,
    });
    const org = await prisma.organization.findUniqueOrThrow({ where: { slug: "example-office" } });
    // The file has no settings: the stored ones stay.
    expect(org.settings).toMatchObject({ reporting: { opensDaysBefore: 10 } });
    expect(await prisma.routingRule.count()).toBe(2);
  });

  it("reports every error of a broken file on its line and writes nothing", async () => {
    const { prisma } = db();
    const err = await validationErrors(importDirectoryFile(prisma, BROKEN));
    const expected: [number, string][] = [];
    readFileSync(BROKEN, "utf8")
      .split("\n")
      .forEach((line, i) => {
        if (line.trimStart().startsWith("#")) return;
        for (const m of line.matchAll(/E:(\w+)/g)) expected.push([i + 1, `directory:import.${m[1]}`]);
      });
    const got = err.errors.map((e) => [e.row, e.key] as [number, string]);
    const order = (list: [number, string][]) =>
      [...list].sort((a, b) => a[0] - b[0] || a[1].localeCompare(b[1]));
    expect(order(got)).toEqual(order(expected));
    expect(expected.length).toBeGreaterThanOrEqual(15);

    const unknownUnit = err.errors.find(
      (e) => e.key === "directory:import.unknownUnit" && e.params?.code === "NOPE",
    );
    expect(unknownUnit?.column).toBe("organizations[0].people[0].unit");
    const t = translator("en");
    expect(describeRowError(unknownUnit!, t)).toBe(
      `Line ${unknownUnit!.row}, organizations[0].people[0].unit: Unknown unit code «NOPE».`,
    );
    const badRole = err.errors.find((e) => e.key === "directory:import.badRole")!;
    expect(t(badRole.key, badRole.params)).toContain("«BOSS» is not a role");
    expect(translator("mn")(badRole.key, badRole.params)).toContain("«BOSS» гэсэн эрх байхгүй");

    expect(await prisma.organization.count()).toBe(0);
    expect(await prisma.unit.count()).toBe(0);
    expect(await prisma.person.count()).toBe(0);
  });

  it("reports a YAML syntax error with its line", async () => {
    const { prisma } = db();
    const err = await validationErrors(
      importDirectory(prisma, parseDirectoryYaml("organizations:\n  - slug: a\n    name: [unclosed\n")),
    );
    expect(err.errors).toHaveLength(1);
    expect(err.errors[0]!.key).toBe("directory:import.yamlSyntax");
    expect(err.errors[0]!.row).toBeGreaterThanOrEqual(3);
  });

  it("refuses files that are neither YAML nor XLSX", async () => {
    await expect(readDirectoryFile("/tmp/directory.csv")).rejects.toMatchObject({
      key: "directory:import.badFileType",
    });
  });

  it("imports the workbook exactly like the YAML file", async () => {
    const { prisma } = db();
    await importDirectoryFile(prisma, EXAMPLE);
    const fromYaml = await directorySnapshot(prisma);

    // The workbook written from the YAML data reads back as the same data.
    const xlsx = await parseDirectoryXlsx(await writeDirectoryXlsx(yamlData(EXAMPLE)));
    expect(xlsx.errors).toEqual([]);
    // Re-importing the workbook over the YAML import changes nothing.
    const over = await importDirectory(prisma, xlsx);
    expect(over.totals).toEqual({ created: 0, updated: 0, unchanged: 14 });

    // The committed example workbook, into an empty database, gives the same rows.
    await prisma.$executeRawUnsafe(`TRUNCATE "Organization" RESTART IDENTITY CASCADE`);
    const result = await importDirectoryFile(prisma, EXAMPLE_XLSX);
    expect(result.totals.created).toBe(14);
    expect(await directorySnapshot(prisma)).toEqual(fromYaml);
  });

  it("names the sheet, row and column of every workbook error", async () => {
    const { prisma } = db();
    const wb = new ExcelJS.Workbook();
    const sheet = (name: string, rows: unknown[][]) => {
      const ws = wb.addWorksheet(name);
      for (const r of rows) ws.addRow(r);
    };
    sheet("Organization", [
      ["Богино нэр (slug)", "Нэр (name)"],
      ["aimag", "Аймгийн ЗДТГ"],
      ["soum", "Сумын ЗДТГ"],
    ]);
    sheet("Units", [
      ["org", "code", "name", "Nickname"],
      ["aimag", "A", "Нэгж А"],
      ["", "B", "Нэгж Б"],
      ["nowhere", "C", "Нэгж В"],
    ]);
    sheet("People", [
      ["org", "code", "fullName", "unit", "roles", "email"],
      ["aimag", "p1", "Б.Болд", "NOPE", "OFFICIAL, BOSS", "bold@example.mn"],
      ["aimag", "p1", "Б.Бат", "A", "official", "not-mail"],
      ["soum", "s1", "", "", "", ""],
    ]);
    sheet("Calendar", [
      ["org", "year", "period", "deadline"],
      ["aimag", 2026, "Q1", new Date("2026-03-20T00:00:00Z")],
      ["aimag", 2026, "Q1", "2026.03.32"],
    ]);
    const parsed = await parseDirectoryXlsx(Buffer.from(await wb.xlsx.writeBuffer()));
    const err = await validationErrors(importDirectory(prisma, parsed));
    const got = err.errors.map((e) => [e.params?.sheet, e.row, e.column, e.key]);
    expect(got).toEqual([
      ["Units", 1, "Nickname", "directory:import.unknownColumn"],
      ["Units", 3, "org", "directory:import.orgRequired"],
      ["Units", 4, "org", "directory:import.unknownOrg"],
      ["People", 2, "roles", "directory:import.badRole"],
      ["People", 2, "unit", "directory:import.unknownUnit"],
      ["People", 3, "email", "directory:import.badEmail"],
      ["People", 3, "code", "directory:import.duplicateCode"],
      ["People", 4, "fullName", "directory:import.required"],
      ["Calendar", 3, "deadline", "directory:import.badDate"],
      ["Calendar", 3, undefined, "directory:import.duplicatePeriod"],
    ]);
    expect(describeRowError(err.errors[4]!, translator("en"))).toBe(
      "People, row 2, «unit»: Unknown unit code «NOPE».",
    );
    expect(describeRowError(err.errors[4]!, translator("mn"))).toBe(
      "People хуудас, 2-р мөр, «unit» багана: «NOPE» кодтой нэгж алга байна.",
    );
    expect(await prisma.organization.count()).toBe(0);
  });

  it("reads settings from the Settings sheet", async () => {
    const { prisma } = db();
    const data = yamlData(EXAMPLE);
    const parsed = await parseDirectoryXlsx(await writeDirectoryXlsx(data));
    expect((parsed.data as typeof data).organizations[0]!.settings).toEqual(data.organizations[0]!.settings);
    await importDirectory(prisma, parsed);
    const org = await prisma.organization.findUniqueOrThrow({ where: { slug: "example-office" } });
    expect(org.settings).toEqual(data.organizations[0]!.settings);
  });

  it("loads the demo organisations, idempotently", async () => {
    const { prisma } = db();
    const first = await loadDemo(prisma);
    expect(first.organizations.map((o) => o.slug)).toEqual(["demo-aimag", "demo-soum"]);
    expect(first.totals.updated + first.totals.unchanged).toBe(0);
    const aimag = await prisma.organization.findUniqueOrThrow({
      where: { slug: "demo-aimag" },
      include: { people: true, topics: true, periods: true, routingRules: true },
    });
    expect(aimag.people.length).toBeGreaterThanOrEqual(8);
    expect(aimag.people.length).toBeLessThanOrEqual(14);
    expect(aimag.people.find((p) => p.code === "vansemberuu")).toMatchObject({
      fullName: "Н.Вансэмбэрүү",
      roles: ["OFFICIAL", "PETITION_CLERK"],
    });
    for (const role of ["UNIT_HEAD", "PETITION_CLERK", "EVALUATION_TEAM", "ORG_ADMIN", "ORG_HEAD"] as const) {
      expect(aimag.people.some((p) => p.roles.includes(role))).toBe(true);
    }
    expect(aimag.topics.map((t) => t.code)).toEqual(
      expect.arrayContaining([
        "land",
        "welfare",
        "employment",
        "civil-registration",
        "public-services",
        "other",
      ]),
    );
    const deadlines = Object.fromEntries(aimag.periods.map((p) => [p.kind, p.deadline.toISOString()]));
    expect(deadlines).toEqual({
      Q1: "2026-03-20T15:59:59.000Z",
      H1: "2026-06-15T15:59:59.000Z",
      Q3: "2026-09-20T15:59:59.000Z",
      YEAR: "2026-12-10T15:59:59.000Z",
    });
    // The soum's calendar has no dates in the file: the default deadlines apply.
    const soum = await prisma.organization.findUniqueOrThrow({
      where: { slug: "demo-soum" },
      include: { periods: true },
    });
    expect(Object.fromEntries(soum.periods.map((p) => [p.kind, p.deadline.toISOString()]))).toEqual(
      deadlines,
    );

    const before = await directorySnapshot(prisma, { timestamps: true });
    const second = await loadDemo(prisma);
    expect(second.totals.created + second.totals.updated).toBe(0);
    expect(await directorySnapshot(prisma, { timestamps: true })).toEqual(before);
  });

  it("lets an admin import only their own organisation", async () => {
    const { prisma } = db();
    await loadDemo(prisma);
    const aimag = await prisma.organization.findUniqueOrThrow({ where: { slug: "demo-aimag" } });
    const soum = await prisma.organization.findUniqueOrThrow({ where: { slug: "demo-soum" } });
    const admin = await prisma.person.findFirstOrThrow({
      where: { orgId: soum.id, roles: { has: "ORG_ADMIN" } },
    });
    const actor = {
      userId: 1,
      personId: admin.id,
      orgId: soum.id,
      unitId: null,
      roles: admin.roles,
      superAdmin: false,
    };
    const file = (slug: string, name: string) =>
      parseDirectoryYaml(
        `organizations:\n  - slug: ${slug}\n    name: ${name}\n    topics:\n      - { code: x, name: X }\n`,
      );

    await expect(importDirectory(prisma, file("demo-aimag", aimag.name), { actor })).rejects.toMatchObject({
      key: "common:errors.notFound",
    });
    await expect(importDirectory(prisma, file("new-org", "Шинэ"), { actor })).rejects.toBeInstanceOf(
      DomainError,
    );
    const own = await importDirectory(prisma, file("demo-soum", soum.name), { actor });
    expect(own.organizations[0]!.sections.topics.created).toBe(1);
    expect(await prisma.petitionTopic.count({ where: { orgId: aimag.id, code: "x" } })).toBe(0);
  });
});
