/**
 * What an official types into a report, and how it is checked: the answer patch (achieved
 * level, narrative, completion, dates, "not due"), evidence files and additional tasks.
 */
import type { FileKind, PeriodKind, ReportStatus, TargetType } from "../generated/prisma/enums.js";
import { hasWords } from "../shared/text.js";
import { DomainError } from "../shared/errors.js";
import { dueByPlan } from "./calendar.js";
import {
  NOT_DUE_REASON_MAX,
  shortenText,
  validateAchieved,
  validateCompletion,
  validateNarrative,
  validateReportDates,
} from "./parse.js";
import type { EntryView, EvidenceView } from "./report-view.js";

export interface AnswerPatch {
  /** The achieved level as typed; validated against the measure's target type. null clears it. */
  achieved?: string | null;
  /** What was done, at most 2000 characters. null clears it. */
  narrative?: string | null;
  /** Save an over-long narrative shortened at a sentence or word boundary instead of refusing it. */
  shortenNarrative?: boolean;
  /** 0–100 (a number or "85%"). null clears it. */
  completion?: number | string | null;
  /** When the work started and ended ("2026.01.02-06.15"). null clears it. */
  dates?: string | null;
  /** Declares the measure not due in this period, with the reason; null takes that back. */
  notDue?: { reason: string } | null;
}

export interface EvidenceInput {
  kind: FileKind;
  /** The channel's file id (Telegram file_id). */
  fileId: string;
  fileName?: string | null;
  mimeType?: string | null;
  size?: number | null;
}

export interface TaskInput {
  title: string;
  result?: string | null;
  completion?: number | string | null;
}

const TEXT_MAX = 2000;

export function cleanText(input: unknown, max = TEXT_MAX): string | null {
  const text = String(input ?? "").trim();
  if (!text) return null;
  if (text.length > max) throw new DomainError("reporting:validation.tooLong", { max, length: text.length });
  return text;
}

export function completionOrNull(input: number | string | null | undefined): number | null {
  if (input === null || input === undefined || input === "") return null;
  const r = validateCompletion(input);
  if (!r.ok) throw new DomainError(r.key, r.params);
  return r.value;
}

export const EDITABLE: ReportStatus[] = ["DRAFT", "RETURNED"];

/** What saving an answer can change in an entry; the measure's own fields stay as they are. */
export type EntryAnswer = Pick<
  EntryView,
  | "achievedText"
  | "achievedValue"
  | "narrative"
  | "completion"
  | "skipped"
  | "notDueReason"
  | "notDueFlagged"
  | "dates"
  | "answered"
  | "suggestedCompletion"
  | "narrativeHasFigures"
  | "evidence"
>;

export interface EntryRow {
  id: number;
  skipped: boolean;
  achievedText: string | null;
  achievedValue: number | null;
  narrative: string | null;
  completion: number | null;
  notDueReason: string | null;
  notDueFlagged: boolean;
  dates: string | null;
  status: ReportStatus;
  personId: number;
  targetType: TargetType;
  targetValue: number | null;
  quarters: number[];
  startMonth: number | null;
  year: number;
  periodKind: PeriodKind;
  evidence: EvidenceView[] | string;
}

/** What validating an answer needs to know of its measure and period. */
interface AnswerContext {
  targetType: TargetType;
  quarters: readonly number[];
  startMonth: number | null;
  year: number;
  periodKind: PeriodKind;
}

/** The validated columns an answer patch writes. */
export function answerData(ctx: AnswerContext, patch: AnswerPatch) {
  const data: {
    achievedText?: string | null;
    achievedValue?: number | null;
    narrative?: string | null;
    completion?: number | null;
    dates?: string | null;
    skipped?: boolean;
    notDueReason?: string | null;
    notDueFlagged?: boolean;
  } = {};
  if (patch.achieved !== undefined) {
    if (patch.achieved === null || String(patch.achieved).trim() === "") {
      data.achievedText = null;
      data.achievedValue = null;
    } else {
      const r = validateAchieved(ctx.targetType, patch.achieved);
      if (!r.ok) throw new DomainError(r.key, r.params);
      data.achievedText = r.text;
      data.achievedValue = r.value;
      // An achieved level answers the measure: it is due after all.
      Object.assign(data, { skipped: false, notDueReason: null, notDueFlagged: false });
    }
  }
  if (patch.narrative !== undefined) {
    const text =
      patch.shortenNarrative && patch.narrative !== null ? shortenText(patch.narrative) : patch.narrative;
    const r = validateNarrative(text);
    if (!r.ok) throw new DomainError(r.key, r.params);
    data.narrative = r.value;
  }
  if (patch.completion !== undefined) data.completion = completionOrNull(patch.completion);
  if (patch.dates !== undefined) {
    if (patch.dates === null || patch.dates.trim() === "") data.dates = null;
    else {
      const r = validateReportDates(patch.dates, ctx.year);
      if (!r.ok) throw new DomainError(r.key, r.params);
      data.dates = r.value;
    }
  }
  if (patch.notDue === null)
    Object.assign(data, { skipped: false, notDueReason: null, notDueFlagged: false });
  else if (patch.notDue !== undefined) {
    const reason = cleanText(patch.notDue.reason, NOT_DUE_REASON_MAX);
    if (!reason || !hasWords(reason)) throw new DomainError("reporting:validation.notDueReason");
    data.skipped = true;
    data.notDueReason = reason;
    data.notDueFlagged = dueByPlan(ctx, ctx.periodKind);
  }
  return data;
}
