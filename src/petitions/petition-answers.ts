/**
 * The answer to a petition: the assignee answers, the head approves it or sends it back
 * (answer-review mode), and the answer reaches the citizen with rating buttons.
 */

import type { Actor } from "../directory/actor.js";
import { parseOrgSettings } from "../directory/settings.js";
import type { Clock } from "../shared/clock.js";
import type { Tx } from "../shared/types.js";
import {
  answerButtons,
  answerReviewButtons,
  filesOf,
  headsFor,
  notifyCitizen,
  notifyPeople,
  ratingButtons,
} from "./notifications.js";
import type { StaffActor } from "./permissions.js";
import {
  type AttachmentInput,
  REASON_MAX,
  validateAnswer,
  validateAttachments,
  validateNote,
  validateOptionalNote,
} from "./validation.js";
import type { PetitionWithFacts } from "./views.js";
import { type ActionResult, byStaff, PetitionTx, unwrap } from "./petition-tx.js";

export class PetitionAnswers {
  private readonly clock: Clock;
  private readonly core: PetitionTx;

  constructor(core: PetitionTx) {
    this.core = core;
    this.clock = core.clock;
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
    return this.core.staffChange(actor, petitionId, "answer", async (tx, p, a) => {
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
      const ev = await this.core.addEvent(tx, p.id, "ANSWER_SUBMITTED", byStaff(a), text, undefined, files);
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
    return this.core.staffChange(actor, petitionId, "reviewAnswer", async (tx, p, a) => {
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
    return this.core.staffChange(actor, petitionId, "reviewAnswer", async (tx, p, a) => {
      const text = unwrap(validateNote(note, "petitions:errors.reasonRequired", REASON_MAX));
      const updated = await tx.petition.update({
        where: { id: p.id },
        data: { status: "IN_PROGRESS", answerText: null },
      });
      const ev = await this.core.addEvent(tx, p.id, "ANSWER_SENT_BACK", byStaff(a), text);
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
    const ev = await this.core.addEvent(
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
}
