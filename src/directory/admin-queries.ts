/**
 * What the organisation settings screens read: the organisation's overview, people found
 * by code or name (deactivated ones too, so they can be reactivated), a person's card,
 * units, positions, topics, one routing rule and the year's reporting calendar. Each query
 * checks first that the actor administers the organisation (ORG_ADMIN of it, or a super
 * admin); another organisation's records are "not found". The edits themselves go through
 * DirectoryAdmin, which checks again.
 */
import { type Actor, requireOrgAdmin } from "./actor.js";
import type { RoutingRuleView } from "./directory-admin.js";
import { DirectoryService, type PersonView, type TopicView, type UnitView } from "./directory-service.js";
import { type PersonMatch, searchPeople } from "./people-search.js";
import { parseOrgSettings } from "./settings.js";
import type { PeriodKind } from "../generated/prisma/enums.js";
import { PERIOD_KINDS, periodDates } from "../reporting/calendar.js";
import { DomainError } from "../shared/errors.js";
import { localYear } from "../shared/local-time.js";
import type { Tx } from "../shared/types.js";

export interface OrgOverview {
  id: number;
  slug: string;
  name: string;
  timezone: string;
  units: number;
  people: number;
  inactive: number;
  topics: number;
  rules: number;
}

export async function orgOverview(tx: Tx, actor: Actor, orgId: number): Promise<OrgOverview> {
  requireOrgAdmin(actor, orgId);
  const org = await tx.organization.findUnique({ where: { id: orgId } });
  if (!org) throw new DomainError("common:errors.notFound");
  const [units, people, inactive, topics, rules] = await Promise.all([
    tx.unit.count({ where: { orgId } }),
    tx.person.count({ where: { orgId, active: true } }),
    tx.person.count({ where: { orgId, active: false } }),
    tx.petitionTopic.count({ where: { orgId, active: true } }),
    tx.routingRule.count({ where: { orgId } }),
  ]);
  return {
    id: org.id,
    slug: org.slug,
    name: org.name,
    timezone: org.timezone,
    units,
    people,
    inactive,
    topics,
    rules,
  };
}

/** Every organisation of the deployment, for a super admin to pick one. */
export async function organizationsToAdminister(
  tx: Tx,
  actor: Actor,
): Promise<{ id: number; slug: string; name: string }[]> {
  if (!actor.superAdmin) throw new DomainError("common:errors.forbidden");
  return tx.organization.findMany({
    select: { id: true, slug: true, name: true },
    orderBy: [{ name: "asc" }, { id: "asc" }],
  });
}

export type AdminPersonMatch = PersonMatch;

/** For admins: deactivated people too (to reactivate them), active ones first. */
export async function findPeople(
  tx: Tx,
  actor: Actor,
  orgId: number,
  query: string,
  options: { activeOnly?: boolean; limit?: number } = {},
): Promise<AdminPersonMatch[]> {
  requireOrgAdmin(actor, orgId);
  return searchPeople(tx, actor, orgId, query, {
    includeInactive: !options.activeOnly,
    limit: options.limit ?? 10,
  });
}

export async function personCard(tx: Tx, actor: Actor, personId: number): Promise<PersonView> {
  const person = await new DirectoryService({ prisma: tx }).person(personId);
  if (!person) throw new DomainError("common:errors.notFound");
  requireOrgAdmin(actor, person.orgId);
  return person;
}

export async function unitsOf(tx: Tx, actor: Actor, orgId: number): Promise<UnitView[]> {
  requireOrgAdmin(actor, orgId);
  return new DirectoryService({ prisma: tx }).listUnits(orgId);
}

/** Positions of a unit, and those of no unit. */
export async function positionsOf(
  tx: Tx,
  actor: Actor,
  orgId: number,
  unitId: number | null,
): Promise<{ id: number; code: string; title: string }[]> {
  requireOrgAdmin(actor, orgId);
  return tx.position.findMany({
    where: { orgId, OR: [{ unitId: null }, ...(unitId !== null ? [{ unitId }] : [])] },
    select: { id: true, code: true, title: true },
    orderBy: [{ title: "asc" }, { id: "asc" }],
  });
}

export async function topicsOf(tx: Tx, actor: Actor, orgId: number): Promise<TopicView[]> {
  requireOrgAdmin(actor, orgId);
  return new DirectoryService({ prisma: tx }).listTopics(orgId);
}

/** One routing rule with its organisation, for the removal confirmation. */
export async function routingRule(
  tx: Tx,
  actor: Actor,
  ruleId: number,
): Promise<RoutingRuleView & { orgId: number }> {
  const rule = await tx.routingRule.findUnique({
    where: { id: ruleId },
    select: {
      id: true,
      orgId: true,
      kind: true,
      priority: true,
      topic: { select: { id: true, code: true, name: true } },
      unit: { select: { id: true, code: true, name: true } },
      person: { select: { id: true, code: true, fullName: true } },
    },
  });
  if (!rule) throw new DomainError("common:errors.notFound");
  requireOrgAdmin(actor, rule.orgId);
  return rule;
}

export interface CalendarPeriod {
  kind: PeriodKind;
  /** ISO instants. */
  opensAt: string;
  deadline: string;
  /** False: not in the calendar yet, shown with the organisation's default dates. */
  stored: boolean;
}

export interface CalendarView {
  year: number;
  timezone: string;
  opensDaysBefore: number;
  periods: CalendarPeriod[];
}

/** The year (the current local year by default) of the organisation's reporting calendar. */
export async function calendarOf(
  tx: Tx,
  actor: Actor,
  orgId: number,
  now: Date,
  year?: number,
): Promise<CalendarView> {
  requireOrgAdmin(actor, orgId);
  const org = await tx.organization.findUnique({ where: { id: orgId } });
  if (!org) throw new DomainError("common:errors.notFound");
  const y = year ?? localYear(now, org.timezone);
  const rows = await tx.reportingPeriod.findMany({ where: { orgId, year: y } });
  const periods = PERIOD_KINDS.map((kind): CalendarPeriod => {
    const row = rows.find((r) => r.kind === kind);
    const dates = row ?? periodDates({ year: y, kind }, org);
    return {
      kind,
      opensAt: dates.opensAt.toISOString(),
      deadline: dates.deadline.toISOString(),
      stored: row !== undefined,
    };
  });
  return {
    year: y,
    timezone: org.timezone,
    opensDaysBefore: parseOrgSettings(org.settings).reporting.opensDaysBefore,
    periods,
  };
}
