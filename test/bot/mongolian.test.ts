/**
 * The main conversations in Mongolian, read as a Mongolian reader would: names,
 * organisations and dates take their case endings (газрын, Сарантуяатай, 2026.04.09-ний),
 * and the citizen is told what kind of petition was filed.
 */
import { describe, expect, it } from "vitest";
import { createTestBot } from "../support/chat.js";
import { useTestDatabase } from "../support/db.js";
import { linkTelegram, seedOrganization, TG } from "../support/fixtures.js";
import { petitionWorld } from "./petitions-support.js";

const DUMP = process.env.DUMP_TRANSCRIPT === "1";
const show = (who: string, text: string) => {
  if (DUMP) console.log(`--- ${who}\n${text}`);
  return text;
};

describe("in Mongolian", () => {
  const db = useTestDatabase();

  it("an admin invites a person, who links the account", async () => {
    const { prisma } = db();
    const fx = await seedOrganization(prisma);
    await linkTelegram(prisma, TG.admin, fx.people.admin.id, "mn");
    const tb = await createTestBot(db());
    const admin = tb.chat({ id: TG.admin });
    await admin.send("/menu");
    await admin.press("🔗 Урилга үүсгэх");
    await admin.send("Сарантуяа");
    await admin.press(admin.buttonTexts().find((b) => b.startsWith("Д.Сарантуяа"))!);
    expect(show("admin", admin.text())).toContain("<b>Д.Сарантуяад</b> зориулсан урилга:");
    const link = admin.text().match(/start=(inv_[\w-]+)/)![1];
    await prisma.user.create({
      data: { externalId: String(TG.head), chatId: String(TG.head), locale: "mn" },
    });
    const head = tb.chat({ id: TG.head });
    await head.send(`/start ${link}`);
    expect(show("head", head.text())).toContain(
      "Таны Telegram хаяг <b>Аймгийн Засаг даргын Тамгын газрын</b> ажилтан <b>Д.Сарантуяатай</b> холбогдлоо.",
    );
  });

  it("a citizen files a complaint; the clerk assigns it; the official forwards it", async () => {
    const { prisma, tb, chats } = await petitionWorld(db, { citizenLocale: "mn", route: false });
    await prisma.user.updateMany({ data: { locale: "mn" } });
    const { citizen, clerk, official } = chats;

    await citizen.send("/start org_aimag");
    expect(show("citizen", citizen.text())).toContain(
      "Та <b>Аймгийн Засаг даргын Тамгын газарт</b> өргөдөл, гомдол, санал хүсэлтээ гаргаж",
    );
    await citizen.send("/new");
    expect(show("citizen", citizen.text())).toContain(
      "📝 <b>Аймгийн Засаг даргын Тамгын газарт өргөдөл, гомдол гаргах</b>",
    );
    expect(citizen.text()).toContain("Та ямар төрлийн өргөдөл, гомдол гаргах вэ?");
    await citizen.press("Гомдол");
    show("citizen", citizen.text());
    await citizen.press("Нийгмийн халамж");
    show("citizen", citizen.text());
    await citizen.send("Хүүхдийн мөнгө 1-р сараас хойш олгогдоогүй байна, шалгаж өгнө үү.");
    show("citizen", citizen.text());
    await citizen.press("➡️ Хавсралтгүй");
    expect(show("citizen", citizen.text())).toContain("Овог, нэрээ бичнэ үү");
    await citizen.send("Б.Болд");
    await citizen.send("8811 2233");
    await citizen.press("✅ Зөвшөөрч байна");
    show("citizen", citizen.text());
    await citizen.press("✅ Илгээх");
    expect(show("citizen", citizen.text())).toContain("Таны гомдол бүртгэгдлээ.");
    const p = await prisma.petition.findFirstOrThrow();
    await tb.deliverOutbox();
    show("clerk", clerk.lastText());

    await clerk.pressData("pt:queue");
    show("clerk", clerk.text());
    await clerk.press(`👤 ${p.number} хуваарилах`);
    show("clerk", clerk.text());
    await clerk.send("Ванчин");
    await clerk.press(clerk.buttonTexts().find((b) => b.startsWith("Н.Ванчинсэмбэрүү"))!);
    expect(show("clerk", clerk.text())).toContain("Н.Ванчинсэмбэрүүд өгөх цохолтоо бичнэ үү");
    await clerk.send("Банкны гүйлгээг шалгаж, долоо хоногт багтаан хариу өгнө үү.");
    expect(show("clerk", clerk.text())).toContain(
      `✅ ${p.number} дугаартай өргөдлийг <b>Н.Ванчинсэмбэрүүд</b> хуваариллаа.`,
    );
    await tb.deliverOutbox();
    show("official", official.lastText());

    await official.pressData(`pt:fwd:${p.id}`);
    show("official", official.text());
    await official.press("Сумын Засаг даргын Тамгын газар");
    show("official", official.text());
    await official.send("Сумын иргэдийн хүүхдийн мөнгийг сумын Тамгын газар олгодог.");
    expect(show("official", official.text())).toContain(
      `➡️ ${p.number} дугаартай өргөдлийг Сумын Засаг даргын Тамгын газарт шилжүүлж, тэнд`,
    );
    await tb.deliverOutbox();
    expect(show("citizen", citizen.lastText())).toContain("2026.04.09-ний дотор шийдвэрлэнэ");
  });
});
