/**
 * The sandbox's Messenger persona: a citizen writing to the Facebook Page. Their actions
 * become signed webhook events of the Messenger emulator, posted to the real Messenger
 * bridge (the same bot features, database and outbox as the Telegram personas); what the
 * bridge sends goes through the emulator's Send API, which enforces the platform's limits
 * and the 24-hour window by the sandbox clock. A broken rule or a refusal is shown in the
 * page as an error line in the conversation.
 *
 * The conversation is shown as the page shows a chat (ChatMessage), with Messenger's
 * controls: quick replies (`quickReplies`, only under the latest message, as Messenger
 * shows them) and button templates (`card`).
 */
import type { Api } from "grammy";
import type { BotDeps } from "../bot/context.js";
import type { FloodLimit } from "../bot/middlewares/rate-limit.js";
import { FileStore, messengerFiles } from "../files/index.js";
import { MessengerBridge } from "../messenger/bridge.js";
import { noteInboundEvent } from "../scheduling/messenger-window.js";
import type { ChatMessage } from "./bot-api-emulator.js";
import { MessengerEmulator, type MessengerUser } from "./messenger-emulator.js";

export const SANDBOX_PAGE = {
  pageId: "100880000000001",
  pageToken: "EAAsandbox-page-token",
  appSecret: "sandbox-app-secret-0123456789abcdef",
  verifyToken: "sandbox-verify",
  graphRoot: "http://graph.sandbox.invalid/v25.0",
};

/** The payload of the phone-number quick reply in the page (Messenger fills in the number). */
export const PHONE_PAYLOAD = "__phone__";

/** A message of a Messenger conversation as the page draws it. */
export interface MessengerChatMessage extends ChatMessage {
  channel: "messenger";
  /** Quick replies under the message (the latest message only). */
  quickReplies?: { title: string; payload: string; phone?: boolean }[];
  /** A button template: the text with up to three buttons, drawn as a card. */
  card?: { buttons: { title: string; payload?: string; url?: string }[] };
  /** What the platform refused (a broken limit, the 24-hour window). */
  error?: string;
}

interface Notice {
  at: number;
  after: number;
  text: string;
}

export class SandboxMessenger {
  readonly emulator: MessengerEmulator;
  readonly bridge: MessengerBridge;
  private readonly notices: Notice[] = [];
  private seenViolations = 0;
  private seenRefusals = 0;

  constructor(
    private readonly deps: BotDeps,
    telegram: Api,
    floodLimit: FloodLimit | undefined,
    onChange: () => void,
  ) {
    this.emulator = new MessengerEmulator({
      pageId: SANDBOX_PAGE.pageId,
      appSecret: SANDBOX_PAGE.appSecret,
      root: SANDBOX_PAGE.graphRoot,
      now: () => deps.clock.now().getTime(),
    });
    const graphFetch = (async (input: string | URL | Request, init?: RequestInit) => {
      const res = await this.emulator.fetch(input, init);
      this.collectNotices();
      onChange();
      return res;
    }) as typeof fetch;
    this.bridge = new MessengerBridge({
      deps,
      config: SANDBOX_PAGE,
      graphFetch,
      files: messengerFiles(new FileStore({ prisma: deps.prisma, telegram })),
      onInbound: (userId, at) => noteInboundEvent(deps.prisma, userId, at),
      ...(floodLimit ? { floodLimit } : {}),
    });
    this.emulator.deliver = async (raw, signature) => {
      const r = await this.bridge.receive(raw, signature);
      if (r.status !== 200) this.note(`The webhook answered ${r.status}: ${r.body}`);
      await this.bridge.idle();
    };
  }

  async init(): Promise<void> {
    await this.bridge.init();
    await this.bridge.setupProfile();
  }

  user(psid: string): MessengerUser {
    return this.emulator.user(psid);
  }

  /** New violations and window refusals become error lines after the latest message. */
  private collectNotices(): void {
    for (const v of this.emulator.violations.slice(this.seenViolations)) {
      this.note(`Messenger refused a message: ${v}`);
    }
    this.seenViolations = this.emulator.violations.length;
    for (const r of this.emulator.refusals.slice(this.seenRefusals)) {
      this.note(
        "Messenger refused a message: outside the 24-hour window. It waits until you write again.",
        r.psid,
      );
    }
    this.seenRefusals = this.emulator.refusals.length;
  }

  private note(text: string, psid?: string): void {
    const after = psid ? this.emulator.thread(psid).length : Number.MAX_SAFE_INTEGER;
    this.notices.push({ at: this.deps.clock.now().getTime(), after, text });
  }

  /** The conversation of one person, with the errors in their place. */
  messages(psid: string): MessengerChatMessage[] {
    const thread = this.emulator.thread(psid);
    const out: MessengerChatMessage[] = [];
    let id = 0;
    const notices = [...this.notices];
    const flush = (upTo: number) => {
      while (notices.length && notices[0]!.after <= upTo) {
        const n = notices.shift()!;
        out.push({
          channel: "messenger",
          messageId: ++id,
          chatId: 0,
          from: "bot",
          date: Math.floor(n.at / 1000),
          error: n.text,
          text: `⚠ ${n.text}`,
        });
      }
    };
    thread.forEach((item, index) => {
      flush(index);
      const last = index === thread.length - 1;
      const m: MessengerChatMessage = {
        channel: "messenger",
        messageId: ++id,
        chatId: 0,
        from: item.from === "page" ? "bot" : "user",
        date: Math.floor(item.at / 1000),
      };
      if (item.text !== undefined) m.text = item.text;
      if (item.buttons?.length) {
        m.card = {
          buttons: item.buttons.map((b) =>
            b.type === "postback" ? { title: b.title, payload: b.payload } : { title: b.title, url: b.url },
          ),
        };
      }
      if (last && item.from === "page" && item.quickReplies?.length) {
        m.quickReplies = item.quickReplies.map((q) =>
          q.content_type === "user_phone_number"
            ? { title: "📞 Phone number", payload: PHONE_PAYLOAD, phone: true }
            : { title: q.title ?? "", payload: q.payload ?? "" },
        );
      }
      if (item.attachment) {
        m.file = {
          kind: item.attachment.type === "image" ? "photo" : "document",
          fileId: `messenger-${item.attachment.attachmentId}`,
          ...(item.attachment.name ? { name: item.attachment.name } : {}),
        };
      }
      out.push(m);
    });
    flush(Number.MAX_SAFE_INTEGER);
    return out;
  }

  /** Messages of the outbox held for the person: their 24-hour window is closed. */
  held(psid: string): Promise<number> {
    return this.deps.prisma.notification.count({
      where: { status: "HELD", user: { channel: "MESSENGER", externalId: `${SANDBOX_PAGE.pageId}:${psid}` } },
    });
  }

  heldNotice(count: number, messageId: number): MessengerChatMessage {
    const error =
      `${count} message${count === 1 ? "" : "s"} held: more than 24 hours since your last message, ` +
      "Messenger lets the Page write only within 24 hours. Write anything to receive them.";
    return {
      channel: "messenger",
      messageId,
      chatId: 0,
      from: "bot",
      date: Math.floor(this.deps.clock.now().getTime() / 1000),
      error,
      text: `⚠ ${error}`,
    };
  }

  /** A file of the conversation (the Page's attachments), for the page's downloads. */
  file(fileId: string): { name: string; mimeType: string; data: Buffer } | undefined {
    const a = this.emulator.attachments.get(fileId.replace(/^messenger-/, ""));
    return a ? { name: a.name, mimeType: a.mimeType, data: a.bytes } : undefined;
  }

  /** Taps a quick reply of the latest message or a button of a card, by its payload. */
  async tap(psid: string, payload: string, phone: string): Promise<boolean> {
    const u = this.user(psid);
    if (payload === PHONE_PAYLOAD) {
      await u.sharePhone(phone);
      return true;
    }
    const quick = u.quickReplies().find((q) => q.payload === payload);
    if (quick?.title) {
      await u.tap(quick.title);
      return true;
    }
    const button = [...this.emulator.thread(psid)]
      .reverse()
      .flatMap((m) => m.buttons ?? [])
      .find((b) => b.type === "postback" && b.payload === payload);
    if (!button || button.type !== "postback") return false;
    await u.postback(button.payload, button.title);
    return true;
  }

  reset(): void {
    this.emulator.threads.clear();
    this.emulator.lastInbound.clear();
    this.emulator.violations.length = 0;
    this.emulator.refusals.length = 0;
    this.notices.length = 0;
    this.seenViolations = 0;
    this.seenRefusals = 0;
  }
}
