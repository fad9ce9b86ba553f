/**
 * Reading petitions: the citizen's list and card, the staff's lists (own, organisation,
 * clerks' queue, unit), search, the staff card, and the statistics (internal and public).
 */

import { type Actor, requireRole } from "../directory/actor.js";
import { getOrgSettings, parseOrgSettings } from "../directory/settings.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import type { Clock } from "../shared/clock.js";
import { DomainError } from "../shared/errors.js";
import { OPEN_STATUSES, STATISTICS_ROLES, staffScope } from "./permissions.js";
import { type PetitionStatistics, type StatisticsRange, statisticsFor } from "./statistics.js";
import type {
  AssigneeFilter,
  CitizenPetitionCard,
  CitizenPetitionSummary,
  StaffPetitionCard,
  StaffPetitionSummary,
} from "./types.js";
import { validatePhone } from "./validation.js";
import {
  CARD_INCLUDE,
  CITIZEN_SUMMARY_INCLUDE,
  citizenCard,
  citizenSummary,
  SUMMARY_INCLUDE,
  staffCard,
  staffSummary,
} from "./views.js";
import { isId, notFound, PetitionTx } from "./petition-tx.js";

const SEARCH_LIMIT = 30;

export class PetitionQueries {
  private readonly prisma: PrismaClient;
  private readonly clock: Clock;
  private readonly core: PetitionTx;

  constructor(core: PetitionTx) {
    this.core = core;
    this.prisma = core.prisma;
    this.clock = core.clock;
  }

  // ───────────────────────────── citizen views ─────────────────────────────

  /** The citizen's petitions, newest first. */
  async listForCitizen(userId: number): Promise<CitizenPetitionSummary[]> {
    if (!isId(userId)) return [];
    const rows = await this.prisma.petition.findMany({
      where: { citizenUserId: userId },
      include: CITIZEN_SUMMARY_INCLUDE,
      orderBy: [{ receivedAt: "desc" }, { id: "desc" }],
    });
    return rows.map(citizenSummary);
  }

  /** One of the citizen's petitions with its history in plain words (no staff names). */
  async cardForCitizen(userId: number, petitionId: number): Promise<CitizenPetitionCard> {
    if (!isId(userId) || !isId(petitionId)) throw notFound();
    const p = await this.prisma.petition.findFirst({
      where: { id: petitionId, citizenUserId: userId },
      include: CARD_INCLUDE,
    });
    if (!p) throw notFound();
    return citizenCard(p);
  }

  // ───────────────────────────── staff views ─────────────────────────────

  /** The actor's own petitions: all open ones, those due within `dueSoonDays`, or overdue ones. */
  async listForAssignee(actor: Actor, filter: AssigneeFilter = "open"): Promise<StaffPetitionSummary[]> {
    requireRole(actor);
    return this.listOpen(actor.orgId, { assigneeId: actor.personId }, filter);
  }

  /**
   * Every open petition of the actor's organisation (clerks and the organisation head):
   * what is under control, due soon or overdue.
   */
  async listForOrg(actor: Actor, filter: AssigneeFilter = "open"): Promise<StaffPetitionSummary[]> {
    requireRole(actor, "PETITION_CLERK", "ORG_HEAD");
    return this.listOpen(actor.orgId, {}, filter);
  }

  private async listOpen(
    orgId: number,
    where: { assigneeId?: number },
    filter: AssigneeFilter,
  ): Promise<StaffPetitionSummary[]> {
    const now = this.clock.now();
    const dueAt = await this.dueWindow(orgId, filter, now);
    const rows = await this.prisma.petition.findMany({
      where: {
        orgId,
        ...where,
        status: { in: where.assigneeId ? ["ASSIGNED", "IN_PROGRESS", "ANSWER_REVIEW"] : OPEN_STATUSES },
        ...(dueAt ? { dueAt } : {}),
      },
      include: SUMMARY_INCLUDE,
      orderBy: [{ dueAt: "asc" }, { id: "asc" }],
    });
    return rows.map((r) => staffSummary(r, now));
  }

  /**
   * The clerks' queue: registered petitions nobody is assigned to yet (new, routed to a
   * unit but not distributed, or returned), oldest due first.
   */
  async clerkQueue(actor: Actor): Promise<StaffPetitionSummary[]> {
    requireRole(actor, "PETITION_CLERK", "ORG_HEAD");
    const now = this.clock.now();
    const rows = await this.prisma.petition.findMany({
      where: { orgId: actor.orgId, status: "REGISTERED", assigneeId: null },
      include: SUMMARY_INCLUDE,
      orderBy: [{ dueAt: "asc" }, { id: "asc" }],
    });
    return rows.map((r) => staffSummary(r, now));
  }

  /** The due-date condition of a list filter. */
  private async dueWindow(
    orgId: number,
    filter: AssigneeFilter,
    now: Date,
  ): Promise<{ lt: Date } | { gte: Date; lte: Date } | undefined> {
    if (filter === "overdue") return { lt: now };
    if (filter === "dueSoon" || filter === "dueThisWeek") {
      const days =
        filter === "dueThisWeek" ? 7 : (await getOrgSettings(this.prisma, orgId)).petitions.dueSoonDays;
      return { gte: now, lte: new Date(now.getTime() + days * 86_400_000) };
    }
    return undefined;
  }

  /** A unit head's open petitions: routed to the unit or assigned to its people. */
  async listForUnitHead(actor: Actor, filter: AssigneeFilter = "open"): Promise<StaffPetitionSummary[]> {
    requireRole(actor, "UNIT_HEAD");
    if (actor.unitId === null) return [];
    const now = this.clock.now();
    const dueAt = await this.dueWindow(actor.orgId, filter, now);
    const rows = await this.prisma.petition.findMany({
      where: {
        orgId: actor.orgId,
        status: { in: ["REGISTERED", "ASSIGNED", "IN_PROGRESS", "ANSWER_REVIEW"] },
        OR: [{ unitId: actor.unitId }, { assignee: { unitId: actor.unitId } }],
        ...(dueAt ? { dueAt } : {}),
      },
      include: SUMMARY_INCLUDE,
      orderBy: [{ dueAt: "asc" }, { id: "asc" }],
    });
    return rows.map((r) => staffSummary(r, now));
  }

  /**
   * Finds petitions the actor may see by registration number (whole or part),
   * petitioner's name (part) or phone (any way it is written, or 4+ of its digits).
   */
  async search(actor: Actor, query: string): Promise<StaffPetitionSummary[]> {
    const scope = staffScope(actor);
    if (!scope) throw new DomainError("common:errors.forbidden");
    const q = (typeof query === "string" ? query : "").replace(/\s+/g, " ").trim().slice(0, 100);
    if (q.length === 0) return [];
    const or: Record<string, unknown>[] = [
      { number: { contains: q, mode: "insensitive" } },
      { anonymous: false, petitionerName: { contains: q, mode: "insensitive" } },
    ];
    const phone = validatePhone(q);
    if (phone.ok) or.push({ phone: phone.value });
    else {
      const digits = q.replace(/\D/g, "");
      if (digits.length >= 4 && digits.length === q.replace(/[\s\-+().]/g, "").length) {
        or.push({ phone: { contains: digits } });
      }
    }
    const now = this.clock.now();
    const rows = await this.prisma.petition.findMany({
      where: { AND: [scope, { OR: or }] },
      include: SUMMARY_INCLUDE,
      orderBy: [{ receivedAt: "desc" }, { id: "desc" }],
      take: SEARCH_LIMIT,
    });
    return rows.map((r) => staffSummary(r, now));
  }

  /** The full petition for staff: petitioner, files, history with names and notes, allowed actions. */
  async cardForStaff(actor: Actor, petitionId: number): Promise<StaffPetitionCard> {
    const scope = staffScope(actor);
    if (!scope || !isId(petitionId)) throw notFound();
    const p = await this.prisma.petition.findFirst({
      where: { AND: [{ id: petitionId }, scope] },
      include: CARD_INCLUDE,
    });
    if (!p) throw notFound();
    const settings = parseOrgSettings(p.org.settings);
    return staffCard(p, actor, this.clock.now(), this.core.forwardBy(p, settings));
  }

  // ───────────────────────────── statistics ─────────────────────────────

  /**
   * Petition statistics of an organisation for a range of receipt dates (see
   * ./statistics.ts). Clerks, the organisation head, unit heads and admins of the
   * organisation (and super admins) may read them.
   */
  async statistics(actor: Actor, input: { orgId: number } & StatisticsRange): Promise<PetitionStatistics> {
    if (!actor.superAdmin) {
      requireRole(actor, ...STATISTICS_ROLES);
      if (actor.orgId !== input.orgId) throw notFound();
    }
    await this.core.findOrg(this.prisma, input.orgId);
    return statisticsFor(this.prisma, input.orgId, input, this.clock.now());
  }

  /**
   * The same figures for publication: counts and averages only, no personal data and no
   * free text. No permission needed.
   */
  async publicSummary(
    orgId: number,
    range: StatisticsRange,
  ): Promise<PetitionStatistics & { org: { name: string; nameEn: string | null } }> {
    const org = await this.core.findOrg(this.prisma, orgId);
    const stats = await statisticsFor(this.prisma, orgId, range, this.clock.now());
    return { ...stats, org: { name: org.name, nameEn: org.nameEn } };
  }
}
