/**
 * The office's question and the citizen's typed answer: while a question is open, a
 * message the citizen types is the reply (without pressing "💬 Reply"); with several open
 * questions the citizen chooses the petition first; with none, text gets the usual answer.
 */
import { describe, expect, it } from "vitest";
import { useTestDatabase } from "../support/db.js";
import type { TestChat } from "../support/chat.js";
import { fileWelfarePetition, petitionWorld } from "./petitions-support.js";

async function ask(official: TestChat, petitionId: number, question: string) {
  await official.pressData(`pt:ask:${petitionId}`);
  await official.send(question);
  expect(official.text()).toContain("was sent to the petitioner");
}

describe("the citizen answers the office's question by typing", () => {
  const db = useTestDatabase();

  it("one open question: the typed message is the reply; several: the citizen chooses the petition", async () => {
    const { prisma, tb, chats } = await petitionWorld(db);
    const { citizen, official } = chats;
    await fileWelfarePetition(citizen);
    await fileWelfarePetition(citizen, {
      text: "The pension for my mother has been reduced without any notice.",
    });
    const [first, second] = await prisma.petition.findMany({ orderBy: { id: "asc" } });
    await tb.deliverOutbox();

    // Without a question, text is not taken as a reply.
    await citizen.send("Hello?");
    expect(citizen.text()).toContain("I didn't understand that");

    await ask(official, first!.id, "Which bank account was the allowance paid to before January?");
    await tb.deliverOutbox();
    expect(citizen.lastText()).toContain("Just write your reply here in the chat");
    await citizen.send("It was paid to my Khan Bank account ending 4411.");
    expect(citizen.text()).toContain(
      "Your message was sent to the office as the reply to its question about petition ӨГ-2026-000001.",
    );
    expect(citizen.buttonTexts()).toEqual(["📎 Add to the reply", "📄 My petition"]);
    await tb.deliverOutbox();
    expect(official.lastText()).toContain("The petitioner replied about petition ӨГ-2026-000001");
    expect(official.lastText()).toContain("Khan Bank account ending 4411");

    // Answered: the next message is ordinary text again.
    await citizen.send("Thank you");
    expect(citizen.text()).toContain("I didn't understand that");

    // Two open questions: the citizen is asked which petition the message answers.
    await ask(official, first!.id, "Since which month exactly?");
    await ask(official, second!.id, "When was the pension reduced?");
    await tb.deliverOutbox();
    await citizen.send("Since February.");
    expect(citizen.text()).toContain("Which one is this message for?");
    expect(citizen.text()).toContain("<i>Since February.</i>");
    expect(citizen.buttonTexts()).toEqual([
      "ӨГ-2026-000002: When was the pension reduced?",
      "ӨГ-2026-000001: Since which month exactly?",
      "✖️ Cancel",
    ]);
    await citizen.press("ӨГ-2026-000001: Since which month exactly?");
    expect(citizen.text()).toContain("Your reply about petition ӨГ-2026-000001 was sent to the office.");
    const replies = await prisma.petitionEvent.findMany({ where: { type: "REPLY" }, orderBy: { id: "asc" } });
    expect(replies.map((e) => [e.petitionId, e.note])).toEqual([
      [first!.id, "It was paid to my Khan Bank account ending 4411."],
      [first!.id, "Since February."],
    ]);

    // One question left open: the next message answers it directly.
    await citizen.send("In March, by 20 percent.");
    expect(citizen.text()).toContain("reply to its question about petition ӨГ-2026-000002");
  });
});
