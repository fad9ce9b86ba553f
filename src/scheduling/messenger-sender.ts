/**
 * The Messenger side of the outbox: sends a rendered message through the grammY `Api` of
 * the Messenger bot instance, whose Bot API calls are carried out with Messenger's Send
 * API. Each call names its `messaging_type` (UPDATE: a message the person did not just ask
 * for; MESSAGE_TAG with `tag` HUMAN_AGENT when the worker chose the tag), which the
 * translation copies into the Send API request. Files go by their references (`sf:<id>`
 * or a Telegram file id); the translation resolves them to the Page's attachment ids
 * through the file store (src/files/messenger.ts).
 *
 * Errors come back as Bot API errors and are mapped like Telegram's; a refusal because the
 * person is outside the messaging window becomes `OutsideWindowError`, and the row is held.
 */
import { type Api, GrammyError } from "grammy";
import {
  type MessageSender,
  type OutgoingMessage,
  OutsideWindowError,
  PermanentSendError,
  type Recipient,
  SendError,
} from "./sender.js";
import { mapTelegramError } from "./telegram-sender.js";

const OUTSIDE_WINDOW = /outside the (allowed|messaging) window/i;

function mapMessengerError(err: unknown): unknown {
  if (err instanceof GrammyError && OUTSIDE_WINDOW.test(err.description)) {
    return new OutsideWindowError(`${err.error_code}: ${err.description}`);
  }
  return mapTelegramError(err);
}

/** The chat id as the Messenger Api takes it: a number when it is one (the bridge's synthetic ids). */
function chatIdOf(to: Recipient): number | string {
  return /^-?\d{1,16}$/.test(to.chatId) ? Number(to.chatId) : to.chatId;
}

export function messengerSender(api: Api): MessageSender {
  return {
    async send(to: Recipient, message: OutgoingMessage): Promise<void> {
      if (to.channel !== "MESSENGER") throw new PermanentSendError(`not a Messenger chat: ${to.channel}`);
      const delivery = message.tag
        ? { messaging_type: "MESSAGE_TAG", tag: message.tag }
        : { messaging_type: "UPDATE" };
      const chatId = chatIdOf(to);
      let part = message.resumeAt ?? 0;
      try {
        if (part === 0) {
          await api.sendMessage(chatId, message.text, {
            parse_mode: "HTML",
            ...(message.buttons.length > 0
              ? {
                  reply_markup: {
                    inline_keyboard: message.buttons.map((row) =>
                      row.map((b) => ({ text: b.text, callback_data: b.data })),
                    ),
                  },
                }
              : {}),
            ...delivery,
          } as Parameters<Api["sendMessage"]>[2]);
          part = 1;
        }
        for (; part <= message.files.length; part++) {
          const file = message.files[part - 1]!;
          const other = delivery as Parameters<Api["sendPhoto"]>[2];
          if (file.kind === "PHOTO") await api.sendPhoto(chatId, file.fileId, other);
          else await api.sendDocument(chatId, file.fileId, other);
        }
      } catch (err) {
        const mapped = mapMessengerError(err);
        const error =
          mapped instanceof SendError ? mapped : new SendError(String((mapped as Error)?.message ?? mapped));
        if (!(mapped instanceof SendError)) error.cause = mapped;
        error.partsSent = part;
        throw error;
      }
    },
  };
}
