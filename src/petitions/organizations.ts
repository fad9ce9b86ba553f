/**
 * The organisations of the deployment as the petition flows offer them: those a citizen
 * may file with, and those a petition may be forwarded to.
 */
import { type Actor, requireRole } from "../directory/actor.js";
import { DirectoryService } from "../directory/directory-service.js";
import { DEFAULT_TIME_ZONE } from "../shared/local-time.js";
import type { Tx } from "../shared/types.js";
import type { Named } from "./types.js";

export type OrganizationChoice = Named & { slug: string };

/** Active organisations, by name: where a citizen may file a petition. */
export async function intakeOrganizations(tx: Tx): Promise<OrganizationChoice[]> {
  return new DirectoryService({ prisma: tx }).listActiveOrganizations();
}

/** The other active organisations of the deployment a staff member may forward to. */
export async function forwardTargets(tx: Tx, actor: Actor): Promise<OrganizationChoice[]> {
  requireRole(actor);
  return (await intakeOrganizations(tx)).filter((o) => o.id !== actor.orgId);
}

/** The organisation's time zone (its quarters and days are counted in it). */
export async function orgTimeZone(tx: Tx, orgId: number): Promise<string> {
  const org = await tx.organization.findUnique({ where: { id: orgId }, select: { timezone: true } });
  return org?.timezone || DEFAULT_TIME_ZONE;
}
