/**
 * Petition statistics as the quarterly report counts them: the petitions received in a
 * range (by receipt date), by kind, channel, topic and sender type; of those, how many were
 * resolved (answered) on time or late, forwarded, withdrawn, still open ("under control")
 * and overdue; the share resolved on time; the average days to resolve; satisfaction.
 *
 * Figures describe the state at the end of the range, or now if the range has not ended,
 * so a quarter's report gives the same numbers whenever it is produced:
 * - resolved: answered by then (answeredAt ≤ asOf); on time when answeredAt ≤ dueAt;
 * - forwarded / withdrawn: closed that way by then;
 * - open: everything else; overdue: open with dueAt before asOf;
 * - onTimeRate: resolved on time / resolved (percent, one decimal);
 * - resolutionRate: (resolved + forwarded) / received (percent) — "шийдвэрлэлтийн хувь";
 * - averageDaysToResolve: mean calendar days (organisation's time zone) from receipt to answer;
 * - satisfaction: mean and count of the citizens' ratings (1–5) of these petitions.
 * Only counts and averages: no names, contacts or texts.
 */
import {
  PetitionChannel,
  type PetitionChannel as PetitionChannelT,
  PetitionKind,
  type PetitionKind as PetitionKindT,
  SenderType,
  type SenderType as SenderTypeT,
} from "../generated/prisma/enums.js";
import { DomainError } from "../shared/errors.js";
import { DEFAULT_TIME_ZONE } from "../shared/local-time.js";
import type { Tx } from "../shared/types.js";
import { calendarDaysBetween } from "./deadlines.js";
import type { Named } from "./types.js";

export { quarterRange } from "./deadlines.js";

/** A half-open range [from, to) of receipt instants (ISO strings or dates). */
export interface StatisticsRange {
  from: string | Date;
  to: string | Date;
}

export interface PetitionStatistics {
  range: { from: string; to: string; asOf: string };
  received: {
    total: number;
    byKind: Record<PetitionKindT, number>;
    byChannel: Record<PetitionChannelT, number>;
    bySenderType: Record<SenderTypeT, number>;
    /** Most frequent first; `topic: null` counts petitions without a topic. */
    byTopic: { topic: (Named & { code: string }) | null; count: number }[];
  };
  resolved: { total: number; onTime: number; late: number };
  forwarded: number;
  withdrawn: number;
  open: { total: number; overdue: number };
  onTimeRate: number | null;
  resolutionRate: number | null;
  averageDaysToResolve: number | null;
  satisfaction: { average: number | null; count: number };
}

function zeros<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
}

const round1 = (x: number) => Math.round(x * 10) / 10;
const percent = (part: number, whole: number) => (whole > 0 ? round1((part / whole) * 100) : null);

function toDate(x: string | Date): Date | null {
  const d = x instanceof Date ? x : typeof x === "string" ? new Date(x) : null;
  return d && !Number.isNaN(d.getTime()) ? d : null;
}

export async function statisticsFor(
  tx: Tx,
  orgId: number,
  range: StatisticsRange,
  now: Date,
): Promise<PetitionStatistics> {
  const from = toDate(range.from);
  const to = toDate(range.to);
  if (!from || !to || from.getTime() >= to.getTime()) throw new DomainError("petitions:errors.rangeInvalid");
  const asOf = new Date(Math.min(now.getTime(), to.getTime()));
  const org = await tx.organization.findUniqueOrThrow({ where: { id: orgId }, select: { timezone: true } });
  const tz = org.timezone || DEFAULT_TIME_ZONE;

  const rows = await tx.petition.findMany({
    where: { orgId, receivedAt: { gte: from, lt: to } },
    select: {
      kind: true,
      channel: true,
      senderType: true,
      topicId: true,
      status: true,
      receivedAt: true,
      dueAt: true,
      answeredAt: true,
      closedAt: true,
      rating: true,
    },
  });

  const byKind = zeros(Object.values(PetitionKind));
  const byChannel = zeros(Object.values(PetitionChannel));
  const bySenderType = zeros(Object.values(SenderType));
  const topicCounts = new Map<number | null, number>();
  let onTime = 0;
  let late = 0;
  let forwarded = 0;
  let withdrawn = 0;
  let open = 0;
  let overdue = 0;
  let days = 0;
  let ratingSum = 0;
  let ratingCount = 0;
  const t = asOf.getTime();

  for (const r of rows) {
    byKind[r.kind]++;
    byChannel[r.channel]++;
    bySenderType[r.senderType]++;
    topicCounts.set(r.topicId, (topicCounts.get(r.topicId) ?? 0) + 1);
    if (r.status === "ANSWERED" && r.answeredAt && r.answeredAt.getTime() <= t) {
      if (r.answeredAt.getTime() <= r.dueAt.getTime()) onTime++;
      else late++;
      days += calendarDaysBetween(r.receivedAt, r.answeredAt, tz);
    } else if (r.status === "FORWARDED" && r.closedAt && r.closedAt.getTime() <= t) {
      forwarded++;
    } else if (r.status === "WITHDRAWN" && r.closedAt && r.closedAt.getTime() <= t) {
      withdrawn++;
    } else {
      open++;
      if (r.dueAt.getTime() < t) overdue++;
    }
    if (r.rating !== null) {
      ratingSum += r.rating;
      ratingCount++;
    }
  }

  const topicIds = [...topicCounts.keys()].filter((k): k is number => k !== null);
  const topics = topicIds.length
    ? await tx.petitionTopic.findMany({
        where: { id: { in: topicIds } },
        select: { id: true, code: true, name: true, nameEn: true },
      })
    : [];
  const topicById = new Map(topics.map((x) => [x.id, x]));
  const byTopic = [...topicCounts.entries()]
    .map(([id, count]) => {
      const topic = id === null ? null : topicById.get(id);
      return {
        topic: topic ? { id: topic.id, code: topic.code, name: topic.name, nameEn: topic.nameEn } : null,
        count,
      };
    })
    .sort(
      (a, b) =>
        b.count - a.count ||
        (a.topic === null ? 1 : 0) - (b.topic === null ? 1 : 0) ||
        (a.topic?.code ?? "").localeCompare(b.topic?.code ?? ""),
    );

  const resolved = onTime + late;
  return {
    range: { from: from.toISOString(), to: to.toISOString(), asOf: asOf.toISOString() },
    received: { total: rows.length, byKind, byChannel, bySenderType, byTopic },
    resolved: { total: resolved, onTime, late },
    forwarded,
    withdrawn,
    open: { total: open, overdue },
    onTimeRate: percent(onTime, resolved),
    resolutionRate: percent(resolved + forwarded, rows.length),
    averageDaysToResolve: resolved > 0 ? round1(days / resolved) : null,
    satisfaction: { average: ratingCount > 0 ? round1(ratingSum / ratingCount) : null, count: ratingCount },
  };
}
