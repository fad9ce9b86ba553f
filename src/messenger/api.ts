/**
 * The Bot API, answered by Messenger: a `fetch` for grammY's client (the same seam the
 * sandbox's Bot API emulator uses), so the citizen features run unchanged on Messenger.
 * Each Bot API call is translated into Send API calls for the user behind the synthetic chat
 * id (src/messenger/ids.ts) and answered with a Bot API result:
 *  - sendMessage / editMessageText → a new message (Messenger cannot edit), rendered by
 *    render.ts; its buttons become quick replies or a button template;
 *  - editMessageReplyMarkup / deleteMessage → the message's buttons stop being live, so a
 *    later tap on them is answered as a stale button;
 *  - sendPhoto / sendDocument / sendMediaGroup → attachments, uploaded once through the file
 *    store, the caption (and its buttons) as a message after it;
 *  - answerCallbackQuery with a text → that text as a message (Messenger has no pop-ups);
 *  - a request_contact keyboard → Messenger's phone-number quick reply, offered with every
 *    message until the keyboard is removed (as Telegram keeps it under the input field).
 * Send API errors come back as Bot API errors: 429 with retry_after, 403 for a person who
 * cannot be messaged, 400 "outside the messaging window" for the 24-hour rule.
 */
import { Api } from "grammy";
import type { Message } from "grammy/types";
import type { PrismaClient } from "../generated/prisma/client.js";
import { getI18n, isLocale } from "../i18n.js";
import { readPayload } from "../sandbox/bot-api-emulator.js";
import { GraphError, type GraphClient } from "./graph.js";
import { psidOf, userIdOfMessengerChat } from "./ids.js";
import { messengerText, shortLabel } from "./labels.js";
import { htmlToText, type RenderButton, render, splitText } from "./render.js";
import type { MessagingType, MessengerFiles, OutgoingMessage, UploadInput } from "./types.js";
import { loadUi, saveUi, type UiState } from "./ui-state.js";

export const MESSENGER_BOT_INFO = {
  id: 7_000_000_002,
  is_bot: true,
  first_name: "albabot",
  username: "albabot_messenger",
  can_join_groups: false,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
  has_topics_enabled: false,
  allows_users_to_create_topics: false,
};

class BotApiError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly retryAfter?: number,
  ) {
    super(description);
  }
}

interface Recipient {
  userId: number;
  chatId: number;
  psid: string;
  locale: "mn" | "en";
}

export interface MessengerApiOptions {
  prisma: PrismaClient;
  graph: GraphClient;
  files?: MessengerFiles;
  defaultLocale: "mn" | "en";
  now: () => Date;
}

type Payload = Record<string, unknown>;

export class MessengerTranslator {
  constructor(private readonly opts: MessengerApiOptions) {}

  /** grammY's `client.fetch`: answers Bot API calls by Send API calls. */
  readonly fetch = (async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const method = url.slice(url.lastIndexOf("/") + 1);
    try {
      const payload = await readPayload(init);
      return Response.json({ ok: true, result: await this.call(method, payload) });
    } catch (err) {
      const e = err instanceof BotApiError ? err : this.toBotApiError(err);
      return Response.json({
        ok: false,
        error_code: e.code,
        description: e.description,
        ...(e.retryAfter ? { parameters: { retry_after: e.retryAfter } } : {}),
      });
    }
  }) as typeof fetch;

  private toBotApiError(err: unknown): BotApiError {
    if (err instanceof GraphError) {
      if (err.rateLimited) return new BotApiError(429, `Too Many Requests: ${err.message}`, 60);
      if (err.outsideWindow)
        return new BotApiError(400, `Bad Request: outside the messaging window (${err.message})`);
      if (err.unreachable)
        return new BotApiError(403, `Forbidden: the person cannot be messaged (${err.message})`);
      return new BotApiError(400, `Bad Request: ${err.message}`);
    }
    return new BotApiError(400, `Bad Request: ${(err as Error).message}`);
  }

  private async recipient(chatId: unknown): Promise<Recipient> {
    const userId = userIdOfMessengerChat(String(chatId));
    const user =
      userId === null
        ? null
        : await this.opts.prisma.user.findUnique({
            where: { id: userId },
            select: { id: true, channel: true, externalId: true, locale: true },
          });
    if (!user || user.channel !== "MESSENGER") throw new BotApiError(400, "Bad Request: chat not found");
    return {
      userId: user.id,
      chatId: Number(chatId),
      psid: psidOf(user.externalId),
      locale: isLocale(user.locale) ? user.locale : this.opts.defaultLocale,
    };
  }

  private async send(to: Recipient, message: OutgoingMessage, p: Payload): Promise<void> {
    const type = (
      ["UPDATE", "MESSAGE_TAG"].includes(String(p.messaging_type)) ? p.messaging_type : "RESPONSE"
    ) as MessagingType;
    await this.opts.graph.send({
      recipient: { id: to.psid },
      messaging_type: type,
      ...(type === "MESSAGE_TAG" && typeof p.tag === "string" ? { tag: p.tag } : {}),
      message,
    });
  }

  private message(to: Recipient, messageId: number, text?: string): Message {
    return {
      message_id: messageId,
      date: Math.floor(this.opts.now().getTime() / 1000),
      chat: { id: to.chatId, type: "private", first_name: "Messenger" },
      from: MESSENGER_BOT_INFO,
      ...(text !== undefined ? { text } : {}),
    } as Message;
  }

  /** Applies a reply_markup's reply-keyboard part; returns the inline buttons. */
  private readMarkup(state: UiState, markup: Payload | undefined): RenderButton[] {
    if (!markup) return [];
    if (markup.remove_keyboard) state.phone = false;
    if (Array.isArray(markup.keyboard)) {
      const flat = (markup.keyboard as unknown[][]).flat() as (Payload | string)[];
      state.phone = flat.some((b) => typeof b === "object" && Boolean(b.request_contact));
    }
    if (!Array.isArray(markup.inline_keyboard)) return [];
    return (markup.inline_keyboard as Payload[][]).flat().map((b) => ({
      label: htmlToText(String(b.text)),
      ...(typeof b.callback_data === "string" ? { data: b.callback_data } : {}),
      ...(typeof b.url === "string" ? { url: b.url } : {}),
    }));
  }

  /** Sends text with buttons as message `messageId` of the chat (new, or replacing an edited one). */
  private async sendText(
    to: Recipient,
    state: UiState,
    messageId: number,
    text: string,
    html: boolean,
    markup: Payload | undefined,
    p: Payload,
  ): Promise<void> {
    const buttons = this.readMarkup(state, markup);
    const t = getI18n().getFixedT(to.locale);
    text = messengerText(text) ?? text;
    if (!text && !buttons.length) return; // a Telegram-only hint, said otherwise here
    const rendered = render({
      text,
      html,
      buttons,
      phone: state.phone,
      messageId,
      shortLabel,
      moreLabel: t("messenger:more"),
    });
    state.live = state.live.filter((id) => id !== messageId);
    if (buttons.some((b) => b.data !== undefined)) state.live.push(messageId);
    if (rendered.numbered) {
      const options = buttons
        .filter((b) => b.data !== undefined)
        .map((b) => ({ label: b.label, data: b.data as string }));
      state.menu = { messageId, options };
    } else if (buttons.length) {
      state.menu = null;
    }
    for (const m of rendered.messages) await this.send(to, m, p);
    state.quick = rendered.messages.at(-1)?.quick_replies ?? null;
  }

  /** Sends a file; the latest quick replies go with it (they would vanish under it otherwise). */
  private async attach(
    to: Recipient,
    state: UiState,
    kind: "photo" | "document",
    file: unknown,
    p: Payload,
  ): Promise<void> {
    const type = kind === "photo" ? "image" : "file";
    const upload = (f: UploadInput) => this.opts.graph.upload(f);
    let attachmentId: string;
    if (typeof file === "string") {
      if (!this.opts.files) throw new BotApiError(400, "Bad Request: no file store for Messenger");
      attachmentId = await this.opts.files.attachmentId(file, upload);
    } else {
      const f = file as { name?: string; type?: string; data?: Buffer } | undefined;
      attachmentId = await upload({
        bytes: f?.data ?? Buffer.alloc(0),
        mimeType:
          f?.type && f.type !== "application/octet-stream"
            ? f.type
            : kind === "photo"
              ? "image/jpeg"
              : "application/octet-stream",
        fileName: f?.name || (kind === "photo" ? "photo.jpg" : "document"),
        type,
      });
    }
    const quick = state.quick?.length ? { quick_replies: state.quick } : {};
    await this.send(to, { attachment: { type, payload: { attachment_id: attachmentId } }, ...quick }, p);
  }

  private async withState<R>(chatId: unknown, fn: (to: Recipient, state: UiState) => Promise<R>): Promise<R> {
    const to = await this.recipient(chatId);
    const state = await loadUi(this.opts.prisma, to.userId);
    try {
      return await fn(to, state);
    } finally {
      await saveUi(this.opts.prisma, to.userId, state);
    }
  }

  async call(method: string, p: Payload): Promise<unknown> {
    switch (method) {
      case "getMe":
        return MESSENGER_BOT_INFO;
      case "sendMessage":
        return this.withState(p.chat_id, async (to, state) => {
          const id = ++state.next;
          const text = String(p.text ?? "");
          if (!text) throw new BotApiError(400, "Bad Request: message text is empty");
          await this.sendText(to, state, id, text, p.parse_mode === "HTML", p.reply_markup as Payload, p);
          return this.message(to, id, text);
        });
      case "editMessageText":
        return this.withState(p.chat_id, async (to, state) => {
          const id = Number(p.message_id);
          await this.sendText(
            to,
            state,
            id,
            String(p.text ?? ""),
            p.parse_mode === "HTML",
            p.reply_markup as Payload,
            p,
          );
          return this.message(to, id, String(p.text ?? ""));
        });
      case "editMessageCaption":
      case "editMessageReplyMarkup":
        return this.withState(p.chat_id, async (to, state) => {
          const id = Number(p.message_id);
          const markup = p.reply_markup as Payload | undefined;
          const rows = Array.isArray(markup?.inline_keyboard)
            ? (markup.inline_keyboard as unknown[][]).flat()
            : [];
          const caption = method === "editMessageCaption" && p.caption ? String(p.caption) : "";
          if (rows.length || caption) {
            await this.sendText(to, state, id, caption || "…", p.parse_mode === "HTML", markup, p);
          } else {
            state.live = state.live.filter((x) => x !== id);
            if (state.menu?.messageId === id) state.menu = null;
          }
          return this.message(to, id);
        });
      case "deleteMessage":
        return this.withState(p.chat_id, async (_to, state) => {
          const id = Number(p.message_id);
          state.live = state.live.filter((x) => x !== id);
          if (state.menu?.messageId === id) state.menu = null;
          return true;
        });
      case "sendPhoto":
      case "sendDocument":
        return this.withState(p.chat_id, async (to, state) => {
          const kind = method === "sendPhoto" ? "photo" : "document";
          await this.attach(to, state, kind, p[kind], p);
          const id = ++state.next;
          if (p.caption)
            await this.sendText(
              to,
              state,
              id,
              String(p.caption),
              p.parse_mode === "HTML",
              p.reply_markup as Payload,
              p,
            );
          return this.message(to, id, p.caption ? String(p.caption) : undefined);
        });
      case "sendMediaGroup":
        return this.withState(p.chat_id, async (to, state) => {
          const out: Message[] = [];
          for (const m of (Array.isArray(p.media) ? p.media : []) as Payload[]) {
            await this.attach(to, state, m.type === "photo" ? "photo" : "document", m.media, p);
            const id = ++state.next;
            if (m.caption)
              await this.sendText(
                to,
                state,
                id,
                String(m.caption),
                (m.parse_mode ?? p.parse_mode) === "HTML",
                undefined,
                p,
              );
            out.push(this.message(to, id));
          }
          return out;
        });
      case "answerCallbackQuery": {
        const text = typeof p.text === "string" ? p.text : "";
        const chatId = /^m:(\d+):/.exec(String(p.callback_query_id))?.[1];
        if (text && chatId) {
          const to = await this.recipient(chatId);
          for (const piece of splitText(text)) await this.send(to, { text: piece }, {});
        }
        return true;
      }
      case "getFile":
        return {
          file_id: p.file_id,
          file_unique_id: String(p.file_id),
          file_path: `files/${String(p.file_id)}`,
        };
      default:
        // setMyCommands, sendChatAction, setWebhook...: nothing to do on Messenger
        return true;
    }
  }
}

/** A grammY Api whose calls go to Messenger (for the outbox's Messenger sender). */
export function createMessengerApi(translator: MessengerTranslator): Api {
  return new Api("0:messenger", { fetch: translator.fetch as never });
}
