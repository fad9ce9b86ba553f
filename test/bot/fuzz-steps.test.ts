/**
 * Junk at every step of the citizen's intake (test/bot/fuzz-support.ts: emoji only, U+0000,
 * a lone surrogate, 10,000 characters, a sticker, a photo where text is due, /help and
 * /menu, forged, truncated and earlier questions' buttons): each is answered at once in the
 * citizen's language, the step is asked again, nothing is stored, and the answers given
 * afterwards are the ones that end up in the petition. Also the limits of the staff's
 * answer editor and emoji only as a question or an extension reason.
 */
import { describe, expect, it } from "vitest";
import { useTestDatabase } from "../support/db.js";
import { TG } from "../support/fixtures.js";
import {
  ALL,
  ALL_STALE,
  BUTTONS,
  ButtonMemory,
  fuzzStep,
  type Junk,
  NOT_FILES,
  press,
  STALE,
} from "./fuzz-support.js";
import { PETITION_TEXT, petitionWorld } from "./petitions-support.js";

/** Forged buttons of the conversation's own kinds. */
const NAV = [
  press("opt: with a letter", "opt:x"),
  press("opt: negative", "opt:-1"),
  press("forged nav", "nav:teleport"),
  press("nav: truncated", "nav:"),
];

describe("junk at every step of the citizen's intake", () => {
  const db = useTestDatabase();

  it("is answered, the step asked again, and the petition holds only the real answers", async () => {
    const { prisma, tb, chats } = await petitionWorld(db);
    const buttons = new ButtonMemory(tb);
    const c = chats.citizen;
    const fuzz = (name: string, question: RegExp, junk: Junk[] = [...ALL_STALE, ...NAV]) =>
      fuzzStep(tb, buttons, { name, chat: c, question, junk });
    await c.send("/new");
    await fuzz("organisation", /Which organisation/, [...ALL, ...NAV]);
    await c.press("Aimag Governor's Office");
    await fuzz("kind", /What kind of petition/);
    await c.press("Request");
    await fuzz("topic", /Choose the topic/);
    await c.press("Social welfare");
    await fuzz("text", /Describe your petition/);
    await c.send(PETITION_TEXT);
    await fuzz("files", /attach up to 5/, [...NOT_FILES, ...BUTTONS, ...NAV, STALE]);
    await c.press("➡️ No attachments");
    await fuzz("name", /Your full name/);
    await c.send("B. Bold");
    await fuzz("phone", /Your phone number/);
    await c.shareContact("+97699112233");
    await fuzz("consent", /Do you agree\?/);
    await c.press("✅ I agree");
    await fuzz("summary", /Please check your petition/);
    expect(await prisma.petition.count()).toBe(0); // a truncated "opt:" is not "Submit"
    await c.press("✅ Submit");
    const p = await prisma.petition.findFirstOrThrow();
    expect(p).toMatchObject({ text: PETITION_TEXT, petitionerName: "B. Bold", phone: "+97699112233" });
  }, 300_000); // about 150 updates

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
