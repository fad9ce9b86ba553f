/**
 * Sending a petition file to a Telegram chat. A Telegram file id goes as it is; a stored
 * file (`sf:<id>`, for example a Messenger citizen's photo) is sent by the file_id cached on
 * its row, or uploaded from the store once and Telegram's file_id cached for next time.
 */
import { type Api, GrammyError, InputFile } from "grammy";
import type { Message } from "grammy/types";
import { type FileStore, parseStoredRef } from "./store.js";

export interface FileToSend {
  kind: "PHOTO" | "DOCUMENT";
  fileId: string;
}

type Other = Parameters<Api["sendPhoto"]>[2] & Parameters<Api["sendDocument"]>[2];

function send(
  api: Api,
  chatId: number | string,
  kind: FileToSend["kind"],
  file: string | InputFile,
  other?: Other,
) {
  return kind === "PHOTO" ? api.sendPhoto(chatId, file, other) : api.sendDocument(chatId, file, other);
}

/** The file_id Telegram gave to what it received. */
function fileIdOf(msg: Message): string | null {
  return msg.photo?.at(-1)?.file_id ?? msg.document?.file_id ?? null;
}

/** Default name of an uploaded file without one (Telegram shows it on documents). */
function uploadName(kind: FileToSend["kind"], mimeType: string | null): string {
  const ext =
    mimeType
      ?.split("/")[1]
      ?.replace(/[^a-z0-9]/gi, "")
      .slice(0, 5) || "bin";
  return kind === "PHOTO" ? `photo.${ext === "jpeg" ? "jpg" : ext}` : `file.${ext}`;
}

export async function sendFileToTelegram(
  api: Api,
  files: FileStore,
  chatId: number | string,
  file: FileToSend,
  other?: Other,
): Promise<Message> {
  const id = parseStoredRef(file.fileId);
  if (id === null) return send(api, chatId, file.kind, file.fileId, other);
  const meta = await files.meta(id);
  if (!meta) throw new Error(`stored file ${file.fileId} not found`);
  if (meta.telegramFileId) {
    try {
      return await send(api, chatId, file.kind, meta.telegramFileId, other);
    } catch (err) {
      // A cached id Telegram no longer knows (another bot token): upload again.
      if (!(err instanceof GrammyError && err.error_code === 400 && /file/i.test(err.description))) throw err;
    }
  }
  const content = await files.content(id);
  if (!content) throw new Error(`stored file ${file.fileId} not found`);
  const sent = await send(
    api,
    chatId,
    file.kind,
    new InputFile(content.data, content.fileName ?? uploadName(file.kind, content.mimeType)),
    other,
  );
  const newId = fileIdOf(sent);
  if (newId) await files.cacheTelegram(id, newId);
  return sent;
}
