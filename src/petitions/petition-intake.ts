/**
 * Petition intake and registration: the intake rules of an organisation, checking a
 * citizen's draft, registering it (chat) or a petition received otherwise (staff), and
 * registering a petition another organisation of this system forwarded here.
 */

import { type Actor, requireRole } from "../directory/actor.js";
import { type OrgSettings, parseOrgSettings } from "../directory/settings.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { sqlFor } from "../db/direct.js";
import { isUniqueViolation } from "../db/transient.js";
import type { PetitionChannel, PetitionStatus, SenderType } from "../generated/prisma/enums.js";
import type { Clock } from "../shared/clock.js";
import { takeRequestKey } from "../shared/request-key.js";
import { DEFAULT_TIME_ZONE } from "../shared/local-time.js";
import type { Tx } from "../shared/types.js";
import { consentRequired } from "./consent.js";
import { dueDateFor, localYearOf, parseReceivedAt } from "./deadlines.js";
import {
  assigneeButtons,
  clerksOf,
  distributeButtons,
  dueParam,
  kindParam,
  unitHeadsOf,
} from "./notifications.js";
import { type Announcement, type NewEvent, writeRegistration } from "./petition-register.js";
import { routeAndReserve } from "./routing.js";
import type { IntakeOptions, SubmitResult } from "./types.js";
import {
  type CitizenDraft,
  checkIntake,
  checkStaffIntake,
  IntakeError,
  type StaffIntakeInput,
  TEXT_MAX,
  TEXT_MIN,
  type ValidIntake,
} from "./validation.js";
import type { PetitionWithFacts } from "./views.js";
import { isId, notFound, type OrgRow, type EventActor, PetitionTx, TX_OPTIONS } from "./petition-tx.js";

export class PetitionIntake {
  private readonly prisma: PrismaClient;
  private readonly clock: Clock;
  private readonly core: PetitionTx;

  constructor(core: PetitionTx) {
    this.core = core;
    this.prisma = core.prisma;
    this.clock = core.clock;
  }

  // ───────────────────────────── intake ─────────────────────────────

  /** The organisation's intake rules and topics, for the intake conversation. */
  async intakeOptions(orgId: number): Promise<IntakeOptions> {
    // The organisation with its active topics: one statement.
    type Topic = IntakeOptions["topics"][number];
    const [org] = isId(orgId)
      ? await sqlFor(this.prisma).query<OrgRow & { topics: Topic[] }>(
          `SELECT o.id, o.slug, o.name, o."nameEn", o.timezone, o.settings,
             COALESCE((SELECT json_agg(json_build_object('id', t.id, 'code', t.code, 'name', t.name,
                  'nameEn', t."nameEn", 'requiresAddress', t."requiresAddress") ORDER BY t.code, t.id)
                FROM "PetitionTopic" t WHERE t."orgId" = o.id AND t.active), '[]'::json) AS topics
           FROM "Organization" o WHERE o.id = $1::int AND o.active`,
          [orgId],
        )
      : [];
    if (!org) throw notFound();
    const settings = parseOrgSettings(org.settings);
    return {
      org: { id: org.id, slug: org.slug, name: org.name, nameEn: org.nameEn },
      kinds: ["REQUEST", "COMPLAINT", "SUGGESTION", "CRITICISM", "GRATITUDE"],
      anonymousKinds: [...settings.petitions.anonymousKinds],
      requireAddress: settings.petitions.requireAddress,
      maxAttachments: settings.petitions.maxAttachments,
      textMin: TEXT_MIN,
      textMax: TEXT_MAX,
      topics: org.topics,
    };
  }

  /**
   * Checks a citizen's draft; returns it normalised (phone as +976XXXXXXXX, trimmed
   * texts) or throws an IntakeError naming the first failing field and listing all.
   */
  async validateIntake(orgId: number, draft: Omit<CitizenDraft, "orgId">): Promise<ValidIntake> {
    return (await this.checkedIntake(orgId, draft)).intake;
  }

  /** `validateIntake` with the organisation's row it read (for the registration that follows). */
  private async checkedIntake(orgId: number, draft: Omit<CitizenDraft, "orgId">) {
    const { org, settings, topic } = await this.core.intakeContext(this.prisma, orgId, draft.topicId);
    const check = checkIntake({ settings, topic }, { ...draft, orgId });
    if (!check.ok) throw new IntakeError(check.errors);
    return { org, settings, intake: check.value };
  }

  /**
   * Registers a petition filed through the chat. When this returns, the petition and its
   * first history entry are committed: the confirmation can be sent.
   */
  async submitFromCitizen(
    userId: number,
    draft: CitizenDraft,
    opts: { intakeKey?: string } = {},
  ): Promise<SubmitResult> {
    const [user] = isId(userId)
      ? await sqlFor(this.prisma).query<{ channel: string }>(
          `SELECT channel::text AS channel FROM "User" WHERE id = $1::int`,
          [userId],
        )
      : [];
    if (!user) throw notFound();
    // One intake, one petition: a replayed submit returns the petition it registered.
    const intakeKey = opts.intakeKey || null;
    const registered = async () => {
      const p = await this.registeredBy(intakeKey);
      if (p && p.citizenUserId !== userId) throw notFound();
      return p && p.result;
    };
    const earlier = await registered();
    if (earlier) return earlier;
    // The organisation as the intake's check read it, a moment before.
    const { org, settings, intake } = await this.checkedIntake(draft.orgId, draft);
    const now = this.clock.now();
    try {
      // Its writes are one statement: no transaction around it (petition-register.ts).
      return await this.register(this.prisma, {
        org,
        settings,
        intake,
        intakeKey,
        channel: user.channel === "MESSENGER" ? "MESSENGER" : "BOT",
        senderType: "CITIZEN",
        receivedAt: now,
        citizenUserId: userId,
        consentAt: consentRequired(intake) ? now : null,
        registeredById: null,
        by: { userId },
      });
    } catch (err) {
      // The same intake registered meanwhile by another delivery of the same press.
      const raced = isUniqueViolation(err) ? await registered() : null;
      if (raced) return raced;
      throw err;
    }
  }

  /** The petition an intake (or a staff registration request) already registered, if any. */
  private async registeredBy(
    intakeKey: string | null | undefined,
  ): Promise<{ citizenUserId: number | null; result: SubmitResult } | null> {
    if (!intakeKey) return null;
    const [p] = await sqlFor(this.prisma).query<{
      id: number;
      number: string;
      status: PetitionStatus;
      receivedAt: Date;
      dueAt: Date;
      citizenUserId: number | null;
      assigneeId: number | null;
      unitId: number | null;
    }>(
      `SELECT id, number, status::text AS status, "receivedAt", "dueAt", "citizenUserId", "assigneeId", "unitId"
       FROM "Petition" WHERE "intakeKey" = $1::text`,
      [intakeKey],
    );
    if (!p) return null;
    return {
      citizenUserId: p.citizenUserId,
      result: {
        id: p.id,
        number: p.number,
        status: p.status,
        receivedAt: p.receivedAt.toISOString(),
        dueAt: p.dueAt.toISOString(),
        routedTo: p.assigneeId !== null ? "person" : p.unitId !== null ? "unit" : "queue",
      },
    };
  }

  /**
   * Registers a petition that arrived on paper, in person, by phone, e-mail or through the
   * 11-11 centre (clerk or organisation admin). The due date counts from `receivedAt`.
   */
  async registerByStaff(actor: Actor, input: StaffIntakeInput): Promise<SubmitResult> {
    requireRole(actor, "PETITION_CLERK", "ORG_ADMIN");
    // A repeated request (a replayed update) returns the petition it registered.
    const intakeKey = takeRequestKey();
    const earlier = await this.registeredBy(intakeKey);
    if (earlier) return earlier.result;
    const orgId = actor.orgId;
    const { org, settings, topic } = await this.core.intakeContext(this.prisma, orgId, input.topicId);
    const tz = org.timezone || DEFAULT_TIME_ZONE;
    const check = checkStaffIntake(
      { settings, topic, now: this.clock.now(), parseReceivedAt: (raw) => parseReceivedAt(raw, tz) },
      input,
    );
    if (!check.ok) throw new IntakeError(check.errors);
    const v = check.value;
    return this.prisma.$transaction(
      (tx) =>
        this.register(tx, {
          org,
          settings,
          intake: v,
          intakeKey,
          channel: v.channel,
          senderType: v.senderType,
          receivedAt: v.receivedAt,
          citizenUserId: null,
          consentAt: null,
          registeredById: actor.personId,
          by: { personId: actor.personId, userId: actor.userId },
        }),
      TX_OPTIONS,
    );
  }

  /**
   * Registers a petition: routes it, numbers it, writes it with its first history entries
   * and announces it. Its reads come first; everything it writes is one statement
   * (petition-register.ts), so it needs no transaction of its own and may run inside the
   * caller's. Used by the intake methods here and by forwarding.
   */
  async register(
    tx: Tx,
    r: {
      org: OrgRow;
      settings: OrgSettings;
      intake: ValidIntake;
      /** The chat intake it comes from (unique): see submitFromCitizen. */
      intakeKey?: string | null;
      channel: PetitionChannel;
      senderType: SenderType;
      receivedAt: Date;
      citizenUserId: number | null;
      consentAt: Date | null;
      registeredById: number | null;
      by: EventActor;
      /** The petition another organisation of this system forwarded here. */
      forwardedFrom?: { id: number; number: string; orgId: number; orgName: string };
    },
  ): Promise<SubmitResult> {
    const { org, settings, intake } = r;
    const tz = org.timezone || DEFAULT_TIME_ZONE;
    const now = this.clock.now();
    const dueAt = dueDateFor(r.receivedAt, settings.petitions.resolveDays[intake.kind], tz);
    const { route, ids } = await routeAndReserve(tx, org.id, { topicId: intake.topicId, kind: intake.kind });
    const id = ids.petitionId;
    const [registeredId, routedId] = ids.eventIds;
    const from = r.forwardedFrom;
    const events: NewEvent[] = [
      {
        id: registeredId,
        type: "REGISTERED",
        actorPersonId: r.by.personId ?? null,
        actorUserId: r.by.userId ?? null,
        data: {
          channel: r.channel,
          ...(from ? { fromOrgId: from.orgId, from: from.orgName, fromNumber: from.number } : {}),
        },
      },
    ];
    // The number is put in by the statement that takes it.
    const params = { number: "", kind: kindParam(intake.kind), due: dueParam(dueAt, now, r.org.timezone) };
    const actorPersonId = r.by.personId ?? null;
    let announcement: Announcement;
    if (route.type === "person") {
      events.push({
        id: routedId,
        type: "ASSIGNED",
        actorPersonId: null,
        actorUserId: null,
        data: { personId: route.personId, ruleId: route.ruleId },
      });
      announcement = {
        kind: "petition.assigned",
        eventId: routedId,
        personIds: [route.personId],
        payload: { key: "petitions:notify.assigned", params, buttons: assigneeButtons(id) },
      };
    } else if (route.type === "unit") {
      events.push({
        id: routedId,
        type: "ROUTED",
        actorPersonId: null,
        actorUserId: null,
        data: { unitId: route.unitId, ruleId: route.ruleId },
      });
      const heads = await unitHeadsOf(tx, org.id, route.unitId, actorPersonId);
      announcement = {
        kind: "petition.routed",
        eventId: routedId,
        personIds: heads.length > 0 ? heads : await clerksOf(tx, org.id, actorPersonId),
        payload: {
          key: "petitions:notify.routedToUnit",
          params: { ...params, unit: route.unitName },
          buttons: distributeButtons(id),
        },
      };
    } else {
      announcement = {
        kind: "petition.new",
        eventId: registeredId,
        personIds: await clerksOf(tx, org.id, actorPersonId),
        payload: { key: "petitions:notify.newPetition", params, buttons: distributeButtons(id) },
      };
    }
    const status = route.type === "person" ? "ASSIGNED" : "REGISTERED";
    const { number } = await writeRegistration(tx, {
      petition: {
        id,
        orgId: org.id,
        year: localYearOf(r.receivedAt, tz),
        prefix: settings.petitions.numberPrefix,
        kind: intake.kind,
        channel: r.channel,
        senderType: r.senderType,
        topicId: intake.topicId,
        text: intake.text,
        status,
        anonymous: intake.anonymous,
        citizenUserId: r.citizenUserId,
        petitionerName: intake.petitionerName,
        phone: intake.phone,
        address: intake.address,
        email: intake.email,
        consentAt: r.consentAt,
        receivedAt: r.receivedAt,
        dueAt,
        unitId: route.type === "queue" ? null : route.unitId,
        assigneeId: route.type === "person" ? route.personId : null,
        registeredById: r.registeredById,
        forwardedFromId: from?.id ?? null,
        intakeKey: r.intakeKey ?? null,
      },
      events,
      attachments: intake.attachments,
      announcement,
      now,
    });
    return {
      id,
      number,
      status,
      receivedAt: r.receivedAt.toISOString(),
      dueAt: dueAt.toISOString(),
      routedTo: route.type,
    };
  }

  /**
   * Registers a forwarded petition in the receiving organisation when it is an active
   * organisation of this system: the same petitioner, text and files (the petitioner's, not
   * the staff's), the topic with the same code if it has one, routed and announced by its
   * own rules. Returns null for an inactive organisation (the forward is recorded by name).
   */
  async registerForwarded(
    tx: Tx,
    p: PetitionWithFacts,
    toOrgId: number,
  ): Promise<{ id: number; number: string; dueAt: Date } | null> {
    const org = await tx.organization.findFirst({
      where: { id: toOrgId, active: true },
      select: { id: true, slug: true, name: true, nameEn: true, timezone: true, settings: true },
    });
    if (!org) return null;
    const code = p.topicId
      ? (await tx.petitionTopic.findUnique({ where: { id: p.topicId }, select: { code: true } }))?.code
      : undefined;
    const topic = code
      ? await tx.petitionTopic.findFirst({
          where: { orgId: org.id, code, active: true },
          select: { id: true },
        })
      : null;
    const files = await tx.petitionAttachment.findMany({
      where: {
        petitionId: p.id,
        event: { type: { in: ["REGISTERED", "INFO_ADDED", "REPLY"] } },
      },
      orderBy: { id: "asc" },
    });
    const r = await this.register(tx, {
      org,
      settings: parseOrgSettings(org.settings),
      intake: {
        kind: p.kind,
        topicId: topic?.id ?? null,
        text: p.text,
        attachments: files.map((f) => ({
          kind: f.kind,
          fileId: f.fileId,
          fileUniqueId: f.fileUniqueId,
          fileName: f.fileName,
          mimeType: f.mimeType,
          size: f.size,
        })),
        anonymous: p.anonymous,
        petitionerName: p.petitionerName,
        phone: p.phone,
        address: p.address,
        email: p.email,
      },
      channel: p.channel,
      senderType: p.senderType,
      receivedAt: this.clock.now(),
      citizenUserId: p.citizenUserId,
      consentAt: p.consentAt,
      registeredById: null,
      by: {},
      forwardedFrom: { id: p.id, number: p.number, orgId: p.orgId, orgName: p.org.name },
    });
    return { id: r.id, number: r.number, dueAt: new Date(r.dueAt) };
  }
}
