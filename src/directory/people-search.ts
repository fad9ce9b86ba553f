/**
 * Finding people of one organisation by personnel code or part of the name, for admins
 * (invites) and clerks (assigning petitions). Scoped to the actor's organisation.
 */
import type { Tx } from "../shared/types.js";
import { type Actor, requireSameOrg } from "./actor.js";

export interface PersonMatch {
  id: number;
  code: string;
  fullName: string;
  unitName: string | null;
  active: boolean;
  linked: boolean;
}

/**
 * People of the organisation by personnel code (exact) or part of the name, active ones
 * first. Deactivated people only with `includeInactive` (admins reactivating someone).
 */
export async function searchPeople(
  tx: Tx,
  actor: Actor,
  orgId: number,
  query: string,
  options: { includeInactive?: boolean; limit?: number } = {},
): Promise<PersonMatch[]> {
  requireSameOrg(actor, orgId);
  const q = query.trim();
  if (!q) return [];
  const rows = await tx.person.findMany({
    where: {
      orgId,
      ...(options.includeInactive ? {} : { active: true }),
      OR: [{ code: { equals: q, mode: "insensitive" } }, { fullName: { contains: q, mode: "insensitive" } }],
    },
    select: {
      id: true,
      code: true,
      fullName: true,
      active: true,
      unit: { select: { name: true } },
      user: { select: { id: true } },
    },
    orderBy: [{ active: "desc" }, { fullName: "asc" }, { id: "asc" }],
    take: options.limit ?? 8,
  });
  return rows.map((r) => ({
    id: r.id,
    code: r.code,
    fullName: r.fullName,
    unitName: r.unit?.name ?? null,
    active: r.active,
    linked: r.user !== null,
  }));
}
