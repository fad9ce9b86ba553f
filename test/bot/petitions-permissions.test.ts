/**
 * Every petition button is checked by the service: another citizen's petition, another
 * official's, another organisation's, forged and stale ids, staff buttons pressed by a
 * citizen. Each gets a polite answer and changes nothing.
 */
import { describe, expect, it } from "vitest";
import { useTestDatabase } from "../support/db.js";
import { fileWelfarePetition, petitionWorld } from "./petitions-support.js";

const NOT_FOUND = "Not found, or you are not allowed to see it.";

describe("petition permissions in the bot", () => {
  const db = useTestDatabase();

  async function withPetition() {
    const world = await petitionWorld(db);
    await fileWelfarePetition(world.chats.citizen);
    const p = await world.prisma.petition.findFirstOrThrow();
    await world.tb.deliverOutbox();
    const snapshot = async () => {
      const row = await world.prisma.petition.findUniqueOrThrow({
        where: { id: p.id },
        include: { events: true },
      });
      return {
        status: row.status,
        assigneeId: row.assigneeId,
        rating: row.rating,
        events: row.events.length,
      };
    };
    return { ...world, p, snapshot };
  }

  it("a citizen cannot open or act on another citizen's petition", async () => {
    const { chats, p, snapshot } = await withPetition();
    const before = await snapshot();
    const other = chats.citizen2;
    for (const data of [
      `pc:open:${p.id}`,
      `pc:files:${p.id}`,
      `pc:add:${p.id}`,
      `pc:reply:${p.id}`,
      `pc:wd:${p.id}`,
      `pc:wdy:${p.id}`,
      `pc:rate:${p.id}:5`,
      `pc:rcm:${p.id}`,
    ]) {
      await other.pressData(data);
      expect(other.lastCallbackAnswer(), data).toBe(NOT_FOUND);
      expect(other.text(), data).toContain(NOT_FOUND);
    }
    await other.send("/my");
    expect(other.text()).toContain("You have not filed any petitions yet.");
    expect(await snapshot()).toEqual(before);
  });

  it("an official cannot act on a petition assigned to someone else; staff buttons are refused to citizens", async () => {
    const { chats, p, snapshot } = await withPetition();
    const before = await snapshot();
    const { official2, citizen } = chats;
    for (const verb of [
      "acc",
      "ret",
      "fwd",
      "ext",
      "ask",
      "ans",
      "open",
      "files",
      "asg",
      "xok",
      "xno",
      "aok",
      "ano",
    ]) {
      await official2.pressData(`pt:${verb}:${p.id}`);
      expect(official2.lastCallbackAnswer(), verb).toBe(NOT_FOUND);
    }
    await official2.send("/petitions");
    expect(official2.text()).toContain("Nothing here.");
    await official2.pressData("pt:queue");
    expect(official2.lastCallbackAnswer()).toBe("You are not allowed to do this.");

    await citizen.pressData(`pt:acc:${p.id}`);
    expect(citizen.lastCallbackAnswer()).toBe(NOT_FOUND);
    for (const data of ["pt:queue", "pt:new", "pt:stats", "pt:stats:q"]) {
      await citizen.pressData(data);
      expect(citizen.lastCallbackAnswer(), data).toBe("You are not allowed to do this.");
    }
    await citizen.send("/petitions");
    expect(citizen.text()).toContain("This part is for the organisation's staff.");
    expect(await snapshot()).toEqual(before);
  });

  it("another organisation's clerk sees nothing of this organisation", async () => {
    const { chats, p, snapshot } = await withPetition();
    const before = await snapshot();
    const { otherOrgClerk } = chats;
    for (const verb of ["open", "asg", "fwd", "acc"]) {
      await otherOrgClerk.pressData(`pt:${verb}:${p.id}`);
      expect(otherOrgClerk.lastCallbackAnswer(), verb).toBe(NOT_FOUND);
    }
    await otherOrgClerk.pressData("pt:queue");
    expect(otherOrgClerk.text()).toContain("The queue is empty");
    await otherOrgClerk.pressData("pt:search");
    await otherOrgClerk.send("ӨГ-2026-000001");
    expect(otherOrgClerk.text()).toContain("Nothing found.");
    expect(await snapshot()).toEqual(before);
  });

  it("forged and stale buttons get a polite answer", async () => {
    const { chats, p, snapshot } = await withPetition();
    const before = await snapshot();
    const { official, citizen, head } = chats;
    for (const data of ["pt:acc:abc", "pt:acc:0", "pt:acc:99999999999", "pt:acc:", "pt:open:2147483647"]) {
      await official.pressData(data);
      expect(official.lastCallbackAnswer(), data).toBe(NOT_FOUND);
    }
    await official.pressData("pt:frobnicate:1");
    expect(official.lastCallbackAnswer()).toBe(
      "This button is no longer active. Open a fresh menu with /menu.",
    );
    await citizen.pressData("pc:open:-1");
    expect(citizen.lastCallbackAnswer()).toBe(NOT_FOUND);
    await citizen.pressData(`pc:rate:${p.id}:5`);
    expect(citizen.lastCallbackAnswer()).toBe("You can rate the answer once it has arrived.");
    // A head's decision with nothing requested.
    await head.pressData(`pt:xok:${p.id}`);
    expect(head.lastCallbackAnswer()).toBe("There is no extension request waiting for a decision.");
    expect(await snapshot()).toEqual(before);

    // Pressing accept twice.
    await official.press("✅ Accept");
    await official.pressData(`pt:acc:${p.id}`);
    expect(official.lastCallbackAnswer()).toBe("You have already accepted this petition.");
  });

  it("a button that starts a dialogue while another is in progress is refused politely", async () => {
    const { prisma, chats, p } = await withPetition();
    const { official } = chats;
    await official.press("❓ Ask petitioner");
    await official.pressData(`pt:ret:${p.id}`);
    expect(official.text()).toContain("You are filling in «asking the petitioner»");
    await official.send("Which school does your child attend?");
    expect(official.text()).toContain("was sent to the petitioner");
    expect(await prisma.petitionEvent.count({ where: { type: "RETURNED" } })).toBe(0);
  });
});
