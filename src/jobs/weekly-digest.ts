/**
 * Heads' digest, at the organisation's digestTime:
 * - weekly, on the head's `Person.digestWeekday` (1 = Monday … 7 = Sunday; null: no
 *   weekly digest);
 * - and the day before each reporting deadline, to every head.
 * At most one digest per head and day (`digest:<person>:<day>`). Digests due on a
 * weekend wait for Monday morning unless `notifications.digestsOnWeekends`.
 *
 * A unit head's digest covers their people (those whose head they are: see
 * directory/heads.ts) and the petitions those people hold or that were routed to their
 * unit; an organisation head's covers the whole organisation. Contents: reports
 * submitted vs missing for the open period, reports waiting for the head's review,
 * petitions due within 7 days, overdue petitions, and people who cannot be reached
 * (blocked the bot) or have not linked a chat account.
 */
import { type HeadIndex, loadHeadIndex } from "../directory/heads.js";
import type { JobDeps } from "../scheduling/job-runner.js";
import { reportDuties } from "../reporting/due.js";
import type { NewNotification, PayloadButton, PayloadValue } from "../scheduling/outbox.js";
import { action } from "../shared/actions.js";
import { addDays, localDay, weekdayOf } from "../shared/local-time.js";
import {
  type OrgSlot,
  dateValue,
  enqueueAll,
  namesValue,
  orgsForSlot,
  periodName,
  sendTime,
} from "./common.js";
import { OPEN_PETITION_STATUSES } from "./petition-escalations.js";

interface Member {
  id: number;
  fullName: string;
  unitId: number | null;
  roles: string[];
  digestWeekday: number | null;
  userId: number | null;
  unreachable: boolean;
}

interface Period {
  id: number;
  year: number;
  kind: string;
  deadline: Date;
  opensAt: Date;
  deadlineDay: string;
}

export async function weeklyDigest(deps: JobDeps, slotTime: Date): Promise<{ enqueued: number }> {
  const { prisma, clock, logger } = deps;
  const now = clock.now();
  let enqueued = 0;
  for (const org of await orgsForSlot(prisma, slotTime, now, "digestTime", logger)) {
    enqueued += await digestsForOrg(deps, org, now);
  }
  return { enqueued };
}

async function digestsForOrg(deps: JobDeps, org: OrgSlot, now: Date): Promise<number> {
  const { prisma } = deps;
  const periods: Period[] = (
    await prisma.reportingPeriod.findMany({
      where: { orgId: org.orgId, deadline: { gte: now } },
      orderBy: { deadline: "asc" },
      select: { id: true, year: true, kind: true, deadline: true, opensAt: true },
    })
  ).map((p) => ({ ...p, deadlineDay: localDay(p.deadline, org.timeZone) }));
  const isDeadlineEve = (day: string) => periods.some((p) => p.deadlineDay === addDays(day, 1));
  const isDigestDay = (m: Member, day: string) => isDeadlineEve(day) || m.digestWeekday === weekdayOf(day);

  const people: Member[] = (
    await prisma.person.findMany({
      where: { orgId: org.orgId, active: true },
      select: {
        id: true,
        fullName: true,
        unitId: true,
        roles: true,
        digestWeekday: true,
        user: { select: { id: true, unreachableAt: true } },
      },
      orderBy: { fullName: "asc" },
    })
  ).map((p) => ({
    id: p.id,
    fullName: p.fullName,
    unitId: p.unitId,
    roles: p.roles,
    digestWeekday: p.digestWeekday,
    userId: p.user?.id ?? null,
    unreachable: p.user?.unreachableAt != null,
  }));

  // Heads whose digest is due in this slot and not overtaken by a later one (catch-up).
  const recipients = people.filter((m) => {
    if (m.userId === null || !(m.roles.includes("UNIT_HEAD") || m.roles.includes("ORG_HEAD"))) return false;
    if (!isDigestDay(m, org.day)) return false;
    for (let d = addDays(org.day, 1); d <= org.today; d = addDays(d, 1)) if (isDigestDay(m, d)) return false;
    return true;
  });
  if (recipients.length === 0) return 0;

  const heads = await loadHeadIndex(prisma, org.orgId);
  const open = periods.find((p) => p.opensAt.getTime() <= now.getTime());
  const [duties, toReview, petitions] = await Promise.all([
    open ? reportDuties(prisma, [open.id]).then((m) => m.get(open.id) ?? []) : [],
    prisma.report.findMany({
      where: { status: "SUBMITTED", person: { orgId: org.orgId } },
      select: { reviewerId: true, person: { select: { id: true, unitId: true } } },
    }),
    prisma.petition.findMany({
      where: {
        orgId: org.orgId,
        status: { in: [...OPEN_PETITION_STATUSES] },
        dueAt: { lt: new Date(now.getTime() + 8 * 86_400_000) },
      },
      select: { dueAt: true, unitId: true, assignee: { select: { id: true, unitId: true } } },
    }),
  ]);
  // Due and submitted as everywhere else (src/reporting/due.ts).
  const owes = new Map(duties.map((d) => [d.personId, d]));
  const weekEnd = addDays(org.today, 6);

  const rows: NewNotification[] = [];
  for (const head of recipients) {
    const wholeOrg = head.roles.includes("ORG_HEAD");
    const team = people.filter((p) => p.id !== head.id && (wholeOrg || heads.headsOf(p).includes(head.id)));
    const lines: PayloadValue[] = [];
    const buttons: PayloadButton[][] = [];

    if (open) {
      const expected = team.filter((p) => owes.has(p.id));
      const missing = expected.filter((p) => !owes.get(p.id)?.submitted);
      if (expected.length > 0) {
        lines.push({
          t: missing.length > 0 ? "scheduling:digest.reports" : "scheduling:digest.reportsAll",
          params: {
            year: open.year,
            period: periodName(open.kind),
            deadline: dateValue(open.deadline),
            submitted: expected.length - missing.length,
            expected: expected.length,
            missing: missing.length,
            names: namesValue(
              missing.map((p) => p.fullName),
              10,
            ),
          },
        });
      }
    }

    const review = toReview.filter((r) =>
      r.reviewerId !== null ? r.reviewerId === head.id : reviewerHeads(heads, r.person).includes(head.id),
    ).length;
    if (review > 0) {
      lines.push({ t: "scheduling:digest.review", params: { count: review } });
      buttons.push([{ key: "scheduling:button.reviewList", data: action("rv", "list") }]);
    }

    const mine = petitions.filter((p) => {
      if (wholeOrg) return true;
      const responsible = p.assignee
        ? heads.headsOf({ id: p.assignee.id, unitId: p.assignee.unitId ?? p.unitId })
        : heads.headsOfUnit(p.unitId);
      return responsible.includes(head.id);
    });
    const overdue = mine.filter((p) => p.dueAt.getTime() < now.getTime()).length;
    const dueSoon = mine.filter((p) => {
      if (p.dueAt.getTime() < now.getTime()) return false;
      return localDay(p.dueAt, org.timeZone) <= weekEnd;
    }).length;
    if (dueSoon > 0) {
      lines.push({ t: "scheduling:digest.dueThisWeek", params: { count: dueSoon } });
      buttons.push([{ key: "scheduling:button.weekPetitions", data: action("pt", "list", "week") }]);
    }
    if (overdue > 0) {
      lines.push({ t: "scheduling:digest.overdue", params: { count: overdue } });
      buttons.push([{ key: "scheduling:button.overduePetitions", data: action("pt", "list", "overdue") }]);
    }

    const unreachable = team.filter((p) => p.unreachable).map((p) => p.fullName);
    const notLinked = team.filter((p) => p.userId === null).map((p) => p.fullName);
    if (unreachable.length > 0) {
      lines.push({
        t: "scheduling:digest.unreachable",
        params: { count: unreachable.length, names: namesValue(unreachable, 10) },
      });
    }
    if (notLinked.length > 0) {
      lines.push({
        t: "scheduling:digest.notLinked",
        params: { count: notLinked.length, names: namesValue(notLinked, 10) },
      });
    }
    if (lines.length === 0) continue;

    // Said of the day it goes out: the eve's digest caught up on the deadline day says
    // "today", never a wrong "tomorrow"; caught up later still, it is an ordinary digest.
    const eve = periods.find((p) => p.deadlineDay === addDays(org.day, 1) && p.deadlineDay >= org.today);
    const eveKey =
      eve?.deadlineDay === org.today
        ? "scheduling:digest.deadlineTodayTitle"
        : "scheduling:digest.deadlineTitle";
    rows.push({
      userId: head.userId as number,
      kind: eve ? "digest.deadline" : "digest.weekly",
      dedupeKey: `digest:${head.id}:${org.day}`,
      payload: {
        key: eve ? eveKey : "scheduling:digest.weeklyTitle",
        params: {
          date: dateValue(now),
          ...(eve
            ? {
                period: periodName(eve.kind),
                year: eve.year,
                deadline: dateValue(eve.deadline),
              }
            : {}),
          body: { join: lines },
        },
        buttons,
      },
      notBefore: sendTime(org, now, "digest"),
    });
  }
  return enqueueAll(prisma, rows);
}

/** Who reviews a submitted report that names no reviewer: the author's heads. */
function reviewerHeads(heads: HeadIndex, author: { id: number; unitId: number | null }): number[] {
  return heads.headsOf(author);
}
