/**
 * What a petition's registration writes, in one statement: its number (the counter,
 * numbering.ts), the petition, its first history entries with the petitioner's files, and
 * the message that announces it to staff (the outbox). One statement is one transaction:
 * all of it is written or none, and a registration costs one round trip to the database
 * instead of a transaction of eight.
 *
 * The ids of the petition and of its history entries are taken beforehand
 * (routing.ts `routeAndReserve`), so the message's buttons and dedupe key can carry them;
 * only the number comes from the statement itself, and is put into the message there.
 */
import { sqlFor } from "../db/direct.js";
import type {
  PetitionChannel,
  PetitionEventType,
  PetitionKind,
  PetitionStatus,
  SenderType,
} from "../generated/prisma/enums.js";
import type { MessagePayload } from "../scheduling/outbox.js";
import type { Tx } from "../shared/types.js";
import { filesJson, insertFilesSql } from "./files-sql.js";
import { nextNumberCte } from "./numbering.js";
import type { AttachmentInput } from "./validation.js";

export interface NewPetition {
  id: number;
  orgId: number;
  /** The organisation's local year of receipt: the number's year. */
  year: number;
  /** The number's prefix (the organisation's setting). */
  prefix: string;
  kind: PetitionKind;
  channel: PetitionChannel;
  senderType: SenderType;
  topicId: number | null;
  text: string;
  status: PetitionStatus;
  anonymous: boolean;
  citizenUserId: number | null;
  petitionerName: string | null;
  phone: string | null;
  address: string | null;
  email: string | null;
  consentAt: Date | null;
  receivedAt: Date;
  dueAt: Date;
  unitId: number | null;
  assigneeId: number | null;
  registeredById: number | null;
  forwardedFromId: number | null;
  intakeKey: string | null;
}

export interface NewEvent {
  id: number;
  type: PetitionEventType;
  actorPersonId: number | null;
  actorUserId: number | null;
  data: Record<string, unknown>;
}

/** The staff message about the new petition; its `params.number` is filled in by the statement. */
export interface Announcement {
  kind: string;
  eventId: number;
  payload: MessagePayload;
  /** Recipients (people without a linked chat account are skipped). */
  personIds: number[];
}

/** Writes the registration; returns the number it got. */
export async function writeRegistration(
  tx: Tx,
  w: {
    petition: NewPetition;
    /** In order; the files belong to the first. */
    events: NewEvent[];
    attachments: AttachmentInput[];
    announcement: Announcement | null;
    now: Date;
  },
): Promise<{ number: string }> {
  const args: unknown[] = [];
  const $ = (value: unknown, type: string) => {
    args.push(value);
    return `$${args.length}::${type}`;
  };
  // Times are stored as UTC (timestamp without time zone, as Prisma writes them).
  const utc = (d: Date | null) => `(${$(d ? d.toISOString() : null, "timestamptz")} AT TIME ZONE 'UTC')`;
  const p = w.petition;
  const a = w.announcement;
  const petitionId = $(p.id, "int");
  const now = utc(w.now);
  const sql = `WITH ${nextNumberCte("n", $(p.orgId, "int"), $(p.year, "int"), $(p.prefix, "text"))},
    p AS (
      INSERT INTO "Petition" (id, "orgId", year, seq, number, kind, channel, "senderType", "topicId", text,
        status, anonymous, "citizenUserId", "petitionerName", phone, address, email, "consentAt",
        "receivedAt", "dueAt", "unitId", "assigneeId", "registeredById", "forwardedFromId", "intakeKey",
        "createdAt", "updatedAt")
      SELECT ${petitionId}, ${$(p.orgId, "int")}, ${$(p.year, "int")}, n.seq, n.number,
        ${$(p.kind, '"PetitionKind"')}, ${$(p.channel, '"PetitionChannel"')}, ${$(p.senderType, '"SenderType"')},
        ${$(p.topicId, "int")}, ${$(p.text, "text")}, ${$(p.status, '"PetitionStatus"')},
        ${$(p.anonymous, "boolean")}, ${$(p.citizenUserId, "int")}, ${$(p.petitionerName, "text")},
        ${$(p.phone, "text")}, ${$(p.address, "text")}, ${$(p.email, "text")}, ${utc(p.consentAt)},
        ${utc(p.receivedAt)}, ${utc(p.dueAt)}, ${$(p.unitId, "int")}, ${$(p.assigneeId, "int")},
        ${$(p.registeredById, "int")}, ${$(p.forwardedFromId, "int")}, ${$(p.intakeKey, "text")},
        ${now}, now() AT TIME ZONE 'UTC'
      FROM n
      RETURNING id, number
    ),
    e AS (
      INSERT INTO "PetitionEvent" (id, "petitionId", type, "actorPersonId", "actorUserId", data, "createdAt")
      SELECT v.id, p.id, v.type::"PetitionEventType", v."actorPersonId", v."actorUserId", v.data, ${now}
      FROM p, jsonb_to_recordset(${$(JSON.stringify(w.events), "jsonb")})
        AS v(id int, type text, "actorPersonId" int, "actorUserId" int, data jsonb)
      RETURNING id
    ),
    f AS (
      ${insertFilesSql(
        {
          petitionId: "p.id",
          eventId: $(w.events[0]?.id ?? null, "int"),
          files: $(filesJson(w.attachments), "jsonb"),
          createdAt: now,
        },
        "p",
      )}
    ),
    m AS (
      INSERT INTO "Notification" ("userId", kind, "dedupeKey", payload, "notBefore", "createdAt")
      SELECT u.id, ${$(a?.kind ?? "", "text")},
        ${$(a ? `${a.kind}:${p.id}:${a.eventId}:p` : "", "text")} || u."personId",
        jsonb_set(${$(JSON.stringify(a?.payload ?? {}), "jsonb")}, '{params,number}', to_jsonb(p.number)),
        TIMESTAMP '1970-01-01 00:00:00', now() AT TIME ZONE 'UTC'
      FROM p, "User" u
      WHERE u."personId" IN (SELECT x::int FROM jsonb_array_elements_text(${$(JSON.stringify(a?.personIds ?? []), "jsonb")}) x)
        AND EXISTS (SELECT 1 FROM e)
      ORDER BY u.id
      ON CONFLICT ("dedupeKey") DO NOTHING
    )
    SELECT p.number FROM p`;
  const [row] = await sqlFor(tx).query<{ number: string }>(sql, args);
  if (!row) throw new Error("the petition's registration wrote no row");
  return { number: row.number };
}
