/**
 * A small aimag governor's office for petition tests, written with Prisma directly:
 * two units, a clerk, the organisation head, unit heads and officials (each with a linked
 * chat account), three topics and routing rules, and citizens.
 */
import type { PrismaClient } from "../../src/generated/prisma/client.js";
import type { PetitionKind, Role } from "../../src/generated/prisma/enums.js";
import type { Actor } from "../../src/directory/actor.js";
import type { CitizenDraft } from "../../src/petitions/validation.js";

let seq = 0;

export interface Staff {
  personId: number;
  userId: number;
  actor: Actor;
}

export async function makeOrg(
  prisma: PrismaClient,
  opts: { slug: string; name: string; nameEn?: string; settings?: object },
) {
  return prisma.organization.create({
    data: { slug: opts.slug, name: opts.name, nameEn: opts.nameEn ?? null, settings: opts.settings ?? {} },
  });
}

export async function makeStaff(
  prisma: PrismaClient,
  orgId: number,
  opts: { fullName: string; roles: Role[]; unitId?: number | null; linked?: boolean },
): Promise<Staff> {
  seq++;
  const person = await prisma.person.create({
    data: {
      orgId,
      code: `P${seq}`,
      fullName: opts.fullName,
      unitId: opts.unitId ?? null,
      roles: opts.roles,
    },
  });
  const user =
    opts.linked === false
      ? null
      : await prisma.user.create({
          data: { externalId: `staff-${seq}`, chatId: `staff-${seq}`, personId: person.id, locale: "mn" },
        });
  return {
    personId: person.id,
    userId: user?.id ?? 0,
    actor: {
      userId: user?.id ?? 0,
      personId: person.id,
      orgId,
      unitId: person.unitId,
      roles: opts.roles,
      superAdmin: false,
    },
  };
}

export async function makeCitizen(prisma: PrismaClient, locale: "mn" | "en" = "mn") {
  seq++;
  return prisma.user.create({ data: { externalId: `citizen-${seq}`, chatId: `citizen-${seq}`, locale } });
}

/** A citizen actor (no directory record): what the bot builds for an ordinary user. */
export function citizenActor(userId: number): Actor {
  return { userId, personId: null, orgId: null, unitId: null, roles: [], superAdmin: false };
}

export async function makeOffice(prisma: PrismaClient, opts: { slug?: string; settings?: object } = {}) {
  const slug = opts.slug ?? "selenge";
  const org = await makeOrg(prisma, {
    slug,
    name: "Сэлэнгэ аймгийн Засаг даргын Тамгын газар",
    nameEn: "Selenge Governor's Office",
    settings: opts.settings,
  });
  const welfare = await prisma.unit.create({
    data: { orgId: org.id, code: "HHU", name: "Хөдөлмөр, халамжийн үйлчилгээний хэлтэс" },
  });
  const land = await prisma.unit.create({
    data: { orgId: org.id, code: "GAZAR", name: "Газрын харилцааны хэлтэс" },
  });
  const admin = await prisma.unit.create({
    data: { orgId: org.id, code: "ZAHIRGAA", name: "Захиргаа, удирдлагын хэлтэс" },
  });
  const clerk = await makeStaff(prisma, org.id, {
    fullName: "Н.Вансэмбэрүү",
    roles: ["OFFICIAL", "PETITION_CLERK"],
    unitId: admin.id,
  });
  const head = await makeStaff(prisma, org.id, {
    fullName: "Д.Батбаяр",
    roles: ["ORG_HEAD"],
    unitId: admin.id,
  });
  const orgAdmin = await makeStaff(prisma, org.id, {
    fullName: "Г.Сараа",
    roles: ["ORG_ADMIN"],
    unitId: admin.id,
  });
  const welfareHead = await makeStaff(prisma, org.id, {
    fullName: "Б.Оюунчимэг",
    roles: ["OFFICIAL", "UNIT_HEAD"],
    unitId: welfare.id,
  });
  const welfareOfficer = await makeStaff(prisma, org.id, {
    fullName: "Т.Энхжаргал",
    roles: ["OFFICIAL"],
    unitId: welfare.id,
  });
  const welfareOfficer2 = await makeStaff(prisma, org.id, {
    fullName: "С.Мөнхцэцэг",
    roles: ["OFFICIAL"],
    unitId: welfare.id,
  });
  const landHead = await makeStaff(prisma, org.id, {
    fullName: "Ц.Ганболд",
    roles: ["OFFICIAL", "UNIT_HEAD"],
    unitId: land.id,
  });
  const landOfficer = await makeStaff(prisma, org.id, {
    fullName: "Э.Төмөрбаатар",
    roles: ["OFFICIAL"],
    unitId: land.id,
  });
  const topicWelfare = await prisma.petitionTopic.create({
    data: { orgId: org.id, code: "HALAMJ", name: "Нийгмийн халамж", nameEn: "Social welfare" },
  });
  const topicLand = await prisma.petitionTopic.create({
    data: {
      orgId: org.id,
      code: "GAZAR",
      name: "Газар олголт",
      nameEn: "Land allocation",
      requiresAddress: true,
    },
  });
  const topicOther = await prisma.petitionTopic.create({
    data: { orgId: org.id, code: "BUSAD", name: "Бусад", nameEn: "Other" },
  });
  // Land → the land unit; welfare complaints → the welfare officer directly; other welfare → the welfare unit.
  await prisma.routingRule.createMany({
    data: [
      { orgId: org.id, topicId: topicLand.id, unitId: land.id },
      { orgId: org.id, topicId: topicWelfare.id, kind: "COMPLAINT", personId: welfareOfficer.personId },
      { orgId: org.id, topicId: topicWelfare.id, unitId: welfare.id },
    ],
  });
  return {
    org,
    units: { welfare, land, admin },
    clerk,
    head,
    orgAdmin,
    welfareHead,
    welfareOfficer,
    welfareOfficer2,
    landHead,
    landOfficer,
    topics: { welfare: topicWelfare, land: topicLand, other: topicOther },
  };
}

export type Office = Awaited<ReturnType<typeof makeOffice>>;

export function draft(orgId: number, over: Partial<CitizenDraft> = {}): CitizenDraft {
  return {
    orgId,
    kind: "REQUEST" as PetitionKind,
    text: "Миний тэтгэврийн тооцоолол буруу хийгдсэн тул дахин хянаж өгнө үү.",
    attachments: [],
    petitionerName: "Б.Болд",
    phone: "9911 2233",
    address: "Сүхбаатар сум, 3-р баг, 12-р байр",
    consent: true,
    ...over,
  };
}
