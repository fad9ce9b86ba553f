/**
 * Citizen petitions (өргөдөл, гомдол, санал хүсэлт, шүүмжлэл, талархал): intake, the
 * register, routing, the assignee's work, the head's decisions, the citizen's side, and the
 * staff's lists. Channel-neutral: Telegram, Messenger and the CLI call the same methods.
 *
 * Every change runs in one transaction that locks the petition row, re-checks the actor's
 * permission and the petition's state, writes a PetitionEvent (nothing is ever deleted)
 * and enqueues the notifications it causes. Results are plain JSON-friendly objects.
 *
 * Terms (see ./deadlines.ts): a petition received on day D with a term of N days is due at
 * the end of day D+N in the organisation's time zone. In answer-review mode the petition
 * counts as answered when the head approves the answer, because that is when it reaches
 * the citizen.
 */

import { type Actor, requireRole } from "../directory/actor.js";
import { getOrgSettings, type OrgSettings, parseOrgSettings } from "../directory/settings.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import type {
  PetitionChannel,
  PetitionEventType,
  PetitionStatus,
  SenderType,
} from "../generated/prisma/enums.js";
import type { PayloadButton } from "../scheduling/outbox.js";
import type { Clock } from "../shared/clock.js";
import { takeRequestKey } from "../shared/request-key.js";
import { DomainError } from "../shared/errors.js";
import { DEFAULT_TIME_ZONE } from "../shared/local-time.js";
import type { Tx } from "../shared/types.js";
import { consentRequired } from "./consent.js";
import {
  dueDateFor,
  extendDueDate,
  extensionRefusal,
  forwardIsLate,
  localYearOf,
  parseReceivedAt,
} from "./deadlines.js";
import {
  answerButtons,
  answerReviewButtons,
  assigneeButtons,
  citizenOpenButton,
  citizenReplyButtons,
  clerksOf,
  dateParam,
  distributeButtons,
  dueParam,
  extensionDecisionButtons,
  filesOf,
  handlersOf,
  headsFor,
  kindParam,
  notifyCitizen,
  notifyPeople,
  openButton,
  ratingButtons,
  unitHeadsOf,
} from "./notifications.js";
import { nextRegistrationNumber } from "./numbering.js";
import {
  denyReason,
  isOpen,
  OPEN_STATUSES,
  type StaffAction,
  type StaffActor,
  STATISTICS_ROLES,
  seesWholeOrg,
  staffScope,
} from "./permissions.js";
import { routePetition } from "./routing.js";
import { type PetitionStatistics, type StatisticsRange, statisticsFor } from "./statistics.js";
import type {
  AssigneeFilter,
  CitizenPetitionCard,
  CitizenPetitionSummary,
  IntakeOptions,
  StaffPetitionCard,
  StaffPetitionSummary,
  SubmitResult,
} from "./types.js";
import {
  type AttachmentInput,
  type CitizenDraft,
  checkIntake,
  checkStaffIntake,
  type FieldResult,
  IntakeError,
  type IntakeField,
  MESSAGE_MAX,
  FORWARD_NAME_MAX,
  REASON_MAX,
  type StaffIntakeInput,
  TEXT_MAX,
  TEXT_MIN,
  type ValidIntake,
  validateAnswer,
  validateAttachments,
  validateNote,
  validateOptionalNote,
  validatePhone,
} from "./validation.js";
import {
  CARD_INCLUDE,
  CITIZEN_SUMMARY_INCLUDE,
  citizenCard,
  citizenSummary,
  FACTS_INCLUDE,
  factsOf,
  type PetitionWithFacts,
  SUMMARY_INCLUDE,
  staffCard,
  staffSummary,
} from "./views.js";

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
const TX_OPTIONS = { maxWait: 30_000, timeout: 60_000 };

const NOT_FOUND = "common:errors.notFound";
const SEARCH_LIMIT = 30;

function notFound(): DomainError {
  return new DomainError(NOT_FOUND);
}

function isId(id: unknown): id is number {
  return typeof id === "number" && Number.isInteger(id) && id > 0 && id <= 2_147_483_647;
}

function unwrap<T>(r: FieldResult<T>, field?: IntakeField): T {
  if (r.ok) return r.value;
  throw new DomainError(r.key, field ? { ...r.params, field } : r.params);
}

interface OrgRow {
  id: number;
  slug: string;
  name: string;
  nameEn: string | null;
  timezone: string;
  settings: unknown;
}

interface EventActor {
  personId?: number | null;
  userId?: number | null;
}

export class PetitionService {
  private readonly prisma: PrismaClient;
  private readonly clock: Clock;

  constructor(deps: PetitionServiceDeps) {
    this.prisma = deps.prisma;
    this.clock = deps.clock;
  }

  // ───────────────────────────── intake ─────────────────────────────

  /** The organisation's intake rules and topics, for the intake conversation. */
  async intakeOptions(orgId: number): Promise<IntakeOptions> {
    const org = await this.findOrg(this.prisma, orgId, true);
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
    const { settings, topic } = await this.intakeContext(this.prisma, orgId, draft.topicId);
    const check = checkIntake({ settings, topic }, { ...draft, orgId });
    if (!check.ok) throw new IntakeError(check.errors);
    return check.value;
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
    if (
      !isId(userId) ||
      !(await this.prisma.user.findUnique({ where: { id: userId }, select: { id: true } }))
    ) {
      throw notFound();
    }
    // One intake, one petition: a replayed submit returns the petition it registered.
    const intakeKey = opts.intakeKey || null;
    const registered = async () => {
      const p = await this.registeredBy(intakeKey);
      if (p && p.citizenUserId !== userId) throw notFound();
      return p && p.result;
    };
    const earlier = await registered();
    if (earlier) return earlier;
    const intake = await this.validateIntake(draft.orgId, draft);
    const now = this.clock.now();
    try {
      return await this.prisma.$transaction(async (tx) => {
        const org = await this.findOrg(tx, draft.orgId, true);
        const user = await tx.user.findUnique({ where: { id: userId }, select: { channel: true } });
        return this.register(tx, {
          org,
          settings: parseOrgSettings(org.settings),
          intake,
          intakeKey,
          channel: user?.channel === "MESSENGER" ? "MESSENGER" : "BOT",
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
    const { org, settings, topic } = await this.intakeContext(this.prisma, orgId, input.topicId);
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

  private async register(
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
    const registered = await this.addEvent(
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
      const ev = await this.addEvent(tx, petition.id, "ASSIGNED", {}, null, {
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
      const ev = await this.addEvent(tx, petition.id, "ROUTED", {}, null, {
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

  // ───────────────────────────── distribution ─────────────────────────────

  /**
   * Assigns the petition to an official with an instruction (цохолт). Clerks and the
   * organisation head assign anyone of the organisation; a unit head assigns their unit's
   * petitions to their unit's people. Reassigning tells the previous assignee.
   * `expectedAssigneeId` is the assignee the screen showed (null: unassigned); when it
   * changed meanwhile the assignment is refused with who has the petition now.
   */
  async assign(
    actor: Actor,
    petitionId: number,
    input: { personId: number; note?: string | null; expectedAssigneeId?: number | null },
  ): Promise<ActionResult> {
    return this.staffChange(actor, petitionId, "assign", async (tx, p, a) => {
      if (input.expectedAssigneeId !== undefined && input.expectedAssigneeId !== p.assigneeId) {
        throw new DomainError("petitions:errors.assignedMeanwhile", {
          number: p.number,
          name: p.assignee?.fullName ?? "—",
        });
      }
      const note = unwrap(validateOptionalNote(input.note));
      const target = isId(input.personId)
        ? await tx.person.findFirst({
            where: { id: input.personId, orgId: p.orgId, active: true },
            select: { id: true, unitId: true, fullName: true },
          })
        : null;
      if (!target) throw new DomainError("petitions:errors.assigneeNotFound");
      if (!seesWholeOrg(a) && target.unitId !== a.unitId) {
        throw new DomainError("petitions:errors.assigneeOutsideUnit");
      }
      if (target.id === p.assigneeId) throw new DomainError("petitions:errors.alreadyAssigned");
      const previous = p.assigneeId;
      const updated = await tx.petition.update({
        where: { id: p.id },
        data: { assigneeId: target.id, unitId: target.unitId, status: "ASSIGNED" },
      });
      const ev = await this.addEvent(tx, p.id, "ASSIGNED", byStaff(a), note, {
        personId: target.id,
        previousAssigneeId: previous,
      });
      await notifyPeople(tx, [target.id], {
        kind: "petition.assigned",
        petitionId: p.id,
        eventId: ev.id,
        payload: {
          key: note ? "petitions:notify.assignedWithNote" : "petitions:notify.assigned",
          params: {
            number: p.number,
            kind: kindParam(p.kind),
            due: dueParam(p.dueAt, this.clock.now(), p.org.timezone),
            ...(note ? { note } : {}),
          },
          buttons: assigneeButtons(p.id),
        },
      });
      if (previous !== null && previous !== a.personId) {
        await notifyPeople(tx, [previous], {
          kind: "petition.reassigned",
          petitionId: p.id,
          eventId: ev.id,
          payload: { key: "petitions:notify.reassigned", params: { number: p.number } },
        });
      }
      return updated;
    });
  }

  /** The assignee takes the petition into work. */
  async accept(actor: Actor, petitionId: number): Promise<ActionResult> {
    return this.staffChange(actor, petitionId, "accept", async (tx, p, a) => {
      const updated = await tx.petition.update({ where: { id: p.id }, data: { status: "IN_PROGRESS" } });
      await this.addEvent(tx, p.id, "ACCEPTED", byStaff(a));
      return updated;
    });
  }

  /** The assignee gives the petition back to the clerks' queue (not theirs to handle). */
  async returnToClerk(actor: Actor, petitionId: number, reason: string): Promise<ActionResult> {
    return this.staffChange(actor, petitionId, "return", async (tx, p, a) => {
      const text = unwrap(validateNote(reason, "petitions:errors.reasonRequired", REASON_MAX));
      const updated = await tx.petition.update({
        where: { id: p.id },
        data: { status: "REGISTERED", assigneeId: null, unitId: null },
      });
      const ev = await this.addEvent(tx, p.id, "RETURNED", byStaff(a), text, { fromPersonId: a.personId });
      await notifyPeople(tx, await clerksOf(tx, p.orgId, a.personId), {
        kind: "petition.returned",
        petitionId: p.id,
        eventId: ev.id,
        payload: {
          key: "petitions:notify.returned",
          params: { number: p.number, assignee: p.assignee?.fullName ?? "", reason: text },
          buttons: distributeButtons(p.id),
        },
      });
      return updated;
    });
  }

  /**
   * Forwards a petition outside the organisation's competence to the competent body (an
   * organisation of this deployment or one named in words). The citizen is told where and
   * why. Counts as forwarded in the statistics.
   */
  async forward(
    actor: Actor,
    petitionId: number,
    input: { toOrgId?: number | null; toName?: string | null; reason: string },
  ): Promise<ActionResult> {
    return this.staffChange(actor, petitionId, "forward", async (tx, p, a) => {
      const reason = unwrap(validateNote(input.reason, "petitions:errors.reasonRequired", REASON_MAX));
      let toOrg: { id: number; name: string; nameEn: string | null } | null = null;
      let toName: string;
      if (input.toOrgId !== undefined && input.toOrgId !== null) {
        toOrg = isId(input.toOrgId)
          ? await tx.organization.findUnique({
              where: { id: input.toOrgId },
              select: { id: true, name: true, nameEn: true },
            })
          : null;
        if (!toOrg || toOrg.id === p.orgId) throw new DomainError("petitions:errors.forwardTargetInvalid");
        toName = toOrg.name;
      } else {
        const name = (input.toName ?? "").replace(/\s+/g, " ").trim();
        if (name.length < 2) throw new DomainError("petitions:errors.forwardTargetRequired");
        if (name.length > FORWARD_NAME_MAX)
          throw new DomainError("petitions:errors.tooLong", { max: FORWARD_NAME_MAX });
        toName = name;
      }
      const now = this.clock.now();
      const settings = parseOrgSettings(p.org.settings);
      const forwardBy = this.forwardBy(p, settings);
      const updated = await tx.petition.update({
        where: { id: p.id },
        data: {
          status: "FORWARDED",
          forwardedToOrgId: toOrg?.id ?? null,
          forwardedToName: toName,
          closedAt: now,
        },
      });
      // An organisation of this system registers it at once; its term counts from today.
      const there = toOrg ? await this.registerForwarded(tx, p, toOrg.id) : null;
      const late = forwardIsLate(forwardBy, now);
      const ev = await this.addEvent(tx, p.id, "FORWARDED", byStaff(a), reason, {
        toOrgId: toOrg?.id ?? null,
        to: toName,
        late,
        ...(there ? { toPetitionId: there.id, toNumber: there.number } : {}),
      });
      await notifyCitizen(tx, p.citizenUserId, p.org, {
        kind: "petition.citizenForwarded",
        petitionId: p.id,
        eventId: ev.id,
        ...(toOrg ? { orgNames: { to: toOrg } } : {}),
        payload: there
          ? {
              key: "petitions:notify.citizenForwardedRegistered",
              params: {
                number: p.number,
                to: toName,
                reason,
                newNumber: there.number,
                due: dateParam(there.dueAt),
              },
              buttons: citizenOpenButton(there.id),
            }
          : {
              key: "petitions:notify.citizenForwarded",
              params: { number: p.number, to: toName, reason },
              buttons: citizenOpenButton(p.id),
            },
      });
      if (late) {
        const by = await tx.person.findUnique({ where: { id: a.personId }, select: { fullName: true } });
        await notifyPeople(tx, await headsFor(tx, p.orgId, p.assignee?.unitId ?? null, a.personId), {
          kind: "petition.forwardedLate",
          petitionId: p.id,
          eventId: ev.id,
          payload: {
            key: "petitions:notify.forwardedLate",
            params: {
              number: p.number,
              by: by?.fullName ?? "",
              to: toName,
              forwardBy: dateParam(forwardBy),
              reason,
            },
            buttons: openButton(p.id),
          },
        });
      }
      return { ...updated, ...(there ? { registeredAs: there.number } : {}) };
    });
  }

  /**
   * Registers a forwarded petition in the receiving organisation when it is an active
   * organisation of this system: the same petitioner, text and files (the petitioner's, not
   * the staff's), the topic with the same code if it has one, routed and announced by its
   * own rules. Returns null for an inactive organisation (the forward is recorded by name).
   */
  private async registerForwarded(
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

  /** The assignee asks the head for more time, once per petition. */
  async requestExtension(
    actor: Actor,
    petitionId: number,
    input: { days: number; reason: string },
  ): Promise<ActionResult> {
    return this.staffChange(actor, petitionId, "extend", async (tx, p, a) => {
      const late = extensionRefusal(p.dueAt, this.clock.now());
      if (late) throw new DomainError(late, { number: p.number });
      const max = parseOrgSettings(p.org.settings).petitions.maxExtensionDays;
      if (!Number.isInteger(input.days) || input.days < 1 || input.days > max) {
        throw new DomainError("petitions:errors.extensionDaysInvalid", { max });
      }
      const reason = unwrap(validateNote(input.reason, "petitions:errors.reasonRequired", REASON_MAX));
      const updated = await tx.petition.update({
        where: { id: p.id },
        data: { extensionRequestedDays: input.days, extensionReason: reason },
      });
      const ev = await this.addEvent(tx, p.id, "EXTENSION_REQUESTED", byStaff(a), reason, {
        days: input.days,
      });
      await notifyPeople(tx, await headsFor(tx, p.orgId, p.assignee?.unitId ?? null, p.assigneeId), {
        kind: "petition.extensionRequested",
        petitionId: p.id,
        eventId: ev.id,
        payload: {
          key: "petitions:notify.extensionRequested",
          params: {
            number: p.number,
            assignee: p.assignee?.fullName ?? "",
            days: input.days,
            reason,
            due: dueParam(p.dueAt, this.clock.now(), p.org.timezone),
          },
          buttons: extensionDecisionButtons(p.id),
        },
      });
      return updated;
    });
  }

  /**
   * The head (of the assignee's unit, or the organisation head) decides on the pending
   * extension. Approving moves the due date by the requested days and tells the citizen
   * the new date; refusing (with a reason) tells the assignee.
   */
  async decideExtension(
    actor: Actor,
    petitionId: number,
    input: { approve: boolean; note?: string | null },
  ): Promise<ActionResult> {
    return this.staffChange(actor, petitionId, "decideExtension", async (tx, p, a) => {
      const days = p.extensionRequestedDays as number;
      if (!input.approve) {
        const note = unwrap(validateNote(input.note, "petitions:errors.reasonRequired", REASON_MAX));
        const ev = await this.addEvent(tx, p.id, "EXTENSION_REFUSED", byStaff(a), note, { days });
        await notifyPeople(tx, p.assigneeId === null ? [] : [p.assigneeId], {
          kind: "petition.extensionRefused",
          petitionId: p.id,
          eventId: ev.id,
          payload: {
            key: "petitions:notify.extensionRefused",
            params: { number: p.number, note, due: dueParam(p.dueAt, this.clock.now(), p.org.timezone) },
            buttons: openButton(p.id),
          },
        });
        return p;
      }
      const note = unwrap(validateOptionalNote(input.note));
      const dueAt = extendDueDate(p.dueAt, days, p.org.timezone || DEFAULT_TIME_ZONE);
      const updated = await tx.petition.update({ where: { id: p.id }, data: { dueAt, extended: true } });
      const ev = await this.addEvent(tx, p.id, "EXTENSION_APPROVED", byStaff(a), note, {
        days,
        previousDueAt: p.dueAt.toISOString(),
        dueAt: dueAt.toISOString(),
      });
      await notifyPeople(tx, p.assigneeId === null ? [] : [p.assigneeId], {
        kind: "petition.extensionApproved",
        petitionId: p.id,
        eventId: ev.id,
        payload: {
          key: "petitions:notify.extensionApproved",
          params: { number: p.number, days, due: dateParam(dueAt) },
          buttons: openButton(p.id),
        },
      });
      await notifyCitizen(tx, p.citizenUserId, p.org, {
        kind: "petition.citizenExtended",
        petitionId: p.id,
        eventId: ev.id,
        payload: {
          key: "petitions:notify.citizenExtended",
          params: { number: p.number, due: dateParam(dueAt) },
          buttons: citizenOpenButton(p.id),
        },
      });
      return updated;
    });
  }

  // ───────────────────────────── conversation with the citizen ─────────────────────────────

  /** The assignee asks the citizen a question; it reaches them in the organisation's name. */
  async askCitizen(actor: Actor, petitionId: number, question: string): Promise<ActionResult> {
    return this.staffChange(actor, petitionId, "ask", async (tx, p, a) => {
      const text = unwrap(validateNote(question, "petitions:errors.questionRequired", MESSAGE_MAX));
      const ev = await this.addEvent(tx, p.id, "QUESTION", byStaff(a), text);
      await notifyCitizen(tx, p.citizenUserId, p.org, {
        kind: "petition.citizenQuestion",
        petitionId: p.id,
        eventId: ev.id,
        payload: {
          key: "petitions:notify.citizenQuestion",
          params: { number: p.number, question: text },
          buttons: citizenReplyButtons(p.id),
        },
      });
      return p;
    });
  }

  /** The citizen answers an official's question; the reply goes to whoever handles the petition. */
  async citizenReply(
    userId: number,
    petitionId: number,
    text: string,
    attachments: AttachmentInput[] = [],
  ): Promise<ActionResult> {
    return this.citizenChange(userId, petitionId, async (tx, p) => {
      if (!p.events.some((e) => e.type === "QUESTION")) throw new DomainError("petitions:errors.noQuestion");
      await this.citizenMessage(tx, p, userId, { text, attachments }, "REPLY", {
        kind: "petition.citizenReply",
        key: "petitions:notify.citizenReply",
        buttons: answerButtons(p.id),
      });
      return p;
    });
  }

  /** The citizen adds information (text and files) to an open petition. */
  async addInfo(
    userId: number,
    petitionId: number,
    text: string,
    attachments: AttachmentInput[] = [],
  ): Promise<ActionResult> {
    return this.citizenChange(userId, petitionId, async (tx, p) => {
      await this.citizenMessage(tx, p, userId, { text, attachments }, "INFO_ADDED", {
        kind: "petition.infoAdded",
        key: "petitions:notify.infoAdded",
        buttons: openButton(p.id),
      });
      return p;
    });
  }

  /**
   * A message from the citizen (text and files) goes into the history and on to whoever
   * handles the petition now.
   */
  private async citizenMessage(
    tx: Tx,
    p: PetitionWithFacts,
    userId: number,
    message: { text: string; attachments: AttachmentInput[] },
    type: "REPLY" | "INFO_ADDED",
    notice: { kind: string; key: string; buttons: PayloadButton[][] },
  ): Promise<void> {
    const body = unwrap(validateNote(message.text, "petitions:errors.textRequired", MESSAGE_MAX));
    const files = unwrap(
      validateAttachments(message.attachments, parseOrgSettings(p.org.settings).petitions.maxAttachments),
      "attachments",
    );
    const ev = await this.addEvent(tx, p.id, type, { userId }, body, undefined, files);
    await notifyPeople(tx, await handlersOf(tx, p), {
      kind: notice.kind,
      petitionId: p.id,
      eventId: ev.id,
      payload: {
        key: notice.key,
        params: { number: p.number, text: body },
        buttons: notice.buttons,
        files: filesOf(files),
      },
    });
  }

  /** The citizen withdraws an open petition. */
  async withdraw(userId: number, petitionId: number, reason?: string | null): Promise<ActionResult> {
    return this.citizenChange(userId, petitionId, async (tx, p) => {
      const note = unwrap(validateOptionalNote(reason));
      const updated = await tx.petition.update({
        where: { id: p.id },
        data: { status: "WITHDRAWN", closedAt: this.clock.now() },
      });
      const ev = await this.addEvent(tx, p.id, "WITHDRAWN", { userId }, note);
      await notifyPeople(tx, await handlersOf(tx, p), {
        kind: "petition.withdrawn",
        petitionId: p.id,
        eventId: ev.id,
        payload: { key: "petitions:notify.withdrawn", params: { number: p.number } },
      });
      return updated;
    });
  }

  // ───────────────────────────── the answer ─────────────────────────────

  /**
   * The assignee answers. With answer review on, the answer goes to the head first
   * (status ANSWER_REVIEW); otherwise it reaches the citizen at once, who can rate it.
   */
  async answer(
    actor: Actor,
    petitionId: number,
    input: { text: string; attachments?: AttachmentInput[] },
  ): Promise<ActionResult> {
    return this.staffChange(actor, petitionId, "answer", async (tx, p, a) => {
      const text = unwrap(validateAnswer(input.text), "text");
      const settings = parseOrgSettings(p.org.settings);
      const files = unwrap(
        validateAttachments(input.attachments, settings.petitions.maxAttachments),
        "attachments",
      );
      if (!settings.petitions.answerReview) {
        return this.deliverAnswer(tx, p, a, text, files, files, null);
      }
      const updated = await tx.petition.update({
        where: { id: p.id },
        data: { status: "ANSWER_REVIEW", answerText: text },
      });
      const ev = await this.addEvent(tx, p.id, "ANSWER_SUBMITTED", byStaff(a), text, undefined, files);
      await notifyPeople(tx, await headsFor(tx, p.orgId, p.assignee?.unitId ?? null, p.assigneeId), {
        kind: "petition.answerForReview",
        petitionId: p.id,
        eventId: ev.id,
        payload: {
          key: "petitions:notify.answerForReview",
          params: { number: p.number, assignee: p.assignee?.fullName ?? "", answer: text },
          buttons: answerReviewButtons(p.id),
          files: filesOf(files),
        },
      });
      return updated;
    });
  }

  /** The head approves the answer under review: it goes to the citizen. */
  async approveAnswer(actor: Actor, petitionId: number, note?: string | null): Promise<ActionResult> {
    return this.staffChange(actor, petitionId, "reviewAnswer", async (tx, p, a) => {
      const reviewNote = unwrap(validateOptionalNote(note));
      const submitted = await tx.petitionEvent.findFirst({
        where: { petitionId: p.id, type: "ANSWER_SUBMITTED" },
        orderBy: { id: "desc" },
        include: { attachments: true },
      });
      const files = submitted?.attachments ?? [];
      const result = await this.deliverAnswer(tx, p, a, p.answerText ?? "", [], files, {
        reviewNote,
        submittedBy: submitted?.actorPersonId ?? null,
      });
      const ev = await tx.petitionEvent.findFirstOrThrow({
        where: { petitionId: p.id, type: "ANSWERED" },
        orderBy: { id: "desc" },
      });
      if (p.assigneeId !== null && p.assigneeId !== a.personId) {
        await notifyPeople(tx, [p.assigneeId], {
          kind: "petition.answerApproved",
          petitionId: p.id,
          eventId: ev.id,
          payload: { key: "petitions:notify.answerApproved", params: { number: p.number } },
        });
      }
      return result;
    });
  }

  /** The head sends the answer back to the assignee with a note. */
  async sendBackAnswer(actor: Actor, petitionId: number, note: string): Promise<ActionResult> {
    return this.staffChange(actor, petitionId, "reviewAnswer", async (tx, p, a) => {
      const text = unwrap(validateNote(note, "petitions:errors.reasonRequired", REASON_MAX));
      const updated = await tx.petition.update({
        where: { id: p.id },
        data: { status: "IN_PROGRESS", answerText: null },
      });
      const ev = await this.addEvent(tx, p.id, "ANSWER_SENT_BACK", byStaff(a), text);
      await notifyPeople(tx, p.assigneeId === null ? [] : [p.assigneeId], {
        kind: "petition.answerSentBack",
        petitionId: p.id,
        eventId: ev.id,
        payload: {
          key: "petitions:notify.answerSentBack",
          params: { number: p.number, note: text },
          buttons: answerButtons(p.id),
        },
      });
      return updated;
    });
  }

  /**
   * Closes the petition as answered and sends the answer to the citizen with rating
   * buttons. `newFiles` are stored on the ANSWERED event; `sentFiles` go with the message.
   */
  private async deliverAnswer(
    tx: Tx,
    p: PetitionWithFacts,
    a: StaffActor,
    text: string,
    newFiles: AttachmentInput[],
    sentFiles: { kind: "PHOTO" | "DOCUMENT"; fileId: string }[],
    extra: Record<string, unknown> | null,
  ) {
    const now = this.clock.now();
    const updated = await tx.petition.update({
      where: { id: p.id },
      data: { status: "ANSWERED", answerText: text, answeredAt: now, closedAt: now },
    });
    const ev = await this.addEvent(
      tx,
      p.id,
      "ANSWERED",
      byStaff(a),
      text,
      { late: now.getTime() > p.dueAt.getTime(), ...(extra ?? {}) },
      newFiles,
    );
    await notifyCitizen(tx, p.citizenUserId, p.org, {
      kind: "petition.citizenAnswered",
      petitionId: p.id,
      eventId: ev.id,
      payload: {
        key: "petitions:notify.citizenAnswered",
        params: { number: p.number, answer: text },
        buttons: ratingButtons(p.id),
        files: filesOf(sentFiles),
      },
    });
    return updated;
  }

  /** The citizen rates the answer, 1–5, once. */
  async rate(
    userId: number,
    petitionId: number,
    score: number,
    comment?: string | null,
  ): Promise<ActionResult> {
    return this.citizenChange(
      userId,
      petitionId,
      async (tx, p) => {
        if (p.status !== "ANSWERED") throw new DomainError("petitions:errors.notAnswered");
        if (p.rating !== null) throw new DomainError("petitions:errors.alreadyRated");
        if (!Number.isInteger(score) || score < 1 || score > 5)
          throw new DomainError("petitions:errors.ratingInvalid");
        const note = unwrap(validateOptionalNote(comment));
        const updated = await tx.petition.update({
          where: { id: p.id },
          data: { rating: score, ratingComment: note },
        });
        await this.addEvent(tx, p.id, "RATED", { userId }, note, { score });
        return updated;
      },
      { allowClosed: true },
    );
  }

  /**
   * The citizen's comment on an answer they have already rated: the rating is stored at the
   * press of a button, the optional comment a moment later. It completes the RATED entry of
   * the history (its note) and is accepted once.
   */
  async commentOnRating(userId: number, petitionId: number, comment: string): Promise<ActionResult> {
    const note = unwrap(validateNote(comment, "petitions:errors.textRequired"));
    return this.citizenChange(
      userId,
      petitionId,
      async (tx, p) => {
        if (p.rating === null) throw new DomainError("petitions:errors.notAnswered");
        if (p.ratingComment !== null) throw new DomainError("petitions:errors.alreadyRated");
        const updated = await tx.petition.update({ where: { id: p.id }, data: { ratingComment: note } });
        const rated = await tx.petitionEvent.findFirst({
          where: { petitionId: p.id, type: "RATED", note: null },
          orderBy: { id: "desc" },
          select: { id: true },
        });
        if (rated) await tx.petitionEvent.update({ where: { id: rated.id }, data: { note } });
        return updated;
      },
      { allowClosed: true },
    );
  }

  // ───────────────────────────── citizen views ─────────────────────────────

  /** The citizen's petitions, newest first. */
  async listForCitizen(userId: number): Promise<CitizenPetitionSummary[]> {
    if (!isId(userId)) return [];
    const rows = await this.prisma.petition.findMany({
      where: { citizenUserId: userId },
      include: CITIZEN_SUMMARY_INCLUDE,
      orderBy: [{ receivedAt: "desc" }, { id: "desc" }],
    });
    return rows.map(citizenSummary);
  }

  /** One of the citizen's petitions with its history in plain words (no staff names). */
  async cardForCitizen(userId: number, petitionId: number): Promise<CitizenPetitionCard> {
    if (!isId(userId) || !isId(petitionId)) throw notFound();
    const p = await this.prisma.petition.findFirst({
      where: { id: petitionId, citizenUserId: userId },
      include: CARD_INCLUDE,
    });
    if (!p) throw notFound();
    return citizenCard(p);
  }

  // ───────────────────────────── staff views ─────────────────────────────

  /** The actor's own petitions: all open ones, those due within `dueSoonDays`, or overdue ones. */
  async listForAssignee(actor: Actor, filter: AssigneeFilter = "open"): Promise<StaffPetitionSummary[]> {
    requireRole(actor);
    return this.listOpen(actor.orgId, { assigneeId: actor.personId }, filter);
  }

  /**
   * Every open petition of the actor's organisation (clerks and the organisation head):
   * what is under control, due soon or overdue.
   */
  async listForOrg(actor: Actor, filter: AssigneeFilter = "open"): Promise<StaffPetitionSummary[]> {
    requireRole(actor, "PETITION_CLERK", "ORG_HEAD");
    return this.listOpen(actor.orgId, {}, filter);
  }

  private async listOpen(
    orgId: number,
    where: { assigneeId?: number },
    filter: AssigneeFilter,
  ): Promise<StaffPetitionSummary[]> {
    const now = this.clock.now();
    const dueAt = await this.dueWindow(orgId, filter, now);
    const rows = await this.prisma.petition.findMany({
      where: {
        orgId,
        ...where,
        status: { in: where.assigneeId ? ["ASSIGNED", "IN_PROGRESS", "ANSWER_REVIEW"] : OPEN_STATUSES },
        ...(dueAt ? { dueAt } : {}),
      },
      include: SUMMARY_INCLUDE,
      orderBy: [{ dueAt: "asc" }, { id: "asc" }],
    });
    return rows.map((r) => staffSummary(r, now));
  }

  /**
   * The clerks' queue: registered petitions nobody is assigned to yet (new, routed to a
   * unit but not distributed, or returned), oldest due first.
   */
  async clerkQueue(actor: Actor): Promise<StaffPetitionSummary[]> {
    requireRole(actor, "PETITION_CLERK", "ORG_HEAD");
    const now = this.clock.now();
    const rows = await this.prisma.petition.findMany({
      where: { orgId: actor.orgId, status: "REGISTERED", assigneeId: null },
      include: SUMMARY_INCLUDE,
      orderBy: [{ dueAt: "asc" }, { id: "asc" }],
    });
    return rows.map((r) => staffSummary(r, now));
  }

  /** A unit head's open petitions: routed to the unit or assigned to its people. */
  /** The due-date condition of a list filter. */
  private async dueWindow(
    orgId: number,
    filter: AssigneeFilter,
    now: Date,
  ): Promise<{ lt: Date } | { gte: Date; lte: Date } | undefined> {
    if (filter === "overdue") return { lt: now };
    if (filter === "dueSoon" || filter === "dueThisWeek") {
      const days =
        filter === "dueThisWeek" ? 7 : (await getOrgSettings(this.prisma, orgId)).petitions.dueSoonDays;
      return { gte: now, lte: new Date(now.getTime() + days * 86_400_000) };
    }
    return undefined;
  }

  async listForUnitHead(actor: Actor, filter: AssigneeFilter = "open"): Promise<StaffPetitionSummary[]> {
    requireRole(actor, "UNIT_HEAD");
    if (actor.unitId === null) return [];
    const now = this.clock.now();
    const dueAt = await this.dueWindow(actor.orgId, filter, now);
    const rows = await this.prisma.petition.findMany({
      where: {
        orgId: actor.orgId,
        status: { in: ["REGISTERED", "ASSIGNED", "IN_PROGRESS", "ANSWER_REVIEW"] },
        OR: [{ unitId: actor.unitId }, { assignee: { unitId: actor.unitId } }],
        ...(dueAt ? { dueAt } : {}),
      },
      include: SUMMARY_INCLUDE,
      orderBy: [{ dueAt: "asc" }, { id: "asc" }],
    });
    return rows.map((r) => staffSummary(r, now));
  }

  /**
   * Finds petitions the actor may see by registration number (whole or part),
   * petitioner's name (part) or phone (any way it is written, or 4+ of its digits).
   */
  async search(actor: Actor, query: string): Promise<StaffPetitionSummary[]> {
    const scope = staffScope(actor);
    if (!scope) throw new DomainError("common:errors.forbidden");
    const q = (typeof query === "string" ? query : "").replace(/\s+/g, " ").trim().slice(0, 100);
    if (q.length === 0) return [];
    const or: Record<string, unknown>[] = [
      { number: { contains: q, mode: "insensitive" } },
      { anonymous: false, petitionerName: { contains: q, mode: "insensitive" } },
    ];
    const phone = validatePhone(q);
    if (phone.ok) or.push({ phone: phone.value });
    else {
      const digits = q.replace(/\D/g, "");
      if (digits.length >= 4 && digits.length === q.replace(/[\s\-+().]/g, "").length) {
        or.push({ phone: { contains: digits } });
      }
    }
    const now = this.clock.now();
    const rows = await this.prisma.petition.findMany({
      where: { AND: [scope, { OR: or }] },
      include: SUMMARY_INCLUDE,
      orderBy: [{ receivedAt: "desc" }, { id: "desc" }],
      take: SEARCH_LIMIT,
    });
    return rows.map((r) => staffSummary(r, now));
  }

  /** The full petition for staff: petitioner, files, history with names and notes, allowed actions. */
  async cardForStaff(actor: Actor, petitionId: number): Promise<StaffPetitionCard> {
    const scope = staffScope(actor);
    if (!scope || !isId(petitionId)) throw notFound();
    const p = await this.prisma.petition.findFirst({
      where: { AND: [{ id: petitionId }, scope] },
      include: CARD_INCLUDE,
    });
    if (!p) throw notFound();
    const settings = parseOrgSettings(p.org.settings);
    return staffCard(p, actor, this.clock.now(), this.forwardBy(p, settings));
  }

  // ───────────────────────────── statistics ─────────────────────────────

  /**
   * Petition statistics of an organisation for a range of receipt dates (see
   * ./statistics.ts). Clerks, the organisation head, unit heads and admins of the
   * organisation (and super admins) may read them.
   */
  async statistics(actor: Actor, input: { orgId: number } & StatisticsRange): Promise<PetitionStatistics> {
    if (!actor.superAdmin) {
      requireRole(actor, ...STATISTICS_ROLES);
      if (actor.orgId !== input.orgId) throw notFound();
    }
    await this.findOrg(this.prisma, input.orgId);
    return statisticsFor(this.prisma, input.orgId, input, this.clock.now());
  }

  /**
   * The same figures for publication: counts and averages only, no personal data and no
   * free text. No permission needed.
   */
  async publicSummary(
    orgId: number,
    range: StatisticsRange,
  ): Promise<PetitionStatistics & { org: { name: string; nameEn: string | null } }> {
    const org = await this.findOrg(this.prisma, orgId);
    const stats = await statisticsFor(this.prisma, orgId, range, this.clock.now());
    return { ...stats, org: { name: org.name, nameEn: org.nameEn } };
  }

  // ───────────────────────────── internals ─────────────────────────────

  /** The organisation, or "not found"; `forIntake` also refuses an inactive one. */
  private async findOrg(tx: Tx, orgId: number, forIntake = false): Promise<OrgRow> {
    const org = isId(orgId)
      ? await tx.organization.findUnique({
          where: { id: orgId, ...(forIntake ? { active: true } : {}) },
          select: { id: true, slug: true, name: true, nameEn: true, timezone: true, settings: true },
        })
      : null;
    if (!org) throw notFound();
    return org;
  }

  private async intakeContext(tx: Tx, orgId: number, topicId: number | null | undefined) {
    const org = await this.findOrg(tx, orgId, true);
    const settings = parseOrgSettings(org.settings);
    const topic =
      topicId !== undefined && topicId !== null && isId(topicId)
        ? await tx.petitionTopic.findFirst({
            where: { id: topicId, orgId, active: true },
            select: { id: true, requiresAddress: true },
          })
        : null;
    return { org, settings, topic };
  }

  /** Last day to forward a petition outside competence: receipt + forwardDays. */
  private forwardBy(p: { receivedAt: Date; org: { timezone: string } }, settings: OrgSettings): Date {
    return dueDateFor(p.receivedAt, settings.petitions.forwardDays, p.org.timezone || DEFAULT_TIME_ZONE);
  }

  private async addEvent(
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
      await tx.petitionAttachment.createMany({
        data: attachments.map((a) => ({
          petitionId,
          eventId: ev.id,
          kind: a.kind,
          fileId: a.fileId,
          fileUniqueId: a.fileUniqueId ?? null,
          fileName: a.fileName ?? null,
          mimeType: a.mimeType ?? null,
          size: a.size ?? null,
          createdAt: now,
        })),
      });
    }
    return ev;
  }

  /** Locks the petition, loads it if the actor may see it, and checks the action. */
  private async staffChange(
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
  private async citizenChange(
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

function byStaff(a: StaffActor): EventActor {
  return { personId: a.personId, userId: a.userId };
}
