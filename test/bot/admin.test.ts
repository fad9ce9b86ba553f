import { describe, expect, it } from "vitest";
import type { TestChat } from "../support/chat.js";
import { createTestBot } from "../support/chat.js";
import { useTestDatabase } from "../support/db.js";
import { citizen, linkTelegram, seedOrganization, TG } from "../support/fixtures.js";

const CITIZEN_MENU = ["📝 File a petition", "📂 My petitions", "🌐 Хэл / Language", "❓ Help"];

async function openSettings(chat: TestChat): Promise<void> {
  await chat.send("/menu");
  await chat.press("⚙️ Organisation settings");
}

async function openCard(chat: TestChat, query: string): Promise<void> {
  await chat.press("👥 People");
  await chat.send(query);
}

describe("organisation settings: people", () => {
  const db = useTestDatabase();

  async function setup() {
    const { prisma } = db();
    const fx = await seedOrganization(prisma);
    await linkTelegram(prisma, TG.admin, fx.people.admin.id);
    const tb = await createTestBot(db());
    return { prisma, fx, tb, admin: tb.chat({ id: TG.admin }) };
  }

  it("shows the settings menu of the admin's organisation", async () => {
    const { admin } = await setup();
    await openSettings(admin);
    expect(admin.text()).toContain("Organisation settings");
    expect(admin.text()).toContain("Аймгийн Засаг даргын Тамгын газар");
    expect(admin.text()).toContain(
      "Units: 2 · active people: 7 (deactivated: 0) · petition topics: 0 · routing rules: 0",
    );
    expect(admin.buttonTexts()).toEqual([
      "👥 People",
      "➕ Add a person",
      "🗂 Petition topics",
      "🔀 Routing rules",
      "📅 Reporting calendar",
      "📥 Import a directory file",
    ]);
  });

  it("changes a person's roles, and the person's menu follows on their next /menu", async () => {
    const { prisma, fx, tb, admin } = await setup();
    await linkTelegram(prisma, TG.official2, fx.people.official2.id);
    const bold = tb.chat({ id: TG.official2 });
    await bold.send("/menu");
    expect(bold.buttonTexts()).not.toContain("🗃 Petition queue");

    await openSettings(admin);
    await openCard(admin, "Болд");
    expect(admin.text()).toContain("👤 <b>Б.Болд</b> · P002");
    expect(admin.text()).toContain("Unit: Хөгжлийн бодлого, төлөвлөлтийн хэлтэс");
    expect(admin.text()).toContain("Roles: official");
    expect(admin.text()).toContain("Telegram: connected");
    await admin.press("🎭 Change roles");
    expect(admin.buttonTexts()).toEqual([
      "✅ official",
      "▫️ unit head",
      "▫️ petition clerk",
      "▫️ evaluation team member",
      "▫️ organisation admin",
      "▫️ head of the organisation",
      "💾 Save",
      "✖️ Cancel",
    ]);
    await admin.press("▫️ petition clerk");
    await admin.press("▫️ unit head");
    await admin.press("✅ unit head");
    expect(admin.buttonTexts().slice(0, 3)).toEqual(["✅ official", "▫️ unit head", "✅ petition clerk"]);
    // Toggling changes nothing until saved.
    expect((await prisma.person.findUniqueOrThrow({ where: { id: fx.people.official2.id } })).roles).toEqual([
      "OFFICIAL",
    ]);
    await admin.press("💾 Save");
    expect(admin.text()).toContain("The roles of Б.Болд are saved.");
    expect(admin.text()).toContain("Roles: official, petition clerk");
    expect((await prisma.person.findUniqueOrThrow({ where: { id: fx.people.official2.id } })).roles).toEqual([
      "OFFICIAL",
      "PETITION_CLERK",
    ]);

    await bold.send("/menu");
    expect(bold.buttonTexts()).toEqual(
      expect.arrayContaining(["🗃 Petition queue", "🖋 Register a paper petition"]),
    );
  });

  it("the last admin cannot take away their own admin role", async () => {
    const { prisma, fx, admin } = await setup();
    await openSettings(admin);
    await openCard(admin, "P005");
    await admin.press("🎭 Change roles");
    await admin.press("✅ organisation admin");
    await admin.press("💾 Save");
    expect(admin.text()).toContain(
      "This is the organisation's only admin. Make someone else an admin first.",
    );
    expect((await prisma.person.findUniqueOrThrow({ where: { id: fx.people.admin.id } })).roles).toEqual([
      "ORG_ADMIN",
    ]);
  });

  it("deactivation drops the person to the citizen menu; reactivation brings the staff menu back", async () => {
    const { prisma, fx, tb, admin } = await setup();
    await linkTelegram(prisma, TG.official, fx.people.official.id);
    const official = tb.chat({ id: TG.official });

    await openSettings(admin);
    await openCard(admin, "p001");
    expect(admin.text()).toContain("Н.Ванчинсэмбэрүү");
    await admin.press("⛔ Deactivate");
    expect(admin.text()).toContain("Deactivate <b>Н.Ванчинсэмбэрүү</b>?");
    await admin.press("⛔ Yes, deactivate");
    expect(admin.text()).toContain("⛔ Н.Ванчинсэмбэрүү is deactivated.");
    expect(admin.text()).toContain("Status: deactivated");
    expect(admin.buttonTexts()).toContain("✅ Reactivate");
    expect((await prisma.person.findUniqueOrThrow({ where: { id: fx.people.official.id } })).active).toBe(
      false,
    );

    await official.send("/menu");
    expect(official.buttonTexts()).toEqual(CITIZEN_MENU);

    // Deactivated people are still found, marked, and can be reactivated.
    await admin.press("🔎 Find a person");
    await admin.send("Ванчин");
    expect(admin.text()).toContain("Status: deactivated");
    await admin.press("✅ Reactivate");
    expect(admin.text()).toContain("✅ Н.Ванчинсэмбэрүү is active again.");
    await official.send("/menu");
    expect(official.buttonTexts()).toContain("📊 Fill in my report");
  });

  it("disconnects a Telegram account and creates a new invite from the card", async () => {
    const { prisma, fx, tb, admin } = await setup();
    await linkTelegram(prisma, TG.official, fx.people.official.id);
    await openSettings(admin);
    await openCard(admin, "Ванчин");
    await admin.press("🔌 Disconnect Telegram");
    expect(admin.text()).toContain("Disconnect the Telegram account of <b>Н.Ванчинсэмбэрүү</b>?");
    await admin.press("🔌 Yes, disconnect");
    expect(admin.text()).toContain("The Telegram account of Н.Ванчинсэмбэрүү is disconnected.");
    expect(admin.text()).toContain("Telegram: not connected");
    expect(await prisma.user.count({ where: { personId: fx.people.official.id } })).toBe(0);
    const official = tb.chat({ id: TG.official });
    await official.send("/menu");
    expect(official.buttonTexts()).toEqual(CITIZEN_MENU);

    await admin.press("🔗 Create an invite");
    expect(admin.text()).toContain("Invite for <b>Н.Ванчинсэмбэрүү</b>");
    const link = admin.text().match(/start=(inv_[\w-]+)/)?.[1];
    expect(link).toBeDefined();
    await official.send(`/start ${link}`);
    expect(official.text()).toContain("linked to <b>Н.Ванчинсэмбэрүү</b>");
  });

  it("adds a person with a unit and roles", async () => {
    const { prisma, fx, admin } = await setup();
    await prisma.position.create({
      data: { orgId: fx.org.id, unitId: fx.units.dev.id, code: "HBTH-M", title: "Мэргэжилтэн" },
    });
    await openSettings(admin);
    await admin.press("➕ Add a person");
    expect(admin.text()).toContain("Full name of the new person");
    await admin.send("Д.Должин");
    expect(admin.text()).toContain("Which unit does Д.Должин work in?");
    await admin.press("Хөгжлийн бодлого, төлөвлөлтийн хэлтэс");
    expect(admin.text()).toContain("Position of Д.Должин:");
    await admin.press("Мэргэжилтэн");
    expect(admin.text()).toContain("Roles of <b>Д.Должин</b>: official.");
    await admin.press("▫️ unit head");
    expect(admin.text()).toContain("Roles of <b>Д.Должин</b>: official, unit head.");
    await admin.press("✔️ Done");
    expect(admin.text()).toContain("✅ Д.Должин is added to the directory with the code P008.");
    expect(admin.text()).toContain("Position: Мэргэжилтэн");
    expect(admin.buttonTexts()).toContain("🔗 Create an invite");
    const person = await prisma.person.findFirstOrThrow({ where: { fullName: "Д.Должин" } });
    expect(person).toMatchObject({
      orgId: fx.org.id,
      unitId: fx.units.dev.id,
      roles: ["OFFICIAL", "UNIT_HEAD"],
    });
  });
});

describe("organisation settings: petition topics and routing", () => {
  const db = useTestDatabase();

  // The bot's flood limit (12 updates in 4 seconds) keeps each test to a dozen taps.
  async function setup() {
    const { prisma } = db();
    const fx = await seedOrganization(prisma);
    await linkTelegram(prisma, TG.admin, fx.people.admin.id);
    const tb = await createTestBot(db());
    return { prisma, fx, tb, admin: tb.chat({ id: TG.admin }) };
  }

  it("adds a topic and a rule; a citizen's petition on that topic goes to the rule's person", async () => {
    const { prisma, fx, tb, admin } = await setup();
    await openSettings(admin);
    await admin.press("🗂 Petition topics");
    expect(admin.text()).toContain("No petition topics yet.");
    await admin.press("➕ Add a topic");
    await admin.send("Газрын асуудал");
    expect(admin.text()).toContain("Name of «Газрын асуудал» in English (optional):");
    await admin.send("Land");
    await admin.press("Yes, an address is required");
    expect(admin.text()).toContain("✅ The topic «Land» is added (code T1).");
    const topic = await prisma.petitionTopic.findFirstOrThrow({ where: { orgId: fx.org.id } });
    expect(topic).toMatchObject({
      name: "Газрын асуудал",
      nameEn: "Land",
      requiresAddress: true,
      active: true,
    });

    await admin.press("🔀 Add a routing rule for it");
    expect(admin.text()).toContain("Of which kind?");
    await admin.press("Any kind");
    await admin.press("👤 To a person directly");
    await admin.send("Болд");
    expect(admin.text()).toContain("New routing rule:\nLand · any kind → Б.Болд");
    await admin.press("💾 Save the rule");
    expect(admin.text()).toContain("The routing rule is saved.");
    expect(await prisma.routingRule.findFirstOrThrow()).toMatchObject({
      orgId: fx.org.id,
      topicId: topic.id,
      kind: null,
      personId: fx.people.official2.id,
      unitId: null,
    });

    const user = await citizen(prisma, TG.citizen);
    const submitted = await tb.deps.services.petitions.submitFromCitizen(user.id, {
      orgId: fx.org.id,
      kind: "REQUEST",
      topicId: topic.id,
      text: "Газрын гэрчилгээгээ шинэчлүүлэх хүсэлттэй байна, материалаа бүрдүүлсэн.",
      petitionerName: "Д.Дорж",
      phone: "99112233",
      address: "Баянхонгор сум, 3-р баг",
      consent: true,
    });
    expect(submitted.routedTo).toBe("person");
    const petition = await prisma.petition.findUniqueOrThrow({ where: { id: submitted.id } });
    expect(petition.assigneeId).toBe(fx.people.official2.id);
  });

  it("lists the rules; a rule for the same topic and kind replaces the old one after saying so", async () => {
    const { prisma, fx, admin } = await setup();
    const topic = await prisma.petitionTopic.create({
      data: { orgId: fx.org.id, code: "land", name: "Газрын асуудал", nameEn: "Land" },
    });
    await prisma.routingRule.create({
      data: { orgId: fx.org.id, topicId: topic.id, personId: fx.people.official2.id, priority: 5 },
    });
    await prisma.routingRule.create({
      data: { orgId: fx.org.id, kind: "COMPLAINT", personId: fx.people.clerk.id },
    });
    await openSettings(admin);
    await admin.press("🔀 Routing rules");
    expect(admin.text()).toContain(
      "1. Land · any kind → Б.Болд (priority 5)\n2. any topic · Complaint → Г.Оюунчимэг",
    );

    await admin.press("➕ Add a rule");
    await admin.press("Land");
    await admin.press("Any kind");
    await admin.press("🏢 To a unit (its head distributes them)");
    await admin.press("Төрийн захиргааны удирдлагын хэлтэс");
    expect(admin.text()).toContain(
      "New routing rule:\nLand · any kind → unit «Төрийн захиргааны удирдлагын хэлтэс»",
    );
    expect(admin.text()).toContain("It replaces the current rule: Land · any kind → Б.Болд");
    await admin.press("💾 Save the rule");
    expect(await prisma.routingRule.count()).toBe(2);
    await admin.press("🔀 Routing rules");
    expect(admin.text()).toContain(
      "1. Land · any kind → unit «Төрийн захиргааны удирдлагын хэлтэс» (priority 5)",
    );
  });

  it("removes a rule after confirmation", async () => {
    const { prisma, fx, admin } = await setup();
    await prisma.routingRule.create({
      data: { orgId: fx.org.id, kind: "COMPLAINT", personId: fx.people.clerk.id },
    });
    await admin.pressData(`dir:rul:${fx.org.id}`);
    await admin.press("🗑 Remove 1");
    expect(admin.text()).toContain("Remove this routing rule?\nany topic · Complaint → Г.Оюунчимэг");
    await admin.press("No");
    expect(await prisma.routingRule.count()).toBe(1);
    await admin.press("🗑 Remove 1");
    await admin.press("🗑 Yes, remove");
    expect(admin.text()).toContain("🗑 The rule is removed.");
    expect(admin.text()).toContain("No routing rules: every petition waits in the clerks' queue.");
    expect(await prisma.routingRule.count()).toBe(0);
  });
});

describe("organisation settings: reporting calendar", () => {
  const db = useTestDatabase();

  async function setup() {
    const { prisma } = db();
    const fx = await seedOrganization(prisma);
    await linkTelegram(prisma, TG.admin, fx.people.admin.id);
    const tb = await createTestBot(db());
    return { prisma, fx, admin: tb.chat({ id: TG.admin }) };
  }

  it("shows the year's periods and changes a deadline; the opening day follows the setting", async () => {
    const { prisma, fx, admin } = await setup();
    await openSettings(admin);
    await admin.press("📅 Reporting calendar");
    expect(admin.text()).toContain("Reporting calendar 2026");
    expect(admin.text()).toContain("First quarter: opens 2026.03.06, deadline <b>2026.03.20</b> (default)");
    expect(admin.text()).toContain("A period opens 14 days before its deadline");

    await admin.press("✏️ Change a deadline");
    await admin.press("First quarter: 2026.03.20");
    await admin.send("2026.02.30");
    expect(admin.text()).toContain("«2026.02.30» is not a date. Write it like 2026.03.20.");
    await admin.send("2031.03.25");
    expect(admin.text()).toContain("The date must be in 2026, 2027.");
    await admin.send("2026.03.25");
    expect(admin.text()).toContain("it then opens 14 days before the deadline, on 2026.03.11");
    await admin.send("2026.03.26");
    expect(admin.text()).toContain("The period would open after its deadline.");
    await admin.press("⏭ Skip");
    expect(admin.text()).toContain("✅ First quarter 2026: opens 2026.03.11, deadline 2026.03.25.");
    const q1 = await prisma.reportingPeriod.findUniqueOrThrow({
      where: { orgId_year_kind: { orgId: fx.org.id, year: 2026, kind: "Q1" } },
    });
    expect(q1.deadline.toISOString()).toBe("2026-03-25T15:59:59.000Z");
    expect(q1.opensAt.toISOString()).toBe("2026-03-10T16:00:00.000Z");

    await admin.press("📅 Reporting calendar");
    expect(admin.text()).toContain("First quarter: opens 2026.03.11, deadline <b>2026.03.25</b>\n");
  });

  it("takes an opening day of its own", async () => {
    const { prisma, fx, admin } = await setup();
    await admin.pressData(`dir:cset:${fx.org.id}:2026`);
    await admin.press("Half-year: 2026.06.15");
    await admin.send("2026-06-19");
    await admin.send("2026.06.01");
    expect(admin.text()).toContain("✅ Half-year 2026: opens 2026.06.01, deadline 2026.06.19.");
    const h1 = await prisma.reportingPeriod.findUniqueOrThrow({
      where: { orgId_year_kind: { orgId: fx.org.id, year: 2026, kind: "H1" } },
    });
    expect(h1.opensAt.toISOString()).toBe("2026-05-31T16:00:00.000Z");
  });
});

const GOOD_YAML = `organizations:
  - slug: aimag
    name: Аймгийн Засаг даргын Тамгын газар
    nameEn: Aimag Governor's Office
    units:
      - code: TZUH
        name: Төрийн захиргааны удирдлагын хэлтэс
      - code: HBTH
        name: Хөгжлийн бодлого, төлөвлөлтийн хэлтэс
      - code: HR
        name: Хүний нөөцийн алба
        parent: TZUH
    topics:
      - code: land
        name: Газрын асуудал
        nameEn: Land
        requiresAddress: true
    routing:
      - topic: land
        unit: HR
    calendar:
      - year: 2026
        period: H1
        deadline: 2026-06-20
`;

const BROKEN_YAML = `organizations:
  - slug: aimag
    name: Аймгийн Засаг даргын Тамгын газар
    nameEn: Aimag Governor's Office
    units:
      - code: HR
        name: Хүний нөөцийн алба
        parent: NOPE
    routing:
      - topic: water
        person: X99
    calendar:
      - year: 2026
        period: H1
        deadline: 2026-02-30
`;

describe("organisation settings: importing a directory file in the chat", () => {
  const db = useTestDatabase();

  async function setup(env: Record<string, string> = {}) {
    const { prisma } = db();
    const fx = await seedOrganization(prisma);
    await linkTelegram(prisma, TG.admin, fx.people.admin.id);
    const tb = await createTestBot(db(), { env });
    const admin = tb.chat({ id: TG.admin });
    const send = async (name: string, content: string | Buffer, mime = "application/x-yaml") => {
      const file = tb.emulator.storeFile(name, mime, Buffer.from(content));
      await admin.sendDocument({ fileId: file.fileId, name, mime, size: file.data.length });
    };
    return { prisma, fx, tb, admin, send };
  }

  it("lists every row error and writes nothing; the good file is imported; again it changes nothing", async () => {
    const { prisma, fx, admin, send } = await setup();
    await openSettings(admin);
    await admin.press("📥 Import a directory file");
    expect(admin.text()).toContain("Send the directory file of <b>Аймгийн Засаг даргын Тамгын газар</b>");

    await send("broken.yaml", BROKEN_YAML);
    const errors = admin.text();
    expect(errors).toContain("«broken.yaml» has 4 errors; nothing was changed:");
    expect(errors).toContain("Line 8, organizations[0].units[0].parent: Unknown unit code «NOPE».");
    expect(errors).toContain("Unknown topic code «water».");
    expect(errors).toContain("Unknown person code «X99».");
    expect(errors).toContain("«2026-02-30» is not a date.");
    expect(errors).toContain("Send the corrected file, or press Cancel.");
    expect(await prisma.unit.count({ where: { orgId: fx.org.id } })).toBe(2);
    expect(await prisma.routingRule.count()).toBe(0);

    // Still waiting for the file: the corrected one is sent at once.
    await send("directory.yaml", GOOD_YAML);
    expect(admin.text()).toContain("✅ «directory.yaml» is imported:");
    expect(admin.text()).toContain("aimag (Аймгийн Засаг даргын Тамгын газар): organisation unchanged");
    expect(admin.text()).toContain("Total: 4 created, 0 updated, 3 unchanged");
    const hr = await prisma.unit.findFirstOrThrow({ where: { orgId: fx.org.id, code: "HR" } });
    expect(hr.parentId).toBe(fx.units.admin.id);
    expect(await prisma.routingRule.count({ where: { orgId: fx.org.id, unitId: hr.id } })).toBe(1);

    await admin.press("⚙️ Settings");
    await admin.press("📥 Import a directory file");
    await send("directory.yaml", GOOD_YAML);
    expect(admin.text()).toContain("Total: 0 created, 0 updated, 7 unchanged");
  });

  it("refuses other file types, files over 5 MB, text instead of a file, and another organisation's file", async () => {
    const { prisma, admin, send, tb } = await setup();
    await openSettings(admin);
    await admin.press("📥 Import a directory file");
    await admin.send("here it is");
    expect(admin.text()).toContain("Please send the file as a document");
    await admin.sendDocument({ name: "scan.pdf", mime: "application/pdf" });
    expect(admin.text()).toContain(
      "«scan.pdf» cannot be imported: send a YAML (.yaml, .yml) or Excel (.xlsx) file.",
    );
    await admin.sendDocument({ name: "huge.xlsx", size: 6 * 1024 * 1024 });
    expect(admin.text()).toContain("«huge.xlsx» is too large (6.0 MB); at most 5 MB.");
    await send("soum.yaml", GOOD_YAML.replace("slug: aimag", "slug: soum"));
    expect(admin.text()).toContain("«soum.yaml» describes another organisation (soum).");
    await send("new.yaml", GOOD_YAML.replace("slug: aimag", "slug: brand-new"));
    expect(admin.text()).toContain("describes another organisation (brand-new)");
    // A workbook is read too (the example describes its own organisation).
    const { readFile } = await import("node:fs/promises");
    const xlsx = await readFile(new URL("../../examples/directory.example.xlsx", import.meta.url));
    await send(
      "directory.example.xlsx",
      xlsx,
      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    );
    expect(admin.text()).toContain("describes another organisation (example-office)");
    expect(await prisma.organization.count()).toBe(2);
    expect(await prisma.unit.count({ where: { code: "HR" } })).toBe(0);
    await admin.press("✖️ Cancel");
    expect(admin.text()).toContain("Cancelled; nothing was changed.");
    expect(tb.emulator.calls.filter((c) => c.method === "getFile")).toHaveLength(3);
  });
});

describe("organisation settings: who may use them", () => {
  const db = useTestDatabase();

  async function setup(env: Record<string, string> = {}) {
    const { prisma } = db();
    const fx = await seedOrganization(prisma);
    await linkTelegram(prisma, TG.admin, fx.people.admin.id);
    await linkTelegram(prisma, TG.official, fx.people.official.id);
    const tb = await createTestBot(db(), { env });
    return { prisma, fx, tb };
  }

  it("an official pressing dir:admin or a forged dir: button is refused and nothing changes", async () => {
    const { prisma, fx, tb } = await setup();
    const official = tb.chat({ id: TG.official });
    await official.pressData("dir:admin");
    expect(official.lastCallbackAnswer()).toBe("You are not allowed to do this.");
    await official.pressData(`dir:org:${fx.org.id}`);
    expect(official.lastCallbackAnswer()).toBe("You are not allowed to do this.");
    await official.pressData(`dir:rs:${fx.people.official.id}:63`);
    expect(official.lastCallbackAnswer()).toBe("You are not allowed to do this.");
    await official.pressData(`dir:offy:${fx.people.head.id}`);
    await official.pressData(`dir:unly:${fx.people.admin.id}`);
    await official.pressData(`dir:imp:${fx.org.id}`);
    expect(official.text()).toBe("You are not allowed to do this.");
    await official.pressData("dir:p:abc");
    expect(official.lastCallbackAnswer()).toBe(
      "This button is no longer active. Open a fresh menu with /menu.",
    );

    const me = await prisma.person.findUniqueOrThrow({ where: { id: fx.people.official.id } });
    expect(me.roles).toEqual(["OFFICIAL"]);
    expect((await prisma.person.findUniqueOrThrow({ where: { id: fx.people.head.id } })).active).toBe(true);
    expect(await prisma.user.count({ where: { personId: fx.people.admin.id } })).toBe(1);
    expect(await prisma.conversationState.count()).toBe(0);
  });

  it("an admin of another organisation sees their own only and cannot touch this one's", async () => {
    const { prisma, fx, tb } = await setup();
    await prisma.person.update({ where: { id: fx.people.otherOrgClerk.id }, data: { roles: ["ORG_ADMIN"] } });
    await linkTelegram(prisma, TG.otherOrgClerk, fx.people.otherOrgClerk.id);
    const rule = await prisma.routingRule.create({
      data: { orgId: fx.org.id, kind: "COMPLAINT", personId: fx.people.clerk.id },
    });
    const other = tb.chat({ id: TG.otherOrgClerk });
    await openSettings(other);
    expect(other.text()).toContain("Сумын Засаг даргын Тамгын газар");
    expect(other.text()).toContain("Units: 1 · active people: 1");

    const notFound = "Not found, or you are not allowed to see it.";
    for (const data of [
      `dir:org:${fx.org.id}`,
      `dir:p:${fx.people.official.id}`,
      `dir:rs:${fx.people.official.id}:63`,
      `dir:offy:${fx.people.official.id}`,
      `dir:unly:${fx.people.official.id}`,
      `dir:pinv:${fx.people.official.id}`,
      `dir:rdely:${rule.id}`,
      `dir:cal:${fx.org.id}:2026`,
      `dir:imp:${fx.org.id}`,
      `dir:radd:${fx.org.id}`,
    ]) {
      await other.pressData(data);
      expect(other.lastCallbackAnswer(), data).toBe(notFound);
    }
    expect((await prisma.person.findUniqueOrThrow({ where: { id: fx.people.official.id } })).roles).toEqual([
      "OFFICIAL",
    ]);
    expect(await prisma.user.count({ where: { personId: fx.people.official.id } })).toBe(1);
    expect(await prisma.routingRule.count()).toBe(1);
    expect(await prisma.invite.count()).toBe(0);
  });

  it("a super admin picks the organisation first", async () => {
    const { prisma, tb } = await setup({ ADMIN_TELEGRAM_IDS: String(TG.citizen) });
    await citizen(prisma, TG.citizen);
    const root = tb.chat({ id: TG.citizen });
    await openSettings(root);
    expect(root.text()).toContain("Which organisation do you want to administer?");
    expect(root.buttonTexts()).toEqual([
      "Аймгийн Засаг даргын Тамгын газар (aimag)",
      "Сумын Засаг даргын Тамгын газар (soum)",
    ]);
    await root.press("Сумын Засаг даргын Тамгын газар (soum)");
    expect(root.text()).toContain("Units: 1 · active people: 1");
    expect(root.buttonTexts()).toContain("🏛 Other organisations");
    await root.press("👥 People");
    await root.send("Мөнх");
    expect(root.text()).toContain("👤 <b>Ж.Мөнх</b> · S001");
  });
});

describe("organisation settings in Mongolian", () => {
  const db = useTestDatabase();

  it("shows the menu and a person's card in Mongolian", async () => {
    const { prisma } = db();
    const fx = await seedOrganization(prisma);
    await linkTelegram(prisma, TG.admin, fx.people.admin.id, "mn");
    const tb = await createTestBot(db());
    const admin = tb.chat({ id: TG.admin });
    await admin.send("/menu");
    await admin.press("⚙️ Байгууллагын тохиргоо");
    expect(admin.text()).toContain("⚙️ <b>Байгууллагын тохиргоо</b>");
    expect(admin.text()).toContain(
      "Нэгж: 2 · идэвхтэй албан хаагч: 7 (идэвхгүй: 0) · өргөдлийн сэдэв: 0 · хуваарилах дүрэм: 0",
    );
    await admin.press("👥 Албан хаагчид");
    await admin.send("Сарантуяа");
    expect(admin.text()).toContain("Үүрэг: албан хаагч, нэгжийн дарга");
    expect(admin.text()).toContain("Telegram: холбогдоогүй");
    expect(admin.buttonTexts()).toEqual([
      "🎭 Үүрэг өөрчлөх",
      "🔗 Урилга үүсгэх",
      "⛔ Идэвхгүй болгох",
      "🔎 Албан хаагч хайх",
      "⚙️ Тохиргоо",
    ]);
  });
});
