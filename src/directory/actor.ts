import type { Role } from "../generated/prisma/enums.js";
import { DomainError } from "../shared/errors.js";

/**
 * Who is acting. Built once per update from the chat user and their directory record;
 * every service call that needs permissions takes one and checks it itself.
 */
export interface Actor {
  userId: number;
  personId: number | null;
  orgId: number | null;
  unitId: number | null;
  roles: readonly Role[];
  /** Listed in ADMIN_TELEGRAM_IDS: may administer every organisation of the deployment. */
  superAdmin: boolean;
}

export function hasRole(actor: Actor, ...roles: Role[]): boolean {
  return roles.some((r) => actor.roles.includes(r));
}

export function isStaff(actor: Actor): actor is Actor & { personId: number; orgId: number } {
  return actor.personId !== null && actor.orgId !== null;
}

/** Throws the common "not allowed" error unless the actor is staff with one of the roles. */
export function requireRole(
  actor: Actor,
  ...roles: Role[]
): asserts actor is Actor & { personId: number; orgId: number } {
  if (!isStaff(actor) || (roles.length > 0 && !hasRole(actor, ...roles))) {
    throw new DomainError("common:errors.forbidden");
  }
}

/** Staff may only touch their own organisation's data (super admins any). */
export function requireSameOrg(actor: Actor, orgId: number): void {
  if (actor.superAdmin) return;
  if (actor.orgId !== orgId) throw new DomainError("common:errors.notFound");
}

/**
 * Directory administration: an ORG_ADMIN of that organisation, or a super admin. Another
 * organisation's data is "not found" (its existence is not revealed).
 */
export function requireOrgAdmin(actor: Actor, orgId: number): void {
  if (actor.superAdmin) return;
  requireRole(actor, "ORG_ADMIN");
  requireSameOrg(actor, orgId);
}
