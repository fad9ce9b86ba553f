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
 * Here is the wiring; the parts live beside it: acting as a persona ./persona-actions.ts,
 * the chats as the page shows them ./chats.ts, moving the clock ./clock.ts, the job runner
 * and delivery worker ./outbox.ts, keeping the chats across restarts ./saved-state.ts.
 * The HTTP side (the page and its API) is ./server.ts; start-up is ./index.ts.
 */
import type { Bot } from "grammy";
import type { Update, UserFromGetMe } from "grammy/types";
import { commandList, registerCommands } from "../bot/commands.js";
import type { BotContext, BotDeps } from "../bot/context.js";
import { createBot } from "../bot/index.js";
import type { FloodLimit } from "../bot/middlewares/rate-limit.js";
import type { Config } from "../config.js";
import { type Database, truncateAll } from "../db/index.js";
import type { Logger } from "../logger.js";
import type { DeliveryWorker } from "../scheduling/delivery.js";
import type { JobDefinition, JobRunner } from "../scheduling/job-runner.js";
import { createServices } from "../services.js";
import { BotApiEmulator, type ChatMessage, EMULATED_BOT, type EmulatorEvent } from "./bot-api-emulator.js";
import { type ChatView, listPersonas, type PersonaView, personaById } from "./chats.js";
import {
  type AdvanceResult,
  MAX_ADVANCE_MS,
  passTime,
  realNow,
  resetClock,
  type SandboxClock,
  TIME_ZONE,
} from "./clock.js";
import { SandboxError } from "./errors.js";
import { SandboxMessenger } from "./messenger-persona.js";
import { drainOutbox, newRunner, newWorker, outboxDue, runJobs } from "./outbox.js";
import { PersonaActions, type UploadedFile } from "./persona-actions.js";
import { DEMO_ORG_SLUG, PERSONAS, type Persona, personaByChat } from "./personas.js";
import { SavedChats } from "./saved-state.js";
import { seedSandbox } from "./seed.js";

export { type AdvanceResult, CLOCK_STEPS, type ClockStep, type SandboxClock, TIME_ZONE } from "./clock.js";
export { type ChatView, type PersonaView, plainText } from "./chats.js";
export { SandboxError } from "./errors.js";
export { MAX_UPLOAD_BYTES } from "./persona-actions.js";

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

export interface SandboxStatus {
  now: string;
  offsetMs: number;
  timeZone: string;
  outbox: { pending: number; nextAt: string | null };
  /** Where the database, chats and files are kept; null when in memory (tests). */
  dataDir: string | null;
}

export type SandboxEvent =
  | { type: "chat"; persona: string; change: "message" | "edit" | "delete" | "keyboard" }
  | { type: "toast"; persona: string; text: string; alert: boolean }
  | { type: "state" }
  | { type: "reset" };

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
  private readonly saved: SavedChats;
  private readonly actions: PersonaActions;
  private readonly startClock: number;
  private chain: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
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
    this.runner = newRunner(opts);
    this.saved = new SavedChats(opts.stateDir, this.emulator, this.readUpTo, clock, logger);
    this.actions = new PersonaActions({
      emulator: this.emulator,
      messenger: this.messenger,
      clock,
      deliver: (p, update) => this.deliver(p, update),
      messengerAct: (p, act) => this.messengerAct(p, act),
    });
    this.emulator.subscribe((e) => this.onEmulatorEvent(e));
  }

  /** Builds the sandbox: restores saved chats, seeds the demo data, delivers what is due. */
  static async create(opts: SandboxOptions): Promise<Sandbox> {
    const sandbox = new Sandbox(opts);
    sandbox.saved.restore();
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

  /** The outbox's delivery worker, sending through the emulators. */
  private newWorker(): DeliveryWorker {
    return newWorker(this.opts, this.bot.api, this.messenger.bridge.api);
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
    this.saved.schedule();
  }

  // ───────────────────────────── reading ─────────────────────────────

  /** The persona's chat: Telegram's, or the Messenger conversation drawn as one. */
  private thread(p: Persona): ChatMessage[] {
    return p.messengerPsid ? this.messenger.messages(p.messengerPsid) : this.emulator.messages(p.telegramId);
  }

  unread(id: string): number {
    const p = personaById(id);
    const seen = this.readUpTo.get(id) ?? 0;
    return this.thread(p).filter((m) => m.from === "bot" && m.messageId > seen).length;
  }

  /** Every persona with their name from the directory, unread count and last message. */
  personas(): Promise<PersonaView[]> {
    return listPersonas(
      this.deps.prisma,
      (p) => this.thread(p),
      (id) => this.unread(id),
    );
  }

  async chat(id: string): Promise<ChatView> {
    const p = personaById(id);
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
      offsetMs: now.getTime() - realNow(this.opts.clock, this.startClock),
      timeZone: TIME_ZONE,
      outbox: { pending, nextAt: next ? next.notBefore.toISOString() : null },
      dataDir: this.opts.stateDir ?? null,
    };
  }

  /** The persona has seen their chat up to its last message. */
  markRead(id: string): void {
    const p = personaById(id);
    const last = this.thread(p).at(-1)?.messageId ?? 0;
    if ((this.readUpTo.get(id) ?? 0) >= last) return;
    this.readUpTo.set(id, last);
    this.emit({ type: "state" });
    this.saved.schedule();
  }

  // ───────────────────────────── acting as a persona (./persona-actions.ts) ─────────────────────────────

  /** Feeds an update to the bot as Telegram would, then delivers what it enqueued. */
  private async deliver(p: Persona, update: Omit<Update, "update_id">): Promise<void> {
    this.markRead(p.id);
    await this.bot.handleUpdate(this.emulator.makeUpdate(update));
    this.markRead(p.id);
    await this.serial(() => drainOutbox(this.worker));
  }

  /** A Messenger persona's action (a webhook event), then the outbox's deliveries. */
  private async messengerAct(p: Persona, act: (psid: string) => Promise<unknown>): Promise<void> {
    this.markRead(p.id);
    await act(p.messengerPsid as string);
    this.markRead(p.id);
    await this.serial(() => drainOutbox(this.worker));
  }

  /** Sends a text (or a command: "/start inv_abc") as the persona. */
  async send(id: string, text: string): Promise<void> {
    return this.actions.send(personaById(id), text);
  }

  /** Presses an inline button of one of the bot's messages in the persona's chat. */
  async press(id: string, messageId: number, data: string): Promise<void> {
    return this.actions.press(personaById(id), messageId, data);
  }

  /** Shares the persona's phone number, as Telegram's "share contact" button does. */
  async shareContact(id: string): Promise<void> {
    return this.actions.shareContact(personaById(id));
  }

  /**
   * Sends a file as the persona: stored in the emulator (the bot can getFile and download
   * it) and delivered as a photo (images, unless sent "as a file") or a document.
   */
  async upload(id: string, file: UploadedFile): Promise<{ fileId: string }> {
    return this.actions.upload(personaById(id), file);
  }

  // ───────────────────────────── time, outbox, reset ─────────────────────────────

  /** Runs one step at a time: jobs, deliveries, clock moves and resets never overlap. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn);
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** Runs the jobs that fell due and delivers the outbox (the live timer calls this). */
  pump(): Promise<{ slots: number; enqueued: number; delivered: number }> {
    return this.serial(async () => {
      const jobs = await runJobs(this.runner, this.opts.clock);
      const delivered = await drainOutbox(this.worker);
      if (jobs.enqueued > 0 || delivered > 0) this.emit({ type: "state" });
      return { ...jobs, delivered };
    });
  }

  /**
   * Moves the clock forward as a real week would pass (see {@link passTime}): at every slot
   * of the jobs it runs them with the clock at that moment and delivers what is due then
   * (quiet hours included), so each reminder and digest goes on its own day and says the
   * right "today" or "tomorrow".
   */
  advanceClock(ms: number): Promise<AdvanceResult> {
    if (!Number.isFinite(ms) || ms <= 0 || ms > MAX_ADVANCE_MS) {
      return Promise.reject(new SandboxError(400, "The clock moves forward by up to a year"));
    }
    return this.serial(async () => {
      const { db, clock } = this.opts;
      const totals = { slots: 0, enqueued: 0, delivered: 0 };
      await passTime(clock, this.runner, ms, async () => {
        const jobs = await runJobs(this.runner, clock);
        totals.slots += jobs.slots;
        totals.enqueued += jobs.enqueued;
        if (jobs.enqueued > 0 || (await outboxDue(db, clock)))
          totals.delivered += await drainOutbox(this.worker);
      });
      this.saved.schedule();
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
      resetClock(clock, this.startClock);
      await this.runner.stop();
      this.runner = newRunner(this.opts);
      this.worker = this.newWorker();
      this.saved.remove();
      await this.seed();
      await this.registerCommands();
      await runJobs(this.runner, clock);
      await drainOutbox(this.worker);
      this.emit({ type: "reset" });
      this.emit({ type: "state" });
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.saved.stop();
    if (this.timer) clearInterval(this.timer);
    await this.chain;
    await this.runner.stop();
    this.saved.flush();
    this.listeners.clear();
  }
}
