/**
 * One-time invite links that connect a chat account to a person of the directory:
 * `t.me/<bot>?start=inv_<code>`. Only the SHA-256 of the code is stored; the code is shown
 * once, to whoever creates the invite.
 *
 * Rules:
 * - A code works once, until it expires (7 days by default). A new invite for a person
 *   makes that person's earlier unused invites expire.
 * - Redeeming links the account to the person. If the person was linked to another account
 *   (a new phone, a new Telegram account), the link moves to the new account and the old
 *   account is told.
 * - An account already linked to another, still active person is refused: one account is
 *   one person. The admin first unlinks it (DirectoryAdmin.unlinkAccount) or deactivates
 *   the old person (someone who moved to another office).
 * - Redeeming the same code again from the account that used it succeeds (a repeated
 *   /start), from any other account it is "already used".
 */
import { createHash, randomBytes } from "node:crypto";
import type { PrismaClient } from "../generated/prisma/client.js";
import { enqueue } from "../scheduling/outbox.js";
import type { Clock } from "../shared/clock.js";
import { DomainError } from "../shared/errors.js";
import { type Actor, requireOrgAdmin } from "./actor.js";

/** The prefix of the /start parameter that carries an invite code. */
export const INVITE_PREFIX = "inv_";

const CODE_RE = /^[A-Za-z0-9_-]{16,60}$/;

export function hashInviteCode(code: string): string {
  return createHash("sha256").update(code, "utf8").digest("hex");
}

/** 24 url-safe characters (144 random bits): `inv_` + code fits Telegram's 64-character start parameter. */
function newCode(): string {
  return randomBytes(18).toString("base64url");
}

export interface CreatedInvite {
  inviteId: number;
  personId: number;
  /** The plain code: shown once, never stored. */
  code: string;
  /** The /start parameter: `inv_<code>`. */
  startParam: string;
  expiresAt: Date;
}

export interface CreateInviteInput {
  /** The admin creating it; omitted for the operator's command line. */
  actor?: Actor;
  personId: number;
  ttlDays?: number;
}

export async function createInvite(
  prisma: PrismaClient,
  clock: Clock,
  { actor, personId, ttlDays = 7 }: CreateInviteInput,
): Promise<CreatedInvite> {
  if (!Number.isInteger(ttlDays) || ttlDays < 1 || ttlDays > 90) {
    throw new DomainError("directory:errors.inviteTtl", { min: 1, max: 90 });
  }
  const now = clock.now();
  return prisma.$transaction(async (tx) => {
    const person = await tx.person.findUnique({
      where: { id: personId },
      select: { id: true, orgId: true, active: true },
    });
    if (!person) throw new DomainError("common:errors.notFound");
    if (actor) requireOrgAdmin(actor, person.orgId);
    if (!person.active) throw new DomainError("directory:errors.personInactive");
    await tx.invite.updateMany({
      where: { personId, usedAt: null, expiresAt: { gt: now } },
      data: { expiresAt: now },
    });
    const code = newCode();
    const expiresAt = new Date(now.getTime() + ttlDays * 86_400_000);
    const invite = await tx.invite.create({
      data: { personId, codeHash: hashInviteCode(code), expiresAt, createdAt: now },
    });
    return { inviteId: invite.id, personId, code, startParam: `${INVITE_PREFIX}${code}`, expiresAt };
  });
}

export interface RedeemedInvite {
  personId: number;
  orgId: number;
  fullName: string;
  orgName: string;
  /** The account that held the person's link before (it was unlinked), if any. */
  previousUserId: number | null;
  /** The same account had already used this code: nothing changed. */
  alreadyLinked: boolean;
}

/** Accepts the code with or without its `inv_` prefix. */
export async function redeemInvite(
  prisma: PrismaClient,
  clock: Clock,
  { userId, code }: { userId: number; code: string },
): Promise<RedeemedInvite> {
  const plain = code.trim().startsWith(INVITE_PREFIX) ? code.trim().slice(INVITE_PREFIX.length) : code.trim();
  if (!CODE_RE.test(plain)) throw new DomainError("directory:errors.inviteUnknown");
  const now = clock.now();

  return prisma.$transaction(async (tx) => {
    const invite = await tx.invite.findUnique({ where: { codeHash: hashInviteCode(plain) } });
    if (!invite) throw new DomainError("directory:errors.inviteUnknown");
    // Redemptions of invites for one person take turns, so the link moves consistently.
    await tx.$queryRaw`SELECT id FROM "Person" WHERE id = ${invite.personId} FOR UPDATE`;
    const person = await tx.person.findUniqueOrThrow({
      where: { id: invite.personId },
      include: { org: { select: { name: true } }, user: { select: { id: true } } },
    });
    const summary = {
      personId: person.id,
      orgId: person.orgId,
      fullName: person.fullName,
      orgName: person.org.name,
    };

    if (invite.usedAt) {
      if (invite.usedByUserId === userId && person.user?.id === userId) {
        return { ...summary, previousUserId: null, alreadyLinked: true };
      }
      throw new DomainError("directory:errors.inviteUsed");
    }
    if (invite.expiresAt.getTime() <= now.getTime()) throw new DomainError("directory:errors.inviteExpired");
    if (!person.active) throw new DomainError("directory:errors.personInactive");

    const user = await tx.user.findUnique({
      where: { id: userId },
      include: { person: { include: { org: { select: { name: true } } } } },
    });
    if (!user) throw new DomainError("common:errors.notFound");
    if (user.person && user.person.id !== person.id && user.person.active) {
      throw new DomainError("directory:errors.accountLinkedToOther", {
        name: user.person.fullName,
        org: user.person.org.name,
      });
    }

    // Claim the code: only one redemption can turn usedAt from null.
    const claimed = await tx.invite.updateMany({
      where: { id: invite.id, usedAt: null },
      data: { usedAt: now, usedByUserId: userId },
    });
    if (claimed.count !== 1) throw new DomainError("directory:errors.inviteUsed");

    const previousUserId = person.user && person.user.id !== userId ? person.user.id : null;
    if (previousUserId !== null) {
      await tx.user.update({ where: { id: previousUserId }, data: { personId: null } });
      await enqueue(tx, {
        userId: previousUserId,
        kind: "directory.accountMoved",
        dedupeKey: `directory.accountMoved:${invite.id}`,
        payload: { key: "directory:notifications.accountMoved", params: { name: person.fullName } },
      });
    }
    if (user.personId !== person.id) {
      await tx.user.update({ where: { id: userId }, data: { personId: person.id } });
    }
    // Other unused invites of the person are spent too: the person is linked now.
    await tx.invite.updateMany({
      where: { personId: person.id, usedAt: null, id: { not: invite.id }, expiresAt: { gt: now } },
      data: { expiresAt: now },
    });
    return { ...summary, previousUserId, alreadyLinked: false };
  });
}

/** The link an admin sends: https://t.me/<bot>?start=inv_<code>, or just the parameter without a bot name. */
export function inviteLink(startParam: string, botUsername?: string): string {
  const bot = botUsername?.trim().replace(/^@/, "");
  return bot ? `https://t.me/${bot}?start=${startParam}` : `?start=${startParam}`;
}
