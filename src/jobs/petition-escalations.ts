/**
 * Petition escalations, once a day at the organisation's reminderTime:
 * - overdue open petitions (past their due date, not answered, forwarded or withdrawn):
 *   one message to each responsible head — the heads of the assignee's unit (or of the
 *   unit it was routed to), else up the tree, else the organisation head — listing their
 *   petitions, and one to each petition clerk listing all of them, with the number, the
 *   assignee and the days overdue;
 * - extension requests still waiting for the head's decision since an earlier day: a
 *   reminder to the head for each.
 * Only the current day's slot acts: a missed day is not escalated twice.
 */
import { headsFor } from "../petitions/notifications.js";
import { loadHeadIndex } from "../directory/heads.js";
import type { JobDeps } from "../scheduling/job-runner.js";
import type { NewNotification, PayloadValue } from "../scheduling/outbox.js";
import { action } from "../shared/actions.js";
import { daysBetween, localDay } from "../shared/local-time.js";
import { dateValue, enqueueAll, listValue, orgsForSlot, sendTime } from "./common.js";

/** Statuses in which a petition still waits for its answer. */
export const OPEN_PETITION_STATUSES = ["REGISTERED", "ASSIGNED", "IN_PROGRESS", "ANSWER_REVIEW"] as const;

interface OverdueLine {
  daysOverdue: number;
  line: PayloadValue;
}

export async function petitionEscalations(deps: JobDeps, slotTime: Date): Promise<{ enqueued: number }> {
  const { prisma, clock, logger } = deps;
  const now = clock.now();
  let enqueued = 0;
  for (const org of await orgsForSlot(prisma, slotTime, now, "reminderTime", logger)) {
    if (org.day !== org.today) continue;
    const heads = await loadHeadIndex(prisma, org.orgId);
    const notBefore = sendTime(org, now);
    const rows: NewNotification[] = [];

    // Overdue petitions → heads and clerks.
    const overdue = await prisma.petition.findMany({
      where: { orgId: org.orgId, status: { in: [...OPEN_PETITION_STATUSES] }, dueAt: { lt: now } },
      select: {
        id: true,
        number: true,
        dueAt: true,
        unitId: true,
        assignee: { select: { id: true, fullName: true, unitId: true } },
      },
      orderBy: [{ dueAt: "asc" }, { id: "asc" }],
    });
    const perPerson = new Map<number, OverdueLine[]>();
    const add = (personId: number, item: OverdueLine) => {
      const list = perPerson.get(personId) ?? [];
      if (!list.includes(item)) list.push(item);
      perPerson.set(personId, list);
    };
    for (const p of overdue) {
      const daysOverdue = Math.max(1, daysBetween(localDay(p.dueAt, org.timeZone), org.today));
      const item: OverdueLine = {
        daysOverdue,
        line: {
          t: "scheduling:petition.overdueLine",
          params: {
            number: p.number,
            days: daysOverdue,
            assignee: p.assignee ? p.assignee.fullName : { t: "scheduling:petition.unassigned" },
          },
        },
      };
      const responsible = p.assignee
        ? heads.headsOf({ id: p.assignee.id, unitId: p.assignee.unitId ?? p.unitId })
        : heads.headsOfUnit(p.unitId);
      for (const head of responsible) add(head, item);
      for (const clerk of heads.clerks) add(clerk, item);
    }

    // Extension requests waiting for a decision → the deciding heads.
    const waiting = await prisma.petition.findMany({
      where: {
        orgId: org.orgId,
        status: { in: [...OPEN_PETITION_STATUSES] },
        extensionRequestedDays: { not: null },
        extended: false,
        events: { none: { type: "EXTENSION_REFUSED" } },
      },
      select: {
        id: true,
        number: true,
        dueAt: true,
        unitId: true,
        updatedAt: true,
        extensionRequestedDays: true,
        assignee: { select: { id: true, fullName: true, unitId: true } },
        events: {
          where: { type: "EXTENSION_REQUESTED" },
          orderBy: { createdAt: "desc" },
          take: 1,
          select: { createdAt: true },
        },
      },
      orderBy: { id: "asc" },
    });
    const extensionFor = new Map<number, typeof waiting>();
    for (const p of waiting) {
      const requestedAt = p.events[0]?.createdAt ?? p.updatedAt;
      if (localDay(requestedAt, org.timeZone) >= org.day) continue; // asked today: the head was just told
      // Whoever the petition rules let decide (src/petitions: the assignee's unit heads, else
      // the organisation head), so the buttons in the reminder work for its recipient.
      const deciders = await headsFor(
        prisma,
        org.orgId,
        p.assignee?.unitId ?? p.unitId,
        p.assignee?.id ?? null,
      );
      for (const head of deciders) extensionFor.set(head, [...(extensionFor.get(head) ?? []), p]);
    }

    const people = [...new Set([...perPerson.keys(), ...extensionFor.keys()])];
    const users = await prisma.user.findMany({
      where: { personId: { in: people } },
      select: { id: true, personId: true },
    });
    for (const u of users) {
      const personId = u.personId as number;
      const items = (perPerson.get(personId) ?? []).sort((a, b) => b.daysOverdue - a.daysOverdue);
      if (items.length > 0) {
        rows.push({
          userId: u.id,
          kind: "petition.escalation",
          dedupeKey: `petition.escalation:${org.orgId}:${personId}:${org.day}`,
          payload: {
            key: "scheduling:petition.escalation",
            params: { count: items.length, lines: listValue(items.map((i) => i.line)) },
            buttons: [[{ key: "scheduling:button.overduePetitions", data: action("pt", "list", "overdue") }]],
          },
          notBefore,
        });
      }
      for (const p of extensionFor.get(personId) ?? []) {
        const requestedAt = p.events[0]?.createdAt ?? p.updatedAt;
        rows.push({
          userId: u.id,
          kind: "petition.extensionWaiting",
          dedupeKey: `petition.extensionWaiting:${p.id}:${personId}:${org.day}`,
          payload: {
            key: "scheduling:petition.extensionWaiting",
            params: {
              number: p.number,
              days: p.extensionRequestedDays ?? 0,
              assignee: p.assignee ? p.assignee.fullName : { t: "scheduling:petition.unassigned" },
              waiting: daysBetween(localDay(requestedAt, org.timeZone), org.today),
              due: dateValue(p.dueAt),
            },
            buttons: [
              [
                { key: "scheduling:button.approveExtension", data: action("pt", "xok", p.id) },
                { key: "scheduling:button.refuseExtension", data: action("pt", "xno", p.id) },
              ],
              [{ key: "scheduling:button.openPetition", data: action("pt", "open", p.id) }],
            ],
          },
          notBefore,
        });
      }
    }
    enqueued += await enqueueAll(prisma, rows);
  }
  return { enqueued };
}
