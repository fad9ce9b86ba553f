/**
 * The citizen side of the petition tests on either channel: a `CitizenDriver` is a person
 * in a Telegram chat (the Bot API emulator) or in a Messenger conversation (the Messenger
 * emulator, through the signed webhook and the bridge), with the same actions, so one
 * suite runs on both. Texts are compared as plain text (Telegram's HTML rendered the way
 * the Messenger bridge renders it).
 */
import type { Database } from "../../src/db/index.js";
import type { MessengerConfig } from "../../src/config.js";
import { MessengerBridge } from "../../src/messenger/bridge.js";
import { htmlToText } from "../../src/messenger/render.js";
import { MessengerEmulator, type MessengerUser } from "../../src/sandbox/messenger-emulator.js";
import { DeliveryWorker } from "../../src/scheduling/delivery.js";
import { FileStore, messengerFiles } from "../../src/files/index.js";
import { messengerSender } from "../../src/scheduling/messenger-sender.js";
import { noteInboundEvent } from "../../src/scheduling/messenger-window.js";
import { channelRouter } from "../../src/scheduling/sender.js";
import { telegramSender } from "../../src/scheduling/telegram-sender.js";
import type { TestChat } from "../support/chat.js";
import { petitionWorld } from "../bot/petitions-support.js";

export type Channel = "telegram" | "messenger";
export const CHANNELS: Channel[] = ["telegram", "messenger"];

export interface CitizenDriver {
  channel: Channel;
  /** Opens the chat: Telegram /start, Messenger Get Started (with a referral). */
  start(ref?: string): Promise<void>;
  send(text: string): Promise<void>;
  /** Chooses an option by its label (a button, a quick reply, or the number of a listed option). */
  choose(label: string): Promise<void>;
  sharePhone(phone: string): Promise<void>;
  sendDocument(): Promise<void>;
  sticker(): Promise<void>;
  voice(): Promise<void>;
  edit(text: string): Promise<void>;
  /** Plain text of the replies since the last action. */
  text(): string;
  options(): string[];
  userId(): Promise<number>;
}

export const MESSENGER: MessengerConfig = {
  pageId: "100200300400500",
  pageToken: "EAAtest-page-token-000000000000",
  appSecret: "0123456789abcdef0123456789abcdef",
  verifyToken: "verify-me-please",
  graphRoot: "http://graph.messenger.test/v25.0",
};

export async function messengerWorld(db: () => Database) {
  const world = await petitionWorld(db);
  const { tb } = world;
  const emulator = new MessengerEmulator({
    pageId: MESSENGER.pageId,
    appSecret: MESSENGER.appSecret,
    root: MESSENGER.graphRoot,
    now: () => tb.clock.now().getTime(),
  });
  const store = new FileStore({ prisma: tb.deps.prisma, telegram: tb.bot.api });
  const bridge = new MessengerBridge({
    deps: tb.deps,
    config: MESSENGER,
    graphFetch: emulator.fetch,
    files: messengerFiles(store),
    onInbound: (userId, at) => noteInboundEvent(tb.deps.prisma, userId, at),
    floodLimit: { max: 100_000, windowMs: 1000 },
  });
  await bridge.init();
  await bridge.setupProfile();
  emulator.deliver = async (raw, signature) => {
    const r = await bridge.receive(raw, signature);
    if (r.status !== 200) throw new Error(`webhook answered ${r.status}`);
    await bridge.idle();
  };
  // The outbox, each recipient on their channel.
  const routed = channelRouter({
    TELEGRAM: telegramSender(tb.bot.api, store),
    MESSENGER: messengerSender(bridge.api),
  });
  const worker = new DeliveryWorker({
    prisma: tb.deps.prisma,
    sender: routed,
    clock: tb.clock,
    logger: tb.deps.logger,
    chatIntervalMs: 0,
    ratePerSecond: Number.POSITIVE_INFINITY,
    sleep: async () => {},
  });
  const deliverOutbox = async () => {
    for (let round = 0; round < 20; round++) if ((await worker.runOnce()).claimed === 0) break;
  };
  return { ...world, emulator, bridge, store, deliverOutbox };
}

export type MessengerWorld = Awaited<ReturnType<typeof messengerWorld>>;

class TelegramCitizen implements CitizenDriver {
  readonly channel = "telegram" as const;
  constructor(
    private readonly c: TestChat,
    private readonly w: MessengerWorld,
  ) {}
  start(ref?: string) {
    return this.c.send(ref ? `/start ${ref}` : "/start");
  }
  send(text: string) {
    return this.c.send(text);
  }
  choose(label: string) {
    return this.c.press(label);
  }
  sharePhone(phone: string) {
    return this.c.shareContact(phone);
  }
  sendDocument() {
    return this.c.sendDocument({ name: "scan.pdf" });
  }
  sticker() {
    return this.c.sendSticker();
  }
  voice() {
    return this.c.sendVoice();
  }
  edit(text: string) {
    return this.c.editLastMessage(text);
  }
  text() {
    const answers = this.c.lastCallbackAnswer();
    return [htmlToText(this.c.text()), answers ?? ""].filter(Boolean).join("\n");
  }
  options() {
    return this.c.buttonTexts();
  }
  async userId() {
    const u = await this.w.prisma.user.findFirstOrThrow({
      where: { channel: "TELEGRAM", externalId: String(this.c.id) },
    });
    return u.id;
  }
}

class MessengerCitizen implements CitizenDriver {
  readonly channel = "messenger" as const;
  constructor(
    readonly u: MessengerUser,
    private readonly w: MessengerWorld,
  ) {}
  start(ref?: string) {
    return this.u.getStarted(ref);
  }
  send(text: string) {
    return this.u.send(text);
  }
  async choose(label: string) {
    const quick = this.u.quickReplies().find((q) => q.title === label);
    if (quick) return this.u.tap(label);
    const all = this.u.all();
    const template = [...all].reverse().find((m) => m.buttons?.some((b) => b.title === label));
    if (template) return this.u.tapButton(label);
    // A numbered list: type the number of the option.
    const last = [...all].reverse().find((m) => m.text !== undefined)?.text ?? "";
    const n = new RegExp(`^(\\d+)\\. ${label.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`, "m").exec(last)?.[1];
    if (n) return this.u.send(n);
    throw new Error(`No option "${label}". On screen: ${this.options().join(" | ")}`);
  }
  sharePhone(phone: string) {
    return this.u.sharePhone(phone);
  }
  sendDocument() {
    return this.u.sendFile({ name: "scan.pdf" });
  }
  sticker() {
    return this.u.sticker();
  }
  voice() {
    return this.u.audio();
  }
  edit(text: string) {
    return this.u.edit(text);
  }
  text() {
    return this.u.text();
  }
  options() {
    return this.u.buttonTexts();
  }
  async userId() {
    const u = await this.w.prisma.user.findFirstOrThrow({
      where: { channel: "MESSENGER", externalId: `${MESSENGER.pageId}:${this.u.psid}` },
    });
    return u.id;
  }
}

let psidSeq = 0;

/** A citizen new to the bot on the channel (no user row yet). */
export function newCitizen(w: MessengerWorld, channel: Channel): CitizenDriver {
  const n = ++psidSeq;
  return channel === "telegram"
    ? new TelegramCitizen(w.tb.chat({ id: 5_000_000 + n, first_name: "Bold" }), w)
    : new MessengerCitizen(w.emulator.user(`2460000000000${String(n).padStart(4, "0")}`), w);
}
