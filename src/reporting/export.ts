/**
 * A report as a paper to sign, in the table layout of seed 000: DOCX (and XLSX with the same
 * columns). Title "<UNIT'S> <POSITION> <NAME'S> <YEAR> ОНЫ <PERIOD> ГҮЙЦЭТГЭЛИЙН ТАЙЛАН",
 * section one with the plan's goals (goal rows span the table), the additional tasks,
 * section two with the skills-development goals, the overall completion and rating, then
 * the signature lines (prepared by the official, reviewed by the head).
 */
import type { TFunction } from "i18next";
import type { Actor } from "../directory/actor.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import type { GoalSection } from "../generated/prisma/enums.js";
import { formatDate, type Locale, translator } from "../i18n.js";
import type { Clock } from "../shared/clock.js";
import { accessTo, check, notFound, reviewersOf } from "./access.js";
import { reportTitle } from "./export-title.js";
import { overallCompletion } from "./rating.js";
import { type LoadedReport, loadReport, planDates, sortedEntries } from "./report-view.js";

export interface ExportedFile {
  data: Buffer;
  fileName: string;
  mimeType: string;
}

/** Everything the paper shows, already in words. */
export interface ReportDocument {
  title: string;
  sections: {
    heading: string;
    goals: {
      heading: string;
      rows: {
        no: string;
        measure: string;
        indicator: string;
        baseline: string;
        target: string;
        achieved: string[];
        dates: string;
        completion: string;
      }[];
    }[];
  }[];
  tasksHeading: string;
  tasks: { no: string; title: string; result: string; completion: string }[];
  noTasks: string;
  totals: string[];
  signatures: { label: string; position: string; name: string; date: string | null }[];
  /** The eight column headings, in seed 000's order. */
  columns: string[];
  /** Seed 000's heading over the three level columns (baseline, target, achieved). */
  levelsHeading: string;
  taskColumns: string[];
  labels: { position: string; nameSignature: string; date: string; signature: (name: string) => string };
}

const MIME_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
const MIME_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/** Builds the paper's content from a loaded report in `locale`. */
export function reportDocument(
  report: LoadedReport,
  reviewer: { fullName: string; positionTitle: string | null } | null,
  locale: Locale,
): ReportDocument {
  const base = translator(locale);
  const t = ((key: string, params: Record<string, unknown> = {}) =>
    base(key, { ...params, interpolation: { escapeValue: false } })) as unknown as TFunction;
  const year = report.period.year;
  const title = reportTitle(t, locale, {
    unit: report.person.unit?.name,
    position: report.person.position?.title,
    fullName: report.person.fullName,
    year,
    period: t(`reporting:period.title.${report.period.kind}`),
  });

  const entries = sortedEntries(report);
  const sectionOf = (s: GoalSection) => (s === "SKILLS" ? "skills" : "plan");
  const build = (which: "plan" | "skills") => {
    const goals = new Map<number, ReportDocument["sections"][number]["goals"][number]>();
    for (const e of entries.filter((x) => sectionOf(x.measure.goal.section) === which)) {
      const g = e.measure.goal;
      let goal = goals.get(g.number);
      if (!goal) {
        goal = { heading: t("reporting:export.goal", { number: g.number, title: g.title }), rows: [] };
        goals.set(g.number, goal);
      }
      const achieved = e.skipped
        ? [
            e.notDueReason
              ? t("reporting:export.skippedReason", { reason: e.notDueReason })
              : t("reporting:export.skipped"),
          ]
        : [e.achievedText, e.narrative].filter((x): x is string => Boolean(x));
      goal.rows.push({
        no: e.measure.number,
        measure: e.measure.title,
        indicator: e.measure.indicator ?? "",
        baseline: e.measure.baseline ?? "",
        target: e.measure.target ?? "",
        achieved,
        dates: e.dates ?? planDates(e.measure, year) ?? "",
        completion: e.skipped
          ? e.notDueFlagged
            ? "0"
            : ""
          : e.completion === null
            ? ""
            : String(e.completion),
      });
    }
    return [...goals.values()];
  };

  const sections: ReportDocument["sections"] = [
    { heading: t("reporting:export.sectionPlan"), goals: build("plan") },
  ];
  const skills = build("skills");
  if (skills.length > 0) sections.push({ heading: t("reporting:export.sectionSkills"), goals: skills });

  const totals: string[] = [];
  if (report.overallCompletion !== null || report.status === "DRAFT" || report.status === "RETURNED") {
    const overall = report.overallCompletion ?? overallCompletion(entries);
    if (overall !== null) totals.push(t("reporting:export.overall", { completion: overall }));
  }
  if (report.rating)
    totals.push(t("reporting:export.rating", { rating: t(`reporting:rating.${report.rating}`) }));

  return {
    title,
    sections,
    tasksHeading: t("reporting:export.sectionTasks"),
    tasks: report.tasks.map((task, i) => ({
      no: String(i + 1),
      title: task.title,
      result: task.result ?? "",
      completion: task.completion === null ? "" : String(task.completion),
    })),
    noTasks: t("reporting:export.noTasks"),
    totals,
    signatures: [
      {
        label: t("reporting:export.preparedBy"),
        position: report.person.position?.title ?? "",
        name: report.person.fullName,
        date: report.submittedAt ? formatDate(report.submittedAt) : null,
      },
      {
        label: t("reporting:export.reviewedBy"),
        position: reviewer?.positionTitle ?? "",
        name: reviewer?.fullName ?? "",
        date: report.reviewedAt && report.status === "APPROVED" ? formatDate(report.reviewedAt) : null,
      },
    ],
    columns: (
      ["no", "measure", "indicator", "baseline", "target", "achieved", "dates", "completion"] as const
    ).map((c) => t(`reporting:export.columns.${c}`)),
    levelsHeading: t("reporting:export.columns.levels"),
    taskColumns: (["no", "title", "result", "completion"] as const).map((c) =>
      t(`reporting:export.taskColumns.${c}`),
    ),
    labels: {
      position: t("reporting:export.position"),
      nameSignature: t("reporting:export.nameSignature"),
      date: t("reporting:export.date"),
      signature: (name: string) => t("reporting:export.signature", { name }),
    },
  };
}

// ───────────────────────────── service ─────────────────────────────

/** The Mongolian paper is the official one; a copy in another language says so in its name. */
function suffix(locale: Locale): string {
  return locale === "mn" ? "" : `-${locale}`;
}

/**
 * Exports reports for the official, their reviewer and the evaluation team: the Mongolian
 * paper of seed 000 by default, whatever language the reader uses the bot in.
 */
export class ReportExport {
  constructor(private readonly deps: { prisma: PrismaClient; clock: Clock }) {}

  private async document(actor: Actor, reportId: number, locale: Locale) {
    const report = await loadReport(this.deps.prisma, reportId);
    if (!report) throw notFound();
    const a = await accessTo(this.deps.prisma, actor, report.personId);
    check(a.self || a.reviewer || a.evaluation);
    const reviewer = report.reviewer
      ? { fullName: report.reviewer.fullName, positionTitle: report.reviewer.position?.title ?? null }
      : ((await reviewersOf(this.deps.prisma, report.person))[0] ?? null);
    const base = `report-${report.period.year}-${report.period.kind}-${report.person.code}`.replace(
      /[^\w.-]+/g,
      "_",
    );
    return { doc: reportDocument(report, reviewer, locale), base };
  }

  async docx(actor: Actor, reportId: number, locale: Locale = "mn"): Promise<ExportedFile> {
    const { doc, base } = await this.document(actor, reportId, locale);
    return {
      data: await (await import("./export-docx.js")).buildReportDocx(doc),
      fileName: `${base}${suffix(locale)}.docx`,
      mimeType: MIME_DOCX,
    };
  }

  async xlsx(actor: Actor, reportId: number, locale: Locale = "mn"): Promise<ExportedFile> {
    const { doc, base } = await this.document(actor, reportId, locale);
    const sheet = translator(locale)("reporting:export.sheet");
    return {
      data: await (await import("./export-xlsx.js")).buildReportXlsx(doc, sheet),
      fileName: `${base}${suffix(locale)}.xlsx`,
      mimeType: MIME_XLSX,
    };
  }
}
