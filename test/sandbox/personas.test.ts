/**
 * The sandbox's personas cover every role the demo's flows need: whoever a petition can be
 * routed to, and whoever decides on the requests of a staff persona (assigning, extensions,
 * answer review), has a persona, so each flow can be played to its end.
 */
import { describe, expect, it } from "vitest";
import { headsFor, unitHeadsOf } from "../../src/petitions/notifications.js";
import { DEMO_ORG_SLUG, PERSONAS } from "../../src/sandbox/personas.js";
import { seedSandbox } from "../../src/sandbox/seed.js";
import { ManualClock } from "../../src/shared/clock.js";
import { useTestDatabase } from "../support/db.js";
import { SANDBOX_START } from "./support.js";

describe("sandbox personas", () => {
  const db = useTestDatabase();

  it("every routed unit's head, every routed person and every staff persona's head is a persona", async () => {
    const { prisma } = db();
    await seedSandbox(prisma, new ManualClock(SANDBOX_START));
    const org = await prisma.organization.findUniqueOrThrow({ where: { slug: DEMO_ORG_SLUG } });
    const codes = new Set(PERSONAS.filter((p) => p.kind === "staff").map((p) => p.personCode));
    const codeOf = async (ids: number[]) =>
      (await prisma.person.findMany({ where: { id: { in: ids } }, select: { code: true } })).map(
        (p) => p.code,
      );
    const missing: string[] = [];
    const need = async (why: string, ids: number[]) => {
      expect(ids.length, why).toBeGreaterThan(0);
      for (const code of await codeOf(ids)) if (!codes.has(code)) missing.push(`${code} (${why})`);
    };

    for (const rule of await prisma.routingRule.findMany({ where: { orgId: org.id } })) {
      if (rule.unitId !== null)
        await need(`assigns in unit ${rule.unitId}`, await unitHeadsOf(prisma, org.id, rule.unitId, null));
      if (rule.personId !== null) {
        await need("routed to", [rule.personId]);
        const person = await prisma.person.findUniqueOrThrow({ where: { id: rule.personId } });
        await need(`decides for ${person.code}`, await headsFor(prisma, org.id, person.unitId, person.id));
      }
    }
    for (const persona of PERSONAS.filter((p) => p.kind === "staff")) {
      const person = await prisma.person.findFirstOrThrow({
        where: { orgId: org.id, code: persona.personCode },
      });
      if (!person.roles.includes("OFFICIAL")) continue;
      await need(`decides for ${person.code}`, await headsFor(prisma, org.id, person.unitId, person.id));
    }
    expect(missing).toEqual([]);
  });
});
