import { describe, expect, it } from "vitest";
import { DEFAULT_FLOOD_LIMIT } from "../../src/bot/middlewares/rate-limit.js";
import { createTestBot, type TestBot } from "../support/chat.js";
import { useTestDatabase } from "../support/db.js";

describe("input no feature expects", () => {
  const db = useTestDatabase();

  async function englishChat(tb: TestBot, id: number) {
    const chat = tb.chat({ id });
    await chat.send("/start");
    await chat.press("🇬🇧 English");
    return chat;
  }

  it("answers a sticker with a hint and the menu", async () => {
    const tb = await createTestBot(db());
    const chat = await englishChat(tb, 2001);
    await chat.sendSticker();
    expect(chat.text()).toContain("I can't read stickers");
    expect(chat.buttonTexts()).toContain("📝 File a petition");
  });

  it("answers a voice message the same way", async () => {
    const tb = await createTestBot(db());
    const chat = await englishChat(tb, 2002);
    await chat.sendVoice();
    expect(chat.text()).toContain("I can't read stickers, pictures or voice messages");
  });

  it("answers an unknown command by name", async () => {
    const tb = await createTestBot(db());
    const chat = await englishChat(tb, 2003);
    await chat.send("/frobnicate now");
    expect(chat.text()).toBe("There is no command «/frobnicate». Send /help to see what I can do.");
  });

  it("answers free text with the menu", async () => {
    const tb = await createTestBot(db());
    const chat = await englishChat(tb, 2004);
    await chat.send("hello?");
    expect(chat.text()).toContain("I didn't understand that");
  });

  it("answers a stale or forged button politely and changes nothing", async () => {
    const tb = await createTestBot(db());
    const chat = await englishChat(tb, 2005);
    const before = await db().prisma.user.findFirstOrThrow({ where: { externalId: "2005" } });
    await chat.pressData("zz:forged:99999");
    expect(chat.lastCallbackAnswer()).toBe("This button is no longer active. Open a fresh menu with /menu.");
    await chat.pressData("lang:set:fr");
    expect(chat.lastCallbackAnswer()).toContain("no longer active");
    const after = await db().prisma.user.findFirstOrThrow({ where: { externalId: "2005" } });
    expect(after.locale).toBe(before.locale);
  });

  it("says edited messages are not read", async () => {
    const tb = await createTestBot(db());
    const chat = await englishChat(tb, 2006);
    await chat.editLastMessage("changed");
    expect(chat.text()).toContain("I don't see edited messages");
  });

  it("tells a flooding user to slow down once and drops the excess", async () => {
    const tb = await createTestBot(db(), { floodLimit: DEFAULT_FLOOD_LIMIT });
    const chat = await englishChat(tb, 2007);
    for (let i = 0; i < 20; i++) await chat.send(`spam ${i}`);
    const all = chat.all().map((m) => m.text ?? "");
    expect(all.filter((t) => t.includes("too quickly")).length).toBe(1);
    expect(all.filter((t) => t.includes("I didn't understand")).length).toBeLessThan(20);
  });

  it("/cancel with nothing in progress says so; /help lists the commands", async () => {
    const tb = await createTestBot(db());
    const chat = await englishChat(tb, 2008);
    await chat.send("/cancel");
    expect(chat.text()).toBe("There is nothing to cancel.");
    await chat.send("/help");
    expect(chat.text()).toContain("/my — my petitions and answers");
  });
});
