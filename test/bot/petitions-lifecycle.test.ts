/**
 * The life of a petition through the bot, with notifications delivered to the staff and
 * citizen chats by the real delivery worker: routing by a topic rule, accept, question
 * and reply, extension and the head's approval, answer, rating; forwarding; returning to
 * the clerk and assignment with a note; a paper petition registered by the clerk; and
 * the statistics message on a known data set.
 */
import { describe, expect, it } from "vitest";
import { useTestDatabase } from "../support/db.js";
import { fileWelfarePetition, PETITION_TEXT, petitionWorld } from "./petitions-support.js";

describe("the life of a petition in the bot", () => {
  const db = useTestDatabase();

  it("intake → routed → accepted → question and reply → extension approved → answered → rated", async () => {
    const { prisma, tb, chats, fx } = await petitionWorld(db);
    const { citizen, official, head } = chats;

    // Intake: routed to the official by the welfare topic rule.
    const number = await fileWelfarePetition(citizen);
    expect(number).toBe("ӨГ-2026-000001");
    const p = await prisma.petition.findFirstOrThrow();
    expect(p.assigneeId).toBe(fx.people.official.id);

    await tb.deliverOutbox();
    expect(official.lastText()).toContain("A petition was assigned to you: ӨГ-2026-000001 (Request)");
    expect(official.lastText()).toContain("Due: 2026.04.09");

    // Accept.
    await official.press("✅ Accept");
    expect(official.lastCallbackAnswer()).toBe("Accepted");
    expect(official.text()).toContain("You accepted petition ӨГ-2026-000001. It is due 2026.04.09.");
    expect(official.buttonTexts()).toContain("❓ Ask petitioner");
    expect(official.buttonTexts()).not.toContain("✅ Accept");
    expect((await prisma.petition.findFirstOrThrow()).status).toBe("IN_PROGRESS");

    // The official asks the citizen a question.
    await official.press("❓ Ask petitioner");
    expect(official.text()).toContain("Your question to the petitioner of <b>ӨГ-2026-000001</b>");
    await official.send("Which bank account was the allowance paid to before January?");
    expect(official.text()).toContain(
      "The question about petition ӨГ-2026-000001 was sent to the petitioner.",
    );
    await tb.deliverOutbox();
    expect(citizen.lastText()).toContain(
      "Aimag Governor's Office: we need more information about your petition ӨГ-2026-000001",
    );
    expect(citizen.lastText()).toContain("Which bank account was the allowance paid to before January?");
    expect(citizen.lastText()).not.toContain("Ванчинсэмбэрүү");

    // The citizen replies with text and a photo.
    await citizen.press("💬 Reply");
    expect(citizen.text()).toContain("The office asked about petition <b>ӨГ-2026-000001</b>");
    await citizen.send("It was paid to my Khan Bank account ending 4411.");
    expect(citizen.text()).toContain("Received: 48 characters of text and 0 file(s).");
    await citizen.sendPhoto({ fileId: "bank-card-photo" });
    expect(citizen.text()).toContain("and 1 file(s)");
    await citizen.press("📨 Send");
    expect(citizen.text()).toContain("Your reply about petition ӨГ-2026-000001 was sent to the office.");
    await tb.deliverOutbox();
    const officialMessages = official.all().slice(-2);
    expect(officialMessages[0]?.text).toContain("The petitioner replied about petition ӨГ-2026-000001");
    expect(officialMessages[0]?.text).toContain("It was paid to my Khan Bank account ending 4411.");
    expect(officialMessages[1]?.file?.fileId).toBe("bank-card-photo");

    // The official asks for an extension; the head approves; the citizen is told the new date.
    await official.pressData(`pt:ext:${p.id}`);
    expect(official.text()).toContain(
      "By how many days should the term of petition <b>ӨГ-2026-000001</b> be extended? (1–30)",
    );
    await official.send("ten");
    expect(official.text()).toContain("Please write the number of days as digits");
    // The number is checked at its own step, before the reason is asked.
    await official.send("45");
    expect(official.text()).toContain("Please enter a number of days from 1 to 30.");
    expect(official.text()).not.toContain("The reason for the extension");
    await official.send("10");
    await official.send("Waiting for the bank's records.");
    expect(official.text()).toContain(
      "The extension of petition ӨГ-2026-000001 by 10 days was sent to your head",
    );
    await tb.deliverOutbox();
    expect(head.lastText()).toContain("asks to extend the term of petition ӨГ-2026-000001 by 10 days");
    await head.press("✅ Approve extension");
    expect(head.text()).toContain("Extension approved: petition ӨГ-2026-000001 is now due 2026.04.19.");
    await tb.deliverOutbox();
    expect(citizen.lastText()).toContain("New due date: 2026.04.19");
    expect(official.lastText()).toContain("was extended by 10 days. New due date: 2026.04.19");

    // The official answers with a letter; the citizen gets it and rates it.
    tb.clock.advanceDays(5);
    await official.press("✍️ Answer");
    expect(official.text()).toContain("The answer to petition <b>ӨГ-2026-000001</b>");
    await official.send("Short.");
    await official.press("📨 Send the answer");
    expect(official.text()).toContain("The answer is too short. Please write at least 10 characters.");
    await official.press("🗑 Start over");
    await official.send("The allowance for January and February was paid to your account on 14 March.");
    await official.sendDocument({ fileId: "signed-letter", name: "answer-letter.pdf" });
    await official.press("📨 Send the answer");
    expect(official.text()).toContain("The answer to petition ӨГ-2026-000001 was sent to the petitioner.");
    await tb.deliverOutbox();
    const answer = citizen.all().slice(-2);
    expect(answer[0]?.text).toContain("Aimag Governor's Office: the answer to your petition ӨГ-2026-000001");
    expect(answer[0]?.text).toContain(
      "\n\nThe allowance for January and February was paid to your account on 14 March.\n\n",
    );
    expect(answer[0]?.text).not.toContain("Short.");
    expect(answer[0]?.buttons?.flat().map((b) => b.text)).toEqual(["1 ⭐", "2 ⭐", "3 ⭐", "4 ⭐", "5 ⭐"]);
    expect(answer[1]?.file?.fileId).toBe("signed-letter");

    await citizen.press("5 ⭐");
    expect(citizen.lastCallbackAnswer()).toBe("Thank you for your rating!");
    expect(citizen.text()).toContain("You rated the answer to petition ӨГ-2026-000001 with 5 ⭐");
    await citizen.press("💬 Add a comment");
    await citizen.send("Quick and clear, thank you.");
    expect(citizen.text()).toContain("your comment was saved");
    await citizen.pressData(`pc:rate:${p.id}:1`);
    expect(citizen.lastCallbackAnswer()).toBe("You have already rated this answer.");

    const done = await prisma.petition.findFirstOrThrow({ include: { events: { orderBy: { id: "asc" } } } });
    expect(done).toMatchObject({
      status: "ANSWERED",
      rating: 5,
      ratingComment: "Quick and clear, thank you.",
      extended: true,
    });
    expect(done.events.map((e) => e.type)).toEqual([
      "REGISTERED",
      "ASSIGNED",
      "ACCEPTED",
      "QUESTION",
      "REPLY",
      "EXTENSION_REQUESTED",
      "EXTENSION_APPROVED",
      "ANSWERED",
      "RATED",
    ]);

    // The citizen's card tells the story in plain words, without staff names.
    await citizen.send("/my");
    expect(citizen.text()).toContain("ӨГ-2026-000001</b> · Request · Aimag Governor's Office");
    expect(citizen.text()).toContain("Answered · due 2026.04.19");
    await citizen.press("📄 ӨГ-2026-000001");
    const card = citizen.text();
    expect(card).toContain("Status: <b>Answered</b>");
    expect(card).toContain("Due: 2026.04.19 (extended)");
    expect(card).toContain("2026.03.10 — Your petition was registered");
    expect(card).toContain(
      "The office asked you a question: «Which bank account was the allowance paid to before January?»",
    );
    expect(card).toContain("The term was extended to 2026.04.19");
    expect(card).toContain("You rated the answer 5: «Quick and clear, thank you.»");
    expect(card).toContain("Your rating: 5 ⭐ — «Quick and clear, thank you.»");
    expect(card).not.toContain("Ванчинсэмбэрүү");
    expect(card).not.toContain("Сарантуяа");
    expect(citizen.buttonTexts()).toContain("📎 Files");
    await citizen.press("📎 Files");
    expect(citizen.replies().map((m) => m.file?.fileId)).toEqual(["bank-card-photo", "signed-letter"]);

    // The staff card shows everything with names.
    await official.pressData(`pt:open:${p.id}`);
    const staffCard = official.text();
    expect(staffCard).toContain("Petition ӨГ-2026-000001");
    expect(staffCard).toContain("Petitioner: B. Bold · +97699112233");
    expect(staffCard).toContain("Extension approved 10 days → 2026.04.19 — Д.Сарантуяа");
    expect(staffCard).toContain("Assigned → Н.Ванчинсэмбэрүү — system");
  });

  it("forwarding tells the citizen where; the clerk forwards to a body typed in", async () => {
    const { prisma, tb, chats } = await petitionWorld(db);
    const { citizen, official } = chats;
    await fileWelfarePetition(citizen);
    const p = await prisma.petition.findFirstOrThrow();
    await tb.deliverOutbox();
    await official.press("➡️ Forward");
    expect(official.text()).toContain("Where should petition <b>ӨГ-2026-000001</b> be forwarded?");
    expect(official.buttonTexts()).toEqual([
      "Soum Governor's Office",
      "✍️ Another body (type its name)",
      "✖️ Cancel",
    ]);
    await official.press("Soum Governor's Office");
    await official.send("Child allowances of soum residents are paid by the soum office.");
    // The soum office uses albabot too: the petition is registered there at once.
    expect(official.text()).toContain(
      "Petition ӨГ-2026-000001 was forwarded to Soum Governor's Office and registered there as ӨГ-2026-000001. The petitioner has been told.",
    );
    await tb.deliverOutbox();
    expect(citizen.lastText()).toContain("your petition ӨГ-2026-000001 is outside our competence");
    expect(citizen.lastText()).toContain("Forwarded to: Soum Governor's Office"); // in the citizen's language
    expect(citizen.lastText()).toContain(
      "Reason: Child allowances of soum residents are paid by the soum office.",
    );
    expect(citizen.lastText()).toContain(
      "It is registered there as ӨГ-2026-000001 and will be resolved by 2026.04.09. You will get the answer here.",
    );

    // The soum's clerk gets it, sees where it came from, and the answer reaches the citizen.
    const { otherOrgClerk } = chats;
    const there = await prisma.petition.findUniqueOrThrow({ where: { forwardedFromId: p.id } });
    expect(otherOrgClerk.lastText()).toContain("ӨГ-2026-000001");
    await otherOrgClerk.pressData(`pt:open:${there.id}`);
    expect(otherOrgClerk.text()).toContain(
      "Forwarded here by Aimag Governor's Office (their number ӨГ-2026-000001).",
    );
    await otherOrgClerk.press("👤 Assign");
    await otherOrgClerk.send("Мөнх");
    await otherOrgClerk.press(otherOrgClerk.buttonTexts().find((b) => b.startsWith("Ж.Мөнх")) ?? "Ж.Мөнх");
    await otherOrgClerk.send("Pay the allowance and answer.");
    await tb.deliverOutbox();
    await otherOrgClerk.pressData(`pt:ans:${there.id}`);
    await otherOrgClerk.send("The soum office will pay the allowance for January to March this week.");
    await otherOrgClerk.press("📨 Send the answer");
    await tb.deliverOutbox();
    expect(citizen.lastText()).toContain(
      "The soum office will pay the allowance for January to March this week.",
    );
    expect(await prisma.petition.findUniqueOrThrow({ where: { id: p.id } })).toMatchObject({
      status: "FORWARDED",
      forwardedToName: "Сумын Засаг даргын Тамгын газар",
    });
    // Closed: the buttons of the old notification do nothing.
    await official.pressData(`pt:acc:${p.id}`);
    expect(official.lastCallbackAnswer()).toBe("This petition is closed, so this cannot be done.");

    // A second petition, forwarded by the clerk to a body named in words.
    await fileWelfarePetition(citizen);
    const second = await prisma.petition.findFirstOrThrow({ where: { number: "ӨГ-2026-000002" } });
    const { clerk } = chats;
    await clerk.pressData(`pt:fwd:${second.id}`);
    await clerk.press("✍️ Another body (type its name)");
    await clerk.send("Social Insurance Office of the aimag");
    await clerk.send("Pensions are decided by social insurance.");
    expect(clerk.text()).toContain("forwarded to Social Insurance Office of the aimag");
    await tb.deliverOutbox();
    expect(citizen.lastText()).toContain("Forwarded to: Social Insurance Office of the aimag");
  });

  it("the official returns it to the clerk, who assigns it to another official with an instruction", async () => {
    const { prisma, tb, chats, fx } = await petitionWorld(db);
    const { citizen, official, clerk, official2 } = chats;
    await fileWelfarePetition(citizen);
    const p = await prisma.petition.findFirstOrThrow();
    await tb.deliverOutbox();

    await official.press("↩️ Return");
    expect(official.text()).toContain("Why are you returning petition <b>ӨГ-2026-000001</b> to the clerk?");
    await official.sendSticker();
    expect(official.text()).toContain("Please answer with text here.");
    await official.send("Allowances are handled by the development unit.");
    expect(official.text()).toContain("Petition ӨГ-2026-000001 was returned to the clerk.");
    await tb.deliverOutbox();
    expect(clerk.lastText()).toContain("Н.Ванчинсэмбэрүү returned petition ӨГ-2026-000001.");
    expect(clerk.lastText()).toContain("Reason: Allowances are handled by the development unit.");

    // The queue lists it as returned.
    await clerk.send("/menu");
    await clerk.press("🗃 Petition queue");
    expect(clerk.text()).toContain("Petitions waiting for an official");
    expect(clerk.text()).toContain("ӨГ-2026-000001</b> · Request · Registered · due 2026.04.09 ↩️ returned");
    await clerk.press("👤 Assign ӨГ-2026-000001");
    expect(clerk.text()).toContain("Who should handle petition <b>ӨГ-2026-000001</b>? Send part of the name");
    await clerk.send("Nobody");
    expect(clerk.text()).toContain("Nobody matches «Nobody»");
    await clerk.send("Болд");
    await clerk.press("Б.Болд · Хөгжлийн бодлого, төлөвлөлтийн хэлтэс");
    expect(clerk.text()).toContain("The instruction (цохолт) for Б.Болд");
    await clerk.send("Check the payment records with the bank and answer within a week.");
    expect(clerk.text()).toContain("Petition ӨГ-2026-000001 was assigned to <b>Б.Болд</b>.");
    await tb.deliverOutbox();
    expect(official2.lastText()).toContain("A petition was assigned to you: ӨГ-2026-000001 (Request)");
    expect(official2.lastText()).toContain(
      "Instruction: Check the payment records with the bank and answer within a week.",
    );
    const after = await prisma.petition.findUniqueOrThrow({ where: { id: p.id } });
    expect(after).toMatchObject({ assigneeId: fx.people.official2.id, status: "ASSIGNED" });

    // The queue is empty now.
    await clerk.pressData("pt:queue");
    expect(clerk.text()).toContain("The queue is empty");
  });

  it("the clerk registers a paper petition; the service decides which contacts it needs", async () => {
    const { prisma, tb, chats, fx, topics } = await petitionWorld(db);
    const { clerk } = chats;
    await clerk.send("/menu");
    await clerk.press("🖋 Register a paper petition");
    expect(clerk.text()).toContain("How did it arrive?");
    await clerk.press("In writing");
    expect(clerk.text()).toContain("On what date was it received? Type it like 2026.03.10.");
    await clerk.send("2026.13.01");
    expect(clerk.text()).toContain("Please write the date of receipt as YYYY-MM-DD");
    await clerk.send("2026.03.20");
    expect(clerk.text()).toContain("The date of receipt cannot be in the future.");
    await clerk.send("2026.03.05");
    await clerk.press("Citizen");
    await clerk.press("Complaint");
    await clerk.press("Land allocation");
    await clerk.send("The land plot allocated to me in 2024 was given to another family.");
    await clerk.sendDocument({ fileId: "scan-1", name: "letter-scan.pdf" });
    await clerk.press("✅ Done");
    await clerk.send("Д.Должин");
    await clerk.press("⏭ Skip");
    await clerk.press("⏭ Skip");
    await clerk.press("⏭ Skip");
    expect(clerk.text()).toContain("Check the registration");
    expect(clerk.text()).toContain("Received: In writing, 2026.03.05");
    await clerk.press("✅ Register");
    expect(clerk.text()).toContain("Please give a phone number or an e-mail address.");
    expect(clerk.buttonTexts()).not.toContain("⏭ Skip");
    await clerk.send("88115566");
    await clerk.press("✅ Register");
    expect(clerk.text()).toContain("Please enter your address");
    await clerk.send("Bayan-Ovoo soum, 2nd bag");
    await clerk.press("✅ Register");
    expect(clerk.text()).toContain("Registered as <b>ӨГ-2026-000001</b>, due <b>2026.04.04</b>.");
    expect(clerk.text()).toContain("it is in the queue");
    const p = await prisma.petition.findFirstOrThrow({ include: { attachments: true } });
    expect(p).toMatchObject({
      channel: "WRITTEN",
      kind: "COMPLAINT",
      topicId: topics.land.id,
      petitionerName: "Д.Должин",
      phone: "+97688115566",
      address: "Bayan-Ovoo soum, 2nd bag",
      citizenUserId: null,
      registeredById: fx.people.clerk.id,
      receivedAt: new Date("2026-03-04T16:00:00Z"),
    });
    expect(p.attachments.map((a) => a.fileName)).toEqual(["letter-scan.pdf"]);

    // The register search finds it by name and by phone.
    await clerk.pressData("pt:search");
    await clerk.send("Должин");
    expect(clerk.text()).toContain("ӨГ-2026-000001");
    await clerk.press("🔎 Search again");
    await clerk.send("8811 5566");
    expect(clerk.text()).toContain("ӨГ-2026-000001");
    await clerk.press("🔎 Search again");
    await clerk.send("ӨГ-2026-999");
    expect(clerk.text()).toContain("Nothing found.");

    // The staff card says the petitioner is not in the chat; asking is not offered.
    await tb.deliverOutbox();
    await clerk.pressData(`pt:open:${p.id}`);
    expect(clerk.text()).toContain("Not filed through the chatbot");
    expect(clerk.text()).toContain("Registered by Г.Оюунчимэг");
    expect(clerk.buttonTexts()).toContain("👤 Assign");
    expect(clerk.buttonTexts()).toContain("📎 Send the files");
  });

  it("statistics of the quarter on a known data set, with a public summary", async () => {
    const { prisma, tb, chats, fx, topics } = await petitionWorld(db);
    const svc = tb.deps.services.petitions;
    const clerkUser = await prisma.user.findUniqueOrThrow({ where: { personId: fx.people.clerk.id } });
    const clerkActor = {
      userId: clerkUser.id,
      personId: fx.people.clerk.id,
      orgId: fx.org.id,
      unitId: fx.people.clerk.unitId,
      roles: fx.people.clerk.roles,
      superAdmin: false,
    };
    const officialActor = { ...clerkActor, personId: fx.people.official.id, roles: fx.people.official.roles };
    const citizenUser = await prisma.user.findFirstOrThrow({ where: { externalId: String(4001) } });
    const draft = {
      orgId: fx.org.id,
      kind: "REQUEST" as const,
      topicId: topics.welfare.id,
      text: PETITION_TEXT,
      petitionerName: "B. Bold",
      phone: "99112233",
      consent: true,
    };
    // Two welfare requests through the bot (routed to the official), one land complaint,
    // one written suggestion received in January (overdue now).
    const a = await svc.submitFromCitizen(citizenUser.id, draft);
    const b = await svc.submitFromCitizen(citizenUser.id, draft);
    await svc.submitFromCitizen(citizenUser.id, {
      ...draft,
      kind: "COMPLAINT",
      topicId: topics.land.id,
      address: "Bayan-Ovoo soum, 2nd bag",
    });
    await svc.registerByStaff(clerkActor, {
      channel: "WRITTEN",
      receivedAt: "2026-01-20",
      kind: "SUGGESTION",
      text: "Please add street lights on the road to the school.",
      petitionerName: "Д.Должин",
      phone: "88115566",
      address: "Bayan-Ovoo soum, 2nd bag",
    });
    tb.clock.advanceDays(2);
    await svc.answer(officialActor, a.id, { text: "The allowance was paid on 12 March." });
    await svc.rate(citizenUser.id, a.id, 4);
    await svc.forward(officialActor, b.id, {
      toName: "Social Insurance Office",
      reason: "Not our competence.",
    });

    const { clerk } = chats;
    await clerk.send("/menu");
    await clerk.press("📈 Statistics");
    expect(clerk.text()).toContain("Petition statistics: which period?");
    await clerk.press("This quarter");
    const [figures, summary] = clerk.replies().map((m) => m.text ?? "");
    expect(figures).toBe(
      [
        "📈 <b>Petition statistics, Q1 2026</b>",
        "Aimag Governor's Office",
        "Received 2026.01.01 – 2026.03.31; status as of 2026.03.12",
        "",
        "<b>Received: 4</b>",
        "By kind: Request 2 · Complaint 1 · Suggestion 1",
        "By channel: Chatbot 3 · In writing 1",
        "By sender: Citizen 4",
        "By topic: Social welfare 2 · Land allocation 1 · No topic 1",
        "",
        "<b>Resolved and answered: 1</b> (on time 1, late 0)",
        "Forwarded: 1",
        "Withdrawn: 0",
        "Open (under control): 2 (overdue 1)",
        "Resolved on time: 100%",
        "Resolution rate: 50%",
        "Average days to resolve: 2",
        "Satisfaction: 4 / 5 (ratings: 1)",
      ].join("\n"),
    );
    expect(summary).toContain("Public summary");
    expect(summary).toContain(
      "In Q1 2026 (2026.01.01 – 2026.03.31), Aimag Governor's Office received 4 petitions. 1 was resolved and answered (1 on time). 1 was forwarded to the competent body. 2 are being resolved. On average an answer took 2 days. Petitioners rated the answers 4 out of 5.",
    );
    expect(summary).not.toContain("Bold");
    expect(summary).not.toContain("Должин");

    // The same figures as a chart and as a workbook.
    await clerk.press("📊 Chart");
    const photo = clerk.replies().find((m) => m.file?.kind === "photo");
    expect(photo?.file?.name).toBe("statistics.png");
    expect(tb.emulator.files.get(photo!.file!.fileId)?.data.subarray(1, 4).toString()).toBe("PNG");
    await clerk.press("📄 XLSX");
    const sheet = clerk.replies().find((m) => m.file?.kind === "document");
    expect(sheet?.file?.name).toMatch(/^petition-statistics-Q1-2026\.xlsx$/);
    expect(tb.emulator.files.get(sheet!.file!.fileId)?.data.subarray(0, 2).toString()).toBe("PK");

    // Last quarter had nothing; this year counts the same four.
    await clerk.press("Last quarter");
    expect(clerk.text()).toContain("Petition statistics, Q4 2025");
    expect(clerk.text()).toContain("<b>Received: 0</b>");
    await clerk.press("This year");
    expect(clerk.text()).toContain("Petition statistics, 2026");
    expect(clerk.text()).toContain("<b>Received: 4</b>");
  });
});
