/**
 * The reporting services as the rest of the application uses them (bot, CLI, jobs):
 * plans, reports, the head's review, exports and plan files (import and template).
 */
import type { Actor } from "../directory/actor.js";
import { getOrgSettings } from "../directory/settings.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import type { Locale } from "../i18n.js";
import type { Clock } from "../shared/clock.js";
import { localYear } from "../shared/local-time.js";
import { forbidden, loadPerson } from "./access.js";
import { ReportExport } from "./export.js";
import { importPlan, type ImportPlanResult } from "./plan-import.js";
import { planTemplate } from "./plan-template.js";
import { type PlanWarning, PlanService, planWarnings } from "./plan-service.js";
import { ReportService } from "./report-service.js";
import { ReviewService } from "./review-service.js";

interface Deps {
  prisma: PrismaClient;
  clock: Clock;
}

/** Plan spreadsheets sent by users: import as a new version, and the empty template. */
export class PlanFiles {
  constructor(private readonly deps: Deps) {}

  /**
   * Imports a plan file for the actor (or `personId`, when the actor may import for them).
   * The year defaults to the current year in the organisation's time zone. Row errors →
   * ValidationError with every error; nothing is written then.
   */
  async import(input: {
    actor: Actor;
    personId?: number;
    year?: number;
    file: Buffer;
    fileName: string;
  }): Promise<ImportPlanResult> {
    const year = input.year ?? (await this.currentYear(input.actor));
    return importPlan(this.deps.prisma, this.deps.clock, {
      actor: input.actor,
      ...(input.personId !== undefined ? { personId: input.personId } : {}),
      year,
      file: input.file,
      fileName: input.fileName,
    });
  }

  /** The current year in the actor's organisation (Asia/Ulaanbaatar by default). */
  async currentYear(actor: Actor): Promise<number> {
    if (actor.personId === null) throw forbidden();
    const person = await loadPerson(this.deps.prisma, actor.personId);
    if (!person) throw forbidden();
    const org = await this.deps.prisma.organization.findUniqueOrThrow({
      where: { id: person.orgId },
      select: { timezone: true },
    });
    return localYear(this.deps.clock.now(), org.timezone);
  }

  template(locale: Locale, format: "xlsx" | "csv" = "xlsx"): Promise<Buffer> {
    return planTemplate(locale, format);
  }
}

/** Seed 003's remarks on a plan (non-blocking), for whoever may read the plan. */
export class PlanChecks {
  constructor(
    private readonly deps: Deps,
    private readonly plans: PlanService,
  ) {}

  async warnings(actor: Actor, planId: number): Promise<PlanWarning[]> {
    const plan = await this.plans.getPlan(actor, planId);
    const person = await loadPerson(this.deps.prisma, plan.personId);
    if (!person) throw forbidden();
    const settings = await getOrgSettings(this.deps.prisma, person.orgId);
    return planWarnings(plan.goals, settings.reporting.minSkillMeasures);
  }
}

export function createReportingServices(deps: Deps) {
  const plans = new PlanService(deps);
  return {
    plans,
    reports: new ReportService(deps),
    review: new ReviewService(deps),
    export: new ReportExport(deps),
    planFiles: new PlanFiles(deps),
    planChecks: new PlanChecks(deps, plans),
  };
}

export type ReportingServices = ReturnType<typeof createReportingServices>;
