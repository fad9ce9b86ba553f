/**
 * How reports and plans look in the chat: measure cards, the summary before submitting,
 * the compact whole report for the head, unit and evaluation overviews, plan progress.
 * Pure functions of a translator and the services' JSON views; texts are Telegram HTML
 * (user-written values are escaped by i18next when passed as parameters).
 */
import type { TFunction } from "i18next";
import type { PeriodKind, Rating } from "../../generated/prisma/enums.js";
import { escapeHtml, formatDate } from "../../i18n.js";
import type { PlanProgress, PlanView, PlanWarning } from "../../reporting/plan-service.js";
import type { ReportSummary } from "../../reporting/report-service.js";
import type { EntryView, ReportView, TaskView } from "../../reporting/report-view.js";
import type { EvaluationOverview, UnitReportsView } from "../../reporting/review-service.js";
import type { RowError } from "../../shared/errors.js";

/** Telegram allows 4096 characters per message; a margin for the entities. */
export const MESSAGE_MAX = 3900;

/** Shortens a (raw, unescaped) text to `max` characters with an ellipsis. */
export function short(text: string | null | undefined, max: number): string {
  const s = (text ?? "").replace(/\s+/g, " ").trim();
  return s.length <= max ? s : `${s.slice(0, max - 1).trimEnd()}…`;
}

/** Cuts an over-long HTML text at a line break or space, never inside a tag or an entity. */
function cutAt(text: string, max: number): number {
  let cut = text.lastIndexOf("\n", max);
  if (cut < max / 2) cut = text.lastIndexOf(" ", max);
  if (cut < max / 2) cut = max;
  const amp = text.lastIndexOf("&", cut);
  if (amp > text.lastIndexOf(";", cut)) cut = amp;
  const lt = text.lastIndexOf("<", cut);
  if (lt > text.lastIndexOf(">", cut)) cut = lt;
  return Math.max(1, cut);
}

/** Joins blocks into as few messages as fit under the limit; an over-long block is split. */
export function splitMessages(blocks: readonly string[], max = MESSAGE_MAX): string[] {
  const out: string[] = [];
  let current = "";
  const flush = () => {
    if (current.trim()) out.push(current);
    current = "";
  };
  for (const block of blocks) {
    let rest = block;
    while (rest.length > max) {
      flush();
      const cut = cutAt(rest, max);
      out.push(rest.slice(0, cut));
      rest = rest.slice(cut).replace(/^\s+/, "");
    }
    const joined = current ? `${current}\n\n${rest}` : rest;
    if (joined.length > max) {
      flush();
      current = rest;
    } else current = joined;
  }
  flush();
  return out;
}

export function periodLabel(t: TFunction, kind: PeriodKind | string, year: number): string {
  return t("reporting:period.withYear", {
    period: t(`reporting:period.name.${kind}`),
    year,
    interpolation: { escapeValue: false },
  });
}

export function percent(value: number | null | undefined): string {
  return value === null || value === undefined ? "—" : `${value}%`;
}

export function ratingLabel(t: TFunction, rating: Rating | null | undefined): string {
  return rating ? t(`reporting:rating.${rating}`) : "—";
}

// ───────────────────────────── the official's report ─────────────────────────────

/** The card shown before a measure's questions. */
export function measureCard(t: TFunction, e: EntryView, total: number): string {
  const lines = [
    t("reportingBot:card.head", { number: e.number, index: e.index + 1, total }),
    t("reportingBot:card.goal", { number: e.goalNumber, title: short(e.goalTitle, 120) }),
    t("reportingBot:card.title", { title: short(e.title, 1500) }),
  ];
  if (e.indicator) lines.push(t("reportingBot:card.indicator", { value: e.indicator }));
  lines.push(t("reportingBot:card.target", { baseline: e.baseline ?? "—", target: e.target ?? "—" }));
  if (e.previous) {
    lines.push(
      t("reportingBot:card.previous", {
        period: t(`reporting:period.name.${e.previous.periodKind}`),
        achieved: short(e.previous.achievedText, 200) || "—",
        completion: percent(e.previous.completion),
      }),
    );
  } else {
    lines.push(t("reportingBot:card.noPrevious"));
  }
  if (e.skipped) {
    lines.push(t("reportingBot:card.skipped"));
    if (e.notDueReason)
      lines.push(t("reportingBot:card.notDueReason", { reason: short(e.notDueReason, 300) }));
  } else if (e.achievedText !== null || e.completion !== null || e.narrative !== null) {
    lines.push(
      t("reportingBot:card.current", {
        achieved: short(e.achievedText, 200) || "—",
        completion: percent(e.completion),
      }),
    );
  }
  return lines.join("\n");
}

/** What a measure's line in the summary shows. */
export type SummaryLine = Pick<
  EntryView,
  "index" | "number" | "title" | "skipped" | "answered" | "achievedText" | "completion"
> & { evidenceCount: number };

/** What the summary shows of the report: its measures' lines and tasks. */
export interface SummaryView {
  editable: boolean;
  entries: SummaryLine[];
  tasks: TaskView[];
}

/** The summary's figures (a ReportSummary carries them). */
export type SummaryFigures = Pick<
  ReportSummary,
  | "periodKind"
  | "year"
  | "deadline"
  | "late"
  | "total"
  | "answered"
  | "skipped"
  | "overallCompletion"
  | "suggestedRating"
  | "notDueAgainstPlan"
  | "withoutFigures"
>;

/** The summary's line of a measure (from its full view). */
export function summaryLine(e: EntryView): SummaryLine {
  return {
    index: e.index,
    number: e.number,
    title: e.title,
    skipped: e.skipped,
    answered: e.answered,
    achievedText: e.achievedText,
    completion: e.completion,
    evidenceCount: e.evidence.length,
  };
}

function entryLine(t: TFunction, e: SummaryLine): string {
  const title = short(e.title, 70);
  if (e.skipped) return t("reportingBot:summary.lineSkipped", { number: e.number, title });
  if (!e.answered) return t("reportingBot:summary.lineMissing", { number: e.number, title });
  const line = t("reportingBot:summary.lineAnswered", {
    number: e.number,
    title,
    achieved: short(e.achievedText, 60) || "—",
    completion: percent(e.completion),
  });
  return e.evidenceCount > 0
    ? `${line}${t("reportingBot:summary.evidence", { count: e.evidenceCount })}`
    : line;
}

function taskLine(t: TFunction, task: TaskView, n: number): string {
  return t("reportingBot:summary.taskLine", {
    n,
    title: short(task.title, 70),
    completion: percent(task.completion),
  });
}

/** The summary before submitting: overall completion, each measure's line, the tasks. */
export function summaryBlocks(t: TFunction, view: SummaryView, sum: SummaryFigures): string[] {
  const head = [
    t("reportingBot:summary.title", { period: periodLabel(t, sum.periodKind, sum.year) }),
    t("reportingBot:summary.overall", {
      completion: percent(sum.overallCompletion),
      rating: ratingLabel(t, sum.suggestedRating),
    }),
    t("reportingBot:summary.answered", { answered: sum.answered, total: sum.total, skipped: sum.skipped }),
  ];
  if (sum.late && view.editable) {
    head.push(t("reportingBot:summary.late", { deadline: formatDate(sum.deadline) }));
  }
  const blocks = [head.join("\n")];
  if (view.entries.length > 0) blocks.push(view.entries.map((e) => entryLine(t, e)).join("\n"));
  blocks.push(
    [
      t("reportingBot:summary.tasksTitle"),
      ...(view.tasks.length > 0
        ? view.tasks.map((task, i) => taskLine(t, task, i + 1))
        : [t("reportingBot:summary.noTasks")]),
    ].join("\n"),
  );
  if (sum.notDueAgainstPlan.length > 0) {
    blocks.push(t("reportingBot:summary.notDueFlagged", { measures: sum.notDueAgainstPlan.join(", ") }));
  }
  if (sum.withoutFigures.length > 0) {
    blocks.push(t("reportingBot:summary.withoutFigures", { measures: sum.withoutFigures.join(", ") }));
  }
  return blocks;
}

// ───────────────────────────── the whole report, compact ─────────────────────────────

/** The whole report for reading (head, evaluation team, or the official once submitted). */
export function reportBlocks(t: TFunction, view: ReportView): string[] {
  const head = [
    t("reportingBot:view.title", {
      name: view.personName,
      period: periodLabel(t, view.period.kind, view.period.year),
    }),
  ];
  const who = [view.positionTitle, view.unitName].filter(Boolean).join(", ");
  if (who) head.push(escapeHtml(who));
  head.push(
    t("reportingBot:view.status", {
      status: t(`reporting:status.report.${view.status}`),
      completion: percent(view.overallCompletion),
      suggested: ratingLabel(t, view.suggestedRating),
    }),
  );
  if (view.submittedAt) {
    head.push(
      t(view.late ? "reportingBot:view.submittedLate" : "reportingBot:view.submitted", {
        date: formatDate(view.submittedAt),
      }),
    );
  }
  if (view.rating) {
    head.push(
      t("reportingBot:view.rating", { rating: ratingLabel(t, view.rating) }) +
        (view.ratingReason ? ` — ${escapeHtml(view.ratingReason)}` : ""),
    );
  }
  if (view.returnComment) head.push(t("reportingBot:view.returnComment", { comment: view.returnComment }));
  const blocks = [head.join("\n")];

  let goal: number | null = null;
  for (const e of view.entries) {
    const lines: string[] = [];
    if (e.goalNumber !== goal) {
      goal = e.goalNumber;
      lines.push(t("reportingBot:view.goal", { number: e.goalNumber, title: short(e.goalTitle, 300) }));
    }
    lines.push(t("reportingBot:view.measure", { number: e.number, title: short(e.title, 300) }));
    if (e.skipped) {
      lines.push(t(e.notDueFlagged ? "reportingBot:view.notDueFlagged" : "reportingBot:view.skipped"));
      if (e.notDueReason) lines.push(t("reportingBot:card.notDueReason", { reason: e.notDueReason }));
    } else {
      lines.push(
        t("reportingBot:view.figures", {
          target: e.target ?? "—",
          achieved: e.achievedText ?? "—",
          completion: percent(e.completion),
        }) + (e.evidence.length > 0 ? t("reportingBot:summary.evidence", { count: e.evidence.length }) : ""),
      );
      if (e.narrative) lines.push(escapeHtml(e.narrative));
    }
    blocks.push(lines.join("\n"));
  }
  if (view.entries.length === 0) blocks.push(t("reportingBot:view.noMeasures"));
  const tasks = [t("reportingBot:summary.tasksTitle")];
  if (view.tasks.length === 0) tasks.push(t("reportingBot:summary.noTasks"));
  view.tasks.forEach((task, i) => {
    tasks.push(taskLine(t, task, i + 1));
    if (task.result) tasks.push(escapeHtml(task.result));
  });
  blocks.push(tasks.join("\n"));
  return blocks;
}

// ───────────────────────────── the head's and the evaluation team's lists ─────────────────────────────

export function unitReportsBlocks(t: TFunction, v: UnitReportsView): string[] {
  const blocks = [
    [
      t("reportingBot:unit.title", {
        period: periodLabel(t, v.period.kind, v.period.year),
        deadline: formatDate(v.period.deadline),
      }),
      t("reportingBot:unit.totals", v.totals),
    ].join("\n"),
  ];
  for (const u of v.units) {
    const lines = [
      t("reportingBot:unit.unit", {
        name: u.unitName,
        done: u.submitted.length + u.approved.length,
        expected: u.expected,
      }),
    ];
    for (const r of u.submitted) {
      lines.push(
        t(r.late ? "reportingBot:unit.submittedLate" : "reportingBot:unit.submitted", {
          name: r.fullName,
          completion: percent(r.overallCompletion),
        }),
      );
    }
    for (const r of u.returned) lines.push(t("reportingBot:unit.returned", { name: r.fullName }));
    for (const r of u.approved) {
      lines.push(
        t("reportingBot:unit.approved", {
          name: r.fullName,
          completion: percent(r.overallCompletion),
          rating: ratingLabel(t, r.rating),
        }),
      );
    }
    for (const m of u.missing) {
      const key = m.reportId
        ? "reportingBot:unit.missingDraft"
        : m.hasApprovedPlan
          ? "reportingBot:unit.missing"
          : "reportingBot:unit.missingNoPlan";
      lines.push(t(key, { name: m.fullName }));
    }
    if (lines.length === 1) lines.push(t("reportingBot:unit.nobody"));
    blocks.push(lines.join("\n"));
  }
  return blocks;
}

/** A ten-step bar for a completion percent: ▓▓▓▓▓▓▓▓▓░ */
export function bar(value: number | null): string {
  if (value === null) return "░░░░░░░░░░";
  const full = Math.max(0, Math.min(10, Math.round(value / 10)));
  return "▓".repeat(full) + "░".repeat(10 - full);
}

export function evaluationBlocks(t: TFunction, v: EvaluationOverview): string[] {
  const counts = (r: EvaluationOverview["overall"]["ratings"]) =>
    t("reportingBot:evaluation.ratings", {
      excellent: r.EXCELLENT,
      good: r.GOOD,
      satisfactory: r.SATISFACTORY,
      unsatisfactory: r.UNSATISFACTORY,
      unrated: r.unrated,
    });
  const blocks = [
    [
      t("reportingBot:evaluation.title", { period: periodLabel(t, v.period.kind, v.period.year) }),
      t("reportingBot:evaluation.overall", {
        reports: v.overall.reports,
        expected: v.overall.expected,
        completion: percent(v.overall.meanCompletion),
      }),
      counts(v.overall.ratings),
    ].join("\n"),
  ];
  const units = v.units.map((u) =>
    [
      t("reportingBot:evaluation.unit", {
        name: u.unitName ?? t("reportingBot:evaluation.noUnit"),
        reports: u.reports,
        expected: u.expected,
      }),
      `${bar(u.meanCompletion)} ${percent(u.meanCompletion)}`,
      counts(u.ratings),
    ].join("\n"),
  );
  blocks.push(...units);
  if (v.flagged.length > 0) {
    blocks.push(
      [
        t("reportingBot:evaluation.flaggedTitle"),
        ...v.flagged.map((f) =>
          t("reportingBot:evaluation.flagged", {
            name: f.fullName,
            unit: f.unitName ?? "—",
            rating: ratingLabel(t, f.rating),
            suggested: ratingLabel(t, f.suggestedRating),
            completion: percent(f.overallCompletion),
          }),
        ),
      ].join("\n"),
    );
  } else {
    blocks.push(t("reportingBot:evaluation.noFlagged"));
  }
  return blocks;
}

// ───────────────────────────── plans ─────────────────────────────

export function warningLines(t: TFunction, warnings: readonly PlanWarning[]): string[] {
  return warnings.map((w) => `⚠️ ${t(w.key, w.params)}`);
}

function quartersText(t: TFunction, quarters: readonly number[]): string {
  if (quarters.length === 0 || quarters.length === 4) return t("reportingBot:plan.allYear");
  return quarters.map((q) => ["I", "II", "III", "IV"][q - 1]).join(", ");
}

/** The official's plan with each measure's results across the year's periods. */
export function progressBlocks(t: TFunction, p: PlanProgress, plan: PlanView | null): string[] {
  const head = [t("reportingBot:plan.title", { year: p.year, name: p.personName })];
  if (plan) {
    head.push(
      t("reportingBot:plan.status", {
        version: plan.version,
        status: t(`reporting:status.plan.${plan.status}`),
        goals: plan.goalCount,
        measures: plan.measureCount,
      }),
    );
    if (plan.status === "RETURNED" && plan.comment) {
      head.push(t("reportingBot:plan.returnComment", { comment: plan.comment }));
    }
    if (plan.approvedPlanId !== null && plan.approvedPlanId !== plan.id) {
      head.push(t("reportingBot:plan.olderInForce"));
    }
  }
  const periods = p.periods
    .map((x) =>
      t("reportingBot:plan.period", {
        period: t(`reporting:period.name.${x.kind}`),
        value: x.reportStatus
          ? `${t(`reporting:status.report.${x.reportStatus}`)}, ${percent(x.overallCompletion)}`
          : "—",
      }),
    )
    .join("\n");
  head.push(periods);
  const blocks = [head.join("\n")];
  for (const g of p.goals) {
    const lines = [t("reportingBot:view.goal", { number: g.number, title: short(g.title, 200) })];
    for (const m of g.measures) {
      const results = m.results
        .filter((r) => r.due && (r.reportId !== null || r.completion !== null))
        .map((r) =>
          r.skipped
            ? t("reportingBot:plan.resultSkipped", { period: t(`reporting:period.name.${r.kind}`) })
            : t("reportingBot:plan.result", {
                period: t(`reporting:period.name.${r.kind}`),
                achieved: short(r.achievedText, 40) || "—",
                completion: percent(r.completion),
              }),
        );
      lines.push(
        t("reportingBot:plan.measure", {
          number: m.number,
          title: short(m.title, 90),
          target: short(m.target, 40) || "—",
        }),
      );
      if (results.length > 0) lines.push(`   ${results.join(" · ")}`);
    }
    blocks.push(lines.join("\n"));
  }
  return blocks;
}

/** The whole plan (measures with indicator, baseline, target, period), e.g. for the head. */
export function planBlocks(t: TFunction, plan: PlanView, warnings: readonly PlanWarning[] = []): string[] {
  const head = [
    t("reportingBot:plan.title", { year: plan.year, name: plan.personName }),
    t("reportingBot:plan.status", {
      version: plan.version,
      status: t(`reporting:status.plan.${plan.status}`),
      goals: plan.goalCount,
      measures: plan.measureCount,
    }),
  ];
  if (plan.status === "RETURNED" && plan.comment) {
    head.push(t("reportingBot:plan.returnComment", { comment: plan.comment }));
  }
  head.push(...warningLines(t, warnings));
  const blocks = [head.join("\n")];
  for (const g of plan.goals) {
    const lines = [
      t("reportingBot:plan.goal", {
        number: g.number,
        title: short(g.title, 300),
        section: t(`reporting:section.${g.section}`),
      }),
    ];
    if (g.measures.length === 0) lines.push(t("reportingBot:plan.noMeasures"));
    for (const m of g.measures) {
      lines.push(t("reportingBot:plan.measureFull", { number: m.number, title: short(m.title, 300) }));
      lines.push(
        t("reportingBot:plan.measureDetails", {
          indicator: short(m.indicator, 150) || "—",
          baseline: short(m.baseline, 40) || "—",
          target: short(m.target, 60) || "—",
          type: t(`reporting:targetType.${m.targetType}`),
          quarters: quartersText(t, m.quarters),
        }),
      );
    }
    blocks.push(lines.join("\n"));
  }
  return blocks;
}

/** Every row error of an import, in the user's language. */
export function rowErrorLines(t: TFunction, errors: readonly RowError[]): string[] {
  return errors.map((e) =>
    t("common:rows.error", {
      row: e.row,
      column: e.column ? t("common:rows.column", { column: e.column }) : "",
      message: t(e.key, e.params ?? {}),
      interpolation: { escapeValue: false },
    }),
  );
}
