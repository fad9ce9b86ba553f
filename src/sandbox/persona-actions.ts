/**
 * Acting as a persona: what a person does in Telegram (a text, a command, a button press,
 * sharing the phone number, a photo or a file) turned into the updates Telegram would
 * deliver, or, for the Messenger persona, into the webhook events Messenger would send.
 */
import path from "node:path";
import type { Message, Update, User } from "grammy/types";
import type { Clock } from "../shared/clock.js";
import type { BotApiEmulator } from "./bot-api-emulator.js";
import { plainText } from "./chats.js";
import { SandboxError } from "./errors.js";
import type { SandboxMessenger } from "./messenger-persona.js";
import type { Persona } from "./personas.js";

/** Largest file a persona may send (Telegram bots download at most 20 MB). */
export const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;

/** A message a user sends in a private chat, as an update carries it. */
type UserMessage = NonNullable<Update["message"]>;

export interface UploadedFile {
  name: string;
  mimeType: string;
  data: Buffer;
  caption?: string;
  asFile?: boolean;
}

export interface PersonaActionsContext {
  emulator: BotApiEmulator;
  messenger: SandboxMessenger;
  clock: Clock;
  /** Feeds an update to the bot as Telegram would, then delivers what it enqueued. */
  deliver(p: Persona, update: Omit<Update, "update_id">): Promise<void>;
  /** A Messenger persona's action (a webhook event), then the outbox's deliveries. */
  messengerAct(p: Persona, act: (psid: string) => Promise<unknown>): Promise<void>;
}

export class PersonaActions {
  private callbackSeq = 0;

  constructor(private readonly ctx: PersonaActionsContext) {}

  private tgUser(p: Persona): User {
    return {
      id: p.telegramId,
      is_bot: false,
      first_name: p.firstName,
      ...(p.lastName ? { last_name: p.lastName } : {}),
    };
  }

  private message(p: Persona, messageId: number, extra: Partial<Message>): UserMessage {
    return {
      message_id: messageId,
      date: Math.floor(this.ctx.clock.now().getTime() / 1000),
      chat: { id: p.telegramId, type: "private", first_name: p.firstName },
      from: this.tgUser(p),
      ...extra,
    } as UserMessage;
  }

  /** Sends a text (or a command: "/start inv_abc") as the persona. */
  async send(p: Persona, text: string): Promise<void> {
    const body = String(text ?? "").trim();
    if (!body) throw new SandboxError(400, "The message is empty");
    if (p.messengerPsid) {
      return this.ctx.messengerAct(p, (psid) => {
        const u = this.ctx.messenger.user(psid);
        // The page's "Start" on an empty conversation is Messenger's Get Started button.
        return body === "/start" && !this.ctx.messenger.emulator.thread(psid).length
          ? u.getStarted()
          : u.send(body);
      });
    }
    if (body.length > 4096) throw new SandboxError(400, "Telegram messages are at most 4096 characters");
    const messageId = this.ctx.emulator.recordUserMessage(p.telegramId, { text: body });
    const command = /^\/\S+/.exec(body)?.[0];
    const entities = command
      ? [{ type: "bot_command" as const, offset: 0, length: command.length }]
      : undefined;
    await this.ctx.deliver(p, {
      message: this.message(p, messageId, { text: body, ...(entities ? { entities } : {}) }),
    });
  }

  /** Presses an inline button of one of the bot's messages in the persona's chat. */
  async press(p: Persona, messageId: number, data: string): Promise<void> {
    if (p.messengerPsid) {
      return this.ctx.messengerAct(p, async (psid) => {
        if (!(await this.ctx.messenger.tap(psid, data, p.phone))) {
          throw new SandboxError(404, "This button is no longer in the conversation");
        }
      });
    }
    const msg = this.ctx.emulator
      .messages(p.telegramId)
      .find((m) => m.messageId === Number(messageId) && m.from === "bot");
    if (!msg?.buttons?.flat().some((b) => b.data === data)) {
      throw new SandboxError(404, "This button is no longer in the chat");
    }
    await this.ctx.deliver(p, {
      callback_query: {
        id: `sbx:${p.telegramId}:${++this.callbackSeq}`,
        from: this.tgUser(p),
        chat_instance: `ci${p.telegramId}`,
        data,
        message: {
          message_id: msg.messageId,
          date: msg.date,
          chat: { id: p.telegramId, type: "private", first_name: p.firstName },
          from: this.ctx.emulator.bot,
          ...(msg.text ? { text: plainText(msg.text) } : {}),
        } as Message,
      },
    });
  }

  /** Shares the persona's phone number, as Telegram's "share contact" button does. */
  async shareContact(p: Persona): Promise<void> {
    if (p.messengerPsid)
      return this.ctx.messengerAct(p, (psid) => this.ctx.messenger.user(psid).sharePhone(p.phone));
    const name = [p.firstName, p.lastName].filter(Boolean).join(" ");
    const messageId = this.ctx.emulator.recordUserMessage(p.telegramId, {
      contact: { phone: p.phone, name },
    });
    await this.ctx.deliver(p, {
      message: this.message(p, messageId, {
        contact: {
          phone_number: p.phone.replace(/^\+/, ""),
          first_name: p.firstName,
          ...(p.lastName ? { last_name: p.lastName } : {}),
          user_id: p.telegramId,
        },
      }),
    });
  }

  /**
   * Sends a file as the persona: stored in the emulator (the bot can getFile and download
   * it) and delivered as a photo (images, unless sent "as a file") or a document.
   */
  async upload(p: Persona, file: UploadedFile): Promise<{ fileId: string }> {
    if (file.data.length === 0) throw new SandboxError(400, "The file is empty");
    if (file.data.length > MAX_UPLOAD_BYTES)
      throw new SandboxError(413, "Files up to 20 MB can be sent to a bot");
    const name = path.basename(file.name || "file").slice(0, 200) || "file";
    const mimeType = file.mimeType || "application/octet-stream";
    const caption = file.caption?.trim() ? file.caption.trim().slice(0, 1024) : undefined;
    if (p.messengerPsid) {
      const image = !file.asFile && /^image\/(jpeg|png|webp|gif)$/.test(mimeType);
      await this.ctx.messengerAct(p, async (psid) => {
        const u = this.ctx.messenger.user(psid);
        await u.sendFile({ name, mime: mimeType, bytes: file.data, type: image ? "image" : "file" });
        if (caption) await u.send(caption); // Messenger sends a file and a text apart
      });
      return { fileId: name };
    }
    const stored = this.ctx.emulator.storeFile(name, mimeType, file.data);
    const asPhoto = !file.asFile && /^image\/(jpeg|png|webp)$/.test(mimeType);
    if (asPhoto) {
      // Telegram sends a photo in several sizes, each with its own file id.
      const thumb = { ...stored, fileId: `${stored.fileId}t`, fileUniqueId: `${stored.fileUniqueId}t` };
      this.ctx.emulator.files.set(thumb.fileId, thumb);
      const messageId = this.ctx.emulator.recordUserMessage(p.telegramId, {
        ...(caption ? { text: caption } : {}),
        file: { kind: "photo", fileId: stored.fileId, name, mimeType, size: file.data.length },
      });
      await this.ctx.deliver(p, {
        message: this.message(p, messageId, {
          photo: [
            {
              file_id: thumb.fileId,
              file_unique_id: thumb.fileUniqueId,
              width: 90,
              height: 90,
              file_size: 2_000,
            },
            {
              file_id: stored.fileId,
              file_unique_id: stored.fileUniqueId,
              width: 1280,
              height: 960,
              file_size: file.data.length,
            },
          ],
          ...(caption ? { caption } : {}),
        }),
      });
    } else {
      const messageId = this.ctx.emulator.recordUserMessage(p.telegramId, {
        ...(caption ? { text: caption } : {}),
        file: { kind: "document", fileId: stored.fileId, name, mimeType, size: file.data.length },
      });
      await this.ctx.deliver(p, {
        message: this.message(p, messageId, {
          document: {
            file_id: stored.fileId,
            file_unique_id: stored.fileUniqueId,
            file_name: name,
            mime_type: mimeType,
            file_size: file.data.length,
          },
          ...(caption ? { caption } : {}),
        }),
      });
    }
    return { fileId: stored.fileId };
  }
}
