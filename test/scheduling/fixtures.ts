/**
 * Test data for the scheduling and job tests, written with Prisma directly: organisations,
 * units, people with linked chat users, plans, reporting periods, reports, petitions and
 * outbox rows. Plus a fake of the outside world: a MessageSender that records what it is
 * given and can be told to answer like Telegram does (429, 403, 500).
 */
import type { PrismaClient } from "../../src/generated/prisma/client.js";
import type { PeriodKind, PetitionStatus, ReportStatus, Role } from "../../src/generated/prisma/enums.js";
import type { MessagePayload } from "../../src/scheduling/outbox.js";
import {
  type MessageSender,
  type OutgoingMessage,
  type Recipient,
  RetryAfterError,
  SendError,
  UnreachableError,
} from "../../src/scheduling/sender.js";
import type { ManualClock } from "../../src/shared/clock.js";
import { endOfDay as endOfLocalDay, zonedTime } from "../../src/shared/local-time.js";

export const TZ = "Asia/Ulaanbaatar";

/** An Ulaanbaatar wall-clock time as an instant: local("2026-03-13T09:00"). */
export function local(s: string): Date {
  const [day, time = "00:00"] = s.split("T") as [string, string?];
  const [h, m] = time.split(":").map(Number) as [number, number];
  return zonedTime(day, h * 60 + m, TZ);
}

/** End of a local day: how deadlines and due dates are stored. */
export function endOfDay(day: string): Date {
  return endOfLocalDay(day, TZ);
}

/** Settings without quiet hours, for tests that run on the real clock at any hour. */
export const NO_QUIET_HOURS = {
  notifications: { quietStart: "00:00", quietEnd: "00:00", digestsOnWeekends: true },
};

let seq = 0;
const next = () => ++seq;

export async function createOrg(prisma: PrismaClient, opts: { slug?: string; settings?: object } = {}) {
  const n = next();
  return prisma.organization.create({
    data: {
      slug: opts.slug ?? `org${n}`,
      name: `Аймгийн Засаг даргын Тамгын газар ${n}`,
      timezone: TZ,
      settings: opts.settings ?? {},
    },
  });
}

export async function createUnit(
  prisma: PrismaClient,
  orgId: number,
  name: string,
  parentId: number | null = null,
) {
  return prisma.unit.create({ data: { orgId, code: `U${next()}`, name, parentId } });
}

export interface PersonOpts {
  orgId: number;
  fullName: string;
  unitId?: number | null;
  roles?: Role[];
  /** Create a linked chat user (default true). */
  linked?: boolean;
  locale?: string | null;
  active?: boolean;
  digestWeekday?: number | null;
  unreachableAt?: Date | null;
}

export async function createPerson(prisma: PrismaClient, o: PersonOpts) {
  const n = next();
  const person = await prisma.person.create({
    data: {
      orgId: o.orgId,
      code: `P${n}`,
      fullName: o.fullName,
      unitId: o.unitId ?? null,
      roles: o.roles ?? ["OFFICIAL"],
      active: o.active ?? true,
      ...(o.digestWeekday !== undefined ? { digestWeekday: o.digestWeekday } : {}),
    },
  });
  const user =
    o.linked === false
      ? null
      : await prisma.user.create({
          data: {
            externalId: String(100_000 + n),
            chatId: String(100_000 + n),
            locale: o.locale === undefined ? "mn" : o.locale,
            personId: person.id,
            unreachableAt: o.unreachableAt ?? null,
          },
        });
  return { ...person, user };
}

/** Many linked officials at once (bulk inserts): returns their user rows in order. */
export async function createUsers(prisma: PrismaClient, orgId: number, count: number) {
  const base = next() * 100_000;
  seq += count;
  const codes = Array.from({ length: count }, (_, i) => `B${base + i}`);
  await prisma.person.createMany({
    data: codes.map((code, i) => ({ orgId, code, fullName: `Албан хаагч ${i + 1}`, roles: ["OFFICIAL"] })),
  });
  const people = await prisma.person.findMany({
    where: { orgId, code: { in: codes } },
    orderBy: { id: "asc" },
  });
  await prisma.user.createMany({
    data: people.map((p) => ({
      externalId: `x${p.id}`,
      chatId: String(5_000_000 + p.id),
      locale: "mn",
      personId: p.id,
    })),
  });
  return prisma.user.findMany({
    where: { personId: { in: people.map((p) => p.id) } },
    orderBy: { id: "asc" },
  });
}

/** One outbox row per user, due at `notBefore`, each with a distinct text. */
export async function createNotifications(prisma: PrismaClient, userIds: number[], notBefore: Date) {
  const base = next() * 100_000;
  seq += userIds.length;
  await prisma.notification.createMany({
    data: userIds.map((userId, i) => ({
      userId,
      kind: "test.message",
      dedupeKey: `bulk:${base + i}`,
      notBefore,
      payload: { key: "scheduling:list.more", params: { count: base + i } },
    })),
  });
}

export async function createCitizen(prisma: PrismaClient, locale: string | null = "mn") {
  const n = next();
  return prisma.user.create({
    data: { externalId: String(900_000 + n), chatId: String(900_000 + n), locale },
  });
}

export async function createPlan(prisma: PrismaClient, person: { id: number; orgId: number }, year: number) {
  return prisma.performancePlan.create({
    data: { orgId: person.orgId, personId: person.id, year, status: "APPROVED" },
  });
}

/** A period whose deadline is the end of `deadlineDay` local; open from `opensDay`. */
export async function createPeriod(
  prisma: PrismaClient,
  orgId: number,
  year: number,
  kind: PeriodKind,
  deadlineDay: string,
  opensDay?: string,
) {
  const deadline = endOfDay(deadlineDay);
  const opensAt = opensDay ? local(`${opensDay}T00:00`) : new Date(deadline.getTime() - 14 * 86_400_000);
  return prisma.reportingPeriod.create({ data: { orgId, year, kind, deadline, opensAt } });
}

export async function createReport(
  prisma: PrismaClient,
  o: {
    planId: number;
    personId: number;
    periodId: number;
    status?: ReportStatus;
    reviewerId?: number | null;
  },
) {
  const status = o.status ?? "SUBMITTED";
  return prisma.report.create({
    data: {
      planId: o.planId,
      personId: o.personId,
      periodId: o.periodId,
      status,
      reviewerId: o.reviewerId ?? null,
      submittedAt: status === "DRAFT" ? null : new Date("2026-03-01T00:00:00Z"),
    },
  });
}

export async function createPetition(
  prisma: PrismaClient,
  o: {
    orgId: number;
    dueDay: string;
    status?: PetitionStatus;
    assigneeId?: number | null;
    unitId?: number | null;
    receivedDay?: string;
    extensionRequestedDays?: number | null;
    extended?: boolean;
  },
) {
  const n = next();
  return prisma.petition.create({
    data: {
      orgId: o.orgId,
      year: 2026,
      seq: n,
      number: `ӨГ-2026-${String(n).padStart(6, "0")}`,
      kind: "REQUEST",
      text: "Гудамжны гэрэлтүүлгийг засна уу.",
      status: o.status ?? "ASSIGNED",
      receivedAt: local(`${o.receivedDay ?? "2026-02-20"}T10:00`),
      dueAt: endOfDay(o.dueDay),
      assigneeId: o.assigneeId ?? null,
      unitId: o.unitId ?? null,
      extensionRequestedDays: o.extensionRequestedDays ?? null,
      extended: o.extended ?? false,
    },
  });
}

/** An outbox row due at `notBefore` (tests pass it: the database's now() is not the test clock). */
export async function createNotification(
  prisma: PrismaClient,
  o: { userId: number; notBefore: Date; payload?: MessagePayload; dedupeKey?: string; kind?: string },
) {
  const n = next();
  return prisma.notification.create({
    data: {
      userId: o.userId,
      kind: o.kind ?? "test.message",
      dedupeKey: o.dedupeKey ?? `test:${n}`,
      notBefore: o.notBefore,
      payload: (o.payload ?? { key: "scheduling:list.more", params: { count: n } }) as object,
    },
  });
}

export interface SentMessage {
  chatId: string;
  text: string;
  buttons: OutgoingMessage["buttons"];
  files: OutgoingMessage["files"];
  resumeAt: number;
  at: number;
}

type Failure = { chatId?: string; error: () => Error };

/**
 * A MessageSender standing in for Telegram: records every send with the time it happened
 * (from the given time source) and fails the next sends as told.
 */
export class FakeSender implements MessageSender {
  readonly sent: SentMessage[] = [];
  readonly attempts: { chatId: string; at: number }[] = [];
  private failures: Failure[] = [];
  /** Resolves sends only when released (to test stop() with a message in flight). */
  gate: Promise<void> | null = null;

  constructor(private readonly now: () => number = () => Date.now()) {}

  /** The next send (to `chatId`, or to anyone) fails with this error. */
  failNext(error: () => Error, chatId?: string, times = 1): void {
    for (let i = 0; i < times; i++) this.failures.push({ chatId, error });
  }
  fail429(seconds: number, chatId?: string) {
    this.failNext(() => new RetryAfterError(seconds), chatId);
  }
  fail403(chatId?: string) {
    this.failNext(() => new UnreachableError("403: Forbidden: bot was blocked by the user"), chatId);
  }
  fail500(chatId?: string, times = 1) {
    this.failNext(() => new SendError("500: Internal Server Error"), chatId, times);
  }

  async send(to: Recipient, message: OutgoingMessage): Promise<void> {
    this.attempts.push({ chatId: to.chatId, at: this.now() });
    const i = this.failures.findIndex((f) => f.chatId === undefined || f.chatId === to.chatId);
    if (i >= 0) {
      const [f] = this.failures.splice(i, 1);
      throw f!.error();
    }
    if (this.gate) await this.gate;
    this.sent.push({
      chatId: to.chatId,
      text: message.text,
      buttons: message.buttons,
      files: message.files,
      resumeAt: message.resumeAt ?? 0,
      at: this.now(),
    });
  }

  to(chatId: string): SentMessage[] {
    return this.sent.filter((m) => m.chatId === chatId);
  }
}

/** A pacing sleep that moves the manual clock instead of waiting. */
export function virtualSleep(clock: ManualClock): (ms: number) => Promise<void> {
  return async (ms) => {
    clock.advance(Math.max(0, Math.ceil(ms)));
  };
}
