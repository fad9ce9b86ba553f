/**
 * Chat-level test harness: builds realistic Telegram updates, pushes them through the real
 * bot (`bot.handleUpdate`) on a real database, and reads what the bot sent back from the
 * Bot API emulator. A test reads like a chat:
 *
 *   const tb = await createTestBot(db());
 *   const alice = tb.chat({ id: 1001, first_name: "Alice" });
 *   await alice.send("/start");
 *   await alice.press("🇬🇧 English");
 *   expect(alice.lastText()).toContain("Main menu");
 */
import type { Bot } from "grammy";
import type { Message, Update, User } from "grammy/types";
import { afterEach } from "vitest";
import type { BotContext, BotDeps } from "../../src/bot/context.js";
import { createBot } from "../../src/bot/index.js";
import { UpdateLedger } from "../../src/bot/middlewares/dedupe.js";
import type { FloodLimit } from "../../src/bot/middlewares/rate-limit.js";
import type { UpdateFaults } from "../../src/bot/middlewares/unfinished.js";
import { loadConfig } from "../../src/config.js";
import type { Database } from "../../src/db/index.js";
import { FileStore } from "../../src/files/store.js";
import { createLogger } from "../../src/logger.js";
import { BotApiEmulator, type ChatMessage, EMULATED_BOT } from "../../src/sandbox/bot-api-emulator.js";
import { DeliveryWorker } from "../../src/scheduling/delivery.js";
import { telegramSender } from "../../src/scheduling/telegram-sender.js";
import { createServices } from "../../src/services.js";
import { ManualClock } from "../../src/shared/clock.js";

/**
 * A case ending glued with a hyphen to a lowercase Mongolian word ("газар-ийн", "хэлтэс-т"):
 * the text should have gone through the case formatters. Digits and acronyms keep their
 * hyphen ("2026.01.09-ний", "ЗДТГ-т").
 */
export const GLUED_ENDING =
  /[А-ЯЁӨҮ]?[а-яёөү]+-(?:гийн|ийн|ын|ний|ны|ий|ы|ийг|ыг|г|нд|ад|од|эд|өд|ид|д|т|гаас|гоос|гээс|гөөс|аас|оос|ээс|өөс|иас|иос|гаар|гоор|гээр|гөөр|аар|оор|ээр|өөр|иар|иор|тай|той|тэй|руу|рүү|луу|лүү)(?![а-яёөүА-ЯЁӨҮa-zA-Z0-9])/gu;

export function gluedEndings(text: string): string[] {
  return [...text.matchAll(GLUED_ENDING)].map((m) => m[0]);
}

/**
 * Every chat a test opened, with how many of its messages were read: after each test the
 * bot's new messages are read for glued endings, and the test fails if one has any.
 */
const watched = new Map<BotApiEmulator, Map<number, number>>();

afterEach(() => {
  const found: string[] = [];
  for (const [emulator, chats] of watched) {
    for (const [id, read] of chats) {
      const messages = emulator.messages(id);
      chats.set(id, messages.length);
      for (const m of messages.slice(messages.length < read ? 0 : read)) {
        if (m.from !== "bot") continue;
        const texts = [m.text ?? "", m.file?.caption ?? "", ...(m.buttons ?? []).flat().map((b) => b.text)];
        for (const text of texts)
          for (const g of gluedEndings(text)) found.push(`${g}  in  ${text.slice(0, 200)}`);
      }
    }
  }
  if (found.length) throw new Error(`The bot glued a case ending with a hyphen:\n${found.join("\n")}`);
});

export interface TestBotOptions {
  clock?: ManualClock;
  env?: Record<string, string>;
  emulator?: BotApiEmulator;
  /** The production flood limit; by default tests may send as fast as they like. */
  floodLimit?: FloodLimit;
  /** The update ledger, as in production (re-deliveries skipped, unfinished updates replayed). */
  ledger?: boolean;
  /** Fault injection (crash tests). */
  faults?: UpdateFaults;
}

export interface TestBot {
  bot: Bot<BotContext>;
  deps: BotDeps;
  emulator: BotApiEmulator;
  clock: ManualClock;
  chat(user: Partial<User> & { id: number }): TestChat;
  /** A new bot instance on the same database (a restart of the process). */
  restart(opts?: Partial<TestBotOptions>): Promise<TestBot>;
  handle(update: Update): Promise<void>;
  /** The update ledger (with `ledger: true`). */
  ledger?: UpdateLedger;
  /**
   * Delivers the outbox's due notifications through the real delivery worker to the
   * emulator (so they appear in the recipients' chats). Returns how many were sent.
   */
  deliverOutbox(): Promise<number>;
}

export async function createTestBot(db: Database, opts: TestBotOptions = {}): Promise<TestBot> {
  const clock = opts.clock ?? new ManualClock("2026-03-10T02:00:00Z");
  const emulator = opts.emulator ?? new BotApiEmulator(EMULATED_BOT, () => clock.now().getTime());
  const config = loadConfig({
    BOT_TOKEN: "123456:TEST-token-for-the-emulator-000000000",
    LOG_LEVEL: "silent",
    ...opts.env,
  });
  const logger = createLogger(process.env.TEST_LOG_LEVEL ?? "silent");
  const services = createServices({ prisma: db.prisma, clock, config });
  const deps: BotDeps = { config, prisma: db.prisma, clock, logger, services };
  const ledger = opts.ledger ? new UpdateLedger({ prisma: db.prisma, logger }) : undefined;
  const bot = createBot(deps, {
    botInfo: EMULATED_BOT as never,
    client: { fetch: emulator.fetch as never },
    throttle: false,
    floodLimit: opts.floodLimit ?? { max: 100_000, windowMs: 1000 },
    ...(ledger ? { guards: { ledger, logger } } : {}),
    faults: opts.faults,
  });
  await bot.init();
  let worker: DeliveryWorker | undefined;
  const tb: TestBot = {
    bot,
    deps,
    emulator,
    clock,
    ledger,
    chat: (user) => new TestChat(tb, { is_bot: false, first_name: `User${user.id}`, ...user } as User),
    restart: (over = {}) => createTestBot(db, { ...opts, ...over, clock, emulator }),
    handle: (update) => bot.handleUpdate(update),
    async deliverOutbox() {
      worker ??= new DeliveryWorker({
        prisma: db.prisma,
        sender: telegramSender(bot.api, new FileStore({ prisma: db.prisma, telegram: bot.api })),
        clock,
        logger,
        chatIntervalMs: 0,
        ratePerSecond: Number.POSITIVE_INFINITY,
        sleep: async () => {},
      });
      let sent = 0;
      for (let round = 0; round < 20; round++) {
        const stats = await worker.runOnce();
        sent += stats.sent;
        if (stats.claimed === 0) break;
      }
      return sent;
    },
  };
  return tb;
}

export class TestChat {
  /** Index into the chat's messages: what came before the last action. */
  private mark = 0;
  private callbackSeq = 0;
  /** The update delivered last (to deliver it again). */
  lastUpdate?: Update;

  constructor(
    private readonly tb: TestBot,
    readonly user: User,
  ) {
    const chats = watched.get(tb.emulator) ?? new Map<number, number>();
    if (!chats.has(user.id)) chats.set(user.id, 0);
    watched.set(tb.emulator, chats);
  }

  get id(): number {
    return this.user.id;
  }

  private get emulator() {
    return this.tb.emulator;
  }

  // An update's message variants differ only in their types; built as one shape here.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  private message(extra: Partial<Message>): any {
    return {
      message_id: 0,
      date: Math.floor(this.tb.clock.now().getTime() / 1000),
      chat: { id: this.user.id, type: "private", first_name: this.user.first_name },
      from: this.user,
      ...extra,
    };
  }

  private async deliver(update: Omit<Update, "update_id">, shown?: Partial<ChatMessage>): Promise<void> {
    this.mark = this.emulator.messages(this.id).length;
    if (shown) this.emulator.recordUserMessage(this.id, shown);
    this.mark = this.emulator.messages(this.id).length;
    this.lastUpdate = this.emulator.makeUpdate(update);
    await this.tb.bot.handleUpdate(this.lastUpdate);
  }

  /** Sends a text message (commands included: "/start inv_abc"). */
  async send(text: string): Promise<void> {
    const entities = text.startsWith("/")
      ? [{ type: "bot_command" as const, offset: 0, length: text.split(" ")[0]!.length }]
      : undefined;
    await this.deliver({ message: this.message({ text, ...(entities ? { entities } : {}) }) }, { text });
  }

  /** Presses a button of the most recent bot message that has it, by label or data. */
  async press(labelOrData: string): Promise<void> {
    const messages = [...this.emulator.messages(this.id)].reverse();
    for (const m of messages) {
      const button = m.buttons?.flat().find((b) => b.text === labelOrData || b.data === labelOrData);
      if (button?.data) return this.pressData(button.data, m.messageId);
    }
    const available = this.buttons().map((b) => b.text);
    throw new Error(`No button "${labelOrData}" in the chat. Last buttons: ${available.join(" | ")}`);
  }

  /** Sends a callback query with any data (forged or stale buttons). */
  async pressData(data: string, messageId?: number): Promise<void> {
    const msgId = messageId ?? this.emulator.messages(this.id).at(-1)?.messageId ?? 1;
    await this.deliver({
      callback_query: {
        id: `cb${this.id}-${++this.callbackSeq}`,
        from: this.user,
        chat_instance: `ci${this.id}`,
        data,
        message: this.message({ message_id: msgId, from: this.tb.emulator.bot as never }),
      },
    });
  }

  /** Shares the phone number with Telegram's contact button. */
  async shareContact(phone: string): Promise<void> {
    await this.deliver(
      {
        message: this.message({
          contact: { phone_number: phone, first_name: this.user.first_name, user_id: this.user.id },
        }),
      },
      { text: `📞 ${phone}` },
    );
  }

  async sendPhoto(opts: { fileId?: string; size?: number; caption?: string } = {}): Promise<void> {
    const fileId = opts.fileId ?? `photo-${this.id}-${this.emulator.calls.length}`;
    await this.deliver(
      {
        message: this.message({
          photo: [
            {
              file_id: `${fileId}-s`,
              file_unique_id: `${fileId}-us`,
              width: 90,
              height: 90,
              file_size: 1000,
            },
            {
              file_id: fileId,
              file_unique_id: `${fileId}-u`,
              width: 1280,
              height: 960,
              file_size: opts.size ?? 150_000,
            },
          ],
          ...(opts.caption ? { caption: opts.caption } : {}),
        }),
      },
      { file: { kind: "photo", fileId } },
    );
  }

  async sendDocument(
    opts: { name?: string; mime?: string; size?: number; fileId?: string } = {},
  ): Promise<void> {
    const fileId = opts.fileId ?? `doc-${this.id}-${this.emulator.calls.length}`;
    await this.deliver(
      {
        message: this.message({
          document: {
            file_id: fileId,
            file_unique_id: `${fileId}-u`,
            file_name: opts.name ?? "scan.pdf",
            mime_type: opts.mime ?? "application/pdf",
            file_size: opts.size ?? 200_000,
          },
        }),
      },
      { file: { kind: "document", fileId, name: opts.name ?? "scan.pdf" } },
    );
  }

  async sendSticker(): Promise<void> {
    await this.deliver({
      message: this.message({
        sticker: {
          file_id: "sticker1",
          file_unique_id: "stk1",
          type: "regular",
          width: 512,
          height: 512,
          is_animated: false,
          is_video: false,
        },
      }),
    });
  }

  async sendVoice(): Promise<void> {
    await this.deliver({
      message: this.message({ voice: { file_id: "voice1", file_unique_id: "v1", duration: 3 } }),
    });
  }

  async editLastMessage(text: string): Promise<void> {
    await this.deliver({ edited_message: this.message({ message_id: 1, text, edit_date: 1 }) });
  }

  /** Bot messages sent since the last action. */
  replies(): ChatMessage[] {
    return this.emulator
      .messages(this.id)
      .slice(this.mark)
      .filter((m) => m.from === "bot");
  }

  /** All bot messages of this chat. */
  all(): ChatMessage[] {
    return this.emulator.messages(this.id).filter((m) => m.from === "bot");
  }

  /** Text of the bot's replies since the last action, joined. */
  text(): string {
    return this.replies()
      .map((m) => m.text ?? "")
      .join("\n");
  }

  lastText(): string {
    return this.all().at(-1)?.text ?? "";
  }

  /** Buttons of the most recent bot message that has any. */
  buttons(): { text: string; data?: string; url?: string }[] {
    const m = [...this.all()].reverse().find((x) => x.buttons?.length);
    return m?.buttons?.flat() ?? [];
  }

  buttonTexts(): string[] {
    return this.buttons().map((b) => b.text);
  }

  /** The pop-up text of the last answered button press, if any. */
  lastCallbackAnswer(): string | undefined {
    const call = [...this.emulator.calls]
      .reverse()
      .find(
        (c) =>
          c.method === "answerCallbackQuery" &&
          String(c.payload.callback_query_id).startsWith(`cb${this.id}-`),
      );
    return call?.payload.text as string | undefined;
  }
}
