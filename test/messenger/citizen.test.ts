/**
 * The citizen's petition life on both channels, one suite: Telegram through the Bot API
 * emulator, Messenger through signed webhook events, the bridge and the Messenger
 * emulator (which refuses anything the platform refuses: see `violations`).
 */
import { afterEach, describe, expect, it } from "vitest";
import { actorForUser } from "../../src/directory/users.js";
import { useTestDatabase } from "../support/db.js";
import { TG } from "../support/fixtures.js";
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

  async function official(w: MessengerWorld) {
    const u = await w.prisma.user.findFirstOrThrow({
      where: { channel: "TELEGRAM", externalId: String(TG.official) },
    });
    return actorForUser(w.prisma, u.id);
  }

  async function filed(c: CitizenDriver, w: MessengerWorld) {
    await english(c);
    await intake(c, (x) => x.send("99112233"));
    await c.choose("✅ Submit");
    return w.prisma.petition.findFirstOrThrow({ orderBy: { id: "desc" } });
  }

  it("answers the office's question, receives the answer and rates it", async () => {
    const { w, c } = await fresh();
    const p = await filed(c, w);
    const svc = w.tb.deps.services.petitions;
    const actor = await official(w);
    await svc.accept(actor, p.id);
    await svc.askCitizen(actor, p.id, "Which bank account was the allowance paid to before January?");
    await w.deliverOutbox();
    await c.choose("💬 Reply");
    expect(c.text()).toContain("The office asked about petition");
    await c.send("It was paid to my Khan Bank account ending 4411.");
    await c.choose("📨 Send");
    expect(c.text()).toContain("was sent to the office");
    expect(
      (await w.prisma.petitionEvent.findMany({ where: { petitionId: p.id, type: "REPLY" } })).length,
    ).toBe(1);

    await svc.answer(actor, p.id, { text: "The allowance for January and February was paid on 14 March." });
    await w.deliverOutbox();
    await c.choose("5 ⭐");
    expect(c.text()).toContain("Thank you");
    expect((await w.prisma.petition.findUniqueOrThrow({ where: { id: p.id } })).rating).toBe(5);
  });

  it("withdraws a petition from its card", async () => {
    const { w, c } = await fresh();
    const p = await filed(c, w);
    await c.choose("📄 Open my petition");
    await c.choose("🚫 Withdraw");
    await c.choose("🚫 Yes, withdraw");
    expect(c.text()).toContain("was withdrawn");
    expect((await w.prisma.petition.findUniqueOrThrow({ where: { id: p.id } })).status).toBe("WITHDRAWN");
  });
});
