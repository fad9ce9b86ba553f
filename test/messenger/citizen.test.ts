/**
 * The citizen's petition life on both channels, one suite: Telegram through the Bot API
 * emulator, Messenger through signed webhook events, the bridge and the Messenger
 * emulator (which refuses anything the platform refuses: see `violations`).
 */
import { afterEach, describe, expect, it } from "vitest";
import { useTestDatabase } from "../support/db.js";
import { PETITION_TEXT } from "../bot/petitions-support.js";
import { CHANNELS, type CitizenDriver, messengerWorld, type MessengerWorld, newCitizen } from "./support.js";

describe.each(CHANNELS)("a citizen on %s", (channel) => {
  const db = useTestDatabase();
  let w: MessengerWorld | undefined;
  afterEach(() => {
    if (w) expect(w.emulator.violations).toEqual([]);
    w = undefined;
  });

  async function fresh(): Promise<{ w: MessengerWorld; c: CitizenDriver }> {
    w = await messengerWorld(db);
    return { w, c: newCitizen(w, channel) };
  }

  async function english(c: CitizenDriver, ref?: string) {
    await c.start(ref);
    expect(c.text()).toContain("Хэлээ сонгоно уу · Choose your language");
    await c.choose("🇬🇧 English");
  }

  /** Through the intake to the summary; returns nothing, the summary is in c.text(). */
  async function intake(c: CitizenDriver, phone: (c: CitizenDriver) => Promise<void>) {
    await c.choose("📝 File a petition");
    expect(c.text()).toContain("Which organisation is your petition for?");
    await c.choose("Aimag Governor's Office");
    expect(c.text()).toContain("What kind of petition is it?");
    await c.choose("Request");
    await c.choose("Social welfare");
    expect(c.text()).toContain("Describe your petition in one message");
    await c.send(PETITION_TEXT);
    expect(c.text()).toContain("You can attach up to 5 photos or documents");
    await c.sendDocument();
    expect(c.text()).toContain("Attached (1 of 5):\n1. scan.pdf");
    await c.choose("✅ Done");
    expect(c.text()).toContain("Your full name");
    await c.send("B. Bold");
    expect(c.text()).toContain("Your phone number");
    await phone(c);
    expect(c.text()).toContain("Phone number +97699112233 saved.");
    expect(c.text()).toContain("Do you agree?");
    if (c.channel === "messenger") expect(c.text()).toContain("carried by Meta");
    else expect(c.text()).not.toContain("Meta");
    await c.choose("✅ I agree");
    expect(c.text()).toContain("Please check your petition");
    expect(c.text()).toContain("Phone: +97699112233");
  }

  it("first contact: the language is asked first, then the menu in that language", async () => {
    const { c } = await fresh();
    await english(c);
    expect(c.text()).toContain("English it is");
    expect(c.options()).toContain("📝 File a petition");
  });

  it("a referral link preselects the organisation", async () => {
    const { c } = await fresh();
    await english(c, "org_soum");
    expect(c.text()).toContain("Сумын Засаг даргын Тамгын газар");
    await c.choose("📝 File a petition");
    expect(c.text()).not.toContain("Which organisation is your petition for?");
    expect(c.text()).toContain("Soum Governor's Office");
    expect(c.text()).toContain("What kind of petition is it?");
  });

  it("files a petition with a file and the phone button; gets its number and due date; /my lists it", async () => {
    const { w, c } = await fresh();
    await english(c);
    await intake(c, (x) => x.sharePhone("+97699112233"));
    await c.choose("✅ Submit");
    const number = /Registration number: \*?([^*\s]+)\*?/.exec(c.text())?.[1];
    expect(number).toBeTruthy();
    expect(c.text()).toMatch(/\d{4}\.\d{2}\.\d{2}/);
    const petition = await w.prisma.petition.findFirstOrThrow({ where: { number: number as string } });
    expect(petition.channel).toBe(channel === "messenger" ? "MESSENGER" : "BOT");
    expect(await w.prisma.petitionAttachment.count({ where: { petitionId: petition.id } })).toBe(1);
    await c.send("/my");
    expect(c.text()).toContain(number as string);
  });

  it("takes a typed phone number", async () => {
    const { c } = await fresh();
    await english(c);
    await intake(c, (x) => x.send("99112233"));
  });

  it("answers junk at a text step and asks the step again", async () => {
    const { c } = await fresh();
    await english(c);
    await c.choose("📝 File a petition");
    await c.choose("Aimag Governor's Office");
    await c.choose("Request");
    await c.choose("Social welfare");
    for (const junk of [() => c.sticker(), () => c.voice(), () => c.send("😀😀"), () => c.send("a\u0000b")]) {
      await junk();
      expect(c.text()).toContain("Describe your petition in one message");
    }
    await c.edit("edited text");
    expect(c.text()).toMatch(/edit/i);
  });

  it("withdraws a petition from its card", async () => {
    const { c } = await fresh();
    await english(c);
    await intake(c, (x) => x.send("99112233"));
    await c.choose("✅ Submit");
    await c.choose("📄 Open my petition");
    expect(c.options().join(" ")).toMatch(/Withdraw/);
  });
});
