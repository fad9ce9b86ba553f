/**
 * Citizens on Messenger who cannot be reached: a Page may message a person only within 24
 * hours of their last message, so the outbox holds what the office sends a citizen who has
 * not written since (src/scheduling/messenger-window.ts). When a petition's messages have
 * waited `petitions.messengerHeldNoticeDays` (default 3), its clerks are told once to reach
 * the citizen another way, with the phone given at intake.
 *
 * Runs every hour. Once per petition and held episode: the dedupe key holds the time the
 * petition's oldest held message was held, which stays the same until the citizen writes
 * again (that releases every held message; a later hold starts a new episode).
 */
import { parseOrgSettings } from "../directory/settings.js";
import { clerksOf, notifyPeople, openButton } from "../petitions/notifications.js";
import type { JobDeps } from "../scheduling/job-runner.js";
import type { PayloadValue } from "../scheduling/outbox.js";

export const CITIZEN_NOT_REACHED_KIND = "petition.citizenNotReached";

const DAY_MS = 24 * 3600_000;

export async function citizenNotReached(deps: JobDeps): Promise<{ enqueued: number }> {
  const { prisma, clock, logger } = deps;
  const now = clock.now();
  const held = await prisma.notification.groupBy({
    by: ["petitionId"],
    where: { status: "HELD", petitionId: { not: null } },
    _min: { heldAt: true },
  });
  const since = new Map<number, Date>();
  for (const h of held) if (h.petitionId !== null && h._min.heldAt) since.set(h.petitionId, h._min.heldAt);
  if (since.size === 0) return { enqueued: 0 };

  const petitions = await prisma.petition.findMany({
    where: { id: { in: [...since.keys()] } },
    select: {
      id: true,
      number: true,
      orgId: true,
      anonymous: true,
      petitionerName: true,
      phone: true,
      org: { select: { settings: true } },
    },
    orderBy: { id: "asc" },
  });
  let enqueued = 0;
  for (const p of petitions) {
    let days = 3;
    try {
      days = parseOrgSettings(p.org.settings).petitions.messengerHeldNoticeDays;
    } catch (err) {
      logger?.warn(
        { orgId: p.orgId, err: String(err) },
        "jobs: invalid organisation settings, using defaults",
      );
    }
    const heldAt = since.get(p.id)!;
    if (now.getTime() - heldAt.getTime() < days * DAY_MS) continue;
    const notGiven: PayloadValue = { t: "petitions:notify.notGiven" };
    enqueued += await notifyPeople(prisma, await clerksOf(prisma, p.orgId), {
      kind: CITIZEN_NOT_REACHED_KIND,
      petitionId: p.id,
      // The episode: a later hold (after the citizen wrote again) is told again.
      eventId: heldAt.getTime(),
      payload: {
        key: "petitions:notify.citizenNotReached",
        params: {
          number: p.number,
          since: { date: heldAt.toISOString() },
          name: p.anonymous ? { t: "petitions:field.anonymous" } : (p.petitionerName ?? notGiven),
          phone: p.phone ?? notGiven,
        },
        buttons: openButton(p.id),
      },
    });
  }
  return { enqueued };
}
