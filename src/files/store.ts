/**
 * The bot's own file store: bytes kept in the database, one row per content (SHA-256).
 *
 * Files normally stay on their channel and are kept by the channel's reference (a
 * Telegram file_id). The store is for what cannot stay there: files from a channel whose
 * links expire (a Messenger attachment is downloaded at once and stored), and a channel's
 * file that must be sent on another channel (a Telegram file for a Messenger citizen is
 * fetched once). Every channel's own reference to the same bytes is cached on the row, so
 * a file is uploaded to a channel once.
 *
 * A stored file is referred to as `sf:<id>` wherever a file id goes (petition attachments,
 * outbox payloads, the photo/document of a synthesized update).
 *
 * Kept in the database rather than DATA_DIR: several instances on several machines share
 * only the database, and the database backup then holds everything.
 */
import { createHash } from "node:crypto";
import type { Api } from "grammy";
import type { PrismaClient } from "../generated/prisma/client.js";
import { checkAttachmentFile } from "../petitions/attachment-rules.js";
import type { Tx } from "../shared/types.js";

export const STORED_PREFIX = "sf:";

/** Reference of a stored file, used where a file id goes. */
export const storedRef = (id: number): string => `${STORED_PREFIX}${id}`;

/** The stored file's id of a reference, or null for a channel's own file id. */
export function parseStoredRef(ref: string): number | null {
  const m = /^sf:(\d{1,10})$/.exec(ref);
  return m ? Number(m[1]) : null;
}

export const isStoredRef = (ref: string): boolean => parseStoredRef(ref) !== null;

/** Image types every channel shows as a photo; other images go as documents. */
const PHOTO_TYPES = new Set(["image/jpeg", "image/jpg", "image/png", "image/webp"]);

export const kindOfMime = (mime: string | null | undefined): "PHOTO" | "DOCUMENT" =>
  PHOTO_TYPES.has((mime ?? "").toLowerCase()) ? "PHOTO" : "DOCUMENT";

export interface StoredFileMeta {
  id: number;
  sha256: string;
  size: number;
  mimeType: string | null;
  fileName: string | null;
  telegramFileId: string | null;
  messengerAttachmentId: string | null;
}

export interface StoredFileContent extends StoredFileMeta {
  data: Buffer;
}

const META = {
  id: true,
  sha256: true,
  size: true,
  mimeType: true,
  fileName: true,
  telegramFileId: true,
  messengerAttachmentId: true,
} as const;

export const sha256Of = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex");

/** Stores bytes (or finds the row that already holds them); returns the row without the bytes. */
export async function putFile(
  tx: Tx,
  bytes: Uint8Array,
  mimeType: string | null,
  fileName: string | null,
): Promise<StoredFileMeta> {
  const sha256 = sha256Of(bytes);
  const upsert = () =>
    tx.storedFile.upsert({
      where: { sha256 },
      create: {
        sha256,
        size: bytes.byteLength,
        mimeType: mimeType?.slice(0, 255) ?? null,
        fileName: fileName?.slice(0, 255) ?? null,
        data: Buffer.from(bytes),
      },
      update: {},
      select: META,
    });
  try {
    return await upsert();
  } catch (err) {
    // The same bytes stored at the same moment by another update: read the row it made.
    if ((err as { code?: string }).code !== "P2002") throw err;
    return upsert();
  }
}

export interface IncomingFile {
  /** `sf:<id>`; `sf:refused` when the file was refused and not stored. */
  fileId: string;
  /** The content's SHA-256 (a channel-independent unique id). */
  fileUniqueId: string;
  kind: "PHOTO" | "DOCUMENT";
  fileName: string | null;
  mimeType: string | null;
  size: number;
  /** Why the file was not stored (a locale key of the petition rules), or null. */
  refused: { key: string; params: Record<string, unknown> } | null;
}

export const REFUSED_REF = "sf:refused";

/**
 * A file a citizen sent on a channel whose links expire (Messenger): checked with the
 * petition attachment rules (size, no programs) and stored. A refused file is not stored;
 * its metadata still comes back so the conversation step refuses it in its usual words.
 */
export async function storeIncoming(
  tx: Tx,
  bytes: Uint8Array,
  mimeType: string | null,
  fileName: string | null,
): Promise<IncomingFile> {
  const kind = kindOfMime(mimeType);
  const base = { kind, fileName, mimeType, size: bytes.byteLength };
  const check = checkAttachmentFile({ ...base, fileId: REFUSED_REF });
  if (!check.ok) {
    return {
      ...base,
      fileId: REFUSED_REF,
      fileUniqueId: sha256Of(bytes),
      refused: { key: check.key, params: check.params },
    };
  }
  const row = await putFile(tx, bytes, mimeType, fileName);
  return { ...base, fileId: storedRef(row.id), fileUniqueId: row.sha256, refused: null };
}

export interface FileStoreOptions {
  prisma: PrismaClient;
  /**
   * The Telegram bot's Api, to fetch a Telegram file that must go to another channel
   * (getFile, then `<apiRoot>/file/bot<token>/<path>`). Without it only stored files resolve.
   */
  telegram?: Api;
}

/** Reads stored files and fetches Telegram files into the store. */
export class FileStore {
  readonly prisma: PrismaClient;
  private readonly telegram?: Api;

  constructor(opts: FileStoreOptions) {
    this.prisma = opts.prisma;
    this.telegram = opts.telegram;
  }

  meta(id: number): Promise<StoredFileMeta | null> {
    return this.prisma.storedFile.findUnique({ where: { id }, select: META });
  }

  content(id: number): Promise<StoredFileContent | null> {
    return this.prisma.storedFile
      .findUnique({ where: { id }, select: { ...META, data: true } })
      .then((row) => (row ? { ...row, data: Buffer.from(row.data) } : null));
  }

  async cacheTelegram(id: number, fileId: string): Promise<void> {
    await this.prisma.storedFile.update({ where: { id }, data: { telegramFileId: fileId } });
  }

  async cacheMessenger(id: number, attachmentId: string | null): Promise<void> {
    await this.prisma.storedFile.update({ where: { id }, data: { messengerAttachmentId: attachmentId } });
  }

  /**
   * The stored row of a file reference: `sf:<id>` directly; a Telegram file id through the
   * row that already caches it, else downloaded once from Telegram and stored.
   */
  async resolve(ref: string, hint: { mimeType?: string | null; fileName?: string | null } = {}) {
    const id = parseStoredRef(ref);
    if (id !== null) {
      const row = await this.meta(id);
      if (!row) throw new Error(`stored file ${ref} not found`);
      return row;
    }
    const known = await this.prisma.storedFile.findFirst({
      where: { telegramFileId: ref },
      select: META,
      orderBy: { id: "asc" },
    });
    if (known) return known;
    const { bytes, path } = await this.downloadTelegram(ref);
    const fileName = hint.fileName ?? path.split("/").at(-1) ?? null;
    const row = await putFile(this.prisma, bytes, hint.mimeType ?? mimeOfName(fileName), fileName);
    if (!row.telegramFileId) {
      await this.cacheTelegram(row.id, ref);
      return { ...row, telegramFileId: ref };
    }
    return row;
  }

  private async downloadTelegram(fileId: string): Promise<{ bytes: Buffer; path: string }> {
    const api = this.telegram;
    if (!api) throw new Error("no Telegram Api to fetch a Telegram file");
    const file = await api.getFile(fileId);
    if (!file.file_path) throw new Error(`Telegram gave no path for file ${fileId}`);
    const root = api.options?.apiRoot ?? "https://api.telegram.org";
    const doFetch = (api.options?.fetch as typeof fetch | undefined) ?? fetch;
    const res = await doFetch(`${root}/file/bot${api.token}/${file.file_path}`);
    if (!res.ok) throw new Error(`Telegram file download failed: ${res.status}`);
    return { bytes: Buffer.from(await res.arrayBuffer()), path: file.file_path };
  }
}

const MIME_BY_EXTENSION: Record<string, string> = {
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  png: "image/png",
  webp: "image/webp",
  gif: "image/gif",
  pdf: "application/pdf",
  doc: "application/msword",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  xls: "application/vnd.ms-excel",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  txt: "text/plain",
  zip: "application/zip",
};

/** A type from a file name's extension (Telegram paths such as photos/file_1.jpg). */
export function mimeOfName(name: string | null | undefined): string | null {
  const m = /\.([a-z0-9]{1,5})$/i.exec(name ?? "");
  return m ? (MIME_BY_EXTENSION[(m[1] as string).toLowerCase()] ?? null) : null;
}
