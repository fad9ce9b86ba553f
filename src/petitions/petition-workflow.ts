/**
 * The staff's work on a petition: distribution (assign, accept, return to the clerks),
 * forwarding outside the organisation's competence, extensions of the term, and questions
 * to the citizen. The answer and its review are in ./petition-answers.ts.
 */

import type { Actor } from "../directory/actor.js";
import { parseOrgSettings } from "../directory/settings.js";
import type { Clock } from "../shared/clock.js";
import { DomainError } from "../shared/errors.js";
import { DEFAULT_TIME_ZONE } from "../shared/local-time.js";
import { extendDueDate, extensionRefusal, forwardIsLate } from "./deadlines.js";
import {
  assigneeButtons,
  citizenOpenButton,
  citizenReplyButtons,
  clerksOf,
  dateParam,
  distributeButtons,
  dueParam,
  extensionDecisionButtons,
  headsFor,
  kindParam,
  notifyCitizen,
  notifyPeople,
  openButton,
} from "./notifications.js";
import { seesWholeOrg } from "./permissions.js";
import {
  MESSAGE_MAX,
  FORWARD_NAME_MAX,
  REASON_MAX,
  validateNote,
  validateOptionalNote,
} from "./validation.js";
import { type ActionResult, byStaff, isId, PetitionTx, unwrap } from "./petition-tx.js";
import type { PetitionIntake } from "./petition-intake.js";

export class PetitionWorkflow {
  private readonly clock: Clock;
  private readonly core: PetitionTx;
  private readonly intake: PetitionIntake;

  constructor(core: PetitionTx, intake: PetitionIntake) {
    this.core = core;
    this.clock = core.clock;
    this.intake = intake;
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
    return this.core.staffChange(actor, petitionId, "assign", async (tx, p, a) => {
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
      const ev = await this.core.addEvent(tx, p.id, "ASSIGNED", byStaff(a), note, {
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
    return this.core.staffChange(actor, petitionId, "accept", async (tx, p, a) => {
      const updated = await tx.petition.update({ where: { id: p.id }, data: { status: "IN_PROGRESS" } });
      await this.core.addEvent(tx, p.id, "ACCEPTED", byStaff(a));
      return updated;
    });
  }

  /** The assignee gives the petition back to the clerks' queue (not theirs to handle). */
  async returnToClerk(actor: Actor, petitionId: number, reason: string): Promise<ActionResult> {
    return this.core.staffChange(actor, petitionId, "return", async (tx, p, a) => {
      const text = unwrap(validateNote(reason, "petitions:errors.reasonRequired", REASON_MAX));
      const updated = await tx.petition.update({
        where: { id: p.id },
        data: { status: "REGISTERED", assigneeId: null, unitId: null },
      });
      const ev = await this.core.addEvent(tx, p.id, "RETURNED", byStaff(a), text, {
        fromPersonId: a.personId,
      });
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
    return this.core.staffChange(actor, petitionId, "forward", async (tx, p, a) => {
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
      const forwardBy = this.core.forwardBy(p, settings);
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
      const there = toOrg ? await this.intake.registerForwarded(tx, p, toOrg.id) : null;
      const late = forwardIsLate(forwardBy, now);
      const ev = await this.core.addEvent(tx, p.id, "FORWARDED", byStaff(a), reason, {
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

  /** The assignee asks the head for more time, once per petition. */
  async requestExtension(
    actor: Actor,
    petitionId: number,
    input: { days: number; reason: string },
  ): Promise<ActionResult> {
    return this.core.staffChange(actor, petitionId, "extend", async (tx, p, a) => {
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
      const ev = await this.core.addEvent(tx, p.id, "EXTENSION_REQUESTED", byStaff(a), reason, {
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
    return this.core.staffChange(actor, petitionId, "decideExtension", async (tx, p, a) => {
      const days = p.extensionRequestedDays as number;
      if (!input.approve) {
        const note = unwrap(validateNote(input.note, "petitions:errors.reasonRequired", REASON_MAX));
        const ev = await this.core.addEvent(tx, p.id, "EXTENSION_REFUSED", byStaff(a), note, { days });
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
      const ev = await this.core.addEvent(tx, p.id, "EXTENSION_APPROVED", byStaff(a), note, {
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
    return this.core.staffChange(actor, petitionId, "ask", async (tx, p, a) => {
      const text = unwrap(validateNote(question, "petitions:errors.questionRequired", MESSAGE_MAX));
      const ev = await this.core.addEvent(tx, p.id, "QUESTION", byStaff(a), text);
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
}
