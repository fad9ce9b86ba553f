/**
 * What a citizen does with their own petition: reply to a question, add information,
 * withdraw it, rate the answer and comment on the rating.
 */

import { parseOrgSettings } from "../directory/settings.js";
import type { PayloadButton } from "../scheduling/outbox.js";
import type { Clock } from "../shared/clock.js";
import { DomainError } from "../shared/errors.js";
import type { Tx } from "../shared/types.js";
import { answerButtons, filesOf, handlersOf, notifyPeople, openButton } from "./notifications.js";
import {
  type AttachmentInput,
  MESSAGE_MAX,
  validateAttachments,
  validateNote,
  validateOptionalNote,
} from "./validation.js";
import type { PetitionWithFacts } from "./views.js";
import { type ActionResult, PetitionTx, unwrap } from "./petition-tx.js";

export class PetitionCitizenActions {
  private readonly clock: Clock;
  private readonly core: PetitionTx;

  constructor(core: PetitionTx) {
    this.core = core;
    this.clock = core.clock;
  }

  // ───────────────────────────── the citizen's side ─────────────────────────────

  /** The citizen answers an official's question; the reply goes to whoever handles the petition. */
  async citizenReply(
    userId: number,
    petitionId: number,
    text: string,
    attachments: AttachmentInput[] = [],
  ): Promise<ActionResult> {
    return this.core.citizenChange(userId, petitionId, async (tx, p) => {
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
    return this.core.citizenChange(userId, petitionId, async (tx, p) => {
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
    const ev = await this.core.addEvent(tx, p.id, type, { userId }, body, undefined, files);
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
    return this.core.citizenChange(userId, petitionId, async (tx, p) => {
      const note = unwrap(validateOptionalNote(reason));
      const updated = await tx.petition.update({
        where: { id: p.id },
        data: { status: "WITHDRAWN", closedAt: this.clock.now() },
      });
      const ev = await this.core.addEvent(tx, p.id, "WITHDRAWN", { userId }, note);
      await notifyPeople(tx, await handlersOf(tx, p), {
        kind: "petition.withdrawn",
        petitionId: p.id,
        eventId: ev.id,
        payload: { key: "petitions:notify.withdrawn", params: { number: p.number } },
      });
      return updated;
    });
  }

  /** The citizen rates the answer, 1–5, once. */
  async rate(
    userId: number,
    petitionId: number,
    score: number,
    comment?: string | null,
  ): Promise<ActionResult> {
    return this.core.citizenChange(
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
        await this.core.addEvent(tx, p.id, "RATED", { userId }, note, { score });
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
    return this.core.citizenChange(
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
}
