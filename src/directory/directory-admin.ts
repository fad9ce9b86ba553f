/**
 * Directory edits an organisation admin makes in the bot: people, roles, petition topics,
 * routing rules, the reporting calendar. Every method takes the acting `Actor` and allows
 * only an ORG_ADMIN of that organisation or a super admin; another organisation's records
 * are "not found". Every id passed in is checked to belong to the organisation.
 */
import { Prisma, type PrismaClient } from "../generated/prisma/client.js";
import { PeriodKind, PetitionKind, Role } from "../generated/prisma/enums.js";
import { periodDates, savePeriod } from "../reporting/calendar.js";
import type { Clock } from "../shared/clock.js";
import { DomainError } from "../shared/errors.js";
import { normalizeDate } from "../shared/local-time.js";
import type { Tx, UpsertOutcome } from "../shared/types.js";
import { type Actor, requireOrgAdmin } from "./actor.js";
import { DirectoryService, type PersonView, type TopicView } from "./directory-service.js";
import { isEmail, isPhone } from "./import-schema.js";

export interface NewPerson {
  /** Stable code; generated (P001, P002...) when omitted. */
  code?: string;
  fullName: string;
  unitId?: number | null;
  positionId?: number | null;
  roles?: Role[];
  phone?: string | null;
  email?: string | null;
}

export interface PersonPatch {
  fullName?: string;
  unitId?: number | null;
  positionId?: number | null;
  phone?: string | null;
  email?: string | null;
  active?: boolean;
  /** 1 (Monday) .. 7 (Sunday); null turns the weekly digest off. */
  digestWeekday?: number | null;
}

export interface NewTopic {
  code?: string;
  name: string;
  nameEn?: string | null;
  requiresAddress?: boolean;
}

export interface NewRoutingRule {
  topicId?: number | null;
  kind?: PetitionKind | null;
  unitId?: number | null;
  personId?: number | null;
  priority?: number;
}

export interface RoutingRuleView {
  id: number;
  topic: { id: number; code: string; name: string } | null;
  kind: PetitionKind | null;
  unit: { id: number; code: string; name: string } | null;
  person: { id: number; code: string; fullName: string } | null;
  priority: number;
}

export interface CalendarDeadline {
  year: number;
  kind: PeriodKind;
  /** YYYY-MM-DD (2026.03.20 accepted). */
  deadline: string;
  /** YYYY-MM-DD; by default `reporting.opensDaysBefore` days before the deadline. */
  opens?: string | null;
}

const CODE_RE = /^[\p{L}\p{N}][\p{L}\p{N}._\-/]*$/u;

function text(value: string | undefined, field: string, max: number): string {
  const t = value?.trim() ?? "";
  if (t === "" || t.length > max) throw new DomainError("directory:errors.invalidField", { field });
  return t;
}

function optionalText(value: string | null | undefined, field: string, max: number): string | null {
  const t = value?.trim() ?? "";
  if (t.length > max) throw new DomainError("directory:errors.invalidField", { field });
  return t === "" ? null : t;
}

function code(value: string, field = "code"): string {
  const t = value.trim();
  if (!CODE_RE.test(t) || t.length > 64) throw new DomainError("directory:errors.invalidField", { field });
  return t;
}

function roles(list: readonly Role[]): Role[] {
  const all = Object.values(Role);
  if (list.some((r) => !all.includes(r)))
    throw new DomainError("directory:errors.invalidField", { field: "roles" });
  return all.filter((r) => list.includes(r));
}

function isUniqueViolation(err: unknown): boolean {
  return err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002";
}

export class DirectoryAdmin {
  private readonly prisma: PrismaClient;
  private readonly clock: Clock;

  constructor(deps: { prisma: PrismaClient; clock: Clock }) {
    this.prisma = deps.prisma;
    this.clock = deps.clock;
  }

  /** The person, if the actor may administer their organisation (else not found / forbidden). */
  private async personFor(tx: Tx, actor: Actor, personId: number) {
    const person = await tx.person.findUnique({ where: { id: personId } });
    if (!person) throw new DomainError("common:errors.notFound");
    requireOrgAdmin(actor, person.orgId);
    return person;
  }

  private async checkOrg(tx: Tx, actor: Actor, orgId: number) {
    requireOrgAdmin(actor, orgId);
    const org = await tx.organization.findUnique({ where: { id: orgId } });
    if (!org) throw new DomainError("common:errors.notFound");
    return org;
  }

  /** Unit, position, topic or person ids must be of the same organisation. */
  private async checkRefs(
    tx: Tx,
    orgId: number,
    refs: {
      unitId?: number | null;
      positionId?: number | null;
      topicId?: number | null;
      personId?: number | null;
    },
  ) {
    const checks: Promise<{ orgId: number } | null>[] = [];
    if (refs.unitId != null)
      checks.push(tx.unit.findUnique({ where: { id: refs.unitId }, select: { orgId: true } }));
    if (refs.positionId != null) {
      checks.push(tx.position.findUnique({ where: { id: refs.positionId }, select: { orgId: true } }));
    }
    if (refs.topicId != null) {
      checks.push(tx.petitionTopic.findUnique({ where: { id: refs.topicId }, select: { orgId: true } }));
    }
    if (refs.personId != null) {
      checks.push(tx.person.findUnique({ where: { id: refs.personId }, select: { orgId: true } }));
    }
    for (const row of await Promise.all(checks)) {
      if (!row || row.orgId !== orgId) throw new DomainError("common:errors.notFound");
    }
  }

  /** Refuses to leave an organisation without an active admin (super admins may). */
  private async keepAnAdmin(
    tx: Tx,
    actor: Actor,
    person: { id: number; orgId: number; roles: Role[]; active: boolean },
  ) {
    if (actor.superAdmin || !person.active || !person.roles.includes(Role.ORG_ADMIN)) return;
    const others = await tx.person.count({
      where: { orgId: person.orgId, active: true, roles: { has: Role.ORG_ADMIN }, id: { not: person.id } },
    });
    if (others === 0) throw new DomainError("directory:errors.lastAdmin");
  }

  private async view(tx: Tx, personId: number): Promise<PersonView> {
    return (await new DirectoryService({ prisma: tx }).person(personId))!;
  }

  async addPerson(actor: Actor, orgId: number, input: NewPerson): Promise<PersonView> {
    const data = {
      fullName: text(input.fullName, "fullName", 200),
      unitId: input.unitId ?? null,
      positionId: input.positionId ?? null,
      roles: roles(input.roles ?? [Role.OFFICIAL]),
      phone: optionalText(input.phone, "phone", 30),
      email: optionalText(input.email, "email", 200),
    };
    if (data.phone && !isPhone(data.phone))
      throw new DomainError("directory:errors.invalidField", { field: "phone" });
    if (data.email && !isEmail(data.email))
      throw new DomainError("directory:errors.invalidField", { field: "email" });
    const wanted = input.code === undefined ? undefined : code(input.code);
    try {
      return await this.prisma.$transaction(async (tx) => {
        await this.checkOrg(tx, actor, orgId);
        await this.checkRefs(tx, orgId, data);
        const personCode = wanted ?? (await this.nextPersonCode(tx, orgId));
        const person = await tx.person.create({ data: { orgId, code: personCode, ...data } });
        return this.view(tx, person.id);
      });
    } catch (err) {
      if (isUniqueViolation(err))
        throw new DomainError("directory:errors.duplicateCode", { code: wanted ?? "" });
      throw err;
    }
  }

  private async nextPersonCode(tx: Tx, orgId: number): Promise<string> {
    let n = (await tx.person.count({ where: { orgId } })) + 1;
    for (;;) {
      const candidate = `P${String(n).padStart(3, "0")}`;
      const taken = await tx.person.findUnique({
        where: { orgId_code: { orgId, code: candidate } },
        select: { id: true },
      });
      if (!taken) return candidate;
      n++;
    }
  }

  async updatePerson(actor: Actor, personId: number, patch: PersonPatch): Promise<PersonView> {
    const data: Prisma.PersonUncheckedUpdateInput = {};
    if (patch.fullName !== undefined) data.fullName = text(patch.fullName, "fullName", 200);
    if (patch.unitId !== undefined) data.unitId = patch.unitId;
    if (patch.positionId !== undefined) data.positionId = patch.positionId;
    if (patch.phone !== undefined) {
      const phone = optionalText(patch.phone, "phone", 30);
      if (phone && !isPhone(phone))
        throw new DomainError("directory:errors.invalidField", { field: "phone" });
      data.phone = phone;
    }
    if (patch.email !== undefined) {
      const email = optionalText(patch.email, "email", 200);
      if (email && !isEmail(email))
        throw new DomainError("directory:errors.invalidField", { field: "email" });
      data.email = email;
    }
    if (patch.active !== undefined) data.active = patch.active;
    if (patch.digestWeekday !== undefined) {
      const d = patch.digestWeekday;
      if (d !== null && !(Number.isInteger(d) && d >= 1 && d <= 7)) {
        throw new DomainError("directory:errors.invalidField", { field: "digestWeekday" });
      }
      data.digestWeekday = d;
    }
    return this.prisma.$transaction(async (tx) => {
      const person = await this.personFor(tx, actor, personId);
      await this.checkRefs(tx, person.orgId, { unitId: patch.unitId, positionId: patch.positionId });
      if (patch.active === false) await this.keepAnAdmin(tx, actor, person);
      await tx.person.update({ where: { id: personId }, data });
      return this.view(tx, personId);
    });
  }

  async setRoles(actor: Actor, personId: number, newRoles: readonly Role[]): Promise<PersonView> {
    const list = roles(newRoles);
    return this.prisma.$transaction(async (tx) => {
      const person = await this.personFor(tx, actor, personId);
      if (!list.includes(Role.ORG_ADMIN)) await this.keepAnAdmin(tx, actor, person);
      await tx.person.update({ where: { id: personId }, data: { roles: list } });
      return this.view(tx, personId);
    });
  }

  /** Disconnects the person's chat account (a lost phone, a wrong link); a new invite links again. */
  async unlinkAccount(actor: Actor, personId: number): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      await this.personFor(tx, actor, personId);
      await tx.user.updateMany({ where: { personId }, data: { personId: null } });
      await tx.invite.updateMany({
        where: { personId, usedAt: null, expiresAt: { gt: this.clock.now() } },
        data: { expiresAt: this.clock.now() },
      });
    });
  }

  async addTopic(actor: Actor, orgId: number, input: NewTopic): Promise<TopicView> {
    const name = text(input.name, "name", 200);
    const wanted = input.code === undefined ? undefined : code(input.code);
    try {
      return await this.prisma.$transaction(async (tx) => {
        await this.checkOrg(tx, actor, orgId);
        let topicCode = wanted;
        if (!topicCode) {
          let n = (await tx.petitionTopic.count({ where: { orgId } })) + 1;
          while (await tx.petitionTopic.findUnique({ where: { orgId_code: { orgId, code: `T${n}` } } })) n++;
          topicCode = `T${n}`;
        }
        return tx.petitionTopic.create({
          data: {
            orgId,
            code: topicCode,
            name,
            nameEn: optionalText(input.nameEn, "nameEn", 200),
            requiresAddress: input.requiresAddress ?? false,
          },
          select: { id: true, code: true, name: true, nameEn: true, requiresAddress: true },
        });
      });
    } catch (err) {
      if (isUniqueViolation(err))
        throw new DomainError("directory:errors.duplicateCode", { code: wanted ?? "" });
      throw err;
    }
  }

  async listRoutingRules(actor: Actor, orgId: number): Promise<RoutingRuleView[]> {
    requireOrgAdmin(actor, orgId);
    return this.prisma.routingRule.findMany({
      where: { orgId },
      select: {
        id: true,
        kind: true,
        priority: true,
        topic: { select: { id: true, code: true, name: true } },
        unit: { select: { id: true, code: true, name: true } },
        person: { select: { id: true, code: true, fullName: true } },
      },
      orderBy: [{ priority: "desc" }, { id: "asc" }],
    });
  }

  /**
   * Adds a routing rule: petitions of the topic and/or kind go to the unit or the person.
   * An existing rule for the same topic and kind is replaced (one rule per match).
   */
  async addRoutingRule(actor: Actor, orgId: number, input: NewRoutingRule): Promise<{ id: number }> {
    const topicId = input.topicId ?? null;
    const kind = input.kind ?? null;
    const unitId = input.unitId ?? null;
    const personId = input.personId ?? null;
    const priority = input.priority ?? 0;
    if (topicId === null && kind === null) throw new DomainError("directory:errors.routingMatch");
    if ((unitId === null) === (personId === null)) throw new DomainError("directory:errors.routingTarget");
    if (kind !== null && !Object.values(PetitionKind).includes(kind)) {
      throw new DomainError("directory:errors.invalidField", { field: "kind" });
    }
    if (!Number.isInteger(priority))
      throw new DomainError("directory:errors.invalidField", { field: "priority" });
    return this.prisma.$transaction(async (tx) => {
      await this.checkOrg(tx, actor, orgId);
      await this.checkRefs(tx, orgId, { topicId, unitId, personId });
      const existing = await tx.routingRule.findFirst({
        where: { orgId, topicId, kind },
        orderBy: { id: "asc" },
      });
      if (existing) {
        await tx.routingRule.update({ where: { id: existing.id }, data: { unitId, personId, priority } });
        return { id: existing.id };
      }
      const rule = await tx.routingRule.create({
        data: { orgId, topicId, kind, unitId, personId, priority },
      });
      return { id: rule.id };
    });
  }

  async removeRoutingRule(actor: Actor, ruleId: number): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const rule = await tx.routingRule.findUnique({ where: { id: ruleId }, select: { orgId: true } });
      if (!rule) throw new DomainError("common:errors.notFound");
      requireOrgAdmin(actor, rule.orgId);
      await tx.routingRule.delete({ where: { id: ruleId } });
    });
  }

  /** Sets a period's deadline (and opening day) in the reporting calendar. */
  async setCalendarDeadline(
    actor: Actor,
    orgId: number,
    input: CalendarDeadline,
  ): Promise<{ id: number; outcome: UpsertOutcome; opensAt: Date; deadline: Date }> {
    if (!Number.isInteger(input.year) || input.year < 2000 || input.year > 2100) {
      throw new DomainError("directory:errors.invalidField", { field: "year" });
    }
    if (!Object.values(PeriodKind).includes(input.kind)) {
      throw new DomainError("directory:errors.invalidField", { field: "period" });
    }
    const deadline = normalizeDate(input.deadline);
    if (!deadline) throw new DomainError("directory:errors.invalidDate", { value: input.deadline });
    const opens = input.opens ? normalizeDate(input.opens) : null;
    if (input.opens && !opens) throw new DomainError("directory:errors.invalidDate", { value: input.opens });
    return this.prisma.$transaction(async (tx) => {
      const org = await this.checkOrg(tx, actor, orgId);
      const period = { year: input.year, kind: input.kind, deadline, opens };
      const dates = periodDates(period, org);
      if (dates.opensAt > dates.deadline) throw new DomainError("directory:errors.opensAfterDeadline");
      const { period: row, outcome } = await savePeriod(tx, org, period);
      return { id: row.id, outcome, ...dates };
    });
  }
}
