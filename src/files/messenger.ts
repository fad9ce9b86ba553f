/**
 * Sending a petition file to a Messenger person. Messenger cannot take a Telegram file id,
 * so the file is put into the store (a Telegram file is downloaded once), uploaded to the
 * Page once as a reusable attachment, and the attachment id cached on the stored row.
 */
import { type FileStore, type StoredFileMeta, storeIncoming } from "./store.js";

export interface MessengerUpload {
  bytes: Buffer;
  mimeType: string;
  fileName: string;
  /** Messenger's attachment type: an image shows inline, anything else as a file. */
  type: "image" | "file";
}

/** Uploads bytes to the Page (Attachment Upload API, `is_reusable`) and returns the attachment id. */
export type MessengerUploader = (file: MessengerUpload) => Promise<string>;

/**
 * The Page's attachment id for a file reference (`sf:<id>` or a Telegram file id): the
 * cached one, or uploaded now and cached. `hint` names a Telegram file's type and name when
 * they are known (the petition attachment row has them).
 */
export async function messengerAttachmentId(
  files: FileStore,
  fileRef: string,
  upload: MessengerUploader,
  hint: { mimeType?: string | null; fileName?: string | null } = {},
): Promise<string> {
  const meta: StoredFileMeta = await files.resolve(fileRef, hint);
  if (meta.messengerAttachmentId) return meta.messengerAttachmentId;
  const content = await files.content(meta.id);
  if (!content) throw new Error(`stored file ${meta.id} vanished`);
  const mimeType = content.mimeType ?? "application/octet-stream";
  const attachmentId = await upload({
    bytes: content.data,
    mimeType,
    fileName: content.fileName ?? (mimeType.startsWith("image/") ? "photo.jpg" : "file"),
    type: mimeType.startsWith("image/") ? "image" : "file",
  });
  await files.cacheMessenger(meta.id, attachmentId);
  return attachmentId;
}

/**
 * The file store as the Messenger bridge takes it: incoming attachments stored (and
 * checked), outgoing file references turned into the Page's attachment ids.
 */
export function messengerFiles(files: FileStore) {
  return {
    storeIncoming: (bytes: Uint8Array, mime: string | null, name: string | null) =>
      storeIncoming(files.prisma, bytes, mime, name),
    attachmentId: (fileRef: string, upload: MessengerUploader) =>
      messengerAttachmentId(files, fileRef, upload),
  };
}
