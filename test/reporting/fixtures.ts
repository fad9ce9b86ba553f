/**
 * A small organisation for the reporting tests, written with Prisma directly:
 *
 * Аймгийн Засаг даргын Тамгын газар (zdtg)
 *   ТЗУХ  Төрийн захиргааны удирдлагын хэлтэс — head Б.Мөнхбат; officials Н.Вансэмбэрүү, С.Саруул
 *     ХН  Хүний нөөцийн тасаг (no head of its own) — official Э.Төгсжаргал
 *   ХХАА  Хүнс, хөдөө аж ахуйн хэлтэс — head Э.Балжинням; official Ч.Дүүрэнбилиг
 *   organisation head Д.Ганбат, evaluation team Д.Даариймаа, admin Х.Мөнхсаруул
 * Another organisation (other) with its head and a unit head.
 * Everyone has a chat user, so notifications can be enqueued.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Actor } from "../../src/directory/actor.js";
import type { GoalSection, PlanStatus, Role, TargetType } from "../../src/generated/prisma/enums.js";
import type { PrismaClient } from "../../src/db/index.js";
import { DomainError } from "../../src/shared/errors.js";

export const EXAMPLES = path.resolve(import.meta.dirname, "../../examples/plans");
export const FIXTURES = path.resolve(import.meta.dirname, "../fixtures/reporting");

export function exampleFile(name: string): Buffer {
  return readFileSync(path.join(EXAMPLES, name));
}

export type PersonKey =
  | "orgHead"
  | "adminHead"
  | "official"
  | "colleague"
  | "hrOfficial"
  | "foodHead"
  | "foodOfficial"
  | "evaluator"
  | "orgAdmin"
  | "otherHead"
  | "otherUnitHead";

export interface World {
  orgId: number;
  otherOrgId: number;
  units: { admin: number; hr: number; food: number; other: number };
  people: Record<PersonKey, number>;
  users: Record<PersonKey, number>;
  actors: Record<PersonKey, Actor>;
}

export async function seedWorld(prisma: PrismaClient): Promise<World> {
  const org = await prisma.organization.create({
    data: { slug: "zdtg", name: "Аймгийн Засаг даргын Тамгын газар" },
  });
  const other = await prisma.organization.create({
    data: { slug: "other", name: "Сумын Засаг даргын Тамгын газар" },
  });
  const admin = await prisma.unit.create({
    data: { orgId: org.id, code: "TZUH", name: "Төрийн захиргааны удирдлагын хэлтэс" },
  });
  const hr = await prisma.unit.create({
    data: { orgId: org.id, code: "HN", name: "Хүний нөөцийн тасаг", parentId: admin.id },
  });
  const food = await prisma.unit.create({
    data: { orgId: org.id, code: "HHAA", name: "Хүнс, хөдөө аж ахуйн хэлтэс" },
  });
  const otherUnit = await prisma.unit.create({ data: { orgId: other.id, code: "X", name: "Тамгын хэлтэс" } });

  const spec: [PersonKey, number, number | null, string, string, Role[]][] = [
    ["orgHead", org.id, null, "Д.Ганбат", "Тамгын газрын дарга", ["ORG_HEAD"]],
    ["adminHead", org.id, admin.id, "Б.Мөнхбат", "Хэлтсийн дарга", ["OFFICIAL", "UNIT_HEAD"]],
    [
      "official",
      org.id,
      admin.id,
      "Н.Вансэмбэрүү",
      "Хүний нөөц, өргөдөл гомдол хариуцсан ахлах мэргэжилтэн",
      ["OFFICIAL", "PETITION_CLERK"],
    ],
    ["colleague", org.id, admin.id, "С.Саруул", "Хууль зүйн асуудал хариуцсан мэргэжилтэн", ["OFFICIAL"]],
    ["hrOfficial", org.id, hr.id, "Э.Төгсжаргал", "Хүний нөөцийн мэргэжилтэн", ["OFFICIAL"]],
    ["foodHead", org.id, food.id, "Э.Балжинням", "Хэлтсийн дарга", ["OFFICIAL", "UNIT_HEAD"]],
    [
      "foodOfficial",
      org.id,
      food.id,
      "Ч.Дүүрэнбилиг",
      "Хүнсний аюулгүй байдал хариуцсан мэргэжилтэн",
      ["OFFICIAL"],
    ],
    ["evaluator", org.id, null, "Д.Даариймаа", "Үнэлгээний багийн дарга", ["EVALUATION_TEAM"]],
    ["orgAdmin", org.id, null, "Х.Мөнхсаруул", "Мэдээллийн технологийн мэргэжилтэн", ["ORG_ADMIN"]],
    ["otherHead", other.id, null, "О.Бат", "Тамгын газрын дарга", ["ORG_HEAD"]],
    ["otherUnitHead", other.id, otherUnit.id, "О.Дорж", "Хэлтсийн дарга", ["OFFICIAL", "UNIT_HEAD"]],
  ];
  const people = {} as Record<PersonKey, number>;
  const users = {} as Record<PersonKey, number>;
  const actors = {} as Record<PersonKey, Actor>;
  let n = 0;
  for (const [key, orgId, unitId, fullName, title, roles] of spec) {
    n++;
    const position = await prisma.position.create({ data: { orgId, unitId, code: `P${n}`, title } });
    const person = await prisma.person.create({
      data: { orgId, unitId, positionId: position.id, code: `E${100 + n}`, fullName, roles },
    });
    const user = await prisma.user.create({
      data: { externalId: String(5000 + n), chatId: String(5000 + n), personId: person.id, locale: "mn" },
    });
    people[key] = person.id;
    users[key] = user.id;
    actors[key] = { userId: user.id, personId: person.id, orgId, unitId, roles, superAdmin: false };
  }
  return {
    orgId: org.id,
    otherOrgId: other.id,
    units: { admin: admin.id, hr: hr.id, food: food.id, other: otherUnit.id },
    people,
    users,
    actors,
  };
}

export interface MeasureSpec {
  number: string;
  title: string;
  indicator?: string | null;
  target?: string | null;
  targetType: TargetType;
  targetValue?: number | null;
  quarters?: number[];
  startMonth?: number | null;
  endMonth?: number | null;
  baseline?: string | null;
}

export interface GoalSpec {
  number: number;
  title: string;
  section?: GoalSection;
  measures: MeasureSpec[];
}

/** A plan written directly (status APPROVED unless told), for tests that start from one. */
export async function createPlan(
  prisma: PrismaClient,
  orgId: number,
  personId: number,
  year: number,
  goals: GoalSpec[],
  status: PlanStatus = "APPROVED",
  version = 1,
) {
  return prisma.performancePlan.create({
    data: {
      orgId,
      personId,
      year,
      version,
      status,
      goals: {
        create: goals.map((g) => ({
          number: g.number,
          title: g.title,
          section: g.section ?? "PLAN",
          measures: {
            create: g.measures.map((m, i) => ({
              number: m.number,
              title: m.title,
              indicator: m.indicator === undefined ? "Хэрэгжилтийн хувь" : m.indicator,
              baseline: m.baseline ?? null,
              target: m.target ?? null,
              targetType: m.targetType,
              targetValue: m.targetValue ?? null,
              quarters: m.quarters ?? [1, 2, 3, 4],
              startMonth: m.startMonth === undefined ? 1 : m.startMonth,
              endMonth: m.endMonth === undefined ? 12 : m.endMonth,
              sortOrder: i,
            })),
          },
        })),
      },
    },
    include: { goals: { include: { measures: true } } },
  });
}

/** One measure of every target type; 1.5 and 2.2 fall outside some periods. */
export const MIXED_PLAN: GoalSpec[] = [
  {
    number: 1,
    title: "Хүний нөөцийн бодлогыг хэрэгжүүлж, хүний нөөцийн манлайллаар хангана.",
    measures: [
      {
        number: "1.1",
        title: "Хүний нөөцийн чиглэлээр гарсан хууль тогтоомжийн хэрэгжилтийг хангана.",
        target: "92%",
        baseline: "90%",
        targetType: "PERCENT",
        targetValue: 92,
      },
      {
        number: "1.2",
        title: "Өргөдөл, гомдлын мэдээг улирал бүр нэгтгэж хүргүүлнэ.",
        indicator: "Хүргүүлсэн тоо",
        target: "4 удаа",
        targetType: "COUNT",
        targetValue: 4,
      },
      {
        number: "1.3",
        title: "Ээлжийн амралтын хуваарийг батлуулна.",
        indicator: "Хуваарь батлагдсан эсэх (тийм -1, үгүй -0)",
        target: "1",
        targetType: "BOOLEAN",
        targetValue: 1,
        quarters: [1, 2],
      },
      {
        number: "1.4",
        title: "Хөдөлмөрийн дотоод журмыг шинэчилнэ.",
        indicator: null,
        target: "Журам шинэчлэгдсэн байна.",
        targetType: "TEXT",
        quarters: [1, 2],
      },
      {
        number: "1.5",
        title: "Жилийн эцсийн үнэлгээг зохион байгуулна.",
        target: "100%",
        targetType: "PERCENT",
        targetValue: 100,
        quarters: [3, 4],
      },
    ],
  },
  {
    number: 2,
    title: "Мэдлэг, ур чадвараа дээшлүүлнэ.",
    section: "SKILLS",
    measures: [
      {
        number: "2.1",
        title: "Мэргэшүүлэх сургалтад хамрагдана.",
        indicator: "Сургалтын тоо",
        target: "Хоёроос доошгүй",
        targetType: "COUNT",
        targetValue: 2,
      },
      {
        number: "2.2",
        title: "Ижил түвшний байгууллагаас туршлага судална.",
        target: "100%",
        targetType: "PERCENT",
        targetValue: 100,
        quarters: [2],
      },
    ],
  },
];

/** Notifications waiting for a user, newest last. */
export async function notificationsOf(prisma: PrismaClient, userId: number) {
  return prisma.notification.findMany({ where: { userId }, orderBy: { id: "asc" } });
}

/** The DomainError a promise rejects with (anything else fails the test). */
export async function caught(p: Promise<unknown>): Promise<DomainError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error("expected a DomainError");
}
