/**
 * A small organisation for bot tests, written straight to the database: one aimag office
 * with two units and the people every flow needs. Telegram ids are fixed so tests can
 * open their chats.
 */
import type { PrismaClient } from "../../src/generated/prisma/client.js";
import type { Role } from "../../src/generated/prisma/enums.js";

export const TG = {
  official: 3001,
  official2: 3002,
  head: 3003,
  clerk: 3004,
  admin: 3005,
  evaluator: 3006,
  otherOrgClerk: 3007,
  orgHead: 3008,
  citizen: 4001,
  citizen2: 4002,
} as const;

export async function seedOrganization(prisma: PrismaClient) {
  const org = await prisma.organization.create({
    data: { slug: "aimag", name: "Аймгийн Засаг даргын Тамгын газар", nameEn: "Aimag Governor's Office" },
  });
  const other = await prisma.organization.create({
    data: { slug: "soum", name: "Сумын Засаг даргын Тамгын газар", nameEn: "Soum Governor's Office" },
  });
  const admin = await prisma.unit.create({
    data: { orgId: org.id, code: "TZUH", name: "Төрийн захиргааны удирдлагын хэлтэс" },
  });
  const dev = await prisma.unit.create({
    data: { orgId: org.id, code: "HBTH", name: "Хөгжлийн бодлого, төлөвлөлтийн хэлтэс" },
  });
  const otherUnit = await prisma.unit.create({ data: { orgId: other.id, code: "ZAH", name: "Захиргаа" } });

  const person = (orgId: number, unitId: number, code: string, fullName: string, roles: Role[]) =>
    prisma.person.create({ data: { orgId, unitId, code, fullName, roles } });

  const people = {
    official: await person(org.id, admin.id, "P001", "Н.Ванчинсэмбэрүү", ["OFFICIAL"]),
    official2: await person(org.id, dev.id, "P002", "Б.Болд", ["OFFICIAL"]),
    head: await person(org.id, admin.id, "P003", "Д.Сарантуяа", ["OFFICIAL", "UNIT_HEAD"]),
    clerk: await person(org.id, admin.id, "P004", "Г.Оюунчимэг", ["OFFICIAL", "PETITION_CLERK"]),
    admin: await person(org.id, admin.id, "P005", "Э.Батбаяр", ["ORG_ADMIN"]),
    evaluator: await person(org.id, dev.id, "P006", "С.Энхтуяа", ["OFFICIAL", "EVALUATION_TEAM"]),
    otherOrgClerk: await person(other.id, otherUnit.id, "S001", "Ж.Мөнх", ["PETITION_CLERK"]),
    orgHead: await person(org.id, admin.id, "P007", "Ц.Ганбат", ["ORG_HEAD"]),
  };
  return { org, other, units: { admin, dev, otherUnit }, people };
}

/** Links a Telegram account to a person as an accepted invite would, with a chosen language. */
export async function linkTelegram(
  prisma: PrismaClient,
  telegramId: number,
  personId: number,
  locale = "en",
) {
  return prisma.user.upsert({
    where: { channel_externalId: { channel: "TELEGRAM", externalId: String(telegramId) } },
    create: { externalId: String(telegramId), chatId: String(telegramId), personId, locale },
    update: { personId, locale },
  });
}

/** A citizen who has already chosen a language. */
export async function citizen(prisma: PrismaClient, telegramId: number, locale = "en") {
  return prisma.user.create({ data: { externalId: String(telegramId), chatId: String(telegramId), locale } });
}
