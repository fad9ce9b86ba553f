/**
 * A history entry's files (PetitionAttachment rows) written by one plain statement, in the
 * order given: by a staff or citizen action (petition-tx.ts) and by a registration
 * (petition-register.ts). Prisma's `createMany` would compile a new query plan each time.
 */
import type { AttachmentInput } from "./validation.js";

/** The files as the JSON list `insertFilesSql` reads. */
export function filesJson(files: AttachmentInput[]): string {
  return JSON.stringify(
    files.map((f) => ({
      kind: f.kind,
      fileId: f.fileId,
      fileUniqueId: f.fileUniqueId ?? null,
      fileName: f.fileName ?? null,
      mimeType: f.mimeType ?? null,
      size: f.size ?? null,
    })),
  );
}

/**
 * The INSERT of the files; the arguments are SQL expressions (parameters, or a column of
 * `from`, a further FROM item such as a CTE the rows depend on).
 */
export function insertFilesSql(
  at: { petitionId: string; eventId: string; files: string; createdAt: string },
  from?: string,
): string {
  return `INSERT INTO "PetitionAttachment"
      ("petitionId", "eventId", kind, "fileId", "fileUniqueId", "fileName", "mimeType", size, "createdAt")
    SELECT ${at.petitionId}, ${at.eventId}, r.kind::"FileKind", r."fileId", r."fileUniqueId", r."fileName",
      r."mimeType", r.size, ${at.createdAt}
    FROM ${from ? `${from}, ` : ""}ROWS FROM (jsonb_to_recordset(${at.files})
        AS (kind text, "fileId" text, "fileUniqueId" text, "fileName" text, "mimeType" text, size int))
      WITH ORDINALITY AS r(kind, "fileId", "fileUniqueId", "fileName", "mimeType", size, n)
    ORDER BY r.n`;
}
