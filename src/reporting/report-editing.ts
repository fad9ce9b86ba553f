/**
 * Filling in a report: saving answers (whole-entry or the light per-answer path), evidence
 * files and additional tasks. Everything is saved at once and only while the report may be
 * changed (./report-core.ts editable).
 */
import { sqlFor } from "../db/direct.js";
import type { Actor } from "../directory/actor.js";
import { getOrgSettings } from "../directory/settings.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { hasWords } from "../shared/text.js";
import { DomainError } from "../shared/errors.js";
import { notFound, requireStaffOrAdmin } from "./access.js";
import {
  answerFields,
  type EntryView,
  type EvidenceView,
  entryView,
  type LoadedReport,
  loadReport,
  previousResults,
  sortedEntries,
  type TaskView,
  taskView,
} from "./report-view.js";
import { ReportCore } from "./report-core.js";
import {
  type AnswerPatch,
  answerData,
  cleanText,
  completionOrNull,
  EDITABLE,
  type EntryAnswer,
  type EntryRow,
  type EvidenceInput,
  type TaskInput,
} from "./report-input.js";

/** The files of the entry `e`, oldest first, as JSON (EvidenceView[]). */
const ENTRY_EVIDENCE = `(SELECT coalesce(json_agg(json_build_object('id', x.id, 'kind', x.kind,
    'fileId', x."fileId", 'fileName', x."fileName", 'mimeType', x."mimeType", 'size', x.size) ORDER BY x.id),
    '[]'::json) FROM "ReportEvidence" x WHERE x."entryId" = e.id) AS evidence`;

/** An entry of a report with what answering it needs (its report, measure and period, its files). */
const ENTRY_ROW = `
  SELECT e.id, e.skipped, e."achievedText", e."achievedValue", e.narrative, e.completion,
         e."notDueReason", e."notDueFlagged", e.dates,
         r.status::text AS status, r."personId", m."targetType"::text AS "targetType", m."targetValue",
         m.quarters, m."startMonth", p.year, p.kind::text AS "periodKind",
         ${ENTRY_EVIDENCE}
  FROM "ReportEntry" e JOIN "Report" r ON r.id = e."reportId" JOIN "Measure" m ON m.id = e."measureId"
  JOIN "ReportingPeriod" p ON p.id = r."periodId"
  WHERE e."reportId" = $1 AND e."measureId" = $2`;

/** What validating an answer needs of its measure and period: fixed once the report exists. */
type AnswerTarget = Pick<
  EntryRow,
  "targetType" | "targetValue" | "quarters" | "startMonth" | "year" | "periodKind"
>;

/** Answer targets kept per instance (a report's measures, for the officials answering now). */
const ANSWER_TARGETS_KEPT = 2_000;

/**
 * An answer written in one statement when its target is known: only to the author's report
 * while it may be changed, and only while the measure and period still are what the
 * target says (else no row, and the answer takes the path that reads them first).
 */
const answerUpdate = (columns: string[]) => `
  UPDATE "ReportEntry" e SET ${columns.map((c, i) => `"${c}" = $${i + 12}`).join(", ")}, "updatedAt" = $3
  FROM "Report" r, "Measure" m, "ReportingPeriod" p
  WHERE e."reportId" = $1 AND e."measureId" = $2
    AND r.id = e."reportId" AND r."personId" = $4 AND r.status::text = ANY($5::text[])
    AND m.id = e."measureId" AND p.id = r."periodId"
    AND m."targetType"::text = $6 AND m."targetValue" IS NOT DISTINCT FROM $7::float8
    AND m.quarters = $8::int[] AND m."startMonth" IS NOT DISTINCT FROM $9::int
    AND p.year = $10::int AND p.kind::text = $11
  RETURNING e.id, e.skipped, e."achievedText", e."achievedValue", e.narrative, e.completion,
    e."notDueReason", e."notDueFlagged", e.dates,
    ${ENTRY_EVIDENCE}`;

export class ReportEditing {
  private readonly core: ReportCore;
  private readonly prisma: PrismaClient;
  private readonly targets = new Map<string, AnswerTarget>();

  constructor(core: ReportCore) {
    this.core = core;
    this.prisma = core.prisma;
  }

  /**
   * Saves part of an answer as soon as it is given. Validation errors are DomainErrors with
   * `reporting:validation.*` keys (the step is asked again). Returns the entry with the
   * suggested completion and whether the narrative has figures.
   */
  async saveAnswer(
    actor: Actor,
    reportId: number,
    measureId: number,
    patch: AnswerPatch,
  ): Promise<EntryView> {
    const report = await this.core.editable(actor, reportId);
    const entry = report.entries.find((e) => e.measureId === measureId);
    if (!entry) throw new DomainError("reporting:errors.notInReport");
    const data = answerData(
      { ...entry.measure, year: report.period.year, periodKind: report.period.kind },
      patch,
    );
    await this.prisma.reportEntry.update({ where: { id: entry.id }, data });
    const fresh = (await loadReport(this.prisma, reportId)) as LoadedReport;
    const ordered = sortedEntries(fresh);
    const index = ordered.findIndex((e) => e.id === entry.id);
    const prev = await previousResults(this.prisma, fresh);
    return entryView(
      ordered[index] as (typeof ordered)[number],
      index,
      prev.get(entry.id) ?? null,
      fresh.period,
    );
  }

  /**
   * Saves part of an answer like `saveAnswer`, for the official filling in their report,
   * and returns only what an answer changes in the entry (not the measure, not the earlier
   * results): one read and one conditional write, whatever the size of the report.
   */
  async saveEntryAnswer(
    actor: Actor,
    reportId: number,
    measureId: number,
    patch: AnswerPatch,
  ): Promise<EntryAnswer> {
    // Straight through the driver (db/direct.ts): the first answer to a measure reads it
    // and writes; the next ones, its target known, only write.
    const sql = sqlFor(this.prisma);
    const key = `${reportId}:${measureId}`;
    const known = actor.personId !== null ? this.targets.get(key) : undefined;
    if (known) {
      requireStaffOrAdmin(actor);
      const data = answerData(known, patch);
      const columns = Object.keys(data) as (keyof typeof data)[];
      const written = await sql.query<EntryRow>(answerUpdate(columns), [
        reportId,
        measureId,
        new Date(),
        actor.personId,
        [...EDITABLE],
        known.targetType,
        known.targetValue,
        [...known.quarters],
        known.startMonth,
        known.year,
        known.periodKind,
        ...columns.map((c) => data[c]),
      ]);
      const row = written[0];
      if (row) return this.answerOf(row, known);
      // Not editable now, or not what the target said: the read below tells which.
      this.targets.delete(key);
    }
    const rows = await sql.query<EntryRow>(ENTRY_ROW, [reportId, measureId]);
    const row = rows[0];
    requireStaffOrAdmin(actor);
    if (!row || actor.personId === null || row.personId !== actor.personId) {
      // Someone else's report, or no such entry: the full checks give the exact answer.
      await this.core.editable(actor, reportId);
      throw new DomainError("reporting:errors.notInReport");
    }
    if (!EDITABLE.includes(row.status)) throw new DomainError("reporting:errors.notEditable");
    const data = answerData(row, patch);
    const columns = Object.keys(data) as (keyof typeof data)[];
    const updated = await sql.query<{ id: number }>(
      `UPDATE "ReportEntry" SET ${columns.map((c, i) => `"${c}" = $${i + 4}`).join(", ")}, "updatedAt" = $2
       WHERE id = $1 AND EXISTS (SELECT 1 FROM "Report" r
         WHERE r.id = "ReportEntry"."reportId" AND r.status::text = ANY($3::text[]))
       RETURNING id`,
      [row.id, new Date(), [...EDITABLE], ...columns.map((c) => data[c])],
    );
    if (updated.length !== 1) throw new DomainError("reporting:errors.notEditable");
    if (this.targets.size >= ANSWER_TARGETS_KEPT) this.targets.delete(this.targets.keys().next().value!);
    const { targetType, targetValue, quarters, startMonth, year, periodKind } = row;
    this.targets.set(key, { targetType, targetValue, quarters, startMonth, year, periodKind });
    return this.answerOf({ ...row, ...data }, row);
  }

  private answerOf(e: EntryRow, target: AnswerTarget): EntryAnswer {
    const evidence = typeof e.evidence === "string" ? (JSON.parse(e.evidence) as EvidenceView[]) : e.evidence;
    return { ...answerFields(e, target), evidence };
  }

  /** Attaches a photo or file (by the channel's file id) to a measure's answer. */
  async addEvidence(actor: Actor, entryId: number, file: EvidenceInput): Promise<EvidenceView> {
    const entry = await this.prisma.reportEntry.findUnique({
      where: { id: entryId },
      select: { reportId: true },
    });
    if (!entry) throw notFound();
    const report = await this.core.editable(actor, entry.reportId);
    const fileId = String(file.fileId ?? "").trim();
    if (!fileId || (file.kind !== "PHOTO" && file.kind !== "DOCUMENT")) {
      throw new DomainError("reporting:validation.badFile");
    }
    const max = (await getOrgSettings(this.prisma, report.person.orgId)).reporting.maxEvidencePerEntry;
    const count = await this.prisma.reportEvidence.count({ where: { entryId } });
    if (count >= max) throw new DomainError("reporting:errors.tooManyEvidence", { max });
    const x = await this.prisma.reportEvidence.create({
      data: {
        entryId,
        kind: file.kind,
        fileId,
        fileName: file.fileName ?? null,
        mimeType: file.mimeType ?? null,
        size: file.size ?? null,
        createdAt: this.core.now(),
      },
    });
    return {
      id: x.id,
      kind: x.kind,
      fileId: x.fileId,
      fileName: x.fileName,
      mimeType: x.mimeType,
      size: x.size,
    };
  }

  async removeEvidence(actor: Actor, evidenceId: number): Promise<void> {
    const x = await this.prisma.reportEvidence.findUnique({
      where: { id: evidenceId },
      select: { entry: { select: { reportId: true } } },
    });
    if (!x) throw notFound();
    await this.core.editable(actor, x.entry.reportId);
    await this.prisma.reportEvidence.delete({ where: { id: evidenceId } });
  }

  /** An additional task (нэмэлт үүрэг даалгавар) carried out during the period. */
  async addTask(actor: Actor, reportId: number, input: TaskInput): Promise<TaskView> {
    await this.core.editable(actor, reportId);
    const title = cleanText(input.title, 1000);
    if (!title) throw new DomainError("reporting:validation.titleRequired");
    if (!hasWords(title)) throw new DomainError("reporting:validation.noWords");
    const t = await this.prisma.additionalTask.create({
      data: {
        reportId,
        title,
        result: cleanText(input.result),
        completion: completionOrNull(input.completion),
      },
    });
    return taskView(t);
  }

  async updateTask(actor: Actor, taskId: number, patch: Partial<TaskInput>): Promise<TaskView> {
    const task = await this.prisma.additionalTask.findUnique({ where: { id: taskId } });
    if (!task) throw notFound();
    await this.core.editable(actor, task.reportId);
    const data: { title?: string; result?: string | null; completion?: number | null } = {};
    if (patch.title !== undefined) {
      const title = cleanText(patch.title, 1000);
      if (!title) throw new DomainError("reporting:validation.titleRequired");
      if (!hasWords(title)) throw new DomainError("reporting:validation.noWords");
      data.title = title;
    }
    if (patch.result !== undefined) data.result = cleanText(patch.result);
    if (patch.completion !== undefined) data.completion = completionOrNull(patch.completion);
    return taskView(await this.prisma.additionalTask.update({ where: { id: taskId }, data }));
  }

  async removeTask(actor: Actor, taskId: number): Promise<void> {
    const task = await this.prisma.additionalTask.findUnique({ where: { id: taskId } });
    if (!task) throw notFound();
    await this.core.editable(actor, task.reportId);
    await this.prisma.additionalTask.delete({ where: { id: taskId } });
  }
}
