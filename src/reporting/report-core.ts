/**
 * What the report parts share: the database and clock, the report view, and loading a
 * report for reading (the official, a reviewer or an evaluator) or for changing (the
 * official, while it is DRAFT or RETURNED).
 */
import type { Actor } from "../directory/actor.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import type { Clock } from "../shared/clock.js";
import { DomainError } from "../shared/errors.js";
import { accessTo, check, notFound } from "./access.js";
import { type LoadedReport, loadReport, type ReportView, reportView } from "./report-view.js";

export class ReportCore {
  readonly prisma: PrismaClient;
  private readonly clock: Clock;

  constructor(deps: { prisma: PrismaClient; clock: Clock }) {
    this.prisma = deps.prisma;
    this.clock = deps.clock;
  }

  now(): Date {
    return this.clock.now();
  }

  async view(report: LoadedReport, actor: Actor): Promise<ReportView> {
    return reportView(this.prisma, report, this.now(), actor.personId);
  }

  /** The report, for the official (any status) or someone allowed to read it. */
  async readable(actor: Actor, reportId: number): Promise<LoadedReport> {
    const report = await loadReport(this.prisma, reportId);
    if (!report) throw notFound();
    const a = await accessTo(this.prisma, actor, report.personId);
    check(a.self || a.reviewer || a.evaluation);
    return report;
  }

  /** The report, for the official, while it may be changed. */
  async editable(actor: Actor, reportId: number): Promise<LoadedReport> {
    const report = await loadReport(this.prisma, reportId);
    if (!report) throw notFound();
    const a = await accessTo(this.prisma, actor, report.personId);
    check(a.self);
    if (report.status !== "DRAFT" && report.status !== "RETURNED") {
      throw new DomainError("reporting:errors.notEditable");
    }
    return report;
  }
}
