/**
 * Read queries on the organisation directory that the other capabilities need: who heads a
 * unit, who the petition clerks are, a person with their unit and position. These take ids
 * the calling service already checked (they do not check an actor); the admin edits with
 * permission checks are in ./directory-admin.ts.
 *
 * Built on a client or a transaction: `new DirectoryService({ prisma: tx })` inside one.
 */
import { sqlFor } from "../db/direct.js";
import type { Organization } from "../generated/prisma/client.js";
import { Role } from "../generated/prisma/enums.js";
import type { Tx } from "../shared/types.js";
import { headsOf, unitHeads } from "./heads.js";

export interface PersonView {
  id: number;
  orgId: number;
  code: string;
  fullName: string;
  active: boolean;
  roles: Role[];
  phone: string | null;
  email: string | null;
  unit: { id: number; code: string; name: string } | null;
  position: { id: number; code: string; title: string } | null;
  /** The linked chat account, if the person redeemed an invite. */
  userId: number | null;
}

export interface OrganizationSummary {
  id: number;
  slug: string;
  name: string;
  nameEn: string | null;
}

export interface UnitView {
  id: number;
  code: string;
  name: string;
  nameEn: string | null;
  parentId: number | null;
}

export interface TopicView {
  id: number;
  code: string;
  name: string;
  nameEn: string | null;
  requiresAddress: boolean;
}

const personInclude = {
  unit: { select: { id: true, code: true, name: true } },
  position: { select: { id: true, code: true, title: true } },
  user: { select: { id: true } },
} as const;

type PersonRow = Omit<PersonView, "userId"> & { user: { id: number } | null };

function view(p: PersonRow): PersonView {
  return {
    id: p.id,
    orgId: p.orgId,
    code: p.code,
    fullName: p.fullName,
    active: p.active,
    roles: p.roles,
    phone: p.phone,
    email: p.email,
    unit: p.unit,
    position: p.position,
    userId: p.user?.id ?? null,
  };
}

const byName = { fullName: "asc" } as const;

export class DirectoryService {
  private readonly prisma: Tx;

  constructor(deps: { prisma: Tx }) {
    this.prisma = deps.prisma;
  }

  organizationBySlug(slug: string): Promise<Organization | null> {
    return this.prisma.organization.findUnique({ where: { slug } });
  }

  organizationById(id: number): Promise<Organization | null> {
    return this.prisma.organization.findUnique({ where: { id } });
  }

  /** The organisations citizens can choose, by name. */
  listActiveOrganizations(): Promise<OrganizationSummary[]> {
    // Straight through the driver: a citizen's every intake opens with it.
    return sqlFor(this.prisma).query<OrganizationSummary>(
      `SELECT id, slug, name, "nameEn" FROM "Organization" WHERE active ORDER BY name, id`,
    );
  }

  async person(personId: number): Promise<PersonView | null> {
    const p = await this.prisma.person.findUnique({ where: { id: personId }, include: personInclude });
    return p ? view(p) : null;
  }

  async personByCode(orgId: number, code: string): Promise<PersonView | null> {
    const p = await this.prisma.person.findUnique({
      where: { orgId_code: { orgId, code } },
      include: personInclude,
    });
    return p ? view(p) : null;
  }

  /** Active people of the organisation with any of the roles. */
  async peopleWithRole(orgId: number, ...roles: Role[]): Promise<PersonView[]> {
    const rows = await this.prisma.person.findMany({
      where: { orgId, active: true, roles: { hasSome: roles } },
      include: personInclude,
      orderBy: byName,
    });
    return rows.map(view);
  }

  /** The petition clerks (өргөдөл гомдол хариуцсан мэргэжилтэн) of an organisation. */
  petitionClerks(orgId: number): Promise<PersonView[]> {
    return this.peopleWithRole(orgId, Role.PETITION_CLERK);
  }

  orgHeads(orgId: number): Promise<PersonView[]> {
    return this.peopleWithRole(orgId, Role.ORG_HEAD);
  }

  orgAdmins(orgId: number): Promise<PersonView[]> {
    return this.peopleWithRole(orgId, Role.ORG_ADMIN);
  }

  /** Active people of a unit (and of its sub-units with `includeSubunits`). */
  async unitPeople(unitId: number, options: { includeSubunits?: boolean } = {}): Promise<PersonView[]> {
    const ids = options.includeSubunits ? await this.unitAndDescendants(unitId) : [unitId];
    const rows = await this.prisma.person.findMany({
      where: { unitId: { in: ids }, active: true },
      include: personInclude,
      orderBy: byName,
    });
    return rows.map(view);
  }

  /**
   * The head(s) of a unit, by name (the rule is in ./heads.ts): its active UNIT_HEADs; when
   * it has none, those of the parent unit, and so on up; at the top, the organisation's
   * ORG_HEADs. `exclude` leaves a person out (a unit head's own report goes one level up).
   */
  async unitHeads(unitId: number, options: { exclude?: number } = {}): Promise<PersonView[]> {
    return this.people(await unitHeads(this.prisma, unitId, options.exclude));
  }

  /** Who a person answers to, by name (the rule is in ./heads.ts); nobody is their own head. */
  async headsOf(personId: number): Promise<PersonView[]> {
    const person = await this.prisma.person.findUnique({
      where: { id: personId },
      select: { id: true, orgId: true, unitId: true },
    });
    if (!person) return [];
    return this.people(await headsOf(this.prisma, person));
  }

  private async people(ids: number[]): Promise<PersonView[]> {
    if (ids.length === 0) return [];
    const rows = await this.prisma.person.findMany({
      where: { id: { in: ids } },
      include: personInclude,
      orderBy: byName,
    });
    return rows.map(view);
  }

  listUnits(orgId: number): Promise<UnitView[]> {
    return this.prisma.unit.findMany({
      where: { orgId },
      select: { id: true, code: true, name: true, nameEn: true, parentId: true },
      orderBy: [{ code: "asc" }],
    });
  }

  /** Active petition topics of an organisation, by name. */
  listTopics(orgId: number): Promise<TopicView[]> {
    return this.prisma.petitionTopic.findMany({
      where: { orgId, active: true },
      select: { id: true, code: true, name: true, nameEn: true, requiresAddress: true },
      orderBy: [{ name: "asc" }, { id: "asc" }],
    });
  }

  /** The unit and all units below it. */
  async unitAndDescendants(unitId: number): Promise<number[]> {
    const unit = await this.prisma.unit.findUnique({ where: { id: unitId }, select: { orgId: true } });
    if (!unit) return [];
    const all = await this.prisma.unit.findMany({
      where: { orgId: unit.orgId },
      select: { id: true, parentId: true },
    });
    const out = [unitId];
    for (let i = 0; i < out.length; i++) {
      for (const u of all) if (u.parentId === out[i] && !out.includes(u.id)) out.push(u.id);
    }
    return out;
  }
}
