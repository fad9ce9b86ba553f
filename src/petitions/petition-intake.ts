/**
 * Petition intake and registration: the intake rules of an organisation, checking a
 * citizen's draft, registering it (chat) or a petition received otherwise (staff), and
 * registering a petition another organisation of this system forwarded here.
 */

import { type Actor, requireRole } from "../directory/actor.js";
import { type OrgSettings, parseOrgSettings } from "../directory/settings.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import type { PetitionChannel, SenderType } from "../generated/prisma/enums.js";
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
  notifyPeople,
  unitHeadsOf,
} from "./notifications.js";
import { nextRegistrationNumber } from "./numbering.js";
import { routePetition } from "./routing.js";
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
    const org = await this.core.findOrg(this.prisma, orgId, true);
    const settings = parseOrgSettings(org.settings);
    const topics = await this.prisma.petitionTopic.findMany({
      where: { orgId, active: true },
      orderBy: [{ code: "asc" }],
    });
    return {
      org: { id: org.id, slug: org.slug, name: org.name, nameEn: org.nameEn },
      kinds: ["REQUEST", "COMPLAINT", "SUGGESTION", "CRITICISM", "GRATITUDE"],
      anonymousKinds: [...settings.petitions.anonymousKinds],
      requireAddress: settings.petitions.requireAddress,
      maxAttachments: settings.petitions.maxAttachments,
      textMin: TEXT_MIN,
      textMax: TEXT_MAX,
      topics: topics.map((t) => ({
        id: t.id,
        code: t.code,
        name: t.name,
        nameEn: t.nameEn,
        requiresAddress: t.requiresAddress,
      })),
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
    const user = isId(userId)
      ? await this.prisma.user.findUnique({ where: { id: userId }, select: { channel: true } })
      : null;
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
      return await this.prisma.$transaction(async (tx) => {
        return this.register(tx, {
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
      }, TX_OPTIONS);
    } catch (err) {
      // The same intake registered meanwhile by another delivery of the same press.
      const raced = (err as { code?: string }).code === "P2002" ? await registered() : null;
      if (raced) return raced;
      throw err;
    }
  }

  /** The petition an intake (or a staff registration request) already registered, if any. */
  private async registeredBy(
    intakeKey: string | null | undefined,
  ): Promise<{ citizenUserId: number | null; result: SubmitResult } | null> {
    if (!intakeKey) return null;
    const p = await this.prisma.petition.findUnique({ where: { intakeKey } });
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
   * Registers a petition inside the caller's transaction: numbers it, routes it, writes its
   * first history entries and announces it. Used by the intake methods here and by forwarding.
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
    const route = await routePetition(tx, org.id, { topicId: intake.topicId, kind: intake.kind });
    // Last before the writes: the counter row stays locked until commit.
    const reg = await nextRegistrationNumber(
      tx,
      org.id,
      localYearOf(r.receivedAt, tz),
      settings.petitions.numberPrefix,
    );
    const petition = await tx.petition.create({
      data: {
        orgId: org.id,
        year: reg.year,
        seq: reg.seq,
        number: reg.number,
        kind: intake.kind,
        channel: r.channel,
        senderType: r.senderType,
        topicId: intake.topicId,
        text: intake.text,
        status: route.type === "person" ? "ASSIGNED" : "REGISTERED",
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
        forwardedFromId: r.forwardedFrom?.id ?? null,
        intakeKey: r.intakeKey ?? null,
        createdAt: now,
      },
    });
    const from = r.forwardedFrom;
    const registered = await this.core.addEvent(
      tx,
      petition.id,
      "REGISTERED",
      r.by,
      null,
      {
        channel: r.channel,
        ...(from ? { fromOrgId: from.orgId, from: from.orgName, fromNumber: from.number } : {}),
      },
      intake.attachments,
    );

    const params = {
      number: petition.number,
      kind: kindParam(petition.kind),
      due: dueParam(dueAt, this.clock.now(), r.org.timezone),
    };
    const actorPersonId = r.by.personId ?? null;
    if (route.type === "person") {
      const ev = await this.core.addEvent(tx, petition.id, "ASSIGNED", {}, null, {
        personId: route.personId,
        ruleId: route.ruleId,
      });
      await notifyPeople(tx, [route.personId], {
        kind: "petition.assigned",
        petitionId: petition.id,
        eventId: ev.id,
        payload: { key: "petitions:notify.assigned", params, buttons: assigneeButtons(petition.id) },
      });
    } else if (route.type === "unit") {
      const ev = await this.core.addEvent(tx, petition.id, "ROUTED", {}, null, {
        unitId: route.unitId,
        ruleId: route.ruleId,
      });
      const unit = await tx.unit.findUniqueOrThrow({ where: { id: route.unitId }, select: { name: true } });
      const heads = await unitHeadsOf(tx, org.id, route.unitId, actorPersonId);
      const recipients = heads.length > 0 ? heads : await clerksOf(tx, org.id, actorPersonId);
      await notifyPeople(tx, recipients, {
        kind: "petition.routed",
        petitionId: petition.id,
        eventId: ev.id,
        payload: {
          key: "petitions:notify.routedToUnit",
          params: { ...params, unit: unit.name },
          buttons: distributeButtons(petition.id),
        },
      });
    } else {
      await notifyPeople(tx, await clerksOf(tx, org.id, actorPersonId), {
        kind: "petition.new",
        petitionId: petition.id,
        eventId: registered.id,
        payload: { key: "petitions:notify.newPetition", params, buttons: distributeButtons(petition.id) },
      });
    }
    return {
      id: petition.id,
      number: petition.number,
      status: petition.status,
      receivedAt: petition.receivedAt.toISOString(),
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
