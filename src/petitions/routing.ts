/**
 * Routing of a newly registered petition by the organisation's rules.
 *
 * Rules are tried by priority (higher first), then by specificity (topic and kind >
 * topic > kind > a catch-all rule with neither), then by id. The first rule whose topic
 * and kind match (an empty field matches anything) and whose target is usable wins:
 * - a rule to a person (an active member of the organisation) assigns the petition to
 *   that person directly: status ASSIGNED;
 * - a rule to a unit puts the petition in that unit's tray: it stays REGISTERED with the
 *   unit set and no assignee; the unit's heads are told and distribute it to one of their
 *   officials (the clerk sees it in the queue too, with the unit suggested, and may assign it);
 * - no rule matches: the clerks' queue (REGISTERED, no unit, no assignee).
 * A rule whose person is inactive or whose unit belongs to another organisation is skipped.
 */
import type { PetitionKind } from "../generated/prisma/enums.js";
import type { Tx } from "../shared/types.js";

export interface RuleLike {
  id: number;
  topicId: number | null;
  kind: PetitionKind | null;
  unitId: number | null;
  personId: number | null;
  priority: number;
}

export type RouteTarget =
  | { type: "person"; ruleId: number; personId: number; unitId: number | null }
  | { type: "unit"; ruleId: number; unitId: number }
  | { type: "queue" };

export function specificity(rule: Pick<RuleLike, "topicId" | "kind">): number {
  return (rule.topicId !== null ? 2 : 0) + (rule.kind !== null ? 1 : 0);
}

/** The rules that match a petition, best first. */
export function matchingRules<R extends RuleLike>(
  rules: R[],
  petition: { topicId: number | null; kind: PetitionKind },
): R[] {
  return rules
    .filter(
      (r) =>
        (r.topicId === null || r.topicId === petition.topicId) &&
        (r.kind === null || r.kind === petition.kind) &&
        (r.unitId !== null || r.personId !== null),
    )
    .sort((a, b) => b.priority - a.priority || specificity(b) - specificity(a) || a.id - b.id);
}

/** Decides where a new petition of the organisation goes. */
export async function routePetition(
  tx: Tx,
  orgId: number,
  petition: { topicId: number | null; kind: PetitionKind },
): Promise<RouteTarget> {
  const rules = await tx.routingRule.findMany({
    where: { orgId },
    include: {
      person: { select: { id: true, orgId: true, active: true, unitId: true } },
      unit: { select: { id: true, orgId: true } },
    },
  });
  for (const rule of matchingRules(rules, petition)) {
    if (rule.personId !== null) {
      const p = rule.person;
      if (p && p.orgId === orgId && p.active) {
        return { type: "person", ruleId: rule.id, personId: p.id, unitId: p.unitId };
      }
      continue;
    }
    if (rule.unit && rule.unit.orgId === orgId) {
      return { type: "unit", ruleId: rule.id, unitId: rule.unit.id };
    }
  }
  return { type: "queue" };
}
