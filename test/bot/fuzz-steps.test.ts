/**
 * Junk at every step of a conversation: text where a button is due and buttons where text
 * is due, U+0000, half an emoji, emoji only, over-long text, truncated and forged buttons,
 * stickers. Each is answered at once (a message, or the button's pop-up), the step is
 * asked again, and nothing changes: no petition, no action, and the answers given before
 * are the ones that end up in the petition.
 */
import { describe, expect, it } from "vitest";
import { useTestDatabase } from "../support/db.js";
import type { TestChat } from "../support/chat.js";
import { TG } from "../support/fixtures.js";
import { PETITION_TEXT, petitionWorld } from "./petitions-support.js";

type Junk = { label: string; send: (c: TestChat) => Promise<void> };

const TEXT_JUNK: Junk[] = [
  { label: "NUL only", send: (c) => c.send("\u0000") },
  { label: "half an emoji", send: (c) => c.send("\ud83d") },
  { label: "emoji only", send: (c) => c.send("😀😀😀😀😀😀😀😀😀😀😀😀") },
  { label: "10,000 characters", send: (c) => c.send("ж".repeat(10_000)) },
  { label: "a sticker", send: (c) => c.sendSticker() },
];
const BUTTON_JUNK: Junk[] = [
  { label: "truncated opt:", send: (c) => c.pressData("opt:") },
  { label: "opt: with a letter", send: (c) => c.pressData("opt:x") },
  { label: "opt: out of range", send: (c) => c.pressData("opt:99") },
  { label: "opt: negative", send: (c) => c.pressData("opt:-1") },
  { label: "forged nav", send: (c) => c.pressData("nav:teleport") },
  { label: "nav: truncated", send: (c) => c.pressData("nav:") },
];

/** Throws every junk at the current step: each answered; the step's question asked again. */
async function fuzz(c: TestChat, question: string, junk: Junk[]) {
  for (const j of junk) {
    const before = c.all().length;
    await j.send(c);
    const answered = c.all().length > before || c.lastCallbackAnswer() !== undefined;
    expect(answered, `${j.label}: answered`).toBe(true);
    const lastQuestion = [...c.all()].reverse().find((m) => m.text?.includes(question));
    expect(lastQuestion, `${j.label}: "${question}" asked again`).toBeDefined();
    expect(c.text(), `${j.label}: no error`).not.toMatch(/went wrong/i);
  }
}

describe("junk at every step of the citizen's intake", () => {
  const db = useTestDatabase();

  it("is answered, the step asked again, and the petition holds only the real answers", async () => {
    const { prisma, chats } = await petitionWorld(db);
    const c = chats.citizen;
    await c.send("/new");
    await fuzz(c, "Which organisation", [...TEXT_JUNK, ...BUTTON_JUNK]);
    await c.press("Aimag Governor's Office");
    await fuzz(c, "What kind of petition", [...TEXT_JUNK, ...BUTTON_JUNK]);
    await c.press("Request");
    await fuzz(c, "Choose the topic", [...TEXT_JUNK, ...BUTTON_JUNK]);
    await c.press("Social welfare");
    await fuzz(c, "Describe your petition", [...TEXT_JUNK, ...BUTTON_JUNK]);
    await c.send(PETITION_TEXT);
    await fuzz(c, "attach up to 5", BUTTON_JUNK);
    await c.press("➡️ No attachments");
    await fuzz(c, "Your full name", [...TEXT_JUNK, ...BUTTON_JUNK]);
    await c.send("B. Bold");
    await fuzz(c, "Your phone number", [...TEXT_JUNK, ...BUTTON_JUNK]);
    await c.shareContact("+97699112233");
    await fuzz(c, "Do you agree?", [...TEXT_JUNK, ...BUTTON_JUNK]);
    await c.press("✅ I agree");
    await fuzz(c, "Please check your petition", [...TEXT_JUNK, ...BUTTON_JUNK]);
    expect(await prisma.petition.count()).toBe(0); // a truncated "opt:" is not "Submit"
    await c.press("✅ Submit");
    const p = await prisma.petition.findFirstOrThrow();
    expect(p).toMatchObject({ text: PETITION_TEXT, petitionerName: "B. Bold", phone: "+97699112233" });
  }, 180_000); // about 120 updates

  it("each field's message names its own limit, and that limit is the one enforced", async () => {
    const { chats } = await petitionWorld(db);
    const c = chats.citizen;
    await c.send("/new");
    await c.press("Aimag Governor's Office");
    await c.press("Request");
    await c.press("Social welfare");
    await c.send("ж".repeat(4001));
    expect(c.text()).toContain("The text is too long. Please keep it within 4000 characters");
    await c.send("ж".repeat(4000));
    expect(c.text()).toContain("You can attach up to 5");
    await c.press("➡️ No attachments");
    await c.send("Б".repeat(151));
    expect(c.text()).toContain("150");
    expect(c.text()).not.toContain("4096");
    await c.send(`Б. ${"о".repeat(147)}`);
    expect(c.text()).toContain("Your phone number");
  });
});

describe("junk in the staff and citizen editors and notes", () => {
  const db = useTestDatabase();

  it("the answer editor checks 3000 characters as each message arrives and for the whole", async () => {
    const { prisma, tb, chats } = await petitionWorld(db);
    const { citizen, official } = chats;
    await citizen.send("/new");
    await citizen.press("Aimag Governor's Office");
    await citizen.press("Request");
    await citizen.press("Social welfare");
    await citizen.send(PETITION_TEXT);
    await citizen.press("➡️ No attachments");
    await citizen.send("B. Bold");
    await citizen.shareContact("+97699112233");
    await citizen.press("✅ I agree");
    await citizen.press("✅ Submit");
    await tb.deliverOutbox();
    await official.press("✅ Accept");
    await official.press("✍️ Answer");
    await official.send("ж".repeat(10_000));
    expect(official.text()).toContain("within 3000 characters");
    await official.send("ж".repeat(2000));
    await official.send("ж".repeat(2000));
    expect(official.text()).toContain("within 3000 characters");
    const state = await prisma.conversationState.findUniqueOrThrow({ where: { key: String(TG.official) } });
    expect(state.value.length).toBeLessThan(30_000); // the refused parts are not kept
    await official.press("📨 Send the answer");
    expect(official.text()).toContain("was sent to the petitioner");
    const p = await prisma.petition.findFirstOrThrow();
    expect([...(p.answerText ?? "")].length).toBe(2000);
  });

  it("emoji only is refused as a question to the citizen and as an extension reason; days checked at their step", async () => {
    const { prisma, tb, chats } = await petitionWorld(db);
    const { citizen, official } = chats;
    await citizen.send("/new");
    await citizen.press("Aimag Governor's Office");
    await citizen.press("Request");
    await citizen.press("Social welfare");
    await citizen.send(PETITION_TEXT);
    await citizen.press("➡️ No attachments");
    await citizen.send("B. Bold");
    await citizen.shareContact("+97699112233");
    await citizen.press("✅ I agree");
    await citizen.press("✅ Submit");
    await tb.deliverOutbox();
    await official.press("✅ Accept");

    await official.press("❓ Ask petitioner");
    await official.send("🤔🤔🤔");
    expect(official.text()).toContain("Please write it in words");
    await official.send("/cancel");

    await official.press("⏳ Extend");
    await official.send("45");
    expect(official.text()).toContain("from 1 to 30");
    expect(official.text()).not.toContain("reason");
    await official.send("10");
    await official.send("😀😀😀");
    expect(official.text()).toContain("Please write it in words");
    expect(await prisma.petitionEvent.count({ where: { type: "EXTENSION_REQUESTED" } })).toBe(0);
    expect(await prisma.petitionEvent.count({ where: { type: "QUESTION" } })).toBe(0);
  });
});
