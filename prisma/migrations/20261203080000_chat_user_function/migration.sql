-- The user of a chat identity with their directory person, the chat's conversation state
-- (by key, not read when the key is NULL) and whether they have a petition in one of the
-- statuses (not asked when NULL), and no row unless p_run. The bot reads it in the
-- statement that claims an update and takes its chat's lock (src/bot/middlewares/chat-lock.ts).
-- VOLATILE: its query runs on a snapshot of its own, taken when it is called, after the lock
-- in that statement was taken, so it sees everything the chat's previous update committed
-- before it let the lock go. Times are returned as text, ISO 8601 in UTC, whatever the
-- session's time zone. Same columns as src/directory/users.ts findUser. (No semicolon may appear in this file but at the end:
-- the PostgreSQL driver adapter runs a migration statement by statement.)
CREATE FUNCTION albabot_chat_user(
  p_run boolean,
  p_channel text,
  p_external_id text,
  p_conversation_key text,
  p_statuses text[]
)
RETURNS TABLE (
  "id" integer,
  "channel" text,
  "externalId" text,
  "chatId" text,
  "locale" text,
  "personId" integer,
  "preferredOrgId" integer,
  "unreachableAt" text,
  "lastInboundAt" text,
  "createdAt" text,
  "lastSeenAt" text,
  "pId" integer,
  "pOrgId" integer,
  "pUnitId" integer,
  "pRoles" text[],
  "pActive" boolean,
  "pFullName" text,
  "convValue" text,
  "petitionIn" boolean
)
LANGUAGE sql VOLATILE
AS $$
  SELECT u.id, u.channel::text, u."externalId", u."chatId", u.locale, u."personId", u."preferredOrgId",
         to_char(u."unreachableAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
         to_char(u."lastInboundAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
         to_char(u."createdAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
         to_char(u."lastSeenAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
         p.id, p."orgId", p."unitId", p.roles::text[], p.active, p."fullName",
         CASE WHEN p_conversation_key IS NULL THEN NULL
              ELSE (SELECT c.value FROM "ConversationState" c WHERE c.key = p_conversation_key) END,
         CASE WHEN p_statuses IS NULL THEN NULL
              ELSE EXISTS (SELECT 1 FROM "Petition" x
                           WHERE x."citizenUserId" = u.id AND x.status::text = ANY (p_statuses)) END
  FROM "User" u LEFT JOIN "Person" p ON p.id = u."personId"
  WHERE p_run AND u.channel = p_channel::"ChatChannel" AND u."externalId" = p_external_id
$$;
