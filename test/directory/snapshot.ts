/**
 * The directory tables by natural keys (no ids, no timestamps unless asked), to compare two
 * imports: the same file twice, or a YAML file and its workbook.
 */
import type { PrismaClient } from "../../src/generated/prisma/client.js";

export async function directorySnapshot(prisma: PrismaClient, options: { timestamps?: boolean } = {}) {
  const orgs = await prisma.organization.findMany({ orderBy: { slug: "asc" } });
  const slug = new Map(orgs.map((o) => [o.id, o.slug]));
  const units = await prisma.unit.findMany({ include: { parent: true } });
  const positions = await prisma.position.findMany({ include: { unit: true } });
  const people = await prisma.person.findMany({ include: { unit: true, position: true } });
  const topics = await prisma.petitionTopic.findMany();
  const rules = await prisma.routingRule.findMany({ include: { topic: true, unit: true, person: true } });
  const periods = await prisma.reportingPeriod.findMany();
  const by = <T>(list: T[], key: (x: T) => string) => [...list].sort((a, b) => key(a).localeCompare(key(b)));
  return {
    organizations: orgs.map((o) => ({
      slug: o.slug,
      name: o.name,
      nameEn: o.nameEn,
      timezone: o.timezone,
      active: o.active,
      settings: o.settings,
      ...(options.timestamps ? { updatedAt: o.updatedAt.toISOString() } : {}),
    })),
    units: by(
      units.map((u) => ({
        org: slug.get(u.orgId),
        code: u.code,
        name: u.name,
        nameEn: u.nameEn,
        parent: u.parent?.code ?? null,
      })),
      (x) => `${x.org}/${x.code}`,
    ),
    positions: by(
      positions.map((p) => ({
        org: slug.get(p.orgId),
        code: p.code,
        title: p.title,
        unit: p.unit?.code ?? null,
      })),
      (x) => `${x.org}/${x.code}`,
    ),
    people: by(
      people.map((p) => ({
        org: slug.get(p.orgId),
        code: p.code,
        fullName: p.fullName,
        unit: p.unit?.code ?? null,
        position: p.position?.code ?? null,
        roles: p.roles,
        phone: p.phone,
        email: p.email,
        active: p.active,
        ...(options.timestamps ? { updatedAt: p.updatedAt.toISOString() } : {}),
      })),
      (x) => `${x.org}/${x.code}`,
    ),
    topics: by(
      topics.map((t) => ({
        org: slug.get(t.orgId),
        code: t.code,
        name: t.name,
        nameEn: t.nameEn,
        requiresAddress: t.requiresAddress,
        active: t.active,
      })),
      (x) => `${x.org}/${x.code}`,
    ),
    routing: by(
      rules.map((r) => ({
        org: slug.get(r.orgId),
        topic: r.topic?.code ?? null,
        kind: r.kind,
        unit: r.unit?.code ?? null,
        person: r.person?.code ?? null,
        priority: r.priority,
      })),
      (x) => `${x.org}/${x.topic}/${x.kind}`,
    ),
    calendar: by(
      periods.map((p) => ({
        org: slug.get(p.orgId),
        year: p.year,
        kind: p.kind,
        opensAt: p.opensAt.toISOString(),
        deadline: p.deadline.toISOString(),
      })),
      (x) => `${x.org}/${x.year}/${x.kind}`,
    ),
  };
}
