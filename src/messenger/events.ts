/**
 * Messenger webhook events as grammY updates, so the citizen features handle them as they
 * handle Telegram's:
 *  - text → a text message (a typed number of a numbered option list → that option);
 *  - a quick reply or postback → a callback query of the message its payload names;
 *  - the phone-number quick reply → a shared contact;
 *  - Get Started (with its referral) or a referral (m.me/<page>?ref=org_<slug>) → "/start <ref>";
 *  - an image or file → a photo or document whose file id is the file store's;
 *  - stickers, reactions, audio, video, location → the matching unsupported message, so the
 *    step in progress answers and asks again; an edit → an edited message.
 */
import type { Update } from "grammy/types";
import { MESSENGER_BOT_INFO } from "./api.js";
import type { IncomingFileLike, MessagingEvent } from "./types.js";

export interface Synthesis {
  chatId: number;
  /** The synthetic id of the message for the bot. */
  messageId: number;
}

const REF = /^[A-Za-z0-9_-]{1,64}$/;

function base(s: Synthesis, e: MessagingEvent) {
  const from = { id: s.chatId, is_bot: false, first_name: "Messenger" };
  return {
    from,
    message: {
      message_id: s.messageId,
      date: Math.floor(e.timestamp / 1000),
      chat: { id: s.chatId, type: "private" as const, first_name: "Messenger" },
      from,
    },
  };
}

export function textUpdate(s: Synthesis, e: MessagingEvent, text: string): Omit<Update, "update_id"> {
  const { message } = base(s, e);
  const command = /^\/[a-z_]+/i.exec(text);
  return {
    message: {
      ...message,
      text,
      ...(command ? { entities: [{ type: "bot_command", offset: 0, length: command[0].length }] } : {}),
    } as never,
  };
}

export function startUpdate(s: Synthesis, e: MessagingEvent, ref: string | undefined) {
  return textUpdate(s, e, ref && REF.test(ref) ? `/start ${ref}` : "/start");
}

export function callbackUpdate(
  s: Synthesis,
  e: MessagingEvent,
  key: string,
  data: string,
  messageId: number,
): Omit<Update, "update_id"> {
  const { from, message } = base(s, e);
  return {
    callback_query: {
      id: `m:${s.chatId}:${key}`,
      from,
      chat_instance: `messenger:${s.chatId}`,
      data,
      message: { ...message, message_id: messageId, from: MESSENGER_BOT_INFO } as never,
    },
  };
}

export function contactUpdate(s: Synthesis, e: MessagingEvent, phone: string): Omit<Update, "update_id"> {
  const { message } = base(s, e);
  return {
    message: {
      ...message,
      contact: { phone_number: phone, first_name: "Messenger", user_id: s.chatId },
    } as never,
  };
}

export function fileUpdate(s: Synthesis, e: MessagingEvent, f: IncomingFileLike, caption?: string) {
  const { message } = base(s, e);
  const withCaption = caption ? { caption } : {};
  const m =
    f.kind === "PHOTO"
      ? {
          ...message,
          ...withCaption,
          photo: [
            {
              file_id: f.fileId,
              file_unique_id: f.fileUniqueId,
              width: 1280,
              height: 960,
              file_size: f.size,
            },
          ],
        }
      : {
          ...message,
          ...withCaption,
          document: {
            file_id: f.fileId,
            file_unique_id: f.fileUniqueId,
            file_size: f.size,
            ...(f.fileName ? { file_name: f.fileName } : {}),
            ...(f.mimeType ? { mime_type: f.mimeType } : {}),
          },
        };
  return { message: m as never };
}

/** Input the bot cannot use (sticker, reaction, audio, video, location): the matching message. */
export function unsupportedUpdate(
  s: Synthesis,
  e: MessagingEvent,
  kind: "sticker" | "audio" | "video" | "location",
  emoji?: string,
): Omit<Update, "update_id"> {
  const { message } = base(s, e);
  const id = `messenger-${kind}-${s.messageId}`;
  const extra =
    kind === "sticker"
      ? {
          sticker: {
            file_id: id,
            file_unique_id: id,
            type: "regular",
            width: 512,
            height: 512,
            is_animated: false,
            is_video: false,
            ...(emoji ? { emoji } : {}),
          },
        }
      : kind === "audio"
        ? { voice: { file_id: id, file_unique_id: id, duration: 1 } }
        : kind === "video"
          ? { video: { file_id: id, file_unique_id: id, width: 1, height: 1, duration: 1 } }
          : { location: { latitude: 0, longitude: 0 } };
  return { message: { ...message, ...extra } as never };
}

export function editUpdate(s: Synthesis, e: MessagingEvent, text: string): Omit<Update, "update_id"> {
  const { message } = base(s, e);
  return { edited_message: { ...message, text, edit_date: Math.floor(e.timestamp / 1000) } as never };
}
