/**
 * Junk at every step of the admin's dialogues and at the language choice
 * (test/bot/fuzz-support.ts): creating an invite, finding and adding a person, adding a
 * petition topic and a routing rule, changing a reporting deadline, importing a directory
 * file; and a new user's first choice of language. Each junk is answered at once in the
 * user's language, the step is asked again, nothing stored changes, and the real answers
 * given afterwards are the ones saved.
 */
import { describe, expect, it } from "vitest";
import { createTestBot, type TestChat } from "../support/chat.js";
import { useTestDatabase } from "../support/db.js";
import { linkTelegram, seedOrganization, TG } from "../support/fixtures.js";
import {
  ALL,
  ALL_STALE,
  BUTTONS,
  ButtonMemory,
  DOCUMENT,
  EMOJI,
  EMPTY,
  FORGED,
  fuzzStep,
  HELP,
  type Junk,
  LONG,
  MENU,
  NOT_FILES,
  NUL,
  PHOTO,
  press,
  STALE,
  STICKER,
  SURROGATE,
} from "./fuzz-support.js";

describe("junk at every step of the admin's dialogues", () => {
  const db = useTestDatabase();

  async function world() {
    const { prisma } = db();
    const fx = await seedOrganization(prisma);
    await linkTelegram(prisma, TG.admin, fx.people.admin.id);
    await prisma.position.create({
      data: { orgId: fx.org.id, unitId: fx.units.dev.id, code: "HBTH-M", title: "Мэргэжилтэн" },
    });
    const tb = await createTestBot(db());
    const buttons = new ButtonMemory(tb);
    const admin = tb.chat({ id: TG.admin });
    /** Another organisation's person and settings, pressed in the middle of a dialogue. */
    const foreign = [
      press("another organisation's person", `dir:p:${fx.people.otherOrgClerk.id}`),
      press("another organisation's settings", `dir:org:${fx.other.id}`),
    ];
    const fuzz = (name: string, question: RegExp, junk: Junk[] = [...ALL_STALE, ...foreign]) =>
      fuzzStep(tb, buttons, { name, chat: admin, question, junk });
    const settings = async (button?: string) => {
      await admin.send("/menu");
      await admin.press("⚙️ Organisation settings");
      if (button) await admin.press(button);
    };
    return { prisma, fx, tb, admin, foreign, fuzz, settings };
  }

  it("invite, find and add a person", { timeout: 600_000 }, async () => {
    const { prisma, fx, admin, foreign, fuzz, settings } = await world();
    await admin.send("/menu");
    await admin.press("🔗 Create an invite");
    await fuzz("invite: who", /Send the personnel code or part of the name of the person to invite/, [
      ...ALL,
      ...foreign,
    ]);
    await admin.send("Болд");
    await fuzz("invite: choose", /Who is the invite for\?/);
    await admin.press(admin.buttonTexts().find((b) => b.startsWith("Б.Болд"))!);
    expect(admin.text()).toContain("Invite for <b>Б.Болд</b>");

    await settings("👥 People");
    await fuzz("find a person", /Send the personnel code or part of the name \(for example/);
    await admin.send("ан");
    await fuzz("find a person: choose", /Whom do you mean\?/);
    await admin.press(admin.buttonTexts().find((b) => b.startsWith("Д.Сарантуяа"))!);
    expect(admin.text()).toContain("<b>Д.Сарантуяа</b> · P003");

    await settings("➕ Add a person");
    await fuzz("add a person: name", /Full name of the new person/);
    await admin.send("Д.Должин");
    await fuzz("add a person: unit", /Which unit does Д\.Должин work in\?/);
    await admin.press("Хөгжлийн бодлого, төлөвлөлтийн хэлтэс");
    await fuzz("add a person: position", /Position of Д\.Должин/);
    await admin.press("Мэргэжилтэн");
    await fuzz("add a person: roles", /Roles of <b>Д\.Должин<\/b>: official\./);
    await admin.press("▫️ unit head");
    await admin.press("✔️ Done");
    expect(admin.text()).toContain("Д.Должин is added to the directory");

    expect(await prisma.invite.count()).toBe(1);
    const added = await prisma.person.findFirstOrThrow({
      where: { fullName: "Д.Должин" },
      include: { position: true },
    });
    expect(added).toMatchObject({
      orgId: fx.org.id,
      unitId: fx.units.dev.id,
      roles: ["OFFICIAL", "UNIT_HEAD"],
    });
    expect(added.position?.title).toBe("Мэргэжилтэн");
  });

  it("a topic and its routing rule, a deadline, a directory file", { timeout: 600_000 }, async () => {
    const { prisma, fx, admin, foreign, fuzz, settings } = await world();
    await settings("🗂 Petition topics");
    await admin.press("➕ Add a topic");
    await fuzz("topic: name", /Name of the topic in Mongolian/, [...ALL, ...foreign]);
    await admin.send("Газрын асуудал");
    await fuzz("topic: name in English", /Name of «Газрын асуудал» in English/);
    await admin.send("Land");
    await fuzz("topic: address", /Must a citizen give an address/);
    await admin.press("Yes, an address is required");

    await admin.press("🔀 Add a routing rule for it");
    await fuzz("rule: kind", /Of which kind\?/);
    await admin.press("Any kind");
    await fuzz("rule: where", /Where should they go\?/);
    await admin.press("👤 To a person directly");
    await fuzz("rule: the person", /Send the personnel code or part of the name of the person who receives/);
    await admin.send("Болд");
    await fuzz("rule: confirm", /New routing rule:/);
    await admin.press("💾 Save the rule");

    await settings("📅 Reporting calendar");
    await admin.press("✏️ Change a deadline");
    await fuzz("deadline: period", /Which period of 2026\?/);
    await admin.press("First quarter: 2026.03.20");
    await fuzz("deadline: the date", /New deadline of the First quarter 2026 report/);
    await admin.send("2026.03.25");
    await fuzz("deadline: the opening day", /Opening day, written like/);
    await admin.press("⏭ Skip");

    await settings("📥 Import a directory file");
    const notAFile: Junk = {
      label: "text where a file is due",
      message: true,
      send: (c) => c.send("here it is"),
    };
    await fuzz("import: the file", /Send the directory file of|Send the corrected file/, [
      notAFile,
      ...NOT_FILES,
      PHOTO,
      DOCUMENT,
      ...BUTTONS,
      ...foreign,
      STALE,
    ]);
    await admin.send("/cancel");

    const topic = await prisma.petitionTopic.findFirstOrThrow();
    expect(topic).toMatchObject({ name: "Газрын асуудал", nameEn: "Land", requiresAddress: true });
    expect(await prisma.routingRule.findFirstOrThrow()).toMatchObject({
      topicId: topic.id,
      kind: null,
      personId: fx.people.official2.id,
    });
    const q1 = await prisma.reportingPeriod.findFirstOrThrow({ where: { orgId: fx.org.id, kind: "Q1" } });
    expect(q1.deadline.toISOString()).toBe("2026-03-25T15:59:59.000Z");
  });
});

describe("junk at the first choice of language", () => {
  const db = useTestDatabase();

  it("is answered in the default language and leaves the language unchosen", async () => {
    const tb = await createTestBot(db());
    const buttons = new ButtonMemory(tb);
    const newcomer: TestChat = tb.chat({ id: 5001, first_name: "Saraa" });
    await newcomer.send("/start");
    expect(newcomer.buttonTexts()).toEqual(["🇲🇳 Монгол", "🇬🇧 English"]);
    await fuzzStep(tb, buttons, {
      name: "language",
      chat: newcomer,
      question: /./,
      locale: "mn",
      asksAgain: false,
      junk: [
        EMOJI,
        NUL,
        SURROGATE,
        LONG,
        STICKER,
        PHOTO,
        HELP,
        MENU,
        press("an unknown language", "lang:set:fr"),
        press("no language", "lang:set:"),
        press("truncated", "lang:"),
        press("no colon", "lang"),
        EMPTY,
        FORGED,
      ],
    });
    expect((await tb.deps.prisma.user.findFirstOrThrow()).locale).toBeNull();
    await newcomer.press("🇬🇧 English");
    expect((await tb.deps.prisma.user.findFirstOrThrow()).locale).toBe("en");
  });
});
