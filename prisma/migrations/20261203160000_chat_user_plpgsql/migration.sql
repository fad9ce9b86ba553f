-- albabot_chat_user (migration 20261203080000_chat_user_function) in PL/pgSQL: the same
-- columns, rows and snapshot (VOLATILE, so its query takes a snapshot of its own when it
-- runs, after the chat's lock), but its query is planned once per connection and kept, where
-- a LANGUAGE sql function that cannot be inlined is parsed and planned on every call (most
-- of the server's work for the statement that takes a chat's lock, which runs on every
-- update). The body is an escaped string whose statement ends in \073, a semicolon, because
-- the PostgreSQL driver adapter runs a migration statement by statement, split at every
-- semicolon of the file: none may appear in it but at the end.
CREATE OR REPLACE FUNCTION albabot_chat_user(
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
LANGUAGE plpgsql VOLATILE
AS E'
#variable_conflict use_column
BEGIN
  RETURN QUERY
  SELECT u.id, u.channel::text, u."externalId", u."chatId", u.locale, u."personId", u."preferredOrgId",
         to_char(u."unreachableAt", ''YYYY-MM-DD"T"HH24:MI:SS.MS"Z"''),
         to_char(u."lastInboundAt", ''YYYY-MM-DD"T"HH24:MI:SS.MS"Z"''),
         to_char(u."createdAt", ''YYYY-MM-DD"T"HH24:MI:SS.MS"Z"''),
         to_char(u."lastSeenAt", ''YYYY-MM-DD"T"HH24:MI:SS.MS"Z"''),
         p.id, p."orgId", p."unitId", p.roles::text[], p.active, p."fullName",
         CASE WHEN p_conversation_key IS NULL THEN NULL
              ELSE (SELECT c.value FROM "ConversationState" c WHERE c.key = p_conversation_key) END,
         CASE WHEN p_statuses IS NULL THEN NULL
              ELSE EXISTS (SELECT 1 FROM "Petition" x
                           WHERE x."citizenUserId" = u.id AND x.status::text = ANY (p_statuses)) END
  FROM "User" u LEFT JOIN "Person" p ON p.id = u."personId"
  WHERE p_run AND u.channel = p_channel::"ChatChannel" AND u."externalId" = p_external_id \073
END
';
