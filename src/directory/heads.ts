/**
 * Who heads whom. A person's heads are the active unit heads (UNIT_HEAD) of their unit;
 * when the unit has none (or the person is its only head), those of the parent unit, and so
 * on up the tree; at the top, the organisation's active heads (ORG_HEAD). Nobody is their
 * own head. A linked chat account is not needed: whoever sends a message skips people who
 * cannot be reached. Ids come in id order; empty only when nobody qualifies.
 *
 * `loadHeadIndex` reads an organisation's units and heads once (two queries), so a job over
 * thousands of people resolves every head in memory; `headsOf` and `unitHeads` answer for
 * one person or one unit with the same index.
 */
import type { Tx } from "../shared/types.js";

export interface HeadIndex {
  /** Active people with the ORG_HEAD role. */
  orgHeads: number[];
  /** Active petition clerks. */
  clerks: number[];
  /** Active unit heads by unit. */
  unitHeads: Map<number, number[]>;
  /** The heads of a person (empty when there is nobody above them). */
  headsOf(person: { id: number; unitId: number | null }): number[];
  /**
   * The heads responsible for a unit (its own heads, else up the tree, else the organisation
   * head), leaving out `exclude`.
   */
  headsOfUnit(unitId: number | null, exclude?: number | null): number[];
}

export async function loadHeadIndex(tx: Tx, orgId: number): Promise<HeadIndex> {
  const units = await tx.unit.findMany({ where: { orgId }, select: { id: true, parentId: true } });
  const people = await tx.person.findMany({
    where: { orgId, active: true, roles: { hasSome: ["UNIT_HEAD", "ORG_HEAD", "PETITION_CLERK"] } },
    select: { id: true, unitId: true, roles: true },
    orderBy: { id: "asc" },
  });
  const parent = new Map(units.map((u) => [u.id, u.parentId]));
  const unitHeads = new Map<number, number[]>();
  const orgHeads: number[] = [];
  const clerks: number[] = [];
  for (const p of people) {
    if (p.roles.includes("UNIT_HEAD") && p.unitId !== null) {
      const list = unitHeads.get(p.unitId) ?? [];
      list.push(p.id);
      unitHeads.set(p.unitId, list);
    }
    if (p.roles.includes("ORG_HEAD")) orgHeads.push(p.id);
    if (p.roles.includes("PETITION_CLERK")) clerks.push(p.id);
  }

  const resolve = (unitId: number | null, exclude: number | null): number[] => {
    const seen = new Set<number>();
    let u = unitId;
    while (u !== null && u !== undefined && !seen.has(u)) {
      seen.add(u);
      const heads = (unitHeads.get(u) ?? []).filter((id) => id !== exclude);
      if (heads.length > 0) return heads;
      u = parent.get(u) ?? null;
    }
    return orgHeads.filter((id) => id !== exclude);
  };

  return {
    orgHeads,
    clerks,
    unitHeads,
    headsOf: (person) => resolve(person.unitId, person.id),
    headsOfUnit: (unitId, exclude = null) => resolve(unitId, exclude),
  };
}

/** The heads of one person (see the rule at the top). */
export async function headsOf(
  tx: Tx,
  person: { id: number; orgId: number; unitId: number | null },
): Promise<number[]> {
  return (await loadHeadIndex(tx, person.orgId)).headsOf(person);
}

/** The heads responsible for one unit, leaving out `exclude`; empty for an unknown unit. */
export async function unitHeads(tx: Tx, unitId: number, exclude?: number): Promise<number[]> {
  const unit = await tx.unit.findUnique({ where: { id: unitId }, select: { orgId: true } });
  if (!unit) return [];
  return (await loadHeadIndex(tx, unit.orgId)).headsOfUnit(unitId, exclude);
}
