/**
 * The sandbox: the real bot (createBot: the same middleware, conversations and services),
 * the real delivery worker and job runner, all talking to the Bot API emulator instead of
 * Telegram. Personas (./personas.ts) write to the bot as Telegram would deliver their
 * updates; what the bot sends lands in each persona's chat. The clock can be moved
 * forward, which runs the jobs that fell due and delivers the outbox, and the demo data
 * can be reset.
 *
 * One citizen persona writes on Facebook Messenger: through the Messenger emulator and the
 * real Messenger bridge (./messenger-persona.ts), the outbox reaching them through it.
 *
 * The HTTP side (the page and its API) is ./server.ts; start-up is ./index.ts.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Bot } from "grammy";
import type { BotCommand, Message, Update, User, UserFromGetMe } from "grammy/types";
import { commandList, registerCommands } from "../bot/commands.js";
import type { BotContext, BotDeps } from "../bot/context.js";
import { createBot } from "../bot/index.js";
import type { FloodLimit } from "../bot/middlewares/rate-limit.js";
import type { Config } from "../config.js";
import { type Database, truncateAll } from "../db/index.js";
import { FileStore } from "../files/store.js";
import { schedule } from "../jobs/schedule.js";
import type { Logger } from "../logger.js";
import { DeliveryWorker } from "../scheduling/delivery.js";
import { messengerSender } from "../scheduling/messenger-sender.js";
import { channelRouter } from "../scheduling/sender.js";
import { type JobDefinition, JobRunner } from "../scheduling/job-runner.js";
import { telegramSender } from "../scheduling/telegram-sender.js";
import { createServices } from "../services.js";
import { ManualClock, type OffsetClock } from "../shared/clock.js";
import {
  BotApiEmulator,
  type ChatMessage,
  EMULATED_BOT,
  type EmulatorEvent,
  type EmulatorSnapshot,
  type ReplyKeyboardState,
} from "./bot-api-emulator.js";
import { DEMO_ORG_SLUG, PERSONAS, type Persona, type PersonaKind, personaByChat } from "./personas.js";
import { SandboxMessenger } from "./messenger-persona.js";
import { seedSandbox } from "./seed.js";

/** The live sandbox moves an OffsetClock; tests drive a ManualClock. */
export type SandboxClock = OffsetClock | ManualClock;

export const TIME_ZONE = "Asia/Ulaanbaatar";

/** Largest file a persona may send (Telegram bots download at most 20 MB). */
export const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;

export const CLOCK_STEPS = { "1h": 3_600_000, "1d": 86_400_000, "1w": 7 * 86_400_000 } as const;
export type ClockStep = keyof typeof CLOCK_STEPS;

export interface SandboxOptions {
  db: Database;
  config: Config;
  logger: Logger;
  clock: SandboxClock;
  /** Folder keeping the chats, the files and the clock offset across restarts; none: memory only. */
  stateDir?: string;
  /** Run due jobs and deliver the outbox every few seconds as real time passes. */
  live?: boolean;
  /** The Messenger persona's flood limit (tests act faster than a person can tap). */
  messengerFloodLimit?: FloodLimit;
  /** The scheduled jobs; src/jobs/schedule.ts by default. */
  jobs?: JobDefinition[];
}

export interface PersonaView {
  id: string;
  kind: PersonaKind;
  name: string;
  role: string;
  roleMn: string;
  /** Position and unit of a staff member, as the directory has them. */
  position?: string;
  unit?: string;
  telegramId: number;
  /** Where the persona writes: Telegram, or Facebook Messenger. */
  channel: "telegram" | "messenger";
  /** Staff: the account is linked to the person (the newcomer after accepting an invite). */
  linked: boolean;
  unread: number;
  last?: { text: string; from: "bot" | "user"; date: number };
}

export interface ChatView {
  persona: PersonaView;
  /** "messenger": the messages carry Messenger's quick replies, cards and refusals. */
  channel: "telegram" | "messenger";
  messages: ChatMessage[];
  replyKeyboard: ReplyKeyboardState | null;
  commands: BotCommand[];
}

export interface SandboxStatus {
  now: string;
  offsetMs: number;
  timeZone: string;
  outbox: { pending: number; nextAt: string | null };
  /** Where the database, chats and files are kept; null when in memory (tests). */
  dataDir: string | null;
}

/** How much of a clock move is passed slot by slot (longer moves pass the rest at once). */
const STEPPED_MS = 31 * 86_400_000;

export interface AdvanceResult {
  now: string;
  /** Job slots run (each job, each hour passed). */
  slots: number;
  /** Notifications the jobs wrote. */
  enqueued: number;
  /** Notifications delivered to the personas' chats. */
  delivered: number;
}

export type SandboxEvent =
  | { type: "chat"; persona: string; change: "message" | "edit" | "delete" | "keyboard" }
  | { type: "toast"; persona: string; text: string; alert: boolean }
  | { type: "state" }
  | { type: "reset" };

/** A request the sandbox refuses; `status` is the HTTP status the server answers with. */
export class SandboxError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "SandboxError";
  }
}

interface SavedState {
  emulator: EmulatorSnapshot;
  readUpTo: [string, number][];
  clockOffsetMs: number;
}

/** A message a user sends in a private chat, as an update carries it. */
type UserMessage = NonNullable<Update["message"]>;

export class Sandbox {
  readonly emulator: BotApiEmulator;
  readonly bot: Bot<BotContext>;
  readonly deps: BotDeps;
  readonly messenger: SandboxMessenger;
  private runner: JobRunner;
  /** Recreated on reset: its pacing remembers times, and a reset sets the clock back. */
  private worker: DeliveryWorker;
  private readonly readUpTo = new Map<string, number>();
  private readonly listeners = new Set<(e: SandboxEvent) => void>();
  private readonly savedFiles = new Set<string>();
  private readonly startClock: number;
  private chain: Promise<unknown> = Promise.resolve();
  private callbackSeq = 0;
  private timer: NodeJS.Timeout | null = null;
  private saveTimer: NodeJS.Timeout | null = null;
  private closed = false;

  private constructor(private readonly opts: SandboxOptions) {
    const { db, config, logger, clock } = opts;
    this.startClock = clock.now().getTime();
    this.emulator = new BotApiEmulator(EMULATED_BOT, () => clock.now().getTime());
    this.emulator.maxCalls = 2000;
    const services = createServices({ prisma: db.prisma, clock, config });
    this.deps = { config, prisma: db.prisma, clock, logger, services };
    this.bot = createBot(this.deps, {
      botInfo: EMULATED_BOT as UserFromGetMe,
      client: { fetch: this.emulator.fetch as never },
      throttle: false,
    });
    this.messenger = new SandboxMessenger(this.deps, this.bot.api, opts.messengerFloodLimit, () => {
      for (const p of PERSONAS.filter((x) => x.messengerPsid)) {
        this.emit({ type: "chat", persona: p.id, change: "message" });
      }
      this.emit({ type: "state" });
    });
    this.worker = this.newWorker();
    this.runner = this.newRunner();
    this.emulator.subscribe((e) => this.onEmulatorEvent(e));
  }

  /** Builds the sandbox: restores saved chats, seeds the demo data, delivers what is due. */
  static async create(opts: SandboxOptions): Promise<Sandbox> {
    const sandbox = new Sandbox(opts);
    sandbox.restore();
    await sandbox.bot.init();
    await sandbox.messenger.init();
    // The first start seeds; later starts keep what was done in the sandbox (Reset seeds again).
    const seeded = await opts.db.prisma.organization.count({ where: { slug: DEMO_ORG_SLUG } });
    if (!seeded) await sandbox.seed();
    await sandbox.registerCommands();
    await sandbox.pump();
    if (opts.live) {
      sandbox.timer = setInterval(() => {
        sandbox.pump().catch((err) => opts.logger.error({ err: String(err) }, "sandbox: pump failed"));
      }, 5_000);
      sandbox.timer.unref();
    }
    return sandbox;
  }

  /** The outbox's delivery worker, sending through the emulator. */
  private newWorker(): DeliveryWorker {
    const { db, config, logger, clock } = this.opts;
    return new DeliveryWorker({
      prisma: db.prisma,
      sender: channelRouter({
        TELEGRAM: telegramSender(this.bot.api, new FileStore({ prisma: db.prisma, telegram: this.bot.api })),
        MESSENGER: messengerSender(this.messenger.bridge.api),
      }),
      clock,
      logger,
      // The emulator has no rate limits: deliver at once, in order.
      ratePerSecond: Number.POSITIVE_INFINITY,
      chatIntervalMs: 0,
      concurrency: 1,
      defaultLocale: config.DEFAULT_LOCALE,
      defaultTimeZone: TIME_ZONE,
    });
  }

  private async seed(): Promise<void> {
    const { db, clock, logger } = this.opts;
    await seedSandbox(db.prisma, clock, logger);
  }

  /** The command lists Telegram shows: the citizens' by default, the staff's in staff chats. */
  private async registerCommands(): Promise<void> {
    await registerCommands(this.bot.api);
    for (const p of PERSONAS.filter((x) => x.kind === "staff")) {
      await this.bot.api.setMyCommands(commandList(p.locale ?? this.opts.config.DEFAULT_LOCALE, true), {
        scope: { type: "chat", chat_id: p.telegramId },
      });
    }
  }

  private newRunner(): JobRunner {
    return new JobRunner({
      prisma: this.opts.db.prisma,
      clock: this.opts.clock,
      logger: this.opts.logger,
      jobs: this.opts.jobs ?? schedule,
      defaultTimeZone: TIME_ZONE,
    });
  }

  get clock(): SandboxClock {
    return this.opts.clock;
  }

  // ───────────────────────────── events ─────────────────────────────

  subscribe(listener: (e: SandboxEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(e: SandboxEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch (err) {
        this.opts.logger.warn({ err: String(err) }, "sandbox: listener failed");
      }
    }
  }

  private onEmulatorEvent(e: EmulatorEvent): void {
    if (e.type === "callbackAnswer") {
      const chatId = Number(/^sbx:(\d+):/.exec(e.callbackQueryId)?.[1]);
      const persona = personaByChat(chatId);
      if (persona && e.text)
        this.emit({ type: "toast", persona: persona.id, text: e.text, alert: e.showAlert });
      return;
    }
    const persona = personaByChat(e.chatId);
    if (!persona) return;
    this.emit({ type: "chat", persona: persona.id, change: e.type });
    this.emit({ type: "state" });
    this.scheduleSave();
  }

  // ───────────────────────────── reading ─────────────────────────────

  private persona(id: string): Persona {
    const p = PERSONAS.find((x) => x.id === id);
    if (!p) throw new SandboxError(404, `No persona "${id}"`);
    return p;
  }

  /** The persona's chat: Telegram's, or the Messenger conversation drawn as one. */
  private thread(p: Persona): ChatMessage[] {
    return p.messengerPsid ? this.messenger.messages(p.messengerPsid) : this.emulator.messages(p.telegramId);
  }

  unread(id: string): number {
    const p = this.persona(id);
    const seen = this.readUpTo.get(id) ?? 0;
    return this.thread(p).filter((m) => m.from === "bot" && m.messageId > seen).length;
  }

  /** Every persona with their name from the directory, unread count and last message. */
  async personas(): Promise<PersonaView[]> {
    const prisma = this.deps.prisma;
    const org = await prisma.organization.findUnique({
      where: { slug: DEMO_ORG_SLUG },
      select: { id: true },
    });
    const codes = PERSONAS.flatMap((p) => (p.personCode ? [p.personCode] : []));
    const people = org
      ? await prisma.person.findMany({
          where: { orgId: org.id, code: { in: codes } },
          select: {
            code: true,
            fullName: true,
            user: { select: { id: true } },
            position: { select: { title: true } },
            unit: { select: { name: true } },
          },
        })
      : [];
    const byCode = new Map(people.map((p) => [p.code, p]));
    return PERSONAS.map((p) => {
      const person = p.personCode ? byCode.get(p.personCode) : undefined;
      const last = this.thread(p).at(-1);
      return {
        id: p.id,
        kind: p.kind,
        name: person?.fullName ?? (p.lastName ? `${p.lastName.slice(0, 1)}.${p.firstName}` : p.firstName),
        role: person?.user && p.roleLinked ? p.roleLinked : p.role,
        roleMn: p.roleMn,
        ...(person?.position ? { position: person.position.title } : {}),
        ...(person?.unit ? { unit: person.unit.name } : {}),
        telegramId: p.telegramId,
        channel: p.messengerPsid ? "messenger" : "telegram",
        linked: Boolean(person?.user),
        unread: this.unread(p.id),
        ...(last ? { last: { text: preview(last), from: last.from, date: last.date } } : {}),
      };
    });
  }

  async chat(id: string): Promise<ChatView> {
    const p = this.persona(id);
    const persona = (await this.personas()).find((x) => x.id === id)!;
    if (p.messengerPsid) {
      const messages = this.thread(p);
      const held = await this.messenger.held(p.messengerPsid);
      if (held) messages.push(this.messenger.heldNotice(held, messages.length + 1));
      return { persona, channel: "messenger", messages, replyKeyboard: null, commands: [] };
    }
    return {
      persona,
      channel: "telegram",
      messages: this.emulator.messages(p.telegramId),
      replyKeyboard: this.emulator.replyKeyboard(p.telegramId),
      commands: this.emulator.commandsFor(p.telegramId),
    };
  }

  async status(): Promise<SandboxStatus> {
    const now = this.opts.clock.now();
    const [pending, next] = await Promise.all([
      this.deps.prisma.notification.count({ where: { status: { in: ["PENDING", "SENDING"] } } }),
      this.deps.prisma.notification.findFirst({
        where: { status: "PENDING" },
        orderBy: { notBefore: "asc" },
        select: { notBefore: true },
      }),
    ]);
    return {
      now: now.toISOString(),
      offsetMs: now.getTime() - this.realNow(),
      timeZone: TIME_ZONE,
      outbox: { pending, nextAt: next ? next.notBefore.toISOString() : null },
      dataDir: this.opts.stateDir ?? null,
    };
  }

  /** What "now" would be without the sandbox's moves (the start time for a manual clock). */
  private realNow(): number {
    const clock = this.opts.clock;
    return clock instanceof ManualClock ? this.startClock : clock.now().getTime() - clock.offsetMs;
  }

  /** The persona has seen their chat up to its last message. */
  markRead(id: string): void {
    const p = this.persona(id);
    const last = this.thread(p).at(-1)?.messageId ?? 0;
    if ((this.readUpTo.get(id) ?? 0) >= last) return;
    this.readUpTo.set(id, last);
    this.emit({ type: "state" });
    this.scheduleSave();
  }

  // ───────────────────────────── acting as a persona ─────────────────────────────

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
      date: Math.floor(this.opts.clock.now().getTime() / 1000),
      chat: { id: p.telegramId, type: "private", first_name: p.firstName },
      from: this.tgUser(p),
      ...extra,
    } as UserMessage;
  }

  /** Feeds an update to the bot as Telegram would, then delivers what it enqueued. */
  private async deliver(p: Persona, update: Omit<Update, "update_id">): Promise<void> {
    this.markRead(p.id);
    await this.bot.handleUpdate(this.emulator.makeUpdate(update));
    this.markRead(p.id);
    await this.serial(() => this.drainOutbox());
  }

  /** A Messenger persona's action (a webhook event), then the outbox's deliveries. */
  private async messengerAct(p: Persona, act: (psid: string) => Promise<unknown>): Promise<void> {
    this.markRead(p.id);
    await act(p.messengerPsid as string);
    this.markRead(p.id);
    await this.serial(() => this.drainOutbox());
  }

  /** Sends a text (or a command: "/start inv_abc") as the persona. */
  async send(id: string, text: string): Promise<void> {
    const p = this.persona(id);
    const body = String(text ?? "").trim();
    if (!body) throw new SandboxError(400, "The message is empty");
    if (p.messengerPsid) {
      return this.messengerAct(p, (psid) => {
        const u = this.messenger.user(psid);
        // The page's "Start" on an empty conversation is Messenger's Get Started button.
        return body === "/start" && !this.messenger.emulator.thread(psid).length
          ? u.getStarted()
          : u.send(body);
      });
    }
    if (body.length > 4096) throw new SandboxError(400, "Telegram messages are at most 4096 characters");
    const messageId = this.emulator.recordUserMessage(p.telegramId, { text: body });
    const command = /^\/\S+/.exec(body)?.[0];
    const entities = command
      ? [{ type: "bot_command" as const, offset: 0, length: command.length }]
      : undefined;
    await this.deliver(p, {
      message: this.message(p, messageId, { text: body, ...(entities ? { entities } : {}) }),
    });
  }

  /** Presses an inline button of one of the bot's messages in the persona's chat. */
  async press(id: string, messageId: number, data: string): Promise<void> {
    const p = this.persona(id);
    if (p.messengerPsid) {
      return this.messengerAct(p, async (psid) => {
        if (!(await this.messenger.tap(psid, data, p.phone))) {
          throw new SandboxError(404, "This button is no longer in the conversation");
        }
      });
    }
    const msg = this.emulator
      .messages(p.telegramId)
      .find((m) => m.messageId === Number(messageId) && m.from === "bot");
    if (!msg?.buttons?.flat().some((b) => b.data === data)) {
      throw new SandboxError(404, "This button is no longer in the chat");
    }
    await this.deliver(p, {
      callback_query: {
        id: `sbx:${p.telegramId}:${++this.callbackSeq}`,
        from: this.tgUser(p),
        chat_instance: `ci${p.telegramId}`,
        data,
        message: {
          message_id: msg.messageId,
          date: msg.date,
          chat: { id: p.telegramId, type: "private", first_name: p.firstName },
          from: this.emulator.bot,
          ...(msg.text ? { text: plainText(msg.text) } : {}),
        } as Message,
      },
    });
  }

  /** Shares the persona's phone number, as Telegram's "share contact" button does. */
  async shareContact(id: string): Promise<void> {
    const p = this.persona(id);
    if (p.messengerPsid) return this.messengerAct(p, (psid) => this.messenger.user(psid).sharePhone(p.phone));
    const name = [p.firstName, p.lastName].filter(Boolean).join(" ");
    const messageId = this.emulator.recordUserMessage(p.telegramId, { contact: { phone: p.phone, name } });
    await this.deliver(p, {
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
  async upload(
    id: string,
    file: { name: string; mimeType: string; data: Buffer; caption?: string; asFile?: boolean },
  ): Promise<{ fileId: string }> {
    const p = this.persona(id);
    if (file.data.length === 0) throw new SandboxError(400, "The file is empty");
    if (file.data.length > MAX_UPLOAD_BYTES)
      throw new SandboxError(413, "Files up to 20 MB can be sent to a bot");
    const name = path.basename(file.name || "file").slice(0, 200) || "file";
    const mimeType = file.mimeType || "application/octet-stream";
    const caption = file.caption?.trim() ? file.caption.trim().slice(0, 1024) : undefined;
    if (p.messengerPsid) {
      const image = !file.asFile && /^image\/(jpeg|png|webp|gif)$/.test(mimeType);
      await this.messengerAct(p, async (psid) => {
        const u = this.messenger.user(psid);
        await u.sendFile({ name, mime: mimeType, bytes: file.data, type: image ? "image" : "file" });
        if (caption) await u.send(caption); // Messenger sends a file and a text apart
      });
      return { fileId: name };
    }
    const stored = this.emulator.storeFile(name, mimeType, file.data);
    const asPhoto = !file.asFile && /^image\/(jpeg|png|webp)$/.test(mimeType);
    if (asPhoto) {
      // Telegram sends a photo in several sizes, each with its own file id.
      const thumb = { ...stored, fileId: `${stored.fileId}t`, fileUniqueId: `${stored.fileUniqueId}t` };
      this.emulator.files.set(thumb.fileId, thumb);
      const messageId = this.emulator.recordUserMessage(p.telegramId, {
        ...(caption ? { text: caption } : {}),
        file: { kind: "photo", fileId: stored.fileId, name, mimeType, size: file.data.length },
      });
      await this.deliver(p, {
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
      const messageId = this.emulator.recordUserMessage(p.telegramId, {
        ...(caption ? { text: caption } : {}),
        file: { kind: "document", fileId: stored.fileId, name, mimeType, size: file.data.length },
      });
      await this.deliver(p, {
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

  // ───────────────────────────── time, outbox, reset ─────────────────────────────

  /** Runs one step at a time: jobs, deliveries, clock moves and resets never overlap. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn);
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** Delivers every due notification through the real worker; returns how many were sent. */
  private async drainOutbox(): Promise<number> {
    let sent = 0;
    for (let round = 0; round < 100; round++) {
      const stats = await this.worker.runOnce();
      sent += stats.sent;
      if (stats.claimed === 0) break;
      if (stats.sent + stats.failed + stats.unreachable + stats.retried === 0) break; // all deferred
    }
    return sent;
  }

  /** Whether a pending notification may be sent now (one waiting out quiet hours, say). */
  private async outboxDue(): Promise<boolean> {
    const row = await this.opts.db.prisma.notification.findFirst({
      where: { status: "PENDING", notBefore: { lte: this.opts.clock.now() } },
      select: { id: true },
    });
    return row !== null;
  }

  private async runJobs(): Promise<{ slots: number; enqueued: number }> {
    const outcomes = await this.runner.runDue(this.opts.clock.now());
    const done = outcomes.filter((o) => o.status === "done");
    return { slots: done.length, enqueued: done.reduce((n, o) => n + (o.enqueued ?? 0), 0) };
  }

  /** Runs the jobs that fell due and delivers the outbox (the live timer calls this). */
  pump(): Promise<{ slots: number; enqueued: number; delivered: number }> {
    return this.serial(async () => {
      const jobs = await this.runJobs();
      const delivered = await this.drainOutbox();
      if (jobs.enqueued > 0 || delivered > 0) this.emit({ type: "state" });
      return { ...jobs, delivered };
    });
  }

  /**
   * Moves the clock forward as a real week would pass: it stops at every slot of the jobs,
   * runs them with the clock at that moment and delivers what is due then (quiet hours
   * included), so each reminder and digest goes on its own day and says the right "today"
   * or "tomorrow". The time beyond the last {@link STEPPED_MS} of a longer move is passed
   * at once, as after an outage (the jobs' catch-up rules apply).
   */
  advanceClock(ms: number): Promise<AdvanceResult> {
    if (!Number.isFinite(ms) || ms <= 0 || ms > 366 * 86_400_000) {
      return Promise.reject(new SandboxError(400, "The clock moves forward by up to a year"));
    }
    return this.serial(async () => {
      const clock = this.opts.clock;
      const moveTo = (at: number) => {
        const by = at - clock.now().getTime();
        if (by <= 0) return;
        if (clock instanceof ManualClock) clock.advance(by);
        else clock.offsetMs += by;
      };
      const target = clock.now().getTime() + ms;
      const totals = { slots: 0, enqueued: 0, delivered: 0 };
      const step = async () => {
        const jobs = await this.runJobs();
        totals.slots += jobs.slots;
        totals.enqueued += jobs.enqueued;
        if (jobs.enqueued > 0 || (await this.outboxDue())) totals.delivered += await this.drainOutbox();
      };
      if (ms > STEPPED_MS) {
        moveTo(target - STEPPED_MS);
        await step();
      }
      for (;;) {
        const next = this.runner.nextSlot(clock.now(), new Date(target));
        if (!next) break;
        moveTo(next.getTime());
        await step();
      }
      moveTo(target);
      await step();
      this.scheduleSave();
      this.emit({ type: "state" });
      return { now: clock.now().toISOString(), ...totals };
    });
  }

  /** Empties the database and the chats, sets the clock back, and seeds the demo again. */
  reset(): Promise<void> {
    return this.serial(async () => {
      const { db, clock } = this.opts;
      await truncateAll(db.prisma);
      this.emulator.reset();
      this.emulator.files.clear();
      this.messenger.reset();
      this.readUpTo.clear();
      if (clock instanceof ManualClock) clock.set(new Date(this.startClock));
      else clock.offsetMs = 0;
      await this.runner.stop();
      this.runner = this.newRunner();
      this.worker = this.newWorker();
      this.removeSavedState();
      await this.seed();
      await this.registerCommands();
      await this.runJobs();
      await this.drainOutbox();
      this.emit({ type: "reset" });
      this.emit({ type: "state" });
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    await this.chain;
    await this.runner.stop();
    if (this.saveTimer) {
      clearTimeout(this.saveTimer);
      this.save();
    }
    this.listeners.clear();
  }

  // ───────────────────────────── keeping state across restarts ─────────────────────────────

  private get stateFile(): string | null {
    return this.opts.stateDir ? path.join(this.opts.stateDir, "chats.json") : null;
  }

  private get filesDir(): string | null {
    return this.opts.stateDir ? path.join(this.opts.stateDir, "files") : null;
  }

  private restore(): void {
    const file = this.stateFile;
    if (!file || !existsSync(file)) return;
    try {
      const saved = JSON.parse(readFileSync(file, "utf8")) as SavedState;
      this.emulator.restore(saved.emulator, (fileId) => {
        const p = path.join(this.filesDir!, fileId);
        if (!existsSync(p)) return undefined;
        this.savedFiles.add(fileId);
        return readFileSync(p);
      });
      for (const [id, n] of saved.readUpTo) this.readUpTo.set(id, n);
      const clock = this.opts.clock;
      if (!(clock instanceof ManualClock)) clock.offsetMs = saved.clockOffsetMs || 0;
    } catch (err) {
      this.opts.logger.warn(
        { err: String(err), file },
        "sandbox: saved chats unreadable, starting with empty chats",
      );
    }
  }

  private scheduleSave(): void {
    if (!this.stateFile || this.saveTimer || this.closed) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = null;
      this.save();
    }, 300);
    this.saveTimer.unref();
  }

  private save(): void {
    const file = this.stateFile;
    const dir = this.filesDir;
    if (!file || !dir) return;
    try {
      mkdirSync(dir, { recursive: true });
      for (const f of this.emulator.files.values()) {
        if (this.savedFiles.has(f.fileId)) continue;
        writeFileSync(path.join(dir, f.fileId), f.data);
        this.savedFiles.add(f.fileId);
      }
      const clock = this.opts.clock;
      const state: SavedState = {
        emulator: this.emulator.snapshot(),
        readUpTo: [...this.readUpTo],
        clockOffsetMs: clock instanceof ManualClock ? 0 : clock.offsetMs,
      };
      writeFileSync(`${file}.tmp`, JSON.stringify(state));
      renameSync(`${file}.tmp`, file);
    } catch (err) {
      this.opts.logger.warn({ err: String(err) }, "sandbox: could not save the chats");
    }
  }

  private removeSavedState(): void {
    if (this.stateFile) rmSync(this.stateFile, { force: true });
    if (this.filesDir) rmSync(this.filesDir, { recursive: true, force: true });
    this.savedFiles.clear();
  }
}

/** A message as plain text, for the persona list's preview. */
function preview(m: ChatMessage): string {
  if (m.contact) return `📞 ${m.contact.phone}`;
  const text = m.text ? (m.html ? plainText(m.text) : m.text) : "";
  if (m.file) return `${m.file.kind === "photo" ? "🖼" : "📎"} ${text || m.file.name || ""}`.trim();
  return text.replace(/\s+/g, " ").slice(0, 120);
}

/** Telegram HTML to the plain text Telegram would show (entities dropped). */
export function plainText(html: string): string {
  return html
    .replace(/<[^>]*>/g, "")
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&quot;", '"')
    .replaceAll("&#39;", "'")
    .replaceAll("&amp;", "&");
}
