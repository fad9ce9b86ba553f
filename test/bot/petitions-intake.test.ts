/**
 * The citizen's petition intake through the real bot: every step, bad input at each of
 * them, back and edit from the summary, a restart in the middle, the deep-linked
 * organisation, anonymity, refused consent, and a run in Mongolian.
 */
import { describe, expect, it } from "vitest";
import { useTestDatabase } from "../support/db.js";
import { TG } from "../support/fixtures.js";
import { fileWelfarePetition, PETITION_TEXT, petitionWorld } from "./petitions-support.js";

describe("a citizen files a petition", () => {
  const db = useTestDatabase();

  it("walks through every step; the petition is committed and confirmed with its number and due date", async () => {
    const { prisma, tb, chats, topics } = await petitionWorld(db);
    const c = chats.citizen;

    await c.pressData("pc:new");
    expect(c.text()).toContain("A new petition");
    expect(c.text()).toContain("Which organisation is your petition for?");
    expect(c.buttonTexts()).toEqual(["Aimag Governor's Office", "Soum Governor's Office", "✖️ Cancel"]);

    await c.press("Aimag Governor's Office");
    expect(c.text()).toContain("What kind of petition is it?");
    expect(c.text()).toContain("<b>Complaint</b> — Ask to restore a right that was violated");
    expect(c.buttonTexts()).toEqual([
      "Request",
      "Complaint",
      "Suggestion",
      "Criticism",
      "Gratitude",
      "⬅️ Back",
      "✖️ Cancel",
    ]);

    await c.press("Request");
    expect(c.text()).toContain("What is it about? Choose the topic.");
    expect(c.buttonTexts()).toEqual(["Land allocation", "Social welfare", "⬅️ Back", "✖️ Cancel"]);

    await c.press("Social welfare");
    expect(c.text()).toContain("Describe your petition in one message");
    expect(c.text()).toContain("(10–4000 characters)");

    await c.send(PETITION_TEXT);
    expect(c.text()).toContain("You can attach up to 5 photos or documents");
    expect(c.buttonTexts()).toContain("➡️ No attachments");

    await c.sendPhoto({ fileId: "photo-certificate", size: 180_000 });
    expect(c.text()).toContain("Attached (1 of 5):\n1. photo");
    await c.sendDocument({ fileId: "doc-statement", name: "bank-statement.pdf", size: 300_000 });
    expect(c.text()).toContain("Attached (2 of 5):\n1. photo\n2. bank-statement.pdf");
    await c.press("✅ Done");
    expect(c.text()).toContain("Your full name (e.g. B. Bold):");

    await c.send("B. Bold");
    expect(c.text()).toContain("press the button under the input field");
    expect(c.text()).toContain("Your phone number");
    const keyboard = tb.emulator.replyKeyboard(TG.citizen);
    expect(keyboard?.rows).toEqual([[{ text: "📞 Share my phone number", requestContact: true }]]);

    await c.shareContact("97699112233");
    expect(c.text()).toContain("Phone number +97699112233 saved.");
    expect(tb.emulator.replyKeyboard(TG.citizen)).toBeNull();
    expect(c.text()).toContain("Do you agree?");

    await c.press("✅ I agree");
    const summary = c.text();
    expect(summary).toContain("Please check your petition");
    expect(summary).toContain("Organisation: Aimag Governor's Office");
    expect(summary).toContain("Kind: Request");
    expect(summary).toContain("Topic: Social welfare");
    expect(summary).toContain(`Text: <i>${PETITION_TEXT}</i>`);
    expect(summary).toContain("Attachments (2): photo, bank-statement.pdf");
    expect(summary).toContain("Name: B. Bold");
    expect(summary).toContain("Phone: +97699112233");
    expect(c.buttonTexts()).toEqual([
      "✅ Submit",
      "✏️ Organisation",
      "✏️ Kind",
      "✏️ Topic",
      "✏️ Text",
      "✏️ Attachments",
      "✏️ Name",
      "✏️ Phone",
      "⬅️ Back",
      "✖️ Cancel",
    ]);
    expect(await prisma.petition.count()).toBe(0);

    await c.press("✅ Submit");
    expect(c.text()).toContain("Your petition is registered.");
    expect(c.text()).toContain("Registration number: <b>ӨГ-2026-000001</b>");
    expect(c.text()).toContain("It will be resolved by: <b>2026.04.09</b>");

    const p = await prisma.petition.findFirstOrThrow({ include: { attachments: true, events: true } });
    expect(p).toMatchObject({
      number: "ӨГ-2026-000001",
      kind: "REQUEST",
      channel: "BOT",
      topicId: topics.welfare.id,
      text: PETITION_TEXT,
      petitionerName: "B. Bold",
      phone: "+97699112233",
      anonymous: false,
      status: "ASSIGNED",
    });
    expect(p.consentAt).not.toBeNull();
    expect(p.attachments.map((a) => [a.kind, a.fileId, a.fileName, a.size])).toEqual([
      ["PHOTO", "photo-certificate", null, 180_000],
      ["DOCUMENT", "doc-statement", "bank-statement.pdf", 300_000],
    ]);
    // The conversation is over: free text gets the ordinary answer.
    await c.send("hello");
    expect(c.text()).toContain("I didn't understand that");
  });

  it("the petition is stored before the confirmation is sent: a failed confirmation loses nothing", async () => {
    const { prisma, tb, chats } = await petitionWorld(db);
    const c = chats.citizen;
    await fileWelfarePetition(c, { submit: false });
    tb.emulator.failNext(
      { code: 500, description: "Internal Server Error" },
      { method: "sendMessage", chatId: TG.citizen },
    );
    await c.press("✅ Submit");
    expect(await prisma.petition.count()).toBe(1);
    await c.send("/my");
    expect(c.text()).toContain("ӨГ-2026-000001");
  });

  it("bad input at every step is answered and the step asked again", async () => {
    const { prisma, tb, chats } = await petitionWorld(db);
    const c = chats.citizen;
    await c.send("/new");

    // Organisation: text instead of a button.
    await c.send("the aimag please");
    expect(c.text()).toContain("Please choose one of the buttons below.");
    expect(c.text()).toContain("Which organisation is your petition for?");
    await c.press("Aimag Governor's Office");

    // Kind: a sticker, then a command.
    await c.sendSticker();
    expect(c.text()).toContain("Please choose one of the buttons below.");
    expect(c.text()).toContain("What kind of petition is it?");
    await c.send("/menu");
    expect(c.text()).toContain("You are filling in «filing a petition»");
    expect(c.text()).toContain("What kind of petition is it?");
    await c.press("Request");

    // Topic: a button of another message (the menu's "File a petition") is refused politely.
    await c.pressData("pc:new");
    expect(c.text()).toContain("You are filling in «filing a petition»");
    await c.press("Social welfare");

    // Text: a sticker, a photo, too short, too long.
    await c.sendSticker();
    expect(c.text()).toContain("Please answer with text here.");
    expect(c.text()).toContain("Describe your petition");
    await c.sendPhoto();
    expect(c.text()).toContain("Please answer with text here.");
    await c.send("Help!");
    expect(c.text()).toContain("The text is too short. Please write at least 10 characters.");
    expect(c.text()).toContain("Describe your petition");
    await c.send("x".repeat(4001));
    expect(c.text()).toContain("The text is too long. Please keep it within 4000 characters");
    await c.send(PETITION_TEXT);

    // Files: text, a voice message, a program, a too-large scan.
    await c.send("here is my file");
    expect(c.text()).toContain("Here I take photos and documents.");
    expect(c.text()).toContain("You can attach up to 5 photos or documents");
    await c.sendVoice();
    expect(c.text()).toContain("This file cannot be accepted. Please send a photo or a document.");
    await c.sendDocument({ name: "setup.exe", mime: "application/x-msdownload", size: 50_000 });
    expect(c.text()).toContain("«setup.exe» is a program or script, and such files cannot be accepted.");
    await c.sendDocument({ name: "scan.pdf", size: 25 * 1024 * 1024 });
    expect(c.text()).toContain("«scan.pdf» is 25.0 MB; files can be at most 20 MB.");
    expect(c.text()).toContain("You can attach up to 5 photos or documents");
    await c.press("➡️ No attachments");

    // Name: digits only.
    await c.send("12");
    expect(c.text()).toContain("Please write your name in letters");
    expect(c.text()).toContain("Your full name");
    await c.send("B. Bold");

    // Phone: invalid typed number, a sticker, a foreign contact number.
    await c.send("12345");
    expect(c.text()).toContain("That phone number is not valid.");
    expect(c.text()).toContain("Your phone number");
    await c.sendSticker();
    expect(c.text()).toContain(
      "Please share your phone number with the button below the input field, or type it.",
    );
    await c.shareContact("+1 555 123 4567");
    expect(c.text()).toContain("That phone number is not valid.");
    expect(tb.emulator.replyKeyboard(TG.citizen)).not.toBeNull();
    await c.send("9911-2233");
    expect(c.text()).toContain("Phone number +97699112233 saved.");

    // Consent: typed instead of pressed.
    await c.send("yes");
    expect(c.text()).toContain("Please choose one of the buttons below.");
    expect(c.text()).toContain("Do you agree?");
    await c.press("✅ I agree");

    // Summary: a command mid-conversation.
    await c.send("/my");
    expect(c.text()).toContain("You are filling in «filing a petition»");
    expect(c.text()).toContain("Please check your petition");
    await c.press("✅ Submit");
    expect(c.text()).toContain("Registration number: <b>ӨГ-2026-000001</b>");
    const p = await prisma.petition.findFirstOrThrow({ include: { attachments: true } });
    expect(p.phone).toBe("+97699112233");
    expect(p.attachments).toEqual([]);
  });

  it("back goes to the previous step; the summary's edit buttons change one answer and come back", async () => {
    const { prisma, chats, topics } = await petitionWorld(db);
    const c = chats.citizen;
    await c.send("/new");
    await c.press("Aimag Governor's Office");
    await c.press("Request");
    await c.press("Social welfare");
    // Back from the text to the topic, and choose another.
    await c.press("⬅️ Back");
    expect(c.text()).toContain("What is it about? Choose the topic.");
    await c.press("⬅️ Back");
    expect(c.text()).toContain("What kind of petition is it?");
    await c.press("Complaint");
    await c.press("Social welfare");
    await c.send(PETITION_TEXT);
    await c.press("➡️ No attachments");
    await c.send("B. Bold");
    await c.send("99112233");
    await c.press("✅ I agree");
    expect(c.text()).toContain("Kind: Complaint");

    // Edit the text.
    await c.press("✏️ Text");
    expect(c.text()).toContain("Describe your petition");
    await c.send("The allowance for my second child has not been paid since January.");
    expect(c.text()).toContain(
      "Text: <i>The allowance for my second child has not been paid since January.</i>",
    );

    // Edit the topic to one that needs an address: the service asks for it before the summary.
    await c.press("✏️ Topic");
    await c.press("Land allocation");
    expect(c.text()).toContain("Please enter your address");
    expect(c.text()).toContain("Your address (soum or district");
    await c.send("Bayankhongor soum, 3rd bag, building 12, apt 4");
    expect(c.text()).toContain("Topic: Land allocation");
    expect(c.text()).toContain("Address: Bayankhongor soum, 3rd bag, building 12, apt 4");
    expect(c.buttonTexts()).toContain("✏️ Address");

    // An edit step's Back returns to the summary unchanged.
    await c.press("✏️ Name");
    await c.press("⬅️ Back");
    expect(c.text()).toContain("Name: B. Bold");

    // Back from the summary goes to the previous step (consent), then forward again.
    await c.press("⬅️ Back");
    expect(c.text()).toContain("Do you agree?");
    await c.press("✅ I agree");
    expect(c.text()).toContain("Please check your petition");

    // Attachments edited from the summary: added, removed, added again.
    await c.press("✏️ Attachments");
    await c.sendPhoto({ fileId: "p1" });
    await c.press("🗑 Remove all");
    expect(c.text()).toContain("You can attach up to 5 photos or documents");
    await c.sendPhoto({ fileId: "p2" });
    await c.press("✅ Done");
    expect(c.text()).toContain("Attachment: photo");

    await c.press("✅ Submit");
    const p = await prisma.petition.findFirstOrThrow({ include: { attachments: true } });
    expect(p).toMatchObject({
      kind: "COMPLAINT",
      topicId: topics.land.id,
      text: "The allowance for my second child has not been paid since January.",
      address: "Bayankhongor soum, 3rd bag, building 12, apt 4",
      phone: "+97699112233",
      status: "REGISTERED",
    });
    expect(p.attachments.map((a) => a.fileId)).toEqual(["p2"]);
  });

  it("a citizen abroad gives a foreign number; the official sees its country", async () => {
    const { prisma, chats } = await petitionWorld(db);
    const c = chats.citizen;
    await c.send("/new");
    await c.press("Aimag Governor's Office");
    await c.press("Request");
    await c.press("Social welfare");
    await c.send(PETITION_TEXT);
    await c.press("➡️ No attachments");
    await c.send("B. Bold");
    await c.send("+1 555 123 4567");
    expect(c.text()).toContain("or a number abroad with its country code (e.g. +82 10 1234 5678)");
    await c.send("+82 10-1234-5678");
    expect(c.text()).toContain("Phone number +821012345678 saved.");
    await c.press("✅ I agree");
    await c.press("✅ Submit");
    const p = await prisma.petition.findFirstOrThrow();
    expect(p.phone).toBe("+821012345678");
    await chats.official.pressData(`pt:open:${p.id}`);
    expect(chats.official.text()).toContain("B. Bold · +821012345678 (South Korea)");

    // A shared contact of a Korean account (no "+") is read the same way.
    await c.send("/new");
    await c.press("Aimag Governor's Office");
    await c.press("Request");
    await c.press("Social welfare");
    await c.send(PETITION_TEXT);
    await c.press("➡️ No attachments");
    await c.send("B. Bold");
    await c.shareContact("821012345678");
    expect(c.text()).toContain("Phone number +821012345678 saved.");
  });

  it("a restart of the bot in the middle keeps the answers", async () => {
    const { prisma, tb } = await petitionWorld(db);
    const before = tb.chat({ id: TG.citizen });
    await before.send("/new");
    await before.press("Aimag Governor's Office");
    await before.press("Request");
    await before.press("Social welfare");
    await before.send(PETITION_TEXT);
    await before.sendPhoto({ fileId: "kept-photo" });
    await before.press("✅ Done");
    expect(before.text()).toContain("Your full name");

    const after = await tb.restart();
    const c = after.chat({ id: TG.citizen });
    await c.send("B. Bold");
    await c.shareContact("+97688001122");
    await c.press("✅ I agree");
    expect(c.text()).toContain(`Text: <i>${PETITION_TEXT}</i>`);
    expect(c.text()).toContain("Attachment: photo");
    await c.press("✅ Submit");
    expect(c.text()).toContain("Registration number: <b>ӨГ-2026-000001</b>");
    const p = await prisma.petition.findFirstOrThrow({ include: { attachments: true } });
    expect(p.text).toBe(PETITION_TEXT);
    expect(p.phone).toBe("+97688001122");
    expect(p.attachments.map((a) => a.fileId)).toEqual(["kept-photo"]);
  });

  it("an organisation link preselects it and can be changed, at the first step and from the summary", async () => {
    const { prisma, chats } = await petitionWorld(db);
    const c = chats.citizen;
    await c.send("/start org_aimag");
    await c.pressData("pc:new");
    expect(c.text()).toContain("A new petition to Aimag Governor's Office");
    expect(c.text()).toContain("What kind of petition is it?");
    // Back on the first step leads to the choice of the organisation.
    await c.press("⬅️ Back");
    expect(c.text()).toContain("Which organisation is your petition for?");
    await c.press("Soum Governor's Office");
    await c.press("Request");
    await c.send(PETITION_TEXT);
    await c.press("➡️ No attachments");
    await c.send("B. Bold");
    await c.send("99112233");
    await c.press("✅ I agree");
    expect(c.text()).toContain("Organisation: Soum Governor's Office");
    // From the summary: back to the linked organisation, whose topic is then asked.
    await c.press("✏️ Organisation");
    await c.press("Aimag Governor's Office");
    expect(c.text()).toContain("What is it about? Choose the topic.");
    await c.press("Social welfare");
    expect(c.text()).toContain("Organisation: Aimag Governor's Office");
    expect(c.text()).toContain("Topic: Social welfare");
    await c.press("✅ Submit");
    const p = await prisma.petition.findFirstOrThrow({ include: { org: true } });
    expect(p.org.slug).toBe("aimag");
  });

  it("an organisation link skips the choice; anonymous petitions ask no name or phone", async () => {
    const { prisma, chats } = await petitionWorld(db);
    const c = chats.citizen;
    await c.send("/start org_aimag");
    await c.pressData("pc:new");
    expect(c.text()).toContain("A new petition to Aimag Governor's Office");
    expect(c.text()).toContain("What kind of petition is it?");
    await c.press("Suggestion");
    await c.press("Social welfare");
    await c.send("Please open the welfare office on Saturdays for working parents.");
    await c.press("➡️ No attachments");
    expect(c.text()).toContain("may be filed anonymously");
    await c.press("🕶 File anonymously");
    // Nothing personal is kept, so no consent is asked.
    expect(c.text()).not.toContain("Do you agree?");
    expect(c.text()).toContain("Petitioner: anonymous");
    expect(c.buttonTexts()).not.toContain("✏️ Name");
    await c.press("✅ Submit");
    const p = await prisma.petition.findFirstOrThrow();
    expect(p).toMatchObject({ kind: "SUGGESTION", anonymous: true, petitionerName: null, phone: null });
    expect(p.consentAt).toBeNull();
  });

  it("consent names only the data kept; refusing it offers anonymity where the kind allows it, or going back", async () => {
    const { prisma, chats } = await petitionWorld(db);
    const c = chats.citizen;
    await c.send("/new");
    await c.press("Aimag Governor's Office");
    await c.press("Suggestion");
    await c.press("Social welfare");
    await c.send("Please open the welfare office on Saturdays for working parents.");
    await c.press("➡️ No attachments");
    await c.press("👤 Give my name and phone");
    await c.send("B. Bold");
    await c.send("99112233");
    expect(c.text()).toContain("the personal data you gave (name, phone number) for this purpose only");
    await c.press("❌ I do not agree");
    expect(c.text()).toContain("This kind of petition may be filed anonymously instead");
    expect(c.buttonTexts()).toEqual(["🕶 File anonymously", "⬅️ Back", "✖️ Cancel"]);
    await c.press("🕶 File anonymously");
    expect(c.text()).toContain("Petitioner: anonymous");
    await c.press("✅ Submit");
    const p = await prisma.petition.findFirstOrThrow();
    expect(p).toMatchObject({ anonymous: true, petitionerName: null, phone: null, consentAt: null });

    // A request cannot be anonymous: refusing offers going back to change the answers.
    await c.send("/new");
    await c.press("Aimag Governor's Office");
    await c.press("Request");
    await c.press("Land allocation");
    await c.send(PETITION_TEXT);
    await c.press("➡️ No attachments");
    await c.send("B. Bold");
    await c.send("99112233");
    await c.send("Bayankhongor soum, 3rd bag, building 12, apt 4");
    expect(c.text()).toContain("(name, phone number, address)");
    await c.press("❌ I do not agree");
    expect(c.text()).toContain("this kind of petition cannot be filed anonymously");
    expect(c.buttonTexts()).toEqual(["⬅️ Back", "✖️ Cancel"]);
    await c.press("⬅️ Back");
    expect(c.text()).toContain("Your address");
    expect(await prisma.petition.count()).toBe(1);
  });

  it("refusing consent explains and files nothing when cancelled; cancel takes the contact button away", async () => {
    const { prisma, tb, chats } = await petitionWorld(db);
    const c = chats.citizen;
    await c.send("/new");
    await c.press("Aimag Governor's Office");
    await c.press("Request");
    await c.press("Social welfare");
    await c.send(PETITION_TEXT);
    await c.press("➡️ No attachments");
    await c.send("B. Bold");
    await c.send("99112233");
    await c.press("❌ I do not agree");
    expect(c.text()).toContain("Without your consent we cannot register");
    await c.press("✖️ Cancel");
    expect(c.text()).toContain("The petition was cancelled; nothing was filed.");
    expect(await prisma.petition.count()).toBe(0);

    await c.send("/new");
    await c.press("Aimag Governor's Office");
    await c.press("Request");
    await c.press("Social welfare");
    await c.send(PETITION_TEXT);
    await c.press("➡️ No attachments");
    await c.send("B. Bold");
    expect(tb.emulator.replyKeyboard(TG.citizen)).not.toBeNull();
    await c.press("✖️ Cancel");
    expect(c.text()).toContain("The petition was cancelled; nothing was filed.");
    expect(tb.emulator.replyKeyboard(TG.citizen)).toBeNull();
    expect(await prisma.petition.count()).toBe(0);
  });

  it("each step runs in a conversation of its own: the stored state holds one step, whatever came before it", async () => {
    const { prisma, chats } = await petitionWorld(db);
    const c = chats.citizen;
    const stored = async () => (await prisma.conversationState.findMany()).map((r) => r.value).join("");
    await c.send("/new");
    await c.press("Aimag Governor's Office");
    const early = await stored();
    expect(early).toContain("continued");
    await c.press("Request");
    await c.press("Social welfare");
    await c.send(PETITION_TEXT);
    await c.press("➡️ No attachments");
    await c.send("B. Bold");
    await c.shareContact("+97699112233");
    const late = await stored();
    expect(c.text()).toContain("Do you agree?");
    // The draft grew by the text, the name and the phone; the log did not grow with the steps.
    expect(late.length).toBeLessThan(early.length + PETITION_TEXT.length + 600);
    expect((late.match(/"payload":"wait"/g) ?? []).length).toBeLessThanOrEqual(2);
    // Back still leads through the steps answered in earlier conversations.
    await c.press("⬅️ Back");
    expect(c.text()).toContain("Your phone number");
    await c.press("⬅️ Back");
    expect(c.text()).toContain("Your full name");
    await c.send("B. Bold");
    await c.shareContact("+97699112233");
    await c.press("✅ I agree");
    await c.press("✅ Submit");
    expect(c.text()).toMatch(/Registration number/);
    expect(await prisma.petition.count()).toBe(1);
    expect(await stored()).toBe("");
  });

  it("in Mongolian", async () => {
    const { prisma, chats } = await petitionWorld(db, { citizenLocale: "mn" });
    const c = chats.citizen;
    await c.send("/new");
    expect(c.text()).toContain("Өргөдлөө аль байгууллагад гаргах вэ?");
    await c.press("Аймгийн Засаг даргын Тамгын газар");
    expect(c.text()).toContain("<b>Гомдол</b> — Зөрчигдсөн эрхээ сэргээлгэх хүсэлт");
    await c.press("Өргөдөл");
    await c.press("Нийгмийн халамж");
    await c.send("Хүүхдийн мөнгө 1-р сараас хойш олгогдоогүй байна, шалгаж өгнө үү.");
    await c.press("➡️ Хавсралтгүй");
    expect(c.text()).toContain("Овог, нэрээ бичнэ үү");
    await c.send("Б.Болд");
    await c.send("8811 2233");
    expect(c.text()).toContain("88112233 дугаарыг хадгаллаа");
    await c.press("✅ Зөвшөөрч байна");
    expect(c.text()).toContain("Өргөдлөө шалгана уу");
    expect(c.text()).toContain("Төрөл: Өргөдөл");
    await c.press("✅ Илгээх");
    expect(c.text()).toContain("Таны өргөдөл бүртгэгдлээ.");
    expect(c.text()).toContain("Бүртгэлийн дугаар: <b>ӨГ-2026-000001</b>");
    expect(c.text()).toContain("Шийдвэрлэх хугацаа: <b>2026.04.09</b>");
    expect(await prisma.petition.count()).toBe(1);
  });
});
