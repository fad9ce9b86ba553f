/**
 * Terms under the Law on petitions, through the bot: a forward after the forward term is
 * warned about, recorded as late and reported to the head; an overdue petition cannot be
 * extended; staff notices and cards mark overdue terms.
 */
import { describe, expect, it } from "vitest";
import { useTestDatabase } from "../support/db.js";
import { fileWelfarePetition, petitionWorld } from "./petitions-support.js";

describe("petition terms", () => {
  const db = useTestDatabase();

  it("a forward after the 7-day term warns, is recorded as late and the head is told", async () => {
    const { prisma, tb, chats } = await petitionWorld(db);
    const { citizen, official, head } = chats;
    await fileWelfarePetition(citizen);
    await tb.deliverOutbox();
    await official.press("✅ Accept");
    const p = await prisma.petition.findFirstOrThrow();

    // Within the term (received 10 March, forward by 17 March): no warning.
    await official.pressData(`pt:open:${p.id}`);
    expect(official.text()).toContain("Forward by: 2026.03.17");
    expect(official.text()).not.toContain("⚠️ passed");

    tb.clock.advanceDays(9); // 19 March
    await official.pressData(`pt:open:${p.id}`);
    expect(official.text()).toContain("Forward by: 2026.03.17 ⚠️ passed");
    await official.press("➡️ Forward");
    expect(official.text()).toContain(
      "The term for forwarding petition ӨГ-2026-000001 ended on 2026.03.17 (7 days from receipt).",
    );
    await official.press("Soum Governor's Office");
    await official.send("Child allowances are paid by the soum.");
    const event = await prisma.petitionEvent.findFirstOrThrow({ where: { type: "FORWARDED" } });
    expect(event.data).toMatchObject({ late: true });
    await tb.deliverOutbox();
    expect(head.lastText()).toContain(
      "forwarded petition ӨГ-2026-000001 to Сумын Засаг даргын Тамгын газар after the term for forwarding had ended (2026.03.17).",
    );
  });

  it("an overdue petition cannot be extended; the notices and the card mark the overdue term", async () => {
    const { prisma, tb, chats } = await petitionWorld(db);
    const { citizen, official, official2, clerk } = chats;
    await fileWelfarePetition(citizen);
    await tb.deliverOutbox();
    await official.press("✅ Accept");
    const p = await prisma.petition.findFirstOrThrow();
    expect(official.buttonTexts()).toContain("⏳ Extend");

    tb.clock.advanceDays(33); // 12 April; due 9 April
    await official.pressData(`pt:open:${p.id}`);
    expect(official.text()).toContain("⚠️ overdue");
    expect(official.buttonTexts()).not.toContain("⏳ Extend");
    // An old Extend button is refused before anything is asked, with the reason.
    await official.pressData(`pt:ext:${p.id}`);
    expect(official.text()).toContain(
      "The term of petition ӨГ-2026-000001 has already passed, so it cannot be extended",
    );
    expect(official.text()).not.toContain("By how many days");
    expect((await prisma.petition.findFirstOrThrow()).extensionRequestedDays).toBeNull();

    // Reassigned while overdue: the new assignee's notice marks the term.
    await clerk.pressData(`pt:rsg:${p.id}`);
    await clerk.send("Болд");
    await clerk.press("Б.Болд · Хөгжлийн бодлого, төлөвлөлтийн хэлтэс");
    await clerk.press("⏭ Skip");
    await tb.deliverOutbox();
    expect(official2.lastText()).toContain("Due: 2026.04.09 ⚠️ overdue by 3 days");
  });
});
