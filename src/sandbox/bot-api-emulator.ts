/**
 * A local stand-in for the Telegram Bot API, plugged into grammY as its `fetch`. It
 * answers the methods albabot calls with realistic results, keeps every chat's messages
 * (so the sandbox page can show them and tests can read them), stores files both ways
 * (uploaded by the bot, or by a user through the sandbox page), and can be told to fail
 * (429, 403) to exercise error handling.
 *
 * The real bot code runs unchanged against it: the same middleware, conversations,
 * transformers and jobs as with Telegram.
 */
import { randomBytes } from "node:crypto";
import type { BotCommand, Message, Update, User } from "grammy/types";

export interface ApiCall {
  method: string;
  payload: Record<string, unknown>;
  at: number;
}

export interface StoredFile {
  fileId: string;
  fileUniqueId: string;
  name: string;
  mimeType: string;
  data: Buffer;
}

export interface InlineButton {
  text: string;
  data?: string;
  url?: string;
}

export interface ReplyButton {
  text: string;
  requestContact?: boolean;
}

export interface ChatMessage {
  messageId: number;
  chatId: number;
  from: "bot" | "user";
  text?: string;
  /** The text is Telegram HTML (parse_mode HTML); otherwise plain text. */
  html?: boolean;
  /** Inline keyboard of a bot message: rows of { text, data?, url? }. */
  buttons?: InlineButton[][];
  /** Reply keyboard of a bot message (e.g. share contact). */
  replyKeyboard?: ReplyButton[][];
  file?: {
    kind: "photo" | "document";
    fileId: string;
    name?: string;
    caption?: string;
    mimeType?: string;
    size?: number;
  };
  /** A contact the user shared. */
  contact?: { phone: string; name?: string };
  date: number;
  edited?: boolean;
}

/** The reply keyboard a chat shows under its input field until it is removed. */
export interface ReplyKeyboardState {
  rows: ReplyButton[][];
  oneTime: boolean;
  placeholder?: string;
}

/** What changed, for listeners (the sandbox page is pushed these). */
export type EmulatorEvent =
  | { type: "message"; chatId: number; message: ChatMessage }
  | { type: "edit"; chatId: number; message: ChatMessage }
  | { type: "delete"; chatId: number; messageId: number }
  | { type: "keyboard"; chatId: number; keyboard: ReplyKeyboardState | null }
  | { type: "callbackAnswer"; callbackQueryId: string; text?: string; showAlert: boolean };

/** Everything the emulator holds, as JSON (files separately), to survive a restart. */
export interface EmulatorSnapshot {
  nextMessageId: number;
  nextUpdateId: number;
  chats: [number, ChatMessage[]][];
  keyboards: [number, ReplyKeyboardState][];
  commands: [string, BotCommand[]][];
  files: Omit<StoredFile, "data">[];
}

type Failure = { code: 429; retryAfter: number } | { code: 403 | 400 | 500; description: string };

export const EMULATED_BOT: User = {
  id: 7_000_000_001,
  is_bot: true,
  first_name: "albabot",
  username: "albabot_sandbox_bot",
  can_join_groups: false,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
  has_topics_enabled: false,
  allows_users_to_create_topics: false,
} as User;

/** Telegram's file_path for a file id (what getFile answers; downloads use it). */
export function filePathOf(fileId: string): string {
  return `files/${fileId}`;
}

export class BotApiEmulator {
  readonly calls: ApiCall[] = [];
  readonly chats = new Map<number, ChatMessage[]>();
  readonly files = new Map<string, StoredFile>();
  /** Command lists set with setMyCommands, by scope key (see `commandsFor`). */
  readonly commands = new Map<string, BotCommand[]>();
  private readonly keyboards = new Map<number, ReplyKeyboardState>();
  private readonly listeners = new Set<(e: EmulatorEvent) => void>();
  private nextMessageId = 1;
  private nextUpdateId = 1;
  private failures: { method?: string; chatId?: number; failure: Failure; times: number }[] = [];
  /** Called for every message the bot sends or edits (kept for simple listeners). */
  onBotMessage?: (msg: ChatMessage) => void;
  /** Keeps the list of calls from growing without bound in a long-running sandbox. */
  maxCalls = Number.POSITIVE_INFINITY;

  constructor(
    readonly bot: User = EMULATED_BOT,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** A `fetch` for grammY's `client.fetch` option. */
  readonly fetch = (async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const download = this.fileDownload(url);
    if (download) return download;
    const method = url.slice(url.lastIndexOf("/") + 1);
    const payload = await readPayload(init ?? (input instanceof Request ? requestInit(input) : undefined));
    this.calls.push({ method, payload, at: this.now() });
    if (this.calls.length > this.maxCalls) this.calls.splice(0, this.calls.length - this.maxCalls);
    const failure = this.takeFailure(method, payload);
    if (failure) {
      const body =
        failure.code === 429
          ? {
              ok: false,
              error_code: 429,
              description: `Too Many Requests: retry after ${failure.retryAfter}`,
              parameters: { retry_after: failure.retryAfter },
            }
          : { ok: false, error_code: failure.code, description: failure.description };
      return Response.json(body, { status: failure.code });
    }
    try {
      return Response.json({ ok: true, result: this.answer(method, payload) });
    } catch (err) {
      return Response.json({
        ok: false,
        error_code: 400,
        description: `Bad Request: ${(err as Error).message}`,
      });
    }
  }) as typeof fetch;

  /**
   * File downloads (`<apiRoot>/file/bot<token>/<file_path>`, the URL built from getFile's
   * file_path): the stored file's bytes, or 404. Undefined for every other URL.
   */
  private fileDownload(url: string): Response | undefined {
    const m = /\/file\/bot[^/]+\/(.+)$/.exec(URL.canParse(url) ? new URL(url).pathname : url);
    if (!m?.[1]) return undefined;
    const file = this.file(decodeURIComponent(m[1]));
    if (!file) return new Response("Not Found", { status: 404 });
    return new Response(new Uint8Array(file.data), {
      status: 200,
      headers: { "content-type": file.mimeType, "content-length": String(file.data.length) },
    });
  }

  /** Listens to changes; returns the function that stops listening. */
  subscribe(listener: (e: EmulatorEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(e: EmulatorEvent): void {
    for (const l of this.listeners) l(e);
  }

  /** Makes the next `times` calls (of a method, to a chat) fail. */
  failNext(failure: Failure, opts: { method?: string; chatId?: number; times?: number } = {}): void {
    this.failures.push({ ...opts, failure, times: opts.times ?? 1 });
  }

  /** Forgets calls, chats, keyboards and command lists (files stay, they are referenced). */
  reset(): void {
    this.calls.length = 0;
    this.chats.clear();
    this.keyboards.clear();
    this.commands.clear();
    this.failures = [];
  }

  messages(chatId: number): ChatMessage[] {
    return this.chats.get(chatId) ?? [];
  }

  /** The reply keyboard the chat currently shows, if any. */
  replyKeyboard(chatId: number): ReplyKeyboardState | null {
    return this.keyboards.get(chatId) ?? null;
  }

  /**
   * The command list a chat sees, as Telegram resolves it: the chat's own scope, then the
   * default scope, each in the user's language first.
   */
  commandsFor(chatId: number, languageCode?: string): BotCommand[] {
    const keys = [`chat:${chatId}`, "default"];
    for (const key of keys) {
      const list =
        (languageCode ? this.commands.get(`${key}|${languageCode}`) : undefined) ?? this.commands.get(key);
      if (list?.length) return list;
    }
    return [];
  }

  /** Builds an update id for updates the caller injects. */
  updateId(): number {
    return this.nextUpdateId++;
  }

  /** Records a message the user sent, so the chat shows both sides. */
  recordUserMessage(
    chatId: number,
    msg: Omit<ChatMessage, "messageId" | "chatId" | "from" | "date">,
  ): number {
    const messageId = this.nextMessageId++;
    this.push({ ...msg, messageId, chatId, from: "user", date: this.date() });
    const keyboard = this.keyboards.get(chatId);
    if (keyboard?.oneTime) this.setKeyboard(chatId, null);
    return messageId;
  }

  /** Stores a file the user uploads (sandbox) and returns its ids. */
  storeFile(name: string, mimeType: string, data: Buffer): StoredFile {
    const file: StoredFile = {
      fileId: `F${randomBytes(12).toString("hex")}`,
      fileUniqueId: `U${randomBytes(6).toString("hex")}`,
      name,
      mimeType,
      data,
    };
    this.files.set(file.fileId, file);
    return file;
  }

  /** A file by id, or by the file_path that getFile gave for it. */
  file(idOrPath: string): StoredFile | undefined {
    const id = idOrPath.startsWith("files/") ? idOrPath.slice(6) : idOrPath;
    return this.files.get(id);
  }

  /** The state to keep across a restart (file contents are saved by the caller). */
  snapshot(): EmulatorSnapshot {
    return {
      nextMessageId: this.nextMessageId,
      nextUpdateId: this.nextUpdateId,
      chats: [...this.chats],
      keyboards: [...this.keyboards],
      commands: [...this.commands],
      files: [...this.files.values()].map(({ data: _data, ...meta }) => meta),
    };
  }

  /** Restores a snapshot; `readFile` gives each stored file's contents (or undefined if lost). */
  restore(snapshot: EmulatorSnapshot, readFile: (fileId: string) => Buffer | undefined): void {
    this.reset();
    this.nextMessageId = snapshot.nextMessageId;
    this.nextUpdateId = snapshot.nextUpdateId;
    for (const [id, list] of snapshot.chats) this.chats.set(id, list);
    for (const [id, keyboard] of snapshot.keyboards) this.keyboards.set(id, keyboard);
    for (const [key, list] of snapshot.commands) this.commands.set(key, list);
    for (const meta of snapshot.files) {
      const data = readFile(meta.fileId);
      if (data) this.files.set(meta.fileId, { ...meta, data });
    }
  }

  private date(): number {
    return Math.floor(this.now() / 1000);
  }

  private push(msg: ChatMessage): void {
    const list = this.chats.get(msg.chatId) ?? [];
    list.push(msg);
    this.chats.set(msg.chatId, list);
    if (msg.from === "bot") this.onBotMessage?.(msg);
    this.emit({ type: "message", chatId: msg.chatId, message: msg });
  }

  private setKeyboard(chatId: number, keyboard: ReplyKeyboardState | null): void {
    if (keyboard) this.keyboards.set(chatId, keyboard);
    else if (this.keyboards.has(chatId)) this.keyboards.delete(chatId);
    else return;
    this.emit({ type: "keyboard", chatId, keyboard });
  }

  private takeFailure(method: string, payload: Record<string, unknown>): Failure | undefined {
    const i = this.failures.findIndex(
      (f) =>
        (f.method === undefined || f.method === method) &&
        (f.chatId === undefined || Number(payload.chat_id) === f.chatId),
    );
    if (i < 0) return undefined;
    const f = this.failures[i]!;
    f.times -= 1;
    if (f.times <= 0) this.failures.splice(i, 1);
    return f.failure;
  }

  private botMessage(chatId: number, extra: Partial<ChatMessage>, payload: Record<string, unknown>): Message {
    if (!Number.isFinite(chatId)) throw new Error("chat not found");
    const messageId = this.nextMessageId++;
    const markup = payload.reply_markup as Record<string, unknown> | undefined;
    const msg: ChatMessage = {
      messageId,
      chatId,
      from: "bot",
      date: this.date(),
      ...(payload.parse_mode === "HTML" ? { html: true } : {}),
      ...extra,
      ...readMarkup(markup),
    };
    this.push(msg);
    this.applyReplyKeyboard(chatId, markup);
    return {
      message_id: messageId,
      date: msg.date,
      chat: { id: chatId, type: "private", first_name: "User" },
      from: this.bot,
      ...(msg.text !== undefined && !msg.file ? { text: msg.text } : {}),
      ...(markup?.inline_keyboard ? { reply_markup: { inline_keyboard: markup.inline_keyboard } } : {}),
    } as Message;
  }

  /** A reply keyboard stays under the input field until replaced or removed. */
  private applyReplyKeyboard(chatId: number, markup: Record<string, unknown> | undefined): void {
    if (!markup) return;
    if (markup.remove_keyboard) this.setKeyboard(chatId, null);
    const rows = readMarkup(markup).replyKeyboard;
    if (rows) {
      this.setKeyboard(chatId, {
        rows,
        oneTime: Boolean(markup.one_time_keyboard),
        ...(typeof markup.input_field_placeholder === "string"
          ? { placeholder: markup.input_field_placeholder }
          : {}),
      });
    }
  }

  private sendFile(method: string, chatId: number, p: Record<string, unknown>): Message {
    const kind = method === "sendPhoto" ? "photo" : "document";
    const file = this.fileFromUpload(p[kind], kind);
    const caption = p.caption ? String(p.caption) : undefined;
    const message = this.botMessage(
      chatId,
      {
        ...(caption !== undefined ? { text: caption } : {}),
        file: {
          kind,
          fileId: file.fileId,
          name: file.name,
          mimeType: file.mimeType,
          size: file.data.length,
          ...(caption !== undefined ? { caption } : {}),
        },
      },
      p,
    );
    const withCaption = caption !== undefined ? { caption } : {};
    return kind === "photo"
      ? {
          ...message,
          ...withCaption,
          photo: [{ file_id: file.fileId, file_unique_id: file.fileUniqueId, width: 800, height: 600 }],
        }
      : {
          ...message,
          ...withCaption,
          document: {
            file_id: file.fileId,
            file_unique_id: file.fileUniqueId,
            file_name: file.name,
            mime_type: file.mimeType,
            file_size: file.data.length,
          },
        };
  }

  private findMessage(chatId: number, messageId: unknown): ChatMessage {
    const msg = this.messages(chatId).find((m) => m.messageId === Number(messageId));
    if (!msg) throw new Error("message to edit not found");
    return msg;
  }

  private answer(method: string, p: Record<string, unknown>): unknown {
    const chatId = Number(p.chat_id);
    switch (method) {
      case "getMe":
        return this.bot;
      case "sendMessage": {
        const text = String(p.text ?? "");
        if (text.length === 0) throw new Error("message text is empty");
        if (text.length > 4096) throw new Error("message is too long");
        return this.botMessage(chatId, { text }, p);
      }
      case "sendPhoto":
      case "sendDocument":
        return this.sendFile(method, chatId, p);
      case "sendMediaGroup": {
        const media = (Array.isArray(p.media) ? p.media : []) as Record<string, unknown>[];
        if (media.length === 0) throw new Error("media group is empty");
        return media.map((m) =>
          this.sendFile(m.type === "photo" ? "sendPhoto" : "sendDocument", chatId, {
            [m.type === "photo" ? "photo" : "document"]: m.media,
            ...(m.caption ? { caption: m.caption, parse_mode: m.parse_mode ?? p.parse_mode } : {}),
          }),
        );
      }
      case "editMessageText":
      case "editMessageCaption":
      case "editMessageReplyMarkup": {
        const msg = this.findMessage(chatId, p.message_id);
        if (method === "editMessageText") {
          msg.text = String(p.text ?? "");
          msg.html = p.parse_mode === "HTML";
        }
        if (method === "editMessageCaption") {
          msg.text = p.caption ? String(p.caption) : undefined;
          if (msg.file) msg.file.caption = msg.text;
          msg.html = p.parse_mode === "HTML";
        }
        Object.assign(msg, { buttons: undefined }, readMarkup(p.reply_markup as Record<string, unknown>));
        if (!msg.buttons?.length) delete msg.buttons;
        // Telegram marks a message "edited" when its text changes, not its buttons.
        if (method !== "editMessageReplyMarkup") msg.edited = true;
        this.onBotMessage?.(msg);
        this.emit({ type: "edit", chatId, message: msg });
        return {
          message_id: msg.messageId,
          date: msg.date,
          chat: { id: chatId, type: "private" },
          text: msg.text,
        };
      }
      case "deleteMessage": {
        const list = this.messages(chatId);
        const i = list.findIndex((m) => m.messageId === Number(p.message_id));
        if (i >= 0) {
          list.splice(i, 1);
          this.emit({ type: "delete", chatId, messageId: Number(p.message_id) });
        }
        return true;
      }
      case "answerCallbackQuery":
        this.emit({
          type: "callbackAnswer",
          callbackQueryId: String(p.callback_query_id),
          ...(p.text ? { text: String(p.text) } : {}),
          showAlert: Boolean(p.show_alert),
        });
        return true;
      case "setMyCommands": {
        const key = scopeKey(p.scope, p.language_code);
        this.commands.set(key, (p.commands as BotCommand[]) ?? []);
        return true;
      }
      case "deleteMyCommands":
        this.commands.delete(scopeKey(p.scope, p.language_code));
        return true;
      case "getMyCommands":
        return this.commands.get(scopeKey(p.scope, p.language_code)) ?? [];
      case "getFile": {
        const file = this.files.get(String(p.file_id));
        if (!file && !String(p.file_id).startsWith("F")) throw new Error("wrong file_id");
        return {
          file_id: p.file_id,
          file_unique_id: file?.fileUniqueId ?? "u",
          file_size: file?.data.length ?? 1000,
          file_path: filePathOf(String(p.file_id)),
        };
      }
      case "getUpdates":
        return [];
      default:
        // setWebhook, deleteWebhook, sendChatAction...
        return true;
    }
  }

  private fileFromUpload(field: unknown, kind: "photo" | "document"): StoredFile {
    if (typeof field === "string") {
      return (
        this.files.get(field) ?? {
          fileId: field,
          fileUniqueId: field,
          name: kind === "photo" ? "photo.jpg" : "file",
          mimeType: "application/octet-stream",
          data: Buffer.alloc(0),
        }
      );
    }
    const upload = field as { name?: string; type?: string; data?: Buffer } | undefined;
    const name = upload?.name || (kind === "photo" ? "photo.jpg" : "document");
    const type = upload?.type && upload.type !== "application/octet-stream" ? upload.type : mimeTypeOf(name);
    return this.storeFile(name, type, upload?.data ?? Buffer.alloc(0));
  }

  /** Builds a user-side update (the sandbox and tests feed these to `bot.handleUpdate`). */
  makeUpdate(partial: Omit<Update, "update_id">): Update {
    return { update_id: this.updateId(), ...partial } as Update;
  }
}

const MIME_TYPES: Record<string, string> = {
  ".pdf": "application/pdf",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".webp": "image/webp",
  ".txt": "text/plain",
  ".csv": "text/csv",
  ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
};

/** The type of a file the bot uploads without one (grammY sends application/octet-stream). */
function mimeTypeOf(name: string): string {
  const ext = /\.[^.]+$/.exec(name.toLowerCase())?.[0] ?? "";
  return MIME_TYPES[ext] ?? "application/octet-stream";
}

function scopeKey(scope: unknown, languageCode: unknown): string {
  const s = scope as { type?: string; chat_id?: number | string } | undefined;
  const base =
    !s || s.type === "default" ? "default" : s.type === "chat" ? `chat:${s.chat_id}` : String(s.type);
  return languageCode ? `${base}|${languageCode}` : base;
}

function readMarkup(markup: Record<string, unknown> | undefined): Partial<ChatMessage> {
  if (!markup) return {};
  if (Array.isArray(markup.inline_keyboard)) {
    return {
      buttons: (markup.inline_keyboard as Record<string, unknown>[][]).map((row) =>
        row.map((b) => ({
          text: String(b.text),
          ...(b.callback_data ? { data: String(b.callback_data) } : {}),
          ...(b.url ? { url: String(b.url) } : {}),
        })),
      ),
    };
  }
  if (Array.isArray(markup.keyboard)) {
    return {
      replyKeyboard: (markup.keyboard as (Record<string, unknown> | string)[][]).map((row) =>
        row.map((b) =>
          typeof b === "string"
            ? { text: b }
            : { text: String(b.text), requestContact: Boolean(b.request_contact) },
        ),
      ),
    };
  }
  return {};
}

function requestInit(req: Request): RequestInit {
  return { method: req.method, headers: req.headers, body: req.body, duplex: "half" } as RequestInit;
}

/** Reads a grammY request body: JSON, or multipart when the bot uploads a file. */
export async function readPayload(init?: RequestInit): Promise<Record<string, unknown>> {
  if (!init?.body) return {};
  const headers = new Headers(init.headers);
  const type = headers.get("content-type") ?? "";
  if (type.includes("application/json")) {
    return JSON.parse(typeof init.body === "string" ? init.body : await new Response(init.body).text());
  }
  if (type.includes("application/x-www-form-urlencoded")) {
    const text = typeof init.body === "string" ? init.body : await new Response(init.body).text();
    const out: Record<string, unknown> = {};
    for (const [key, value] of new URLSearchParams(text)) {
      out[key] = value.startsWith("{") || value.startsWith("[") ? safeJson(value) : value;
    }
    return out;
  }
  const boundary = /boundary=("?)([^";]+)\1/i.exec(type)?.[2];
  if (!boundary) throw new Error(`unsupported request body: ${type || "no content type"}`);
  const body = Buffer.from(await new Response(init.body as BodyInit).arrayBuffer());
  const out: Record<string, unknown> = {};
  for (const part of parseMultipart(body, boundary)) {
    if (part.filename === undefined) {
      const value = part.data.toString("utf8");
      out[part.name] = value.startsWith("{") || value.startsWith("[") ? safeJson(value) : value;
    } else {
      out[part.name] = { name: part.filename, type: part.type ?? "", data: part.data };
    }
  }
  // grammY refers to uploaded files as "attach://<field>", also inside media groups
  const resolve = (value: unknown): unknown => {
    if (typeof value === "string" && value.startsWith("attach://")) return out[value.slice(9)];
    if (Array.isArray(value)) return value.map(resolve);
    if (value && typeof value === "object" && !Buffer.isBuffer((value as { data?: unknown }).data)) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v)]));
    }
    return value;
  };
  for (const [key, value] of Object.entries(out)) out[key] = resolve(value);
  return out;
}

interface MultipartPart {
  name: string;
  filename?: string;
  type?: string;
  data: Buffer;
}

/**
 * Splits a multipart/form-data body. grammY writes its headers tersely
 * (`content-disposition:form-data;name="x";filename=a.txt`), which the platform's
 * FormData parser refuses, so the parts are read here.
 */
function parseMultipart(body: Buffer, boundary: string): MultipartPart[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: MultipartPart[] = [];
  let at = body.indexOf(delimiter);
  while (at >= 0) {
    let start = at + delimiter.length;
    if (body.subarray(start, start + 2).toString() === "--") break; // closing delimiter
    if (body.subarray(start, start + 2).toString() === "\r\n") start += 2;
    const next = body.indexOf(delimiter, start);
    if (next < 0) break;
    const part = body.subarray(start, body.subarray(next - 2, next).toString() === "\r\n" ? next - 2 : next);
    const headerEnd = part.indexOf("\r\n\r\n");
    if (headerEnd >= 0) {
      const head = part.subarray(0, headerEnd).toString("utf8");
      const param = (key: string) => {
        const m = new RegExp(`(?:^|;)\\s*${key}=(?:"([^"]*)"|([^;\\r\\n]*))`, "i").exec(
          /content-disposition:\s*form-data\s*(;.*)/i.exec(head)?.[1] ?? "",
        );
        return m ? (m[1] ?? m[2] ?? "").trim() : undefined;
      };
      const name = param("name");
      if (name) {
        const filename = param("filename");
        const type = /content-type:\s*([^\r\n]+)/i.exec(head)?.[1]?.trim();
        parts.push({
          name,
          ...(filename !== undefined ? { filename } : {}),
          ...(type ? { type } : {}),
          data: Buffer.from(part.subarray(headerEnd + 4)),
        });
      }
    }
    at = next;
  }
  return parts;
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}
