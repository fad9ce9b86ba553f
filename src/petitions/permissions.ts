/**
 * Who may see and do what with a petition. Every service method goes through these
 * rules; the staff card lists the actions they allow, so a keyboard shows only what the
 * service will accept (and the service still re-checks every press).
 *
 * Seeing: a clerk (PETITION_CLERK) and the organisation head (ORG_HEAD) see every petition
 * of their organisation; a unit head those of their unit (routed to it or assigned to one
 * of its people); an official those assigned to them. Nobody sees another organisation's
 * petitions: they are "not found", never "forbidden". A citizen sees only their own.
 */

import { type Actor, hasRole, isStaff } from "../directory/actor.js";
import type { Prisma } from "../generated/prisma/client.js";
import type { PetitionStatus, Role } from "../generated/prisma/enums.js";

export type StaffActor = Actor & { personId: number; orgId: number };

export const OPEN_STATUSES: PetitionStatus[] = ["REGISTERED", "ASSIGNED", "IN_PROGRESS", "ANSWER_REVIEW"];
export const CLOSED_STATUSES: PetitionStatus[] = ["ANSWERED", "FORWARDED", "WITHDRAWN"];
/** Statuses in which the assignee works on the petition. */
const WORKING: PetitionStatus[] = ["ASSIGNED", "IN_PROGRESS"];

export function isOpen(status: PetitionStatus): boolean {
  return OPEN_STATUSES.includes(status);
}

/** Clerks and the organisation head handle every petition of the organisation. */
export function seesWholeOrg(actor: Actor): boolean {
  return isStaff(actor) && hasRole(actor, "PETITION_CLERK", "ORG_HEAD");
}

/** Who reads the organisation's petition statistics: clerks, heads and the organisation admin. */
export const STATISTICS_ROLES: Role[] = ["PETITION_CLERK", "ORG_HEAD", "UNIT_HEAD", "ORG_ADMIN"];

export function maySeeStatistics(actor: Actor): boolean {
  return isStaff(actor) && hasRole(actor, ...STATISTICS_ROLES);
}

/** The petitions a staff member may see, as a Prisma filter; null when none. */
export function staffScope(actor: Actor): Prisma.PetitionWhereInput | null {
  if (!isStaff(actor)) return null;
  if (seesWholeOrg(actor)) return { orgId: actor.orgId };
  const or: Prisma.PetitionWhereInput[] = [{ assigneeId: actor.personId }];
  if (hasRole(actor, "UNIT_HEAD") && actor.unitId !== null) {
    or.push({ unitId: actor.unitId }, { assignee: { unitId: actor.unitId } });
  }
  return { orgId: actor.orgId, OR: or };
}

/** What the permission rules need to know about a petition. */
export interface PetitionFacts {
  orgId: number;
  status: PetitionStatus;
  assigneeId: number | null;
  unitId: number | null;
  /** Unit of the current assignee. */
  assigneeUnitId: number | null;
  extended: boolean;
  extensionRequestedDays: number | null;
  extensionRefused: boolean;
  citizenUserId: number | null;
}

export type StaffAction =
  | "assign"
  | "accept"
  | "return"
  | "forward"
  | "extend"
  | "decideExtension"
  | "ask"
  | "answer"
  | "reviewAnswer";

export const STAFF_ACTIONS: StaffAction[] = [
  "assign",
  "accept",
  "return",
  "forward",
  "extend",
  "decideExtension",
  "ask",
  "answer",
  "reviewAnswer",
];

function isAssignee(actor: Actor, p: PetitionFacts): boolean {
  return actor.personId !== null && p.assigneeId === actor.personId;
}

function inActorsUnit(actor: Actor, p: PetitionFacts): boolean {
  return (
    hasRole(actor, "UNIT_HEAD") &&
    actor.unitId !== null &&
    (p.unitId === actor.unitId || p.assigneeUnitId === actor.unitId)
  );
}

/**
 * The head who decides on the assignee's requests (extension, answer review): a head of
 * the assignee's unit or the organisation head, never the assignee themselves.
 */
export function isHeadFor(actor: Actor, p: PetitionFacts): boolean {
  if (!isStaff(actor) || actor.orgId !== p.orgId || isAssignee(actor, p)) return false;
  if (hasRole(actor, "ORG_HEAD")) return true;
  return hasRole(actor, "UNIT_HEAD") && actor.unitId !== null && actor.unitId === p.assigneeUnitId;
}

export function extensionPending(p: PetitionFacts): boolean {
  return p.extensionRequestedDays !== null && !p.extended && !p.extensionRefused;
}

/**
 * Why the actor may not take the action now (a locale key), or null when they may.
 * Assumes the petition is visible to the actor (checked when it was loaded).
 */
export function denyReason(actor: Actor, p: PetitionFacts, action: StaffAction): string | null {
  if (!isStaff(actor) || actor.orgId !== p.orgId) return "common:errors.notFound";
  if (CLOSED_STATUSES.includes(p.status)) return "petitions:errors.closed";
  switch (action) {
    case "assign":
      if (!seesWholeOrg(actor) && !inActorsUnit(actor, p)) return "common:errors.forbidden";
      if (p.status === "ANSWER_REVIEW") return "petitions:errors.inReview";
      return null;
    case "accept":
      if (!isAssignee(actor, p)) return "petitions:errors.notAssignee";
      if (p.status === "IN_PROGRESS") return "petitions:errors.alreadyAccepted";
      if (p.status !== "ASSIGNED") return "petitions:errors.invalidState";
      return null;
    case "forward":
      if (!isAssignee(actor, p) && !seesWholeOrg(actor)) return "petitions:errors.notAssignee";
      if (p.status === "ANSWER_REVIEW") return "petitions:errors.inReview";
      return null;
    case "return":
    case "ask":
    case "answer":
    case "extend":
      if (!isAssignee(actor, p)) return "petitions:errors.notAssignee";
      if (p.status === "ANSWER_REVIEW") return "petitions:errors.inReview";
      if (!WORKING.includes(p.status)) return "petitions:errors.invalidState";
      if (action === "ask" && p.citizenUserId === null) return "petitions:errors.noCitizenChat";
      if (action === "extend" && p.extensionRequestedDays !== null) {
        return "petitions:errors.extensionAlreadyRequested";
      }
      return null;
    case "decideExtension":
      if (!isHeadFor(actor, p)) return "petitions:errors.notHead";
      if (!extensionPending(p)) return "petitions:errors.noPendingExtension";
      return null;
    case "reviewAnswer":
      if (!isHeadFor(actor, p)) return "petitions:errors.notHead";
      if (p.status !== "ANSWER_REVIEW") return "petitions:errors.notInReview";
      return null;
  }
}

export function allowedActions(actor: Actor, p: PetitionFacts): StaffAction[] {
  return STAFF_ACTIONS.filter((a) => denyReason(actor, p, a) === null);
}
