import { describe, expect, it } from "vitest";
import { createTestBot } from "../support/chat.js";
import { useTestDatabase } from "../support/db.js";

describe("first contact", () => {
  const db = useTestDatabase();

  it("asks the language on the first /start, stores it and shows the citizen menu", async () => {
    const tb = await createTestBot(db());
    const chat = tb.chat({ id: 1001 });
    await chat.send("/start");
    expect(chat.lastText()).toContain("Choose your language");
    expect(chat.buttonTexts()).toEqual(["🇲🇳 Монгол", "🇬🇧 English"]);

    await chat.press("🇬🇧 English");
    expect(chat.text()).toContain("English it is");
    expect(chat.text()).toContain("Hello! I am albabot");
    expect(chat.buttonTexts()).toContain("📝 File a petition");
    expect(chat.buttonTexts()).not.toContain("📊 Fill in my report");

    const user = await db().prisma.user.findFirstOrThrow({ where: { externalId: "1001" } });
    expect(user.locale).toBe("en");

    await chat.send("/start");
    expect(chat.text()).not.toContain("Choose your language");
    expect(chat.text()).toContain("Hello! I am albabot");
  });

  it("answers in Mongolian once Mongolian is chosen", async () => {
    const tb = await createTestBot(db());
    const chat = tb.chat({ id: 1002 });
    await chat.send("/start");
    await chat.press("🇲🇳 Монгол");
    expect(chat.text()).toContain("Монгол хэлийг сонголоо");
    expect(chat.buttonTexts()).toContain("📝 Өргөдөл, гомдол гаргах");
  });
});
