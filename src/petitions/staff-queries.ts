/**
 * Read-only questions the staff screens ask before acting, built on the same permission
 * rules as PetitionService (./permissions.ts), so a dialogue never asks for a reason the
 * service would then refuse. The service re-checks everything when the action is taken.
 */
import { type Actor, hasRole } from "../directory/actor.js";
import type { PetitionStatus } from "../generated/prisma/enums.js";
import type { Tx } from "../shared/types.js";
import { DomainError } from "../shared/errors.js";
import { denyReason, isOpen, type StaffAction, seesWholeOrg, staffScope } from "./permissions.js";
import { extensionRefusal } from "./deadlines.js";
import { FACTS_INCLUDE, factsOf } from "./views.js";

const MAX_ID = 2_147_483_647;
const isId = (id: unknown): id is number =>
  Number.isInteger(id) && (id as number) > 0 && (id as number) <= MAX_ID;

/**
 * Throws the reason (a DomainError with a locale key) when the actor may not take the
 * action on the petition now; returns its number when they may. With `now`, the terms
 * are checked too (an overdue petition cannot be extended).
 */
export async function checkStaffAction(
  tx: Tx,
  actor: Actor,
  petitionId: number,
  action: StaffAction,
  now?: Date,
): Promise<{ id: number; number: string }> {
  const scope = staffScope(actor);
  if (!scope || !isId(petitionId)) throw new DomainError("common:errors.notFound");
  const p = await tx.petition.findFirst({
    where: { AND: [{ id: petitionId }, scope] },
    include: FACTS_INCLUDE,
  });
  if (!p) throw new DomainError("common:errors.notFound");
  const deny = denyReason(actor, factsOf(p), action);
  if (deny) throw new DomainError(deny);
  const late = action === "extend" && now ? extensionRefusal(p.dueAt, now) : null;
  if (late) throw new DomainError(late, { number: p.number });
  return { id: p.id, number: p.number };
}

/** Where a petition stands for someone about to assign it: its number, status and current assignee. */
export interface AssignmentState {
  id: number;
  number: string;
  status: PetitionStatus;
  assignee: { id: number; fullName: string } | null;
}

/**
 * Re-checks a petition before an Assign button is acted on (the button may be days old):
 * refused as `checkStaffAction` refuses, otherwise its state now, so the screen can say
 * that it is already assigned (to whom, in what state) instead of offering to assign it.
 */
export async function assignmentState(tx: Tx, actor: Actor, petitionId: number): Promise<AssignmentState> {
  const { id } = await checkStaffAction(tx, actor, petitionId, "assign");
  const p = await tx.petition.findUniqueOrThrow({
    where: { id },
    select: { id: true, number: true, status: true, assignee: { select: { id: true, fullName: true } } },
  });
  return { id: p.id, number: p.number, status: p.status, assignee: p.assignee };
}

export interface Candidate {
  id: number;
  fullName: string;
  unitName: string | null;
}

/**
 * People to suggest when assigning a petition: the active members of the unit it was
 * routed to (a unit head: of their own unit), without the current assignee. Others are
 * found by name or code (src/directory/people-search.ts).
 */
export async function assignmentCandidates(tx: Tx, actor: Actor, petitionId: number): Promise<Candidate[]> {
  const scope = staffScope(actor);
  if (!scope || !isId(petitionId)) throw new DomainError("common:errors.notFound");
  const p = await tx.petition.findFirst({
    where: { AND: [{ id: petitionId }, scope] },
    select: { id: true, orgId: true, unitId: true, assigneeId: true, status: true },
  });
  if (!p || !isOpen(p.status)) return [];
  const unitId = seesWholeOrg(actor) ? p.unitId : hasRole(actor, "UNIT_HEAD") ? actor.unitId : null;
  if (unitId === null) return [];
  const people = await tx.person.findMany({
    where: {
      orgId: p.orgId,
      unitId,
      active: true,
      ...(p.assigneeId !== null ? { id: { not: p.assigneeId } } : {}),
    },
    select: { id: true, fullName: true, unit: { select: { name: true } } },
    orderBy: [{ fullName: "asc" }, { id: "asc" }],
    take: 12,
  });
  return people.map((x) => ({ id: x.id, fullName: x.fullName, unitName: x.unit?.name ?? null }));
}

/** Names of people of the actor's organisation by id (for history lines such as "assigned to"). */
export async function peopleNames(tx: Tx, actor: Actor, ids: number[]): Promise<Record<number, string>> {
  const wanted = [...new Set(ids.filter(isId))];
  if (wanted.length === 0 || actor.orgId === null) return {};
  const rows = await tx.person.findMany({
    where: { id: { in: wanted }, orgId: actor.orgId },
    select: { id: true, fullName: true },
  });
  return Object.fromEntries(rows.map((r) => [r.id, r.fullName]));
}
