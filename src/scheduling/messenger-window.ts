/**
 * Messenger's 24-hour window, as the outbox applies it.
 *
 * A Page may message a person only within 24 hours of that person's last message,
 * postback, quick reply or referral (`User.lastInboundAt`). A notification to a Messenger
 * person inside the window is sent as an UPDATE; outside it the row becomes HELD: neither
 * failed nor retried, it waits until the person's next inbound event of any kind puts
 * every held row of theirs back to PENDING (`noteInboundEvent`), and the worker then
 * delivers them in their original order.
 *
 * The HUMAN_AGENT tag (7 days, for messages a person wrote; needs Meta's App Review) is
 * used only when enabled, and only for the questions and answers officials write.
 *
 * Holding and releasing cannot cross: the worker holds a row while it has the person's row
 * locked for share, and `noteInboundEvent` writes that row before releasing, so a row is
 * either held before the release (and released by it) or sees the new event and is sent.
 */
import type { PrismaClient } from "../generated/prisma/client.js";
import type { Tx } from "../shared/types.js";

export const MESSENGER_WINDOW_MS = 24 * 3600_000;
export const HUMAN_AGENT_WINDOW_MS = 7 * 24 * 3600_000;

/** Notification kinds whose text an official wrote to the citizen: the HUMAN_AGENT tag may carry them. */
export const HUMAN_AGENT_KINDS: ReadonlySet<string> = new Set([
  "petition.citizenQuestion",
  "petition.citizenAnswered",
]);

export type MessengerTag = "HUMAN_AGENT";

export type WindowVerdict = { send: true; tag?: MessengerTag } | { send: false };

/** Whether a message of `kind` may go to a Messenger person now, and how. */
export function windowVerdict(
  lastInboundAt: Date | null,
  now: Date,
  kind: string,
  humanAgent: boolean,
): WindowVerdict {
  if (!lastInboundAt) return { send: false };
  const since = now.getTime() - lastInboundAt.getTime();
  if (since < MESSENGER_WINDOW_MS) return { send: true };
  if (humanAgent && HUMAN_AGENT_KINDS.has(kind) && since < HUMAN_AGENT_WINDOW_MS) {
    return { send: true, tag: "HUMAN_AGENT" };
  }
  return { send: false };
}

export type GateOutcome =
  | { outcome: "send"; tag?: MessengerTag }
  /** HELD now. */
  | { outcome: "held" }
  /** Back to PENDING: older held rows of the person were released and go first. */
  | { outcome: "requeued" };

export interface GateInput {
  id: number;
  userId: number;
  kind: string;
  lastInboundAt: Date | null;
  instanceId: string;
  now: Date;
  humanAgent: boolean;
}

/**
 * Decides a claimed (SENDING) row for a Messenger person: send it, or hold it. Also heals a
 * missed release: when the window is open but rows of the person held before their last
 * event are still HELD, those are released and this row goes back to the queue behind
 * them. (Rows held after it, because the channel refused, wait for the next event.)
 */
export async function gateMessengerRow(prisma: PrismaClient, row: GateInput): Promise<GateOutcome> {
  const verdict = windowVerdict(row.lastInboundAt, row.now, row.kind, row.humanAgent);
  if (verdict.send) {
    const released = row.lastInboundAt ? await releaseHeldRows(prisma, row.userId, row.lastInboundAt) : 0;
    if (released === 0) return { outcome: "send", ...(verdict.tag ? { tag: verdict.tag } : {}) };
    await prisma.notification.updateMany({
      where: { id: row.id, claimedBy: row.instanceId, status: "SENDING" },
      data: { status: "PENDING", claimedAt: null, claimedBy: null },
    });
    return { outcome: "requeued" };
  }
  return holdRow(prisma, row);
}

/**
 * Holds a claimed row, unless an inbound event arrived after `lastInboundAt` (what the
 * decision to hold saw): then the row goes back to PENDING and is sent on the next round.
 * Also used when the channel itself refused a send as outside the window.
 */
export async function holdRow(
  prisma: PrismaClient,
  row: Pick<GateInput, "id" | "userId" | "instanceId" | "now" | "lastInboundAt">,
  /** The payload with the parts already delivered (`resumeAt`), when a send stopped half way. */
  payload?: object,
): Promise<GateOutcome> {
  return prisma.$transaction(async (tx) => {
    const [user] = await tx.$queryRaw<{ lastInboundAt: Date | null }[]>`
      SELECT "lastInboundAt" FROM "User" WHERE id = ${row.userId} FOR SHARE`;
    const latest = user?.lastInboundAt?.getTime() ?? 0;
    const open = latest > (row.lastInboundAt?.getTime() ?? 0);
    await tx.notification.updateMany({
      where: { id: row.id, claimedBy: row.instanceId, status: "SENDING" },
      data: {
        ...(open ? { status: "PENDING" } : { status: "HELD", heldAt: row.now }),
        claimedAt: null,
        claimedBy: null,
        ...(payload ? { payload } : {}),
      },
    });
    return open ? { outcome: "requeued" } : { outcome: "held" };
  });
}

/** Puts the HELD notifications of a person (those held before `heldBefore`) back to PENDING. */
export async function releaseHeldRows(tx: Tx, userId: number, heldBefore?: Date): Promise<number> {
  const res = await tx.notification.updateMany({
    where: { userId, status: "HELD", ...(heldBefore ? { heldAt: { lt: heldBefore } } : {}) },
    data: { status: "PENDING", heldAt: null },
  });
  return res.count;
}

/**
 * A Messenger person's inbound event (message, postback, quick reply, referral, reaction,
 * an attachment...): records its time (never backwards) and releases their held
 * notifications, which the worker then delivers in their original order. Returns how many
 * were released. Call it for every inbound event of a known user.
 */
export async function noteInboundEvent(prisma: PrismaClient, userId: number, at: Date): Promise<number> {
  return prisma.$transaction(async (tx) => {
    await tx.$executeRaw`
      UPDATE "User" SET "lastInboundAt" = GREATEST(COALESCE("lastInboundAt", ${at}), ${at})
      WHERE id = ${userId}`;
    return releaseHeldRows(tx, userId);
  });
}

/** The held episode of a person: since when their oldest held notification waits, or null. */
export async function heldSince(tx: Tx, userId: number): Promise<Date | null> {
  const row = await tx.notification.findFirst({
    where: { userId, status: "HELD" },
    orderBy: { heldAt: "asc" },
    select: { heldAt: true },
  });
  return row?.heldAt ?? null;
}
