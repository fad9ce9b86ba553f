/**
 * Junk at every step of the staff's petition dialogues (test/bot/fuzz-support.ts): the
 * clerk's assignment (person, choice, instruction) and search, the official's return,
 * forward, extension, question and answer, the head's refusal of an extension and sending
 * an answer back, and the clerk's registration of a paper petition. Each junk is answered at
 * once in the user's language, the step is asked again, nothing stored changes, and the
 * real answers given afterwards are the ones kept.
 */
import { describe, expect, it } from "vitest";
import { useTestDatabase } from "../support/db.js";
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
import { fileWelfarePetition, PETITION_TEXT, petitionWorld } from "./petitions-support.js";
import type { TestChat } from "../support/chat.js";

/** Someone else's (or no) petition's button, pressed in the middle of a dialogue. */
const FOREIGN = [press("no such petition", "pt:acc:999999"), press("a letter for the id", "pt:open:x")];

describe("junk at every step of the staff's petition dialogues", () => {
  const db = useTestDatabase();

  async function world(opts: { route?: boolean } = {}) {
    const w = await petitionWorld(db, opts);
    const buttons = new ButtonMemory(w.tb);
    const fuzz = (
      chat: TestChat,
      name: string,
      question: RegExp,
      junk: Junk[] = [...ALL_STALE, ...FOREIGN],
    ) => fuzzStep(w.tb, buttons, { name, chat, question, junk });
    return { ...w, buttons, fuzz };
  }

  it("the clerk's assignment and search", { timeout: 600_000 }, async () => {
    const { prisma, tb, chats, fuzz } = await world({ route: false });
    const { citizen, clerk } = chats;
    await fileWelfarePetition(citizen);
    await tb.deliverOutbox();
    const p = await prisma.petition.findFirstOrThrow();

    await clerk.pressData(`pt:asg:${p.id}`);
    await fuzz(clerk, "assign: the person", /Who should handle petition/, [...ALL, ...FOREIGN]);
    await clerk.send("Ванчин");
    await fuzz(clerk, "assign: choose", /Choose the official/);
    await clerk.press("Н.Ванчинсэмбэрүү · Төрийн захиргааны удирдлагын хэлтэс");
    await fuzz(clerk, "assign: the instruction", /The instruction \(цохолт\) for Н\.Ванчинсэмбэрүү/);
    await clerk.send("Check the payment records with the bank.");
    expect(clerk.text()).toContain("was assigned to <b>Н.Ванчинсэмбэрүү</b>");

    await clerk.pressData("pt:search");
    await fuzz(clerk, "search", /Send a registration number/);
    await clerk.send("ӨГ-2026");
    expect(clerk.text()).toContain("ӨГ-2026-000001");

    const assigned = await prisma.petitionEvent.findMany({ where: { type: "ASSIGNED" } });
    expect(assigned.map((e) => e.note)).toEqual(["Check the payment records with the bank."]);
  });

  it("the official's dialogues and the head's notes", { timeout: 600_000 }, async () => {
    const { prisma, tb, chats, fx, fuzz } = await world();
    await prisma.organization.update({
      where: { id: fx.org.id },
      data: { settings: { petitions: { answerReview: true } } },
    });
    const { citizen, official: o, head } = chats;
    await fileWelfarePetition(citizen);
    await tb.deliverOutbox();
    const p = await prisma.petition.findFirstOrThrow();

    await o.pressData(`pt:ret:${p.id}`);
    await fuzz(o, "return: the reason", /Why are you returning petition/, [...ALL, ...FOREIGN]);
    await o.send("/cancel");

    await o.pressData(`pt:fwd:${p.id}`);
    await fuzz(o, "forward: where", /Where should petition .* be forwarded\?/);
    await o.press("✍️ Another body (type its name)");
    await fuzz(o, "forward: the body's name", /The name of the competent organisation/);
    await o.send("Social Insurance Office of the aimag");
    await fuzz(o, "forward: the reason", /Why is it outside our competence\?/);
    await o.send("/cancel");

    await o.pressData(`pt:ext:${p.id}`);
    await fuzz(o, "extension: days", /By how many days should the term/);
    await o.send("10");
    await fuzz(o, "extension: the reason", /The reason for the extension/);
    await o.send("Waiting for the bank's records of January.");
    expect(o.text()).toContain("was sent to your head for a decision");

    await tb.deliverOutbox();
    await head.pressData(`pt:xno:${p.id}`);
    await fuzz(head, "refusing the extension: the reason", /Why is the extension of petition/, [
      ...ALL,
      ...FOREIGN,
    ]);
    await head.send("The case is simple; answer within the term.");
    expect(head.text()).toContain("The extension was refused");

    await o.pressData(`pt:ask:${p.id}`);
    await fuzz(o, "the question to the petitioner", /Your question to the petitioner of/);
    await o.send("/cancel");

    await o.pressData(`pt:acc:${p.id}`);
    await o.pressData(`pt:ans:${p.id}`);
    await fuzz(o, "the answer", /The answer to petition .*: write it|Received: \d+ characters/, [
      ...NOT_FILES,
      ...BUTTONS,
      ...FOREIGN,
      STALE,
    ]);
    await o.send("The allowance will be paid next week.");
    await o.press("📨 Send the answer");
    expect(o.text()).toContain("was sent to your head for review");

    await tb.deliverOutbox();
    await head.pressData(`pt:ano:${p.id}`);
    await fuzz(head, "sending the answer back: the note", /What should be changed in the answer/);
    await head.send("Give the exact date of payment.");
    expect(head.text()).toContain("was sent back to the official");

    const events = await prisma.petitionEvent.findMany({ orderBy: { id: "asc" } });
    const notes = events.filter((e) => e.note !== null).map((e) => [e.type, e.note]);
    expect(notes).toEqual([
      ["EXTENSION_REQUESTED", "Waiting for the bank's records of January."],
      ["EXTENSION_REFUSED", "The case is simple; answer within the term."],
      ["ANSWER_SUBMITTED", "The allowance will be paid next week."],
      ["ANSWER_SENT_BACK", "Give the exact date of payment."],
    ]);
    expect(events.map((e) => e.type)).not.toContain("FORWARDED");
    expect(events.map((e) => e.type)).not.toContain("RETURNED");
    expect(events.map((e) => e.type)).not.toContain("QUESTION");
  });

  it("the clerk's registration of a paper petition", { timeout: 600_000 }, async () => {
    const { prisma, chats, fuzz } = await world();
    const c = chats.clerk;
    await c.pressData("pt:new");
    await fuzz(c, "register: channel", /How did it arrive\?/, [...ALL, ...FOREIGN]);
    await c.press("In writing");
    await fuzz(c, "register: received", /On what date was it received\?/);
    await c.send("2026.03.09");
    await fuzz(c, "register: sender", /Who filed it\?/);
    await c.press("Citizen");
    await fuzz(c, "register: kind", /What kind of petition is it\?/);
    await c.press("Request");
    await fuzz(c, "register: topic", /What is it about\? Choose the topic/);
    await c.press("Land allocation");
    await fuzz(c, "register: text", /Describe your petition/);
    await c.send(PETITION_TEXT);
    await fuzz(c, "register: files", /You can attach up to/, [
      press("text where a file is due", "opt:999"),
      { label: "text where a file is due", message: true, send: (x) => x.send("Here is the letter") },
      ...NOT_FILES,
      ...BUTTONS,
      ...FOREIGN,
      STALE,
    ]);
    await c.press("➡️ No attachments");
    await fuzz(c, "register: name", /The petitioner's full name/);
    await c.send("B. Bold");
    await fuzz(c, "register: phone", /The petitioner's phone number/);
    await c.send("9911 2233");
    await fuzz(c, "register: e-mail", /The petitioner's e-mail address/);
    await c.press("⏭ Skip");
    await fuzz(c, "register: address", /The petitioner's address/);
    await c.send("Khan-Uul district, 3rd khoroo, building 12");
    await fuzz(c, "register: summary", /Check the registration/);
    expect(await prisma.petition.count()).toBe(0);
    await c.press("✅ Register");
    expect(c.text()).toContain("Registered as <b>ӨГ-2026-000001</b>");
    expect(await prisma.petition.findFirstOrThrow()).toMatchObject({
      channel: "WRITTEN",
      kind: "REQUEST",
      text: PETITION_TEXT,
      petitionerName: "B. Bold",
      phone: "+97699112233",
      email: null,
      address: "Khan-Uul district, 3rd khoroo, building 12",
    });
    expect(await prisma.petitionAttachment.count()).toBe(0);
  });
});
