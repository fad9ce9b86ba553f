import { describe, expect, it } from "vitest";
import { createTestBot } from "../support/chat.js";
import { useTestDatabase } from "../support/db.js";
import { citizen, linkTelegram, seedOrganization, TG } from "../support/fixtures.js";

describe("the main menu follows the user's roles", () => {
  const db = useTestDatabase();

  it("a citizen sees petitions, language and help only", async () => {
    const { prisma } = db();
    await seedOrganization(prisma);
    await citizen(prisma, TG.citizen);
    const tb = await createTestBot(db());
    const chat = tb.chat({ id: TG.citizen });
    await chat.send("/menu");
    expect(chat.buttonTexts()).toEqual([
      "📝 File a petition",
      "📂 My petitions",
      "🌐 Хэл / Language",
      "❓ Help",
    ]);
  });

  it("an official also reports, sees the plan and assigned petitions", async () => {
    const { prisma } = db();
    const { people } = await seedOrganization(prisma);
    await linkTelegram(prisma, TG.official, people.official.id);
    const tb = await createTestBot(db());
    const chat = tb.chat({ id: TG.official });
    await chat.send("/start");
    expect(chat.text()).toContain("Hello, Н.Ванчинсэмбэрүү!");
    expect(chat.text()).toContain("Your roles: official");
    expect(chat.buttonTexts()).toEqual([
      "📊 Fill in my report",
      "🗂 My plan",
      "📥 Petitions assigned to me",
      "📝 File a petition",
      "📂 My petitions",
      "🌐 Хэл / Language",
      "❓ Help",
    ]);
  });

  it("a unit head also sees the unit's reports, petitions and statistics", async () => {
    const { prisma } = db();
    const { people } = await seedOrganization(prisma);
    await linkTelegram(prisma, TG.head, people.head.id);
    const tb = await createTestBot(db());
    const chat = tb.chat({ id: TG.head });
    await chat.send("/menu");
    expect(chat.buttonTexts()).toEqual(
      expect.arrayContaining([
        "👥 Unit reports",
        "🏢 Unit petitions",
        "📈 Statistics",
        "📊 Fill in my report",
      ]),
    );
    expect(chat.buttonTexts()).not.toContain("🗃 Petition queue");
  });

  it("a petition clerk gets the queue, paper registration and search", async () => {
    const { prisma } = db();
    const { people } = await seedOrganization(prisma);
    await linkTelegram(prisma, TG.clerk, people.clerk.id, "mn");
    const tb = await createTestBot(db());
    const chat = tb.chat({ id: TG.clerk });
    await chat.send("/menu");
    expect(chat.buttonTexts()).toEqual(
      expect.arrayContaining(["🗃 Өргөдлийн дараалал", "🖋 Цаасан өргөдөл бүртгэх", "🔎 Бүртгэлээс хайх"]),
    );
    expect(chat.buttonTexts()).not.toContain("🔗 Урилга үүсгэх");
  });

  it("an organisation admin can create invites", async () => {
    const { prisma } = db();
    const { people } = await seedOrganization(prisma);
    await linkTelegram(prisma, TG.admin, people.admin.id);
    const tb = await createTestBot(db());
    const chat = tb.chat({ id: TG.admin });
    await chat.send("/menu");
    expect(chat.buttonTexts()).toEqual(
      expect.arrayContaining(["🔗 Create an invite", "⚙️ Organisation settings", "📈 Statistics"]),
    );
    expect(chat.buttonTexts()).not.toContain("📊 Fill in my report");
    // The statistics entry opens the same periods as for the clerk, and the figures follow.
    await chat.press("📈 Statistics");
    expect(chat.buttonTexts()).toContain("This quarter");
    await chat.press("This quarter");
    expect(chat.text()).toContain("Q1");
  });

  it("a deactivated person falls back to the citizen menu", async () => {
    const { prisma } = db();
    const { people } = await seedOrganization(prisma);
    await linkTelegram(prisma, TG.official, people.official.id);
    await prisma.person.update({ where: { id: people.official.id }, data: { active: false } });
    const tb = await createTestBot(db());
    const chat = tb.chat({ id: TG.official });
    await chat.send("/menu");
    expect(chat.buttonTexts()).not.toContain("📊 Fill in my report");
  });

  it("tells an administrator of an empty deployment how to import the directory", async () => {
    const tb = await createTestBot(db(), { env: { ADMIN_TELEGRAM_IDS: "9001" } });
    await citizen(db().prisma, 9001);
    const chat = tb.chat({ id: 9001 });
    await chat.send("/start");
    expect(chat.text()).toContain("npm run cli -- directory import");
  });
});

describe("organisation links", () => {
  const db = useTestDatabase();

  it("t.me/<bot>?start=org_<slug> preselects an active organisation, not a deactivated one", async () => {
    const { prisma } = db();
    const fx = await seedOrganization(prisma);
    await prisma.organization.update({ where: { id: fx.other.id }, data: { active: false } });
    await citizen(prisma, TG.citizen);
    const tb = await createTestBot(db());
    const chat = tb.chat({ id: TG.citizen });
    await chat.send("/start org_aimag");
    expect(chat.text()).toContain("with <b>Аймгийн Засаг даргын Тамгын газар</b>");
    await chat.send("/start org_soum");
    expect(chat.text()).toContain("The organisation in that link was not found.");
    const user = await prisma.user.findFirstOrThrow({ where: { externalId: String(TG.citizen) } });
    expect(user.preferredOrgId).toBe(fx.org.id);
  });
});
