/**
 * A measure of a performance plan as every view shows it: what is to be done, how it is
 * measured (indicator, baseline, target) and when (months, quarters). Plans, imported rows
 * and report entries carry these fields under the same names.
 */
import type { TargetType } from "../generated/prisma/enums.js";

export interface MeasureFields {
  number: string;
  title: string;
  indicator: string | null;
  baseline: string | null;
  target: string | null;
  targetType: TargetType;
  targetValue: number | null;
  startMonth: number | null;
  endMonth: number | null;
  quarters: number[];
}

/** The measure fields of a row (a plan measure, a report entry's measure), and nothing else. */
export function measureFields(m: MeasureFields): MeasureFields {
  return {
    number: m.number,
    title: m.title,
    indicator: m.indicator,
    baseline: m.baseline,
    target: m.target,
    targetType: m.targetType,
    targetValue: m.targetValue,
    startMonth: m.startMonth,
    endMonth: m.endMonth,
    quarters: m.quarters,
  };
}
