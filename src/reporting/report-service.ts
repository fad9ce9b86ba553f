/**
 * An official's report for a period: opened on the current period with one entry per
 * measure due in it (./calendar.ts), filled in answer by answer (every answer is saved at
 * once, so a draft survives restarts and lost phones), summarised and submitted to the head.
 *
 * - Only the official edits, and only while the report is DRAFT or RETURNED.
 * - A measure counts as answered when it is declared not due (with a reason), or has a
 *   completion percent and an achieved level or narrative. Passing a measure by ("later")
 *   leaves it unanswered; submitting needs every measure answered.
 * - "Not due in this period" is declared with a reason. Where the plan says the measure is
 *   due (./calendar.ts dueByPlan) the declaration is kept but flagged: it counts as 0% in
 *   the overall completion and the head is told which measures it concerns.
 * - Overall completion: the mean completion of the measures (./rating.ts); the suggested
 *   rating follows the organisation's scale. An achieved level may exceed the target; the
 *   completion percent stays within 0–100.
 * - A narrative over 2000 characters is refused unless the official asks for it to be
 *   shortened (at a sentence or word boundary, ./parse.ts shortenText).
 * - Late: the first submission came after the deadline. A report returned and resubmitted
 *   keeps the flag of its first submission.
 * - The report uses the plan version approved when it was opened; a plan approved later
 *   applies from the next report.
 *
 * ReportService is the one entry the rest of the app uses; each method hands over to the
 * part that holds it (documented there): ./report-lifecycle.ts (open, read, one measure
 * for the conversation, summary, submit), ./report-editing.ts (answers, evidence, tasks), ./report-input.ts (what is typed
 * and how it is checked), ./report-core.ts (loading a report for reading or changing).
 */
import type { PrismaClient } from "../generated/prisma/client.js";
import type { Clock } from "../shared/clock.js";
import { ReportCore } from "./report-core.js";
import { ReportEditing } from "./report-editing.js";
import { ReportLifecycle } from "./report-lifecycle.js";

export type { AnswerPatch, EntryAnswer, EvidenceInput, TaskInput } from "./report-input.js";
export type { ReportAt, ReportBrief, ReportSummary } from "./report-lifecycle.js";

type Args<P, K extends keyof P> = P[K] extends (...args: infer A) => unknown ? A : never;

export class ReportService {
  private readonly lifecycle: ReportLifecycle;
  private readonly editing: ReportEditing;

  constructor(deps: { prisma: PrismaClient; clock: Clock }) {
    const core = new ReportCore(deps);
    this.lifecycle = new ReportLifecycle(core);
    this.editing = new ReportEditing(core);
  }

  openReport(...a: Args<ReportLifecycle, "openReport">) {
    return this.lifecycle.openReport(...a);
  }
  openReportRef(...a: Args<ReportLifecycle, "openReportRef">) {
    return this.lifecycle.openReportRef(...a);
  }
  getReport(...a: Args<ReportLifecycle, "getReport">) {
    return this.lifecycle.getReport(...a);
  }
  entryAt(...a: Args<ReportLifecycle, "entryAt">) {
    return this.lifecycle.entryAt(...a);
  }
  myReports(...a: Args<ReportLifecycle, "myReports">) {
    return this.lifecycle.myReports(...a);
  }
  saveAnswer(...a: Args<ReportEditing, "saveAnswer">) {
    return this.editing.saveAnswer(...a);
  }
  saveEntryAnswer(...a: Args<ReportEditing, "saveEntryAnswer">) {
    return this.editing.saveEntryAnswer(...a);
  }
  addEvidence(...a: Args<ReportEditing, "addEvidence">) {
    return this.editing.addEvidence(...a);
  }
  removeEvidence(...a: Args<ReportEditing, "removeEvidence">) {
    return this.editing.removeEvidence(...a);
  }
  addTask(...a: Args<ReportEditing, "addTask">) {
    return this.editing.addTask(...a);
  }
  updateTask(...a: Args<ReportEditing, "updateTask">) {
    return this.editing.updateTask(...a);
  }
  removeTask(...a: Args<ReportEditing, "removeTask">) {
    return this.editing.removeTask(...a);
  }
  summary(...a: Args<ReportLifecycle, "summary">) {
    return this.lifecycle.summary(...a);
  }
  submit(...a: Args<ReportLifecycle, "submit">) {
    return this.lifecycle.submit(...a);
  }
}
