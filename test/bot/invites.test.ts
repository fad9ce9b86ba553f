import { describe, expect, it } from "vitest";
import { createInvite } from "../../src/directory/invites.js";
import { createTestBot } from "../support/chat.js";
import { useTestDatabase } from "../support/db.js";
import { citizen, linkTelegram, seedOrganization, TG } from "../support/fixtures.js";

describe("invites", () => {
  const db = useTestDatabase();

  async function setup() {
    const { prisma } = db();
    const fx = await seedOrganization(prisma);
    const tb = await createTestBot(db());
    return { prisma, fx, tb };
  }

  it("an invite link links the account to the person and shows the staff menu", async () => {
    const { prisma, fx, tb } = await setup();
    const invite = await createInvite(prisma, tb.clock, { personId: fx.people.official.id });
    await citizen(prisma, TG.official, "en");
    const chat = tb.chat({ id: TG.official });
    await chat.send(`/start ${invite.startParam}`);
    expect(chat.text()).toContain("Your Telegram account is now linked to <b>Н.Ванчинсэмбэрүү</b>");
    expect(chat.buttonTexts()).toContain("📊 Fill in my report");
    const user = await prisma.user.findFirstOrThrow({ where: { externalId: String(TG.official) } });
    expect(user.personId).toBe(fx.people.official.id);
    const stored = await prisma.invite.findFirstOrThrow();
    expect(stored.codeHash).not.toContain(invite.code);
    expect(stored.usedAt).not.toBeNull();
    expect(tb.emulator.calls.some((c) => c.method === "setMyCommands" && c.payload.scope)).toBe(true);
  });

  it("the first time, the language is asked and the invite is carried through the choice", async () => {
    const { prisma, fx, tb } = await setup();
    const invite = await createInvite(prisma, tb.clock, { personId: fx.people.head.id });
    const chat = tb.chat({ id: TG.head });
    await chat.send(`/start ${invite.startParam}`);
    expect(chat.text()).toContain("Choose your language");
    await chat.press("🇲🇳 Монгол");
    expect(chat.text()).toContain("Таны Telegram хаяг");
    expect(chat.buttonTexts()).toContain("👥 Нэгжийн тайлангууд");
  });

  it("a used code is refused for another account and links nothing", async () => {
    const { prisma, fx, tb } = await setup();
    const invite = await createInvite(prisma, tb.clock, { personId: fx.people.official.id });
    await citizen(prisma, TG.official, "en");
    await citizen(prisma, TG.citizen, "en");
    await tb.chat({ id: TG.official }).send(`/start ${invite.startParam}`);
    const other = tb.chat({ id: TG.citizen });
    await other.send(`/start ${invite.startParam}`);
    expect(other.text()).toMatch(/already been used|used/i);
    const u = await prisma.user.findFirstOrThrow({ where: { externalId: String(TG.citizen) } });
    expect(u.personId).toBeNull();
  });

  it("an expired code is refused", async () => {
    const { prisma, fx, tb } = await setup();
    const invite = await createInvite(prisma, tb.clock, { personId: fx.people.official.id, ttlDays: 7 });
    tb.clock.advanceDays(8);
    await citizen(prisma, TG.official, "en");
    const chat = tb.chat({ id: TG.official });
    await chat.send(`/start ${invite.startParam}`);
    expect(chat.text()).toMatch(/expired/i);
    expect(
      (await prisma.user.findFirstOrThrow({ where: { externalId: String(TG.official) } })).personId,
    ).toBeNull();
  });

  it("an unknown code is refused", async () => {
    const { prisma, tb } = await setup();
    await citizen(prisma, TG.citizen, "en");
    const chat = tb.chat({ id: TG.citizen });
    await chat.send("/start inv_AAAAAAAAAAAAAAAAAAAAAAAA");
    expect(chat.text()).toMatch(/not valid|unknown|not found/i);
    expect(await prisma.user.count({ where: { personId: { not: null } } })).toBe(0);
  });

  it("an admin creates an invite in the bot", async () => {
    const { prisma, fx, tb } = await setup();
    await linkTelegram(prisma, TG.admin, fx.people.admin.id);
    const admin = tb.chat({ id: TG.admin });
    await admin.send("/menu");
    await admin.press("🔗 Create an invite");
    expect(admin.text()).toContain("Send the personnel code or part of the name");
    await admin.send("Нобody");
    expect(admin.text()).toContain("Nobody matches «Нобody»");
    await admin.send("Болд");
    await admin.press("Б.Болд · Хөгжлийн бодлого, төлөвлөлтийн хэлтэс");
    expect(admin.text()).toContain("Invite for <b>Б.Болд</b>");
    const link = admin.text().match(/start=(inv_[\w-]+)/)?.[1];
    expect(link).toBeDefined();
    expect(await prisma.invite.count({ where: { personId: fx.people.official2.id } })).toBe(1);

    const bold = tb.chat({ id: TG.official2 });
    await citizen(prisma, TG.official2, "en");
    await bold.send(`/start ${link}`);
    expect(bold.text()).toContain("linked to <b>Б.Болд</b>");
  });

  it("an admin of another organisation cannot invite this one's people, and non-admins cannot start", async () => {
    const { prisma, fx, tb } = await setup();
    await linkTelegram(prisma, TG.official, fx.people.official.id);
    const official = tb.chat({ id: TG.official });
    await official.pressData("dir:inv");
    expect(official.lastCallbackAnswer()).toBe("You are not allowed to do this.");
    await expect(
      createInvite(prisma, tb.clock, {
        personId: fx.people.official.id,
        actor: {
          userId: 1,
          personId: fx.people.otherOrgClerk.id,
          orgId: fx.other.id,
          unitId: null,
          roles: ["ORG_ADMIN"],
          superAdmin: false,
        },
      }),
    ).rejects.toThrow();
  });
});

describe("conversations survive a restart of the bot", () => {
  const db = useTestDatabase();

  it("a new bot instance on the same database takes the next answer at the same step", async () => {
    const { prisma } = db();
    const fx = await seedOrganization(prisma);
    await linkTelegram(prisma, TG.admin, fx.people.admin.id);
    const first = await createTestBot(db());
    const admin = first.chat({ id: TG.admin });
    await admin.send("/menu");
    await admin.press("🔗 Create an invite");
    await admin.send("Болд");
    expect(admin.buttonTexts()).toContain("Б.Болд · Хөгжлийн бодлого, төлөвлөлтийн хэлтэс");

    // The process dies; a new one starts on the same database and the same chat.
    const second = await first.restart();
    expect(second.bot).not.toBe(first.bot);
    const again = second.chat({ id: TG.admin });
    await again.press("Б.Болд · Хөгжлийн бодлого, төлөвлөлтийн хэлтэс");
    expect(again.text()).toContain("Invite for <b>Б.Болд</b>");
    expect(await prisma.invite.count()).toBe(1);
  });

  it("wrong input mid-conversation is answered and the step asked again; /cancel leaves", async () => {
    const { prisma } = db();
    const fx = await seedOrganization(prisma);
    await linkTelegram(prisma, TG.admin, fx.people.admin.id);
    const tb = await createTestBot(db());
    const admin = tb.chat({ id: TG.admin });
    await admin.pressData("dir:inv");
    await admin.sendSticker();
    expect(admin.text()).toContain("Please answer with text here.");
    expect(admin.text()).toContain("Send the personnel code");
    await admin.send("/menu");
    expect(admin.text()).toContain("You are filling in «creating an invite»");
    await admin.send("x".repeat(101));
    expect(admin.text()).toContain("That is too long: 101 characters, at most 100.");
    await admin.send("/cancel");
    expect(admin.text()).toBe("Cancelled. Back to the main menu.");
    await admin.send("Болд");
    expect(admin.text()).toContain("I didn't understand that");
  });
});

describe("notifications reach the harness chats", () => {
  const db = useTestDatabase();

  it("a person whose invite moved to a new account is told on the old one", async () => {
    const { prisma } = db();
    const fx = await seedOrganization(prisma);
    const tb = await createTestBot(db());
    await linkTelegram(prisma, TG.official, fx.people.official.id);
    await citizen(prisma, TG.official2, "en");
    const invite = await createInvite(prisma, tb.clock, { personId: fx.people.official.id });
    await tb.chat({ id: TG.official2 }).send(`/start ${invite.startParam}`);
    expect(await tb.deliverOutbox()).toBe(1);
    expect(tb.chat({ id: TG.official }).lastText()).toContain("Н.Ванчинсэмбэрүү");
  });
});

describe("a step's buttons end with the step", () => {
  const db = useTestDatabase();

  it("answering by typing takes the buttons off the question, so its Cancel cannot act later", async () => {
    const { prisma } = db();
    const fx = await seedOrganization(prisma);
    await linkTelegram(prisma, TG.admin, fx.people.admin.id);
    const tb = await createTestBot(db());
    const admin = tb.chat({ id: TG.admin });
    await admin.pressData("dir:inv");
    const question = admin.all().at(-1)!;
    expect(question.buttons?.flat().map((b) => b.data)).toEqual(["nav:cancel"]);
    await admin.send("Болд");
    expect(
      tb.emulator.messages(TG.admin).find((m) => m.messageId === question.messageId)?.buttons ?? [],
    ).toEqual([]);
    expect(admin.buttonTexts()).toContain("Б.Болд · Хөгжлийн бодлого, төлөвлөлтийн хэлтэс");
  });
});
