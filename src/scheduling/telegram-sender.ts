/**
 * The Telegram side of the outbox: sends a rendered message through a grammY `Api` and
 * translates Bot API failures into the sender errors the delivery worker understands.
 *
 * Give it an `Api` without the auto-retry or throttler transformers (for example
 * `new Api(token, { apiRoot })`): the delivery worker paces messages itself and must see
 * every 429 to pause all sending.
 */
import { type Api, GrammyError } from "grammy";
import type { FileStore } from "../files/store.js";
import { sendFileToTelegram } from "../files/telegram.js";
import {
  type MessageSender,
  type OutgoingMessage,
  PermanentSendError,
  type Recipient,
  RetryAfterError,
  SendError,
  UnreachableError,
} from "./sender.js";

/** 400 answers that mean the chat is gone rather than the message being wrong. */
const UNREACHABLE_400 =
  /chat not found|user not found|peer_id_invalid|user is deactivated|have no rights to send/i;

function chatIdOf(to: Recipient): number | string {
  return /^-?\d{1,16}$/.test(to.chatId) ? Number(to.chatId) : to.chatId;
}

/** Maps a Bot API error to a sender error; other errors (network, 5xx) pass unchanged. */
export function mapTelegramError(err: unknown): unknown {
  if (!(err instanceof GrammyError)) return err;
  const description = `${err.error_code}: ${err.description}`;
  if (err.error_code === 429) return new RetryAfterError(err.parameters.retry_after ?? 1, description);
  if (err.error_code === 403) return new UnreachableError(description);
  if (err.error_code === 400) {
    return UNREACHABLE_400.test(err.description)
      ? new UnreachableError(description)
      : new PermanentSendError(description);
  }
  return err;
}

/**
 * `files`: the bot's file store, for files kept there (`sf:<id>`, a Messenger citizen's
 * photo): uploaded once, then sent by the cached file_id. Without it such files cannot go.
 */
export function telegramSender(api: Api, files?: FileStore): MessageSender {
  return {
    async send(to: Recipient, message: OutgoingMessage): Promise<void> {
      if (to.channel !== "TELEGRAM") throw new PermanentSendError(`not a Telegram chat: ${to.channel}`);
      const chatId = chatIdOf(to);
      const start = message.resumeAt ?? 0;
      let part = start;
      try {
        if (part === 0) {
          await api.sendMessage(chatId, message.text, {
            parse_mode: "HTML",
            link_preview_options: { is_disabled: true },
            ...(message.buttons.length > 0
              ? {
                  reply_markup: {
                    inline_keyboard: message.buttons.map((row) =>
                      row.map((b) => ({ text: b.text, callback_data: b.data })),
                    ),
                  },
                }
              : {}),
          });
          part = 1;
        }
        for (; part <= message.files.length; part++) {
          const file = message.files[part - 1]!;
          if (files) await sendFileToTelegram(api, files, chatId, file);
          else if (file.kind === "PHOTO") await api.sendPhoto(chatId, file.fileId);
          else await api.sendDocument(chatId, file.fileId);
        }
      } catch (err) {
        const mapped = mapTelegramError(err);
        const error =
          mapped instanceof SendError ? mapped : new SendError(String((mapped as Error)?.message ?? mapped));
        if (!(mapped instanceof SendError)) error.cause = mapped;
        error.partsSent = part;
        throw error;
      }
    },
  };
}
