/**
 * What every petition change shares: the organisation and intake lookups, the history
 * entry (PetitionEvent with its files), and the two transaction wrappers that lock the
 * petition row, re-check who may do what, and make a repeated request (src/shared/request-key.ts)
 * return the petition's state instead of changing it twice.
 */

import { sqlFor } from "../db/direct.js";
import type { Actor } from "../directory/actor.js";
import { type OrgSettings, parseOrgSettings } from "../directory/settings.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import type { PetitionEventType, PetitionStatus } from "../generated/prisma/enums.js";
import type { Clock } from "../shared/clock.js";
import { takeRequestKey } from "../shared/request-key.js";
import { DomainError } from "../shared/errors.js";
import { DEFAULT_TIME_ZONE } from "../shared/local-time.js";
import type { Tx } from "../shared/types.js";
import { dueDateFor } from "./deadlines.js";
import { filesJson, insertFilesSql } from "./files-sql.js";
import { denyReason, isOpen, type StaffAction, type StaffActor, staffScope } from "./permissions.js";
import type { AttachmentInput, FieldResult, IntakeField } from "./validation.js";
import { FACTS_INCLUDE, factsOf, type PetitionWithFacts } from "./views.js";

export interface PetitionServiceDeps {
  prisma: PrismaClient;
  clock: Clock;
}

/** The result of a staff action: where the petition stands now. */
export interface ActionResult {
  id: number;
  number: string;
  status: PetitionStatus;
  dueAt: string;
  /** A forward to an organisation of this system: the number it was registered under there. */
  registeredAs?: string;
}

/**
 * Registration takes a row lock on the year's counter until commit: under a burst of
 * submissions they queue for it, so give them time to get a connection and to finish.
 */
export const TX_OPTIONS = { maxWait: 30_000, timeout: 60_000 };

const NOT_FOUND = "common:errors.notFound";

export function notFound(): DomainError {
  return new DomainError(NOT_FOUND);
}

export function isId(id: unknown): id is number {
  return typeof id === "number" && Number.isInteger(id) && id > 0 && id <= 2_147_483_647;
}

export function unwrap<T>(r: FieldResult<T>, field?: IntakeField): T {
  if (r.ok) return r.value;
  throw new DomainError(r.key, field ? { ...r.params, field } : r.params);
}

export interface OrgRow {
  id: number;
  slug: string;
  name: string;
  nameEn: string | null;
  timezone: string;
  settings: unknown;
}

export interface EventActor {
  personId?: number | null;
  userId?: number | null;
}

export class PetitionTx {
  readonly prisma: PrismaClient;
  readonly clock: Clock;

  constructor(deps: PetitionServiceDeps) {
    this.prisma = deps.prisma;
    this.clock = deps.clock;
  }

  /** The organisation, or "not found"; `forIntake` also refuses an inactive one. */
  async findOrg(tx: Tx, orgId: number, forIntake = false): Promise<OrgRow> {
    const org = isId(orgId)
      ? await tx.organization.findUnique({
          where: { id: orgId, ...(forIntake ? { active: true } : {}) },
          select: { id: true, slug: true, name: true, nameEn: true, timezone: true, settings: true },
        })
      : null;
    if (!org) throw notFound();
    return org;
  }

  /** An active organisation (or "not found") with its intake settings and the topic, if it is one of its active ones. */
  async intakeContext(tx: Tx, orgId: number, topicId: number | null | undefined) {
    const wanted = topicId !== undefined && topicId !== null && isId(topicId) ? topicId : null;
    const [row] = isId(orgId)
      ? await sqlFor(tx).query<OrgRow & { topicId: number | null; topicRequiresAddress: boolean | null }>(
          `SELECT o.id, o.slug, o.name, o."nameEn", o.timezone, o.settings,
             t.id AS "topicId", t."requiresAddress" AS "topicRequiresAddress"
           FROM "Organization" o
           LEFT JOIN "PetitionTopic" t ON t.id = $2::int AND t."orgId" = o.id AND t.active
           WHERE o.id = $1::int AND o.active`,
          [orgId, wanted],
        )
      : [];
    if (!row) throw notFound();
    const { topicId: foundTopic, topicRequiresAddress, ...org } = row;
    const topic =
      foundTopic === null ? null : { id: foundTopic, requiresAddress: topicRequiresAddress === true };
    return { org: org as OrgRow, settings: parseOrgSettings(org.settings), topic };
  }

  /** Last day to forward a petition outside competence: receipt + forwardDays. */
  forwardBy(p: { receivedAt: Date; org: { timezone: string } }, settings: OrgSettings): Date {
    return dueDateFor(p.receivedAt, settings.petitions.forwardDays, p.org.timezone || DEFAULT_TIME_ZONE);
  }

  async addEvent(
    tx: Tx,
    petitionId: number,
    type: PetitionEventType,
    by: EventActor,
    note?: string | null,
    data?: Record<string, unknown>,
    attachments: AttachmentInput[] = [],
  ) {
    const now = this.clock.now();
    const ev = await tx.petitionEvent.create({
      data: {
        petitionId,
        type,
        actorPersonId: by.personId ?? null,
        actorUserId: by.userId ?? null,
        note: note ?? null,
        ...(data ? { data: data as object } : {}),
        createdAt: now,
      },
    });
    if (attachments.length > 0) {
      await tx.$executeRawUnsafe(
        insertFilesSql({
          petitionId: "$1::int",
          eventId: "$2::int",
          files: "$3::jsonb",
          createdAt: "($4::timestamptz AT TIME ZONE 'UTC')",
        }),
        petitionId,
        ev.id,
        filesJson(attachments),
        now.toISOString(),
      );
    }
    return ev;
  }

  /** Locks the petition, loads it if the actor may see it, and checks the action. */
  async staffChange(
    actor: Actor,
    petitionId: number,
    act: StaffAction,
    change: (
      tx: Tx,
      p: PetitionWithFacts,
      actor: StaffActor,
    ) => Promise<{ id: number; number: string; status: PetitionStatus; dueAt: Date; registeredAs?: string }>,
  ): Promise<ActionResult> {
    const scope = staffScope(actor);
    if (!scope || !isId(petitionId)) throw notFound();
    const requestKey = takeRequestKey();
    return this.prisma.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT 1 FROM "Petition" WHERE "id" = ${petitionId} FOR UPDATE`;
      const p = await tx.petition.findFirst({
        where: { AND: [{ id: petitionId }, scope] },
        include: FACTS_INCLUDE,
      });
      if (!p) throw notFound();
      if (await this.alreadyDone(tx, requestKey)) return actionResult(p);
      const deny = denyReason(actor, factsOf(p), act);
      if (deny) throw new DomainError(deny);
      const r = await change(tx, p, actor as StaffActor);
      await this.markDone(tx, p.id, requestKey);
      return {
        id: r.id,
        number: r.number,
        status: r.status,
        dueAt: r.dueAt.toISOString(),
        ...(r.registeredAs ? { registeredAs: r.registeredAs } : {}),
      };
    }, TX_OPTIONS);
  }

  /** Locks one of the citizen's own petitions and runs a change on it (open ones only unless allowed). */
  async citizenChange(
    userId: number,
    petitionId: number,
    change: (
      tx: Tx,
      p: PetitionWithFacts,
    ) => Promise<{ id: number; number: string; status: PetitionStatus; dueAt: Date }>,
    opts: { allowClosed?: boolean } = {},
  ): Promise<ActionResult> {
    if (!isId(userId) || !isId(petitionId)) throw notFound();
    const requestKey = takeRequestKey();
    return this.prisma.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT 1 FROM "Petition" WHERE "id" = ${petitionId} FOR UPDATE`;
      const p = await tx.petition.findFirst({
        where: { id: petitionId, citizenUserId: userId },
        include: FACTS_INCLUDE,
      });
      if (!p) throw notFound();
      if (await this.alreadyDone(tx, requestKey)) return actionResult(p);
      if (!opts.allowClosed && !isOpen(p.status)) throw new DomainError("petitions:errors.closed");
      const r = await change(tx, p);
      await this.markDone(tx, p.id, requestKey);
      return { id: r.id, number: r.number, status: r.status, dueAt: r.dueAt.toISOString() };
    }, TX_OPTIONS);
  }

  /** True when the request (src/shared/request-key.ts) already made its change. */
  private async alreadyDone(tx: Tx, requestKey: string | undefined): Promise<boolean> {
    if (!requestKey) return false;
    return (await tx.petitionEvent.count({ where: { requestKey } })) > 0;
  }

  /** Records the request on the last history entry its change wrote (inside its transaction). */
  private async markDone(tx: Tx, petitionId: number, requestKey: string | undefined): Promise<void> {
    if (!requestKey) return;
    await tx.$executeRaw`
      UPDATE "PetitionEvent" SET "requestKey" = ${requestKey}
      WHERE "id" = (SELECT max("id") FROM "PetitionEvent" WHERE "petitionId" = ${petitionId})
        AND "requestKey" IS NULL`;
  }
}

/** A petition's state as an action's result (a repeated request: nothing changed). */
function actionResult(p: { id: number; number: string; status: PetitionStatus; dueAt: Date }): ActionResult {
  return { id: p.id, number: p.number, status: p.status, dueAt: p.dueAt.toISOString() };
}

export function byStaff(a: StaffActor): EventActor {
  return { personId: a.personId, userId: a.userId };
}
