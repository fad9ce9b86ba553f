/**
 * Where the official stands in the report conversation. The conversation continues as new
 * (kit.ts `continueAs`) at the end of each measure, of the additional tasks' question and
 * of each turn of the summary, with its position as the argument: each run covers one of
 * these parts, so its replayed log and stored state do not grow with the measures before.
 */
import type { Kit } from "./kit.js";
import type { MeasureStep } from "./report-steps.js";

export const REPORT_CONVERSATION = "report";
export const REPORT_NAME = "reportingBot:report.name";

export type MeasurePosition = {
  at: "measure";
  /** The measure's place in the report (0-based). */
  index: number;
  /** The step to begin with; "first": the first one the measure still needs. */
  start: MeasureStep | "first";
  /** Opened from the summary: back to the summary when done. */
  editing: boolean;
  /** How many measures the user stepped back: going forward then walks them in order. */
  backtrack: number;
};

export type ReportPosition = {
  reportId: number;
  /** Measures whose narrative got the "add figures" suggestion already (once each). */
  nudged: number[];
} & (MeasurePosition | { at: "tasks" } | { at: "summary" });

/** Ends this run of the report conversation and enters the next at `position`. */
export function goTo(kit: Kit, position: ReportPosition): Promise<void> {
  return kit.continueAs(REPORT_CONVERSATION, position);
}
