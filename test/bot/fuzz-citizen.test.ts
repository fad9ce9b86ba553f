/**
 * Junk at the citizen's steps after filing (test/bot/fuzz-support.ts): the reply to the
 * office's question and the choice of petition for a typed reply, adding information, the
 * rating's stars and its comment, the withdrawal's confirmation. Each junk is answered at
 * once in the citizen's language, a waiting step is asked again, nothing stored changes,
 * and what the citizen then really sends is what the petition keeps.
 */
import { describe, expect, it } from "vitest";
import { useTestDatabase } from "../support/db.js";
import {
  ALL_STALE,
  BUTTONS,
  ButtonMemory,
  EMOJI,
  EMPTY,
  FORGED,
  fuzzStep,
  HELP,
  MENU,
  NOT_FILES,
  press,
  STALE,
  STICKER,
  SURROGATE,
} from "./fuzz-support.js";
import { fileWelfarePetition, petitionWorld } from "./petitions-support.js";

describe("junk at the citizen's steps after filing", () => {
  const db = useTestDatabase();

  async function world() {
    const w = await petitionWorld(db);
    const buttons = new ButtonMemory(w.tb);
    const { citizen, citizen2, official } = w.chats;
    await fileWelfarePetition(citizen);
    await fileWelfarePetition(citizen2);
    await fileWelfarePetition(citizen);
    await w.tb.deliverOutbox();
    const [mine, theirs, third] = await w.prisma.petition.findMany({ orderBy: { id: "asc" } });
    for (const p of [mine!, third!]) await official.pressData(`pt:acc:${p.id}`);
    const ask = async (id: number, question: string) => {
      await official.pressData(`pt:ask:${id}`);
      await official.send(question);
      await w.tb.deliverOutbox();
    };
    return { ...w, buttons, mine: mine!, theirs: theirs!, third: third!, ask };
  }

  it("the reply, an addition, the rating and its comment, the withdrawal", { timeout: 600_000 }, async () => {
    const { prisma, tb, chats, buttons, mine, theirs, third, ask } = await world();
    const { citizen: c, official } = chats;
    const fuzz = (name: string, question: RegExp, junk: typeof ALL_STALE, asksAgain = true) =>
      fuzzStep(tb, buttons, { name, chat: c, question, junk, asksAgain });
    const foreign = [
      press("someone else's petition", `pc:open:${theirs.id}`),
      press("someone else's addition", `pc:add:${theirs.id}`),
      press("a forged id", "pc:reply:999999"),
    ];
    const compose = [...NOT_FILES, ...BUTTONS, ...foreign, STALE];
    const composing = (first: RegExp) => new RegExp(`${first.source}|Received: \\d+ characters`);

    await ask(mine.id, "Which bank account should the allowance be paid to?");
    await c.press("💬 Reply");
    await fuzz("reply", composing(/The office asked about petition/), compose);
    await c.send("To my Khan Bank account ending 1234.");
    await c.press("📨 Send");
    expect(c.text()).toContain("Your reply about petition ӨГ-2026-000001 was sent");

    await c.send("/my");
    await c.press("📄 ӨГ-2026-000001");
    await c.press("➕ Add information");
    await fuzz("add information", composing(/What would you like to add to petition/), compose);
    await c.send("The account is in my name, Bold.");
    await c.press("📨 Send");
    expect(c.text()).toContain("Your addition to petition ӨГ-2026-000001 was sent");

    await official.pressData(`pt:ans:${mine.id}`);
    await official.send("The allowance for January and February was paid to your account on 14 March.");
    await official.press("📨 Send the answer");
    await tb.deliverOutbox();
    const stars = [
      press("a score of 9", `pc:rate:${mine.id}:9`),
      press("a score of 0", `pc:rate:${mine.id}:0`),
      press("no score", `pc:rate:${mine.id}:`),
      press("someone else's petition", `pc:rate:${theirs.id}:5`),
      press("no petition", "pc:rate::5"),
      press("truncated", "pc:rate"),
      EMPTY,
      FORGED,
    ];
    await fuzz("the rating's stars", /./, [EMOJI, SURROGATE, STICKER, HELP, MENU, ...stars], false);
    await c.press("5 ⭐");
    await c.press("💬 Add a comment");
    await fuzz("rating comment", /Your comment on the answer to petition/, ALL_STALE);
    await c.send("Quick and clear, thank you.");
    expect(c.text()).toContain("your comment was saved");

    await c.send("/my");
    await c.press("📄 ӨГ-2026-000003");
    await c.press("🚫 Withdraw");
    const withdraw = [
      press("someone else's petition", `pc:wdy:${theirs.id}`),
      press("a forged id", "pc:wdy:999999"),
      press("no id", "pc:wdy:"),
      press("a letter for the id", "pc:wdy:abc"),
      EMPTY,
      FORGED,
    ];
    await fuzz(
      "the withdrawal's confirmation",
      /./,
      [EMOJI, SURROGATE, STICKER, HELP, MENU, ...withdraw],
      false,
    );
    await c.press("🚫 Yes, withdraw");

    const petitions = await prisma.petition.findMany({ orderBy: { id: "asc" } });
    expect(petitions.map((p) => p.status)).toEqual(["ANSWERED", "ASSIGNED", "WITHDRAWN"]);
    expect(petitions[0]).toMatchObject({ rating: 5, ratingComment: "Quick and clear, thank you." });
    expect(third.id).toBe(petitions[2]!.id);
    const notes = await prisma.petitionEvent.findMany({
      where: { type: { in: ["REPLY", "INFO_ADDED"] } },
      orderBy: { id: "asc" },
    });
    expect(notes.map((e) => [e.type, e.note])).toEqual([
      ["REPLY", "To my Khan Bank account ending 1234."],
      ["INFO_ADDED", "The account is in my name, Bold."],
    ]);
    expect(await prisma.petitionAttachment.count()).toBe(0);
  });

  it(
    "the choice of petition for a reply typed while two questions are open",
    { timeout: 300_000 },
    async () => {
      const { prisma, tb, chats, buttons, mine, third, ask } = await world();
      const c = chats.citizen;
      await ask(mine.id, "Which bank account should the allowance be paid to?");
      await ask(third.id, "Which month was missed?");
      await c.send("January and February.");
      await fuzzStep(tb, buttons, {
        name: "which petition",
        chat: c,
        question: /Which one is this message for\?/,
        junk: ALL_STALE,
      });
      await c.press(c.buttonTexts().find((b) => b.startsWith("ӨГ-2026-000003"))!);
      const reply = await prisma.petitionEvent.findFirstOrThrow({ where: { type: "REPLY" } });
      expect(reply).toMatchObject({ petitionId: third.id, note: "January and February." });
    },
  );

  it("a refused file with a short caption is named once, not also called too long", async () => {
    const { chats, mine, ask } = await world();
    const c = chats.citizen;
    await ask(mine.id, "Which bank account should the allowance be paid to?");
    await c.press("💬 Reply");
    await c.sendPhoto({ size: 30 * 1024 * 1024, caption: "My bank card" });
    expect(c.text()).toContain("files can be at most 20 MB");
    expect(c.text()).not.toMatch(/Too long/i);
    expect(c.text()).toContain("Received: 0 characters of text and 0 file(s)");
  });
});
