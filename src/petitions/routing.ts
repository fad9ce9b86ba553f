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
import { sqlFor } from "../db/direct.js";
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
  | { type: "unit"; ruleId: number; unitId: number; unitName: string }
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

/** A rule with what its target is now (read in the same statement). */
interface RuleRow extends RuleLike {
  personOrgId: number | null;
  personActive: boolean | null;
  personUnitId: number | null;
  unitOrgId: number | null;
  unitName: string | null;
}

/** Ids taken for a registration's rows before they are written (see `routeAndReserve`). */
export interface ReservedIds {
  petitionId: number;
  /** Its first history entries, in order (REGISTERED, then ASSIGNED or ROUTED). */
  eventIds: [number, number];
}

/**
 * Decides where a new petition of the organisation goes, and takes the ids of the rows its
 * registration writes (the petition and its first two history entries), in one statement:
 * the messages the registration enqueues carry those ids, so everything it writes can go
 * in one statement after it (petition-register.ts). An id taken by a registration that
 * then fails is not used again; ids have gaps anyway (registration numbers do not).
 */
export async function routeAndReserve(
  tx: Tx,
  orgId: number,
  petition: { topicId: number | null; kind: PetitionKind },
): Promise<{ route: RouteTarget; ids: ReservedIds }> {
  const [row] = await sqlFor(tx).query<{ petitionId: number; e1: number; e2: number; rules: RuleRow[] }>(
    `SELECT nextval(pg_get_serial_sequence('"Petition"', 'id'))::int AS "petitionId",
       nextval(pg_get_serial_sequence('"PetitionEvent"', 'id'))::int AS e1,
       nextval(pg_get_serial_sequence('"PetitionEvent"', 'id'))::int AS e2,
       (SELECT COALESCE(json_agg(json_build_object(
          'id', r.id, 'topicId', r."topicId", 'kind', r.kind, 'unitId', r."unitId", 'personId', r."personId",
          'priority', r.priority, 'personOrgId', pe."orgId", 'personActive', pe.active,
          'personUnitId', pe."unitId", 'unitOrgId', un."orgId", 'unitName', un.name)), '[]'::json)
        FROM "RoutingRule" r
        LEFT JOIN "Person" pe ON pe.id = r."personId"
        LEFT JOIN "Unit" un ON un.id = r."unitId"
        WHERE r."orgId" = $1::int) AS rules`,
    [orgId],
  );
  if (!row) throw new Error("routing read returned no row");
  const [first, second] = [Number(row.e1), Number(row.e2)].sort((a, b) => a - b) as [number, number];
  return {
    route: routeBy(row.rules, orgId, petition),
    ids: { petitionId: Number(row.petitionId), eventIds: [first, second] },
  };
}

function routeBy(
  rules: RuleRow[],
  orgId: number,
  petition: { topicId: number | null; kind: PetitionKind },
): RouteTarget {
  for (const rule of matchingRules(rules, petition)) {
    if (rule.personId !== null) {
      if (rule.personOrgId === orgId && rule.personActive === true) {
        return { type: "person", ruleId: rule.id, personId: rule.personId, unitId: rule.personUnitId };
      }
      continue;
    }
    if (rule.unitId !== null && rule.unitOrgId === orgId) {
      return { type: "unit", ruleId: rule.id, unitId: rule.unitId, unitName: rule.unitName ?? "" };
    }
  }
  return { type: "queue" };
}
