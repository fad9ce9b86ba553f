/**
 * A known organisation for the job tests: an aimag governor's office with three units,
 * heads, a clerk and officials in every situation a reminder must tell apart.
 *
 *   Захиргаа, удирдлагын хэлтэс (head Н.Оюунчимэг, clerk Д.Сарангэрэл)
 *   ├─ Санхүү, төрийн сангийн хэлтэс (head Б.Энхтуяа): Б.Болд, Д.Дорж, С.Сараа,
 *   │    О.Очир (no plan), Э.Эрдэнэ (inactive)
 *   └─ Хууль, эрх зүйн хэлтэс (no head → Н.Оюунчимэг): Т.Туяа (no chat account),
 *        Г.Бат (blocked the bot)
 *   Ж.Ганбаатар: organisation head
 *
 * Reporting period Q1 2026: opens 2026-03-06, deadline 2026-03-20 (end of day, UB time).
 */
import type { PrismaClient } from "../../src/generated/prisma/client.js";
import {
  createOrg,
  createPerson,
  createPeriod,
  createPlan,
  createUnit,
  local,
} from "../scheduling/fixtures.js";

export async function seedOrganisation(prisma: PrismaClient, settings: object = {}) {
  const org = await createOrg(prisma, { slug: "selenge", settings });
  const admin = await createUnit(prisma, org.id, "Захиргаа, удирдлагын хэлтэс");
  const finance = await createUnit(prisma, org.id, "Санхүү, төрийн сангийн хэлтэс", admin.id);
  const law = await createUnit(prisma, org.id, "Хууль, эрх зүйн хэлтэс", admin.id);
  const o = org.id;

  const orgHead = await createPerson(prisma, { orgId: o, fullName: "Ж.Ганбаатар", roles: ["ORG_HEAD"] });
  const headAdmin = await createPerson(prisma, {
    orgId: o,
    fullName: "Н.Оюунчимэг",
    unitId: admin.id,
    roles: ["UNIT_HEAD"],
  });
  const headFinance = await createPerson(prisma, {
    orgId: o,
    fullName: "Б.Энхтуяа",
    unitId: finance.id,
    roles: ["UNIT_HEAD", "OFFICIAL"],
    locale: "en",
  });
  const clerk = await createPerson(prisma, {
    orgId: o,
    fullName: "Д.Сарангэрэл",
    unitId: admin.id,
    roles: ["PETITION_CLERK", "OFFICIAL"],
    digestWeekday: null,
  });
  const bold = await createPerson(prisma, { orgId: o, fullName: "Б.Болд", unitId: finance.id });
  const dorj = await createPerson(prisma, { orgId: o, fullName: "Д.Дорж", unitId: finance.id });
  const saraa = await createPerson(prisma, { orgId: o, fullName: "С.Сараа", unitId: finance.id });
  const ochir = await createPerson(prisma, { orgId: o, fullName: "О.Очир", unitId: finance.id });
  const erdene = await createPerson(prisma, {
    orgId: o,
    fullName: "Э.Эрдэнэ",
    unitId: finance.id,
    active: false,
  });
  const tuya = await createPerson(prisma, { orgId: o, fullName: "Т.Туяа", unitId: law.id, linked: false });
  const bat = await createPerson(prisma, {
    orgId: o,
    fullName: "Г.Бат",
    unitId: law.id,
    unreachableAt: local("2026-03-01T10:00"),
  });

  const plans = {
    bold: await createPlan(prisma, bold, 2026),
    dorj: await createPlan(prisma, dorj, 2026),
    saraa: await createPlan(prisma, saraa, 2026),
    erdene: await createPlan(prisma, erdene, 2026),
    tuya: await createPlan(prisma, tuya, 2026),
    bat: await createPlan(prisma, bat, 2026),
  };
  const q1 = await createPeriod(prisma, o, 2026, "Q1", "2026-03-20", "2026-03-06");

  return {
    org,
    units: { admin, finance, law },
    people: { orgHead, headAdmin, headFinance, clerk, bold, dorj, saraa, ochir, erdene, tuya, bat },
    plans,
    q1,
  };
}

export type Organisation = Awaited<ReturnType<typeof seedOrganisation>>;

/** The notification rows of a person (through their user), oldest first. */
export async function notificationsOf(prisma: PrismaClient, person: { user: { id: number } | null }) {
  if (!person.user) return [];
  return prisma.notification.findMany({ where: { userId: person.user.id }, orderBy: { id: "asc" } });
}
