/**
 * Chat users: anyone who talks to the bot. Staff users are linked to a directory person
 * (through an invite); citizens are not.
 */
import { sqlFor } from "../db/direct.js";
import { Prisma, type User } from "../generated/prisma/client.js";
import type { ChatChannel, Role } from "../generated/prisma/enums.js";
import type { Tx } from "../shared/types.js";
import type { Actor } from "./actor.js";

export interface ChatIdentity {
  channel: ChatChannel;
  externalId: string;
  chatId: string;
}

const withPerson = {
  person: { select: { id: true, orgId: true, unitId: true, roles: true, active: true, fullName: true } },
} as const;

/** `lastSeenAt` is written again only when older than this (one write per user and window). */
export const LAST_SEEN_RESOLUTION_MS = 10 * 60_000;

type PersonOfUser = {
  id: number;
  orgId: number;
  unitId: number | null;
  roles: Role[];
  active: boolean;
  fullName: string;
};
export type UserWithPerson = User & { person: PersonOfUser | null };

/**
 * Read in the same statement as a known user, to spare the bot's every update a round
 * trip: the stored conversation state of the chat (`ConversationState.value` by key; null
 * when there is none). Left undefined when the user was not found.
 */
export interface Alongside {
  conversationKey?: string;
  conversationValue?: string | null;
  /** Asks whether the user, as a citizen, has a petition in one of these statuses. */
  petitionStatuses?: readonly string[];
  hasPetitionIn?: boolean;
}

/**
 * The arguments after `p_run` of the database function albabot_chat_user (migration
 * 20261203080000_chat_user_function): the user of a chat identity with their person, and
 * what `alongside` asks for.
 */
export function chatUserArgs(
  who: Pick<ChatIdentity, "channel" | "externalId">,
  alongside?: Alongside,
): unknown[] {
  return [
    who.channel,
    who.externalId,
    alongside?.conversationKey ?? null,
    alongside?.petitionStatuses === undefined ? null : [...alongside.petitionStatuses],
  ];
}

/** A row of albabot_chat_user (or findUser's own statement); its columns are null when no user was found. */
export type ChatUserRow = Record<string, unknown>;

/**
 * The user of a chat identity with their directory record, in one statement (the bot's
 * every update starts here).
 */
async function findUser(tx: Tx, who: ChatIdentity, alongside?: Alongside): Promise<UserWithPerson | null> {
  // Straight through the driver when the client is not a transaction.
  const query = chatUserQuery(chatUserArgs(who, alongside));
  const rows = await sqlFor(tx).query<ChatUserRow>(query.text, query.values);
  return userOfRow(rows[0], alongside);
}

/**
 * The user of a chat identity with their person and what `alongside` asks for, by the
 * arguments of `chatUserArgs`: findUser's statement, and a fragment for a statement that
 * reads the user with other work (an update's claim: middlewares/dedupe.ts), there only
 * when `run` holds. The same columns as the database function albabot_chat_user, which the
 * statement taking a chat's lock on PostgreSQL reads on a snapshot of its own, after the
 * lock (middlewares/chat-lock.ts). Without a lock (PGlite, one process) the plain query is
 * read in the claim's statement and planned with it.
 */
export function chatUserQuery(args: unknown[], run: Prisma.Sql = Prisma.sql`true`): Prisma.Sql {
  const [channel, externalId, conversationKey, statuses] = args;
  return Prisma.sql`SELECT u.*, p.id AS "pId", p."orgId" AS "pOrgId", p."unitId" AS "pUnitId", p.roles::text[] AS "pRoles",
       p.active AS "pActive", p."fullName" AS "pFullName",
       CASE WHEN ${conversationKey}::text IS NULL THEN NULL
            ELSE (SELECT c.value FROM "ConversationState" c WHERE c.key = ${conversationKey}::text) END AS "convValue",
       CASE WHEN ${statuses}::text[] IS NULL THEN NULL
            ELSE EXISTS (SELECT 1 FROM "Petition" x
                         WHERE x."citizenUserId" = u.id AND x.status::text = ANY (${statuses}::text[])) END AS "petitionIn"
     FROM "User" u LEFT JOIN "Person" p ON p.id = u."personId"
     WHERE ${run} AND u.channel = ${channel}::"ChatChannel" AND u."externalId" = ${externalId}::text`;
}

const USER_TIMES = ["unreachableAt", "lastInboundAt", "createdAt", "lastSeenAt"] as const;

/** The user (or null) in a row of findUser or albabot_chat_user; fills in `alongside`. */
export function userOfRow(row: ChatUserRow | undefined, alongside?: Alongside): UserWithPerson | null {
  if (!row || row.id === null || row.id === undefined) return null;
  const { pId, pOrgId, pUnitId, pRoles, pActive, pFullName, convValue, petitionIn, ...user } = row;
  // albabot_chat_user gives its times as ISO text (UTC), whatever the session's time zone.
  for (const key of USER_TIMES) if (typeof user[key] === "string") user[key] = new Date(user[key] as string);
  if (alongside) {
    alongside.conversationValue = (convValue as string | null) ?? null;
    if (typeof petitionIn === "boolean") alongside.hasPetitionIn = petitionIn;
  }
  return {
    ...(user as unknown as User),
    person:
      pId === null || pId === undefined
        ? null
        : {
            id: pId as number,
            orgId: pOrgId as number,
            unitId: pUnitId as number | null,
            roles: pRoles as Role[],
            active: pActive as boolean,
            fullName: pFullName as string,
          },
  };
}

/**
 * Creates or refreshes the user of a chat identity (last seen, reachable again). A known
 * user whose chat, reachability and last-seen time (within LAST_SEEN_RESOLUTION_MS) are
 * current costs one read and no write. A new user's first updates may be handled at the
 * same moment (two instances): the one whose insert loses to the other's unique key simply
 * updates the row the other created.
 */
export async function ensureUser(
  tx: Tx,
  who: ChatIdentity,
  now: Date,
  alongside?: Alongside,
  preloaded?: { row: ChatUserRow | undefined },
): Promise<UserWithPerson> {
  // Read already with the update's claim and its chat's lock (middlewares/chat-lock.ts), or now.
  const found = preloaded ? userOfRow(preloaded.row, alongside) : await findUser(tx, who, alongside);
  if (found) {
    const current =
      found.chatId === who.chatId &&
      found.unreachableAt === null &&
      now.getTime() - found.lastSeenAt.getTime() < LAST_SEEN_RESOLUTION_MS &&
      found.lastSeenAt.getTime() <= now.getTime();
    if (current) return found;
    const [updated] = await sqlFor(tx).query<User>(
      `UPDATE "User" SET "chatId" = $2, "lastSeenAt" = $3, "unreachableAt" = NULL WHERE id = $1 RETURNING *`,
      [found.id, who.chatId, now],
    );
    if (updated) return { ...updated, person: found.person };
  }
  // New (or gone since it was read): created, or refreshed if another update created it meanwhile.
  const rows = await sqlFor(tx).query<ChatUserRow>(
    `WITH u AS (
       INSERT INTO "User" (channel, "externalId", "chatId", "createdAt", "lastSeenAt")
       VALUES ($1::"ChatChannel", $2, $3, $4, $5)
       ON CONFLICT (channel, "externalId") DO UPDATE
         SET "chatId" = EXCLUDED."chatId", "lastSeenAt" = EXCLUDED."lastSeenAt", "unreachableAt" = NULL
       RETURNING *)
     SELECT u.*, p.id AS "pId", p."orgId" AS "pOrgId", p."unitId" AS "pUnitId", p.roles::text[] AS "pRoles",
       p.active AS "pActive", p."fullName" AS "pFullName"
     FROM u LEFT JOIN "Person" p ON p.id = u."personId"`,
    [who.channel, who.externalId, who.chatId, new Date(), now],
  );
  return userOfRow(rows[0])!;
}

/**
 * The user of a Messenger conversation, keyed by (page id, PSID): PSIDs are page-scoped.
 * `chatId` is the synthetic numeric chat id the bot uses for them, made from the row's id
 * by `chatIdOf` on creation. Refreshes last seen and reachability like `ensureUser`.
 */
export async function ensureMessengerUser(
  tx: Tx,
  who: { pageId: string; psid: string; chatIdOf: (userId: number) => number },
  now: Date,
): Promise<{ id: number; chatId: string; locale: string | null }> {
  const externalId = `${who.pageId}:${who.psid}`;
  const upsert = () =>
    tx.user.upsert({
      where: { channel_externalId: { channel: "MESSENGER", externalId } },
      create: { channel: "MESSENGER", externalId, chatId: "", lastSeenAt: now },
      update: { lastSeenAt: now, unreachableAt: null },
      select: { id: true, chatId: true, locale: true },
    });
  let user;
  try {
    user = await upsert();
  } catch (err) {
    if ((err as { code?: string }).code !== "P2002") throw err;
    user = await upsert();
  }
  if (user.chatId === "") {
    const chatId = String(who.chatIdOf(user.id));
    await tx.user.update({ where: { id: user.id }, data: { chatId } });
    user = { ...user, chatId };
  }
  return user;
}

/** A user with their directory person, by id (channels whose updates carry no external id). */
export async function findUserWithPerson(tx: Tx, id: number): Promise<UserWithPerson | null> {
  return tx.user.findUnique({ where: { id }, include: withPerson });
}

export function actorOf(user: UserWithPerson, superAdmin: boolean): Actor {
  const p = user.person && user.person.active ? user.person : null;
  return {
    userId: user.id,
    personId: p?.id ?? null,
    orgId: p?.orgId ?? null,
    unitId: p?.unitId ?? null,
    roles: p?.roles ?? [],
    superAdmin,
  };
}

export async function actorForUser(tx: Tx, userId: number, superAdminIds: readonly string[] = []) {
  const user = await tx.user.findUniqueOrThrow({ where: { id: userId }, include: withPerson });
  return actorOf(user, user.channel === "TELEGRAM" && superAdminIds.includes(user.externalId));
}

export async function setLocale(tx: Tx, userId: number, locale: string): Promise<void> {
  await sqlFor(tx).query(`UPDATE "User" SET locale = $2::text WHERE id = $1::int`, [userId, locale]);
}

/** Remembers the organisation a citizen came for (t.me/<bot>?start=org_<slug>). */
export async function setPreferredOrgBySlug(tx: Tx, userId: number, slug: string) {
  const org = await tx.organization.findFirst({
    where: { slug, active: true },
    select: { id: true, name: true },
  });
  if (!org) return null;
  await tx.user.update({ where: { id: userId }, data: { preferredOrgId: org.id } });
  return org;
}

export type Greeting =
  | { kind: "staff"; name: string; org: string }
  | { kind: "citizen"; org: string | null; emptyDeployment: boolean };

/**
 * What the welcome names: a staff member's name and organisation; for a citizen the
 * organisation they came for (if still active), and whether the deployment has no
 * organisation at all yet (then administrators are told how to import one).
 */
export async function greetingFor(
  tx: Tx,
  actor: Actor,
  user: { preferredOrgId: number | null },
): Promise<Greeting> {
  // One statement straight through the driver: every /start and /menu greets.
  const sql = sqlFor(tx);
  if (actor.personId !== null) {
    const [person] = await sql.query<{ name: string; org: string }>(
      `SELECT p."fullName" AS name, o.name AS org
       FROM "Person" p JOIN "Organization" o ON o.id = p."orgId" WHERE p.id = $1::int`,
      [actor.personId],
    );
    if (!person) throw new Error(`no person ${actor.personId}`);
    return { kind: "staff", name: person.name, org: person.org };
  }
  const [found] = await sql.query<{ org: string | null; none: boolean }>(
    `SELECT (SELECT name FROM "Organization" WHERE id = $1::int AND active) AS org,
       NOT EXISTS (SELECT 1 FROM "Organization") AS none`,
    [user.preferredOrgId],
  );
  const org = found?.org ?? null;
  const emptyDeployment = (actor.superAdmin || org === null) && found?.none === true;
  return { kind: "citizen", org, emptyDeployment };
}
