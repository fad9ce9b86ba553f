/**
 * Who may see and decide on an official's plan and reports.
 *
 * - The official: their own plan and reports.
 * - The reviewer: the official's head (src/directory/heads.ts: the UNIT_HEAD of the
 *   official's unit; when the unit has no other head, the head of the parent unit, and so on
 *   up; at the top the organisation's head, ORG_HEAD). The ORG_HEAD may always act as reviewer.
 *   Reviewers approve and return plans and reports, and rate reports.
 * - The evaluation team (EVALUATION_TEAM): reads every plan and report of the organisation
 *   and rates half-year and annual reports (seed 003).
 * - The organisation admin (ORG_ADMIN): imports and reads plans (not reports).
 * Staff of another organisation get "not found"; staff of the same organisation without the
 * right get "forbidden".
 */
import { type Actor, hasRole, isStaff, requireSameOrg } from "../directory/actor.js";
import { headsOf } from "../directory/heads.js";
import type { Role } from "../generated/prisma/enums.js";
import { DomainError } from "../shared/errors.js";
import type { Tx } from "../shared/types.js";

export interface PersonInfo {
  id: number;
  orgId: number;
  code: string;
  fullName: string;
  unitId: number | null;
  unitName: string | null;
  positionTitle: string | null;
  roles: Role[];
  active: boolean;
}

export interface PersonBrief {
  id: number;
  fullName: string;
  positionTitle: string | null;
}

export async function loadPerson(tx: Tx, personId: number): Promise<PersonInfo | null> {
  const p = await tx.person.findUnique({
    where: { id: personId },
    include: { unit: { select: { name: true } }, position: { select: { title: true } } },
  });
  if (!p) return null;
  return {
    id: p.id,
    orgId: p.orgId,
    code: p.code,
    fullName: p.fullName,
    unitId: p.unitId,
    unitName: p.unit?.name ?? null,
    positionTitle: p.position?.title ?? null,
    roles: p.roles,
    active: p.active,
  };
}

/** The heads who review `person`'s plan and reports: their heads (src/directory/heads.ts). */
export async function reviewersOf(
  tx: Tx,
  person: { id: number; orgId: number; unitId: number | null },
): Promise<PersonBrief[]> {
  const ids = await headsOf(tx, person);
  if (ids.length === 0) return [];
  const rows = await tx.person.findMany({
    where: { id: { in: ids } },
    select: { id: true, fullName: true, position: { select: { title: true } } },
    orderBy: { id: "asc" },
  });
  return rows.map((r) => ({ id: r.id, fullName: r.fullName, positionTitle: r.position?.title ?? null }));
}

export interface Access {
  person: PersonInfo;
  /** The actor is the official. */
  self: boolean;
  /** The actor reviews the official (their head, the fallback head, or the ORG_HEAD). */
  reviewer: boolean;
  /** The actor is on the evaluation team (and not the official). */
  evaluation: boolean;
  /** The actor administers the organisation (or the deployment). */
  admin: boolean;
}

export function notFound(): DomainError {
  return new DomainError("common:errors.notFound");
}

export function forbidden(): DomainError {
  return new DomainError("common:errors.forbidden");
}

/** Staff (or a super admin): anyone else is refused. */
export function requireStaffOrAdmin(actor: Actor): void {
  if (!isStaff(actor) && !actor.superAdmin) throw forbidden();
}

/** What the actor may do about a person's plan and reports; "not found" across organisations. */
export async function accessTo(tx: Tx, actor: Actor, personId: number): Promise<Access> {
  requireStaffOrAdmin(actor);
  const person = await loadPerson(tx, personId);
  if (!person) throw notFound();
  requireSameOrg(actor, person.orgId);
  const self = actor.personId === person.id;
  let reviewer = false;
  if (!self && actor.personId !== null) {
    reviewer =
      hasRole(actor, "ORG_HEAD") || (await reviewersOf(tx, person)).some((r) => r.id === actor.personId);
  }
  return {
    person,
    self,
    reviewer,
    evaluation: !self && actor.personId !== null && hasRole(actor, "EVALUATION_TEAM"),
    admin: actor.superAdmin || hasRole(actor, "ORG_ADMIN"),
  };
}

/**
 * Throws unless the actor may read the person's reports: the official themself (known
 * without a read), their reviewers, the evaluation team.
 */
export async function checkReadAccess(tx: Tx, actor: Actor, personId: number): Promise<void> {
  if (isStaff(actor) && actor.personId === personId) return;
  const a = await accessTo(tx, actor, personId);
  check(a.self || a.reviewer || a.evaluation);
}

/** Throws "forbidden" unless `allowed`. */
export function check(allowed: boolean): void {
  if (!allowed) throw forbidden();
}

/** The organisation the actor works in (super admins must name one). */
export function actorOrg(actor: Actor): number {
  if (actor.orgId === null) throw forbidden();
  return actor.orgId;
}
