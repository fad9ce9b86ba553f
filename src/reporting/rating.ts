/**
 * The rating scale of the regulation (маш сайн, сайн, хангалттай, хангалтгүй) and the
 * rating suggested from a report's overall completion. The thresholds are per organisation
 * (settings.reporting.ratingScale; defaults EXCELLENT ≥ 90, GOOD ≥ 70, SATISFACTORY ≥ 50,
 * else UNSATISFACTORY).
 */
import type { Rating } from "../generated/prisma/enums.js";

export const RATINGS: readonly Rating[] = ["EXCELLENT", "GOOD", "SATISFACTORY", "UNSATISFACTORY"];

export interface RatingScale {
  EXCELLENT: number;
  GOOD: number;
  SATISFACTORY: number;
}

export function isRating(x: unknown): x is Rating {
  return typeof x === "string" && (RATINGS as readonly string[]).includes(x);
}

/** The rating the overall completion earns on the scale; null when there is no completion. */
export function suggestRating(completion: number | null | undefined, scale: RatingScale): Rating | null {
  if (completion === null || completion === undefined) return null;
  if (completion >= scale.EXCELLENT) return "EXCELLENT";
  if (completion >= scale.GOOD) return "GOOD";
  if (completion >= scale.SATISFACTORY) return "SATISFACTORY";
  return "UNSATISFACTORY";
}

/**
 * A report's overall completion: the mean of the completion percents of its measures, to
 * one decimal; additional tasks do not count. A measure declared not due in the period is
 * left out when the plan agrees; declared against the plan (`notDueFlagged`) it counts as
 * 0%. A completion is at most 100 whatever level was reached (the regulation's cap).
 * Null when no measure counts.
 */
export function overallCompletion(
  entries: { skipped: boolean; notDueFlagged?: boolean; completion: number | null }[],
): number | null {
  const values: number[] = [];
  for (const e of entries) {
    if (e.skipped) {
      if (e.notDueFlagged) values.push(0);
    } else if (e.completion !== null) {
      values.push(Math.min(100, e.completion));
    }
  }
  if (values.length === 0) return null;
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  return Math.round(mean * 10) / 10;
}
