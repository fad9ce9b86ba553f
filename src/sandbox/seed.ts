/**
 * The sandbox's demo data, written through the same code a real deployment uses:
 *  - the demo organisations: the directory importer on examples/demo-aimag.yaml;
 *  - each persona's Telegram account linked to their person, as an accepted invite would;
 *  - performance plans for two officials from examples/plans (the plans of seeds 000 and
 *    001), imported, submitted and approved by each official's head;
 *  - a few petitions in different states, through the petition service, so every persona
 *    has something to look at (and the notifications they caused wait in the outbox).
 * Seeding again changes nothing: the import is idempotent, accounts are upserted, plans
 * and petitions are only created when the organisation has none.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Actor } from "../directory/actor.js";
import { loadDemo } from "../directory/demo.js";
import { actorForUser } from "../directory/users.js";
import { PROJECT_ROOT } from "../db/schema-engine.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import type { Logger } from "../logger.js";
import { PetitionService } from "../petitions/index.js";
import { reviewersOf } from "../reporting/access.js";
import { localYear } from "../reporting/calendar.js";
import { importPlan } from "../reporting/plan-import.js";
import { PlanService } from "../reporting/plan-service.js";
import type { Clock } from "../shared/clock.js";
import { ValidationError } from "../shared/errors.js";
import { DEMO_ORG_SLUG, PERSONAS, type Persona } from "./personas.js";

export const PLANS_DIR = path.join(PROJECT_ROOT, "examples/plans");

export interface SeedResult {
  orgId: number;
  /** Accounts linked to their person (staff personas). */
  linked: number;
  plans: number;
  petitions: number;
}

const DAY = 86_400_000;

export async function seedSandbox(prisma: PrismaClient, clock: Clock, logger?: Logger): Promise<SeedResult> {
  await loadDemo(prisma);
  const org = await prisma.organization.findUniqueOrThrow({ where: { slug: DEMO_ORG_SLUG } });
  const linked = await linkPersonas(prisma, org.id, clock.now());
  const plans = await seedPlans(prisma, clock, org.id, logger);
  const petitions = await seedPetitions(prisma, clock, org.id);
  return { orgId: org.id, linked, plans, petitions };
}

/** The User rows of the personas: staff linked to their person, the citizen with a language. */
async function linkPersonas(prisma: PrismaClient, orgId: number, now: Date): Promise<number> {
  let linked = 0;
  for (const p of PERSONAS) {
    if (p.kind === "staff") {
      const person = await prisma.person.findUniqueOrThrow({
        where: { orgId_code: { orgId, code: p.personCode! } },
        select: { id: true },
      });
      await upsertUser(prisma, p, { personId: person.id, locale: p.locale }, now);
      linked++;
    } else if (p.kind === "citizen") {
      await upsertUser(prisma, p, { locale: p.locale, preferredOrgId: orgId }, now);
    }
    // The visitor and the newcomer have never written to the bot: no account yet.
  }
  return linked;
}

function upsertUser(
  prisma: PrismaClient,
  p: Persona,
  data: { personId?: number; locale: string | null; preferredOrgId?: number },
  now: Date,
) {
  const externalId = String(p.telegramId);
  return prisma.user.upsert({
    where: { channel_externalId: { channel: "TELEGRAM", externalId } },
    create: { channel: "TELEGRAM", externalId, chatId: externalId, ...data, createdAt: now, lastSeenAt: now },
    update: {},
  });
}

/** An actor for a person of the directory, through their linked account when they have one. */
async function actorForPerson(prisma: PrismaClient, personId: number): Promise<Actor> {
  const user = await prisma.user.findUnique({ where: { personId }, select: { id: true } });
  if (user) return actorForUser(prisma, user.id);
  const p = await prisma.person.findUniqueOrThrow({ where: { id: personId } });
  return { userId: 0, personId: p.id, orgId: p.orgId, unitId: p.unitId, roles: p.roles, superAdmin: false };
}

async function actorByCode(prisma: PrismaClient, orgId: number, code: string): Promise<Actor> {
  const p = await prisma.person.findUniqueOrThrow({
    where: { orgId_code: { orgId, code } },
    select: { id: true },
  });
  return actorForPerson(prisma, p.id);
}

/**
 * The example plan each demo official starts with (examples/plans: seeds 000 and 001). The
 * CSV's dates (seed 000 is of 2025) are moved to the sandbox's current year.
 */
export const DEMO_PLANS: Readonly<Record<string, string>> = {
  vansemberuu: "plan-000-hr-specialist.csv", // the author of seed 000
  duurenbilig: "plan-001-food-agriculture.xlsx",
};

/** Imports, submits and approves the demo plans of the current year (skips what exists). */
async function seedPlans(
  prisma: PrismaClient,
  clock: Clock,
  orgId: number,
  logger?: Logger,
): Promise<number> {
  const org = await prisma.organization.findUniqueOrThrow({ where: { id: orgId } });
  const year = localYear(clock.now(), org.timezone);
  const service = new PlanService({ prisma, clock });
  const operator: Actor = { userId: 0, personId: null, orgId, unitId: null, roles: [], superAdmin: true };
  let count = 0;
  for (const [code, fileName] of Object.entries(DEMO_PLANS)) {
    const filePath = path.join(PLANS_DIR, fileName);
    if (!existsSync(filePath)) {
      logger?.warn({ file: fileName }, "sandbox: example plan missing, the official starts without a plan");
      continue;
    }
    const person = await prisma.person.findUniqueOrThrow({ where: { orgId_code: { orgId, code } } });
    if (await prisma.performancePlan.count({ where: { personId: person.id, year } })) continue;
    try {
      let file = await readFile(filePath);
      if (fileName.endsWith(".csv")) {
        file = Buffer.from(file.toString("utf8").replace(/\b20\d\d\.(?=\d\d\.\d\d)/g, `${year}.`), "utf8");
      }
      const imported = await importPlan(prisma, clock, {
        actor: operator,
        personId: person.id,
        year,
        file,
        fileName,
      });
      await service.submitPlan(operator, imported.planId);
      const [reviewer] = await reviewersOf(prisma, person);
      if (reviewer) {
        await service.approvePlan(await actorForPerson(prisma, reviewer.id), imported.planId);
        // The head has dealt with the submission: its "please review" message is not news.
        await prisma.notification.deleteMany({
          where: {
            kind: "plan.submitted",
            dedupeKey: { startsWith: `plan.submitted:${imported.planId}:` },
            status: "PENDING",
          },
        });
      }
      count++;
    } catch (err) {
      // A plan the importer refuses must not keep the sandbox from starting: say why.
      const errors = err instanceof ValidationError ? err.errors.slice(0, 5) : undefined;
      logger?.warn({ file: fileName, err: String(err), errors }, "sandbox: example plan not imported");
    }
  }
  return count;
}

/**
 * Petitions in the states a demo needs: in a unit's tray, assigned, in progress, answered,
 * and an overdue paper petition in the clerks' queue (the escalation job picks it up).
 */
async function seedPetitions(prisma: PrismaClient, clock: Clock, orgId: number): Promise<number> {
  if (await prisma.petition.count({ where: { orgId } })) return 0;
  const service = new PetitionService({ prisma, clock });
  const citizenPersona = PERSONAS.find((p) => p.kind === "citizen")!;
  const citizen = await prisma.user.findUniqueOrThrow({
    where: { channel_externalId: { channel: "TELEGRAM", externalId: String(citizenPersona.telegramId) } },
  });
  const topic = async (code: string) =>
    (await prisma.petitionTopic.findUniqueOrThrow({ where: { orgId_code: { orgId, code } } })).id;
  const head = await actorByCode(prisma, orgId, "enkhbayar");
  const official = await actorByCode(prisma, orgId, "duurenbilig");
  const admin = await actorByCode(prisma, orgId, "temuulen");
  const clerk = await actorByCode(prisma, orgId, "vansemberuu");
  const citizenContact = {
    petitionerName: "Б.Болормаа",
    phone: citizenPersona.phone,
    consent: true,
  };
  let count = 0;

  // 1. Land: routed to the planning department's tray; the head assigns it, the official takes it.
  const land = await service.submitFromCitizen(citizen.id, {
    orgId,
    kind: "REQUEST",
    topicId: await topic("land"),
    text:
      "Би 2019 оноос хойш 5-р багийн нутагт гэр бүлийн хамт амьдарч байна. Гэр хорооллын " +
      "0.07 га газрыг өмчлөх хүсэлтээ 2025 онд өгсөн боловч одоог хүртэл хариу аваагүй. " +
      "Хүсэлтийн явцыг мэдэгдэж өгнө үү.",
    address: "5-р баг, Уурхайчдын гудамж 14",
    ...citizenContact,
  });
  count++;
  await service.assign(head, land.id, {
    personId: official.personId!,
    note: "Газрын албатай хамтран хянаж, 10 хоногт багтаан хариулна уу.",
  });
  await service.accept(official, land.id);

  // 2. Online services: straight to the official of the routing rule, who has answered it.
  const services = await service.submitFromCitizen(citizen.id, {
    orgId,
    kind: "REQUEST",
    topicId: await topic("public-services"),
    text:
      "E-Mongolia дээр оршин суугаа хаягийн тодорхойлолт авах үед аймгийн нэр буруу гарч байна. " +
      "Засч өгөхийг хүсье.",
    ...citizenContact,
  });
  count++;
  await service.accept(admin, services.id);
  await service.answer(admin, services.id, {
    text:
      "Таны хүсэлтийн дагуу хаягийн бүртгэлийн алдааг Улсын бүртгэлийн газарт мэдэгдэж засуулсан. " +
      "Одоо тодорхойлолтыг дахин авч болно. Хүндэтгэсэн, Б.Тэмүүлэн.",
  });

  // 3. Welfare: waits in the social policy department's tray.
  await service.submitFromCitizen(citizen.id, {
    orgId,
    kind: "COMPLAINT",
    topicId: await topic("welfare"),
    text:
      "Хүүхдийн мөнгө сүүлийн хоёр сар орж ирээгүй. Сумын нийгмийн ажилтанд хандахад аймагт " +
      "хандана уу гэсэн. Шалгаж өгнө үү.",
    ...citizenContact,
  });
  count++;

  // 4. A written petition received 35 days ago, still in the clerks' queue: overdue.
  await service.registerByStaff(clerk, {
    channel: "WRITTEN",
    receivedAt: new Date(clock.now().getTime() - 35 * DAY),
    kind: "REQUEST",
    topicId: await topic("civil-registration"),
    text: "Төрсний гэрчилгээний хуулбар алдагдсан тул дахин олгуулах журмыг тайлбарлаж өгнө үү.",
    petitionerName: "Д.Сүхбат",
    phone: "+97688112244",
    address: "3-р баг, 12-р байр, 24 тоот",
  });
  count++;

  // 5. Received in person 27 days ago and assigned: due in three days (reminders go out).
  const inPerson = await service.registerByStaff(clerk, {
    channel: "IN_PERSON",
    receivedAt: new Date(clock.now().getTime() - 27 * DAY),
    kind: "SUGGESTION",
    topicId: await topic("infrastructure"),
    text:
      "Аймгийн төвийн 2-р багийн гудамжны гэрэлтүүлэг ажиллахгүй байгаа тул засварын ажлыг " +
      "ирэх сарын төлөвлөгөөнд тусгаж өгнө үү.",
    petitionerName: "Ц.Мөнхзул",
    phone: "+97695445566",
    address: "2-р баг, Нарны гудамж 7",
  });
  count++;
  await service.assign(head, inPerson.id, { personId: official.personId! });

  return count;
}
