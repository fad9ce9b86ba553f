/**
 * Shared set-up of the petition bot tests: the directory fixture's organisations with two
 * topics (land needs an address; welfare is routed to an official by a rule created
 * here), linked staff chats, an English-speaking citizen, and a bot on a manual clock.
 */
import type { Database } from "../../src/db/index.js";
import { ManualClock } from "../../src/shared/clock.js";
import { createTestBot, type TestChat } from "../support/chat.js";
import { citizen, linkTelegram, seedOrganization, TG } from "../support/fixtures.js";

export const START = "2026-03-10T01:00:00Z"; // 10 March 2026, 09:00 in Ulaanbaatar

export async function petitionWorld(
  db: () => Database,
  opts: { route?: boolean; citizenLocale?: string } = {},
) {
  const { prisma } = db();
  const fx = await seedOrganization(prisma);
  const welfare = await prisma.petitionTopic.create({
    data: { orgId: fx.org.id, code: "HALAMJ", name: "Нийгмийн халамж", nameEn: "Social welfare" },
  });
  const land = await prisma.petitionTopic.create({
    data: {
      orgId: fx.org.id,
      code: "GAZAR",
      name: "Газар олголт",
      nameEn: "Land allocation",
      requiresAddress: true,
    },
  });
  if (opts.route ?? true) {
    // Welfare petitions go straight to the official.
    await prisma.routingRule.create({
      data: { orgId: fx.org.id, topicId: welfare.id, personId: fx.people.official.id },
    });
  }
  for (const role of [
    "official",
    "official2",
    "head",
    "clerk",
    "orgHead",
    "otherOrgClerk",
    "admin",
  ] as const) {
    await linkTelegram(prisma, TG[role], fx.people[role].id, "en");
  }
  await citizen(prisma, TG.citizen, opts.citizenLocale ?? "en");
  await citizen(prisma, TG.citizen2, "en");
  const tb = await createTestBot(db(), { clock: new ManualClock(START) });
  const chats = {
    citizen: tb.chat({ id: TG.citizen, first_name: "Bold" }),
    citizen2: tb.chat({ id: TG.citizen2 }),
    official: tb.chat({ id: TG.official }),
    official2: tb.chat({ id: TG.official2 }),
    head: tb.chat({ id: TG.head }),
    clerk: tb.chat({ id: TG.clerk }),
    orgHead: tb.chat({ id: TG.orgHead }),
    otherOrgClerk: tb.chat({ id: TG.otherOrgClerk }),
  };
  return { prisma, fx, topics: { welfare, land }, tb, chats };
}

export const PETITION_TEXT =
  "My child allowance has not been paid since January although all documents were submitted in time.";

/**
 * Files a welfare request through the whole intake with the given answers; stops before
 * "Submit" when `submit` is false. Returns the registration number when submitted.
 */
export async function fileWelfarePetition(
  chat: TestChat,
  opts: { submit?: boolean; text?: string; org?: string } = {},
): Promise<string | undefined> {
  await chat.send("/new");
  await chat.press(opts.org ?? "Aimag Governor's Office");
  await chat.press("Request");
  await chat.press("Social welfare");
  await chat.send(opts.text ?? PETITION_TEXT);
  await chat.press("➡️ No attachments");
  await chat.send("B. Bold");
  await chat.shareContact("+97699112233");
  await chat.press("✅ I agree");
  if (opts.submit === false) return undefined;
  await chat.press("✅ Submit");
  return (
    /Registration number: <b>([^<]+)<\/b>/.exec(chat.text())?.[1] ??
    /Registration number: (\S+)/.exec(chat.text())?.[1]
  );
}
