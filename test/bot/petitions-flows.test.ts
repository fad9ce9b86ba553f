/**
 * The remaining petition dialogues: answer review by the head (send back, approve), a
 * refused extension, the citizen adding information and withdrawing, and the staff lists
 * with their filters.
 */
import { describe, expect, it } from "vitest";
import { useTestDatabase } from "../support/db.js";
import { fileWelfarePetition, petitionWorld } from "./petitions-support.js";

describe("more petition dialogues", () => {
  const db = useTestDatabase();

  it("with answer review on, the head sends the answer back, then approves it", async () => {
    const { prisma, tb, chats, fx } = await petitionWorld(db);
    await prisma.organization.update({
      where: { id: fx.org.id },
      data: { settings: { petitions: { answerReview: true } } },
    });
    const { citizen, official, head } = chats;
    await fileWelfarePetition(citizen);
    await tb.deliverOutbox();
    await official.press("✅ Accept");
    await official.press("✍️ Answer");
    await official.send("The allowance will be paid next week.");
    await official.press("📨 Send the answer");
    expect(official.text()).toContain("was sent to your head for review");
    await tb.deliverOutbox();
    expect(citizen.lastText()).not.toContain("the answer to your petition");
    expect(head.lastText()).toContain("submitted the answer to petition ӨГ-2026-000001 for your review");

    await head.press("↩️ Send back");
    expect(head.text()).toContain("What should be changed in the answer to petition <b>ӨГ-2026-000001</b>?");
    await head.send("Give the exact date of payment.");
    expect(head.text()).toContain("was sent back to the official");
    await tb.deliverOutbox();
    expect(official.lastText()).toContain("The answer to petition ӨГ-2026-000001 was sent back for changes.");
    expect(official.lastText()).toContain("Give the exact date of payment.");

    await official.press("✍️ Answer");
    await official.send("The allowance will be paid on 17 March 2026.");
    await official.press("📨 Send the answer");
    await tb.deliverOutbox();
    await head.press("✅ Approve answer");
    expect(head.text()).toContain(
      "The answer to petition ӨГ-2026-000001 was approved and sent to the petitioner.",
    );
    await tb.deliverOutbox();
    expect(citizen.lastText()).toContain("The allowance will be paid on 17 March 2026.");
    expect(official.lastText()).toContain("was approved and sent to the petitioner");
    // The head's staff card shows the history with the review.
    const p = await prisma.petition.findFirstOrThrow();
    await head.pressData(`pt:open:${p.id}`);
    expect(head.text()).toContain("Answer sent back — Д.Сарантуяа");
    expect(head.text()).toContain("Status: <b>Answered</b>");
  });

  it("the head refuses an extension with a reason; the official is told", async () => {
    const { prisma, tb, chats } = await petitionWorld(db);
    const { citizen, official, head } = chats;
    await fileWelfarePetition(citizen);
    await tb.deliverOutbox();
    await official.press("⏳ Extend");
    await official.send("20");
    await official.send("Too many petitions this month.");
    await tb.deliverOutbox();
    await head.press("❌ Refuse");
    await head.send("The case is simple; answer within the term.");
    expect(head.text()).toContain("The extension was refused. Petition ӨГ-2026-000001 stays due 2026.04.09.");
    await tb.deliverOutbox();
    expect(official.lastText()).toContain("The extension of petition ӨГ-2026-000001 was refused.");
    expect(official.lastText()).toContain("The case is simple; answer within the term.");
    expect(citizen.lastText()).not.toContain("extended");
    expect((await prisma.petition.findFirstOrThrow()).extended).toBe(false);
    // Only once per petition.
    await official.press("⏳ Extend");
    expect(official.lastCallbackAnswer()).toContain("can be extended only once");
  });

  it("the citizen adds information, then withdraws the petition after confirming", async () => {
    const { prisma, tb, chats } = await petitionWorld(db);
    const { citizen, official } = chats;
    await fileWelfarePetition(citizen);
    await tb.deliverOutbox();
    await citizen.send("/my");
    await citizen.press("📄 ӨГ-2026-000001");
    expect(citizen.buttonTexts()).toEqual(["➕ Add information", "🚫 Withdraw", "⬅️ My petitions"]);
    await citizen.press("➕ Add information");
    expect(citizen.text()).toContain("What would you like to add to petition <b>ӨГ-2026-000001</b>?");
    await citizen.sendDocument({ name: "virus.bat", mime: "application/x-bat" });
    expect(citizen.text()).toContain("«virus.bat» is a program or script");
    await citizen.sendDocument({ fileId: "birth-cert", name: "birth-certificate.pdf" });
    await citizen.press("📨 Send");
    expect(citizen.text()).toContain("Please write the text.");
    await citizen.send("Here is the birth certificate of my second child.");
    await citizen.press("📨 Send");
    expect(citizen.text()).toContain("Your addition to petition ӨГ-2026-000001 was sent to the office.");
    await tb.deliverOutbox();
    expect(official.all().slice(-2)[0]?.text).toContain(
      "The petitioner added information to petition ӨГ-2026-000001",
    );
    expect(official.lastText()).toBe("");
    expect(official.all().at(-1)?.file?.fileId).toBe("birth-cert");

    await citizen.send("/my");
    await citizen.press("📄 ӨГ-2026-000001");
    expect(citizen.text()).toContain(
      "You added information: «Here is the birth certificate of my second child.»",
    );
    await citizen.press("🚫 Withdraw");
    expect(citizen.text()).toContain("Withdraw petition <b>ӨГ-2026-000001</b>?");
    await citizen.press("⬅️ No, keep it");
    expect(citizen.text()).toContain("Status: <b>With the responsible officer</b>");
    await citizen.press("🚫 Withdraw");
    await citizen.press("🚫 Yes, withdraw");
    expect(citizen.text()).toContain("Petition ӨГ-2026-000001 was withdrawn.");
    expect((await prisma.petition.findFirstOrThrow()).status).toBe("WITHDRAWN");
    await tb.deliverOutbox();
    expect(official.lastText()).toContain("The petitioner withdrew petition ӨГ-2026-000001.");
    // A withdrawn petition takes no more additions.
    const p = await prisma.petition.findFirstOrThrow();
    await citizen.pressData(`pc:add:${p.id}`);
    expect(citizen.lastCallbackAnswer()).toBe("This petition is closed, so this cannot be done.");
  });

  it("staff lists: the assignee's with filters, the unit head's, the organisation head's", async () => {
    const { tb, chats } = await petitionWorld(db);
    const { citizen, official, head, orgHead } = chats;
    await fileWelfarePetition(citizen);
    await fileWelfarePetition(citizen);
    await official.send("/petitions");
    expect(official.text()).toContain("Petitions assigned to you</b> — open (2)");
    expect(official.text()).toContain("ӨГ-2026-000001</b> · Request · Assigned · due 2026.04.09");
    expect(official.text()).toContain("Social welfare · Н.Ванчинсэмбэрүү · B. Bold");
    expect(official.buttonTexts()).toEqual([
      "📄 ӨГ-2026-000001",
      "📄 ӨГ-2026-000002",
      "• open",
      "due soon",
      "overdue",
    ]);
    await official.press("overdue");
    expect(official.text()).toContain("Nothing here.");
    tb.clock.advanceDays(28);
    await official.press("due soon");
    expect(official.text()).toContain("due soon (2)");
    tb.clock.advanceDays(5);
    await official.press("overdue");
    expect(official.text()).toContain("overdue (2)");
    expect(official.text()).toContain("⚠️ overdue");
    await official.press("📄 ӨГ-2026-000002");
    expect(official.text()).toContain("Petition ӨГ-2026-000002");
    // Overdue: no extension any more.
    expect(official.buttonTexts()).toEqual([
      "✅ Accept",
      "✍️ Answer",
      "❓ Ask petitioner",
      "➡️ Forward",
      "↩️ Return",
    ]);

    await head.send("/menu");
    await head.press("🏢 Unit petitions");
    expect(head.text()).toContain("Your unit's open petitions</b> (2)");
    await orgHead.pressData("pt:list:unit");
    expect(orgHead.text()).toContain("Open petitions of the organisation</b> (2)");
  });

  it("a petition routed to a unit: its head assigns it to one of the unit's people from the suggestions", async () => {
    const { prisma, tb, chats, fx, topics } = await petitionWorld(db);
    await prisma.routingRule.create({
      data: { orgId: fx.org.id, topicId: topics.land.id, unitId: fx.units.admin.id },
    });
    const { citizen, head, official } = chats;
    await citizen.send("/new");
    await citizen.press("Aimag Governor's Office");
    await citizen.press("Complaint");
    await citizen.press("Land allocation");
    await citizen.send("The land plot allocated to me in 2024 was given to another family.");
    await citizen.press("➡️ No attachments");
    await citizen.send("B. Bold");
    await citizen.send("99112233");
    await citizen.send("Bayan-Ovoo soum, 2nd bag, 14");
    await citizen.press("✅ I agree");
    await citizen.press("✅ Submit");
    await tb.deliverOutbox();
    expect(head.lastText()).toContain("A new petition for your unit: ӨГ-2026-000001 (Complaint)");
    await head.press("👤 Assign");
    expect(head.text()).toContain("Choose below, or send part of a name or a personnel code.");
    expect(head.buttonTexts()).toEqual(
      expect.arrayContaining(["Н.Ванчинсэмбэрүү", "Д.Сарантуяа", "✖️ Cancel"]),
    );
    expect(head.buttonTexts()).not.toContain("Б.Болд");
    await head.press("Н.Ванчинсэмбэрүү");
    await head.press("⏭ Skip");
    expect(head.text()).toContain("Petition ӨГ-2026-000001 was assigned to <b>Н.Ванчинсэмбэрүү</b>.");
    await tb.deliverOutbox();
    expect(official.lastText()).toContain("A petition was assigned to you: ӨГ-2026-000001 (Complaint)");
    // The notice's Assign button, pressed again later, says where the petition stands now.
    const p = await prisma.petition.findFirstOrThrow();
    await head.pressData(`pt:asg:${p.id}`);
    expect(head.text()).toContain(
      `Petition ӨГ-2026-000001 is already assigned to <b>Н.Ванчинсэмбэрүү</b>. Status: Assigned.`,
    );
    expect(head.buttonTexts()).toEqual(["👤 Reassign", "📄 Details"]);
    await official.press("✅ Accept");
    await head.pressData(`pt:asg:${p.id}`);
    expect(head.text()).toContain("is already assigned to <b>Н.Ванчинсэмбэрүү</b>. Status: In progress.");
    // Reassigning is a choice made knowingly; a unit head cannot hand it outside the unit.
    await head.press("👤 Reassign");
    expect(head.text()).toContain("Assigned now to: <b>Н.Ванчинсэмбэрүү</b> (In progress)");
    await head.send("Болд");
    await head.press("Б.Болд · Хөгжлийн бодлого, төлөвлөлтийн хэлтэс");
    await head.press("⏭ Skip");
    expect(head.text()).toContain("You can assign only to officials of your own unit.");
    expect((await prisma.petition.findFirstOrThrow()).assigneeId).toBe(fx.people.official.id);
    await head.press("✖️ Cancel");
    expect(head.text()).toContain("Cancelled; nothing was changed.");
  });
});
