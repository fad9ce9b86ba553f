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
 *
 * This class is the one entry the rest of the app uses; each method hands over to the part
 * that holds it (documented there):
 * - ./petition-intake.ts: intake rules, checking and registering petitions;
 * - ./petition-workflow.ts: distribution, forwarding, extensions, questions to the citizen;
 * - ./petition-answers.ts: the answer, its review and its delivery;
 * - ./petition-citizen-actions.ts: the citizen's replies, additions, withdrawal and rating;
 * - ./petition-queries.ts: lists, cards, search and statistics;
 * - ./petition-tx.ts: what they share (lookups, history entries, the transaction wrappers).
 */

import { PetitionAnswers } from "./petition-answers.js";
import { PetitionCitizenActions } from "./petition-citizen-actions.js";
import { PetitionIntake } from "./petition-intake.js";
import { PetitionQueries } from "./petition-queries.js";
import { PetitionTx, type PetitionServiceDeps } from "./petition-tx.js";
import { PetitionWorkflow } from "./petition-workflow.js";

export type { ActionResult, PetitionServiceDeps } from "./petition-tx.js";

type Args<P, K extends keyof P> = P[K] extends (...args: infer A) => unknown ? A : never;

export class PetitionService {
  private readonly intake: PetitionIntake;
  private readonly workflow: PetitionWorkflow;
  private readonly answers: PetitionAnswers;
  private readonly citizen: PetitionCitizenActions;
  private readonly queries: PetitionQueries;

  constructor(deps: PetitionServiceDeps) {
    const core = new PetitionTx(deps);
    this.intake = new PetitionIntake(core);
    this.workflow = new PetitionWorkflow(core, this.intake);
    this.answers = new PetitionAnswers(core);
    this.citizen = new PetitionCitizenActions(core);
    this.queries = new PetitionQueries(core);
  }

  // ───────────────────────────── intake (./petition-intake.ts) ─────────────────────────────

  intakeOptions(...a: Args<PetitionIntake, "intakeOptions">) {
    return this.intake.intakeOptions(...a);
  }
  validateIntake(...a: Args<PetitionIntake, "validateIntake">) {
    return this.intake.validateIntake(...a);
  }
  submitFromCitizen(...a: Args<PetitionIntake, "submitFromCitizen">) {
    return this.intake.submitFromCitizen(...a);
  }
  registerByStaff(...a: Args<PetitionIntake, "registerByStaff">) {
    return this.intake.registerByStaff(...a);
  }

  // ───────────────────────────── staff work (./petition-workflow.ts) ─────────────────────────────

  assign(...a: Args<PetitionWorkflow, "assign">) {
    return this.workflow.assign(...a);
  }
  accept(...a: Args<PetitionWorkflow, "accept">) {
    return this.workflow.accept(...a);
  }
  returnToClerk(...a: Args<PetitionWorkflow, "returnToClerk">) {
    return this.workflow.returnToClerk(...a);
  }
  forward(...a: Args<PetitionWorkflow, "forward">) {
    return this.workflow.forward(...a);
  }
  requestExtension(...a: Args<PetitionWorkflow, "requestExtension">) {
    return this.workflow.requestExtension(...a);
  }
  decideExtension(...a: Args<PetitionWorkflow, "decideExtension">) {
    return this.workflow.decideExtension(...a);
  }
  askCitizen(...a: Args<PetitionWorkflow, "askCitizen">) {
    return this.workflow.askCitizen(...a);
  }

  // ───────────────────────────── the answer (./petition-answers.ts) ─────────────────────────────

  answer(...a: Args<PetitionAnswers, "answer">) {
    return this.answers.answer(...a);
  }
  approveAnswer(...a: Args<PetitionAnswers, "approveAnswer">) {
    return this.answers.approveAnswer(...a);
  }
  sendBackAnswer(...a: Args<PetitionAnswers, "sendBackAnswer">) {
    return this.answers.sendBackAnswer(...a);
  }

  // ─────────────────────── the citizen's side (./petition-citizen-actions.ts) ───────────────────────

  citizenReply(...a: Args<PetitionCitizenActions, "citizenReply">) {
    return this.citizen.citizenReply(...a);
  }
  addInfo(...a: Args<PetitionCitizenActions, "addInfo">) {
    return this.citizen.addInfo(...a);
  }
  withdraw(...a: Args<PetitionCitizenActions, "withdraw">) {
    return this.citizen.withdraw(...a);
  }
  rate(...a: Args<PetitionCitizenActions, "rate">) {
    return this.citizen.rate(...a);
  }
  commentOnRating(...a: Args<PetitionCitizenActions, "commentOnRating">) {
    return this.citizen.commentOnRating(...a);
  }

  // ───────────────────────────── reading (./petition-queries.ts) ─────────────────────────────

  listForCitizen(...a: Args<PetitionQueries, "listForCitizen">) {
    return this.queries.listForCitizen(...a);
  }
  cardForCitizen(...a: Args<PetitionQueries, "cardForCitizen">) {
    return this.queries.cardForCitizen(...a);
  }
  listForAssignee(...a: Args<PetitionQueries, "listForAssignee">) {
    return this.queries.listForAssignee(...a);
  }
  listForOrg(...a: Args<PetitionQueries, "listForOrg">) {
    return this.queries.listForOrg(...a);
  }
  clerkQueue(...a: Args<PetitionQueries, "clerkQueue">) {
    return this.queries.clerkQueue(...a);
  }
  listForUnitHead(...a: Args<PetitionQueries, "listForUnitHead">) {
    return this.queries.listForUnitHead(...a);
  }
  search(...a: Args<PetitionQueries, "search">) {
    return this.queries.search(...a);
  }
  cardForStaff(...a: Args<PetitionQueries, "cardForStaff">) {
    return this.queries.cardForStaff(...a);
  }
  statistics(...a: Args<PetitionQueries, "statistics">) {
    return this.queries.statistics(...a);
  }
  publicSummary(...a: Args<PetitionQueries, "publicSummary">) {
    return this.queries.publicSummary(...a);
  }
}
