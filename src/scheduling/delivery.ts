/**
 * The delivery worker: takes due notifications from the outbox and sends each exactly
 * once, within the channel's rate limits.
 *
 * - Claiming is safe with several instances on one PostgreSQL: a batch of due rows is
 *   marked SENDING by this instance in one statement (`FOR UPDATE SKIP LOCKED`), so two
 *   workers never take the same row. A row left in SENDING longer than the lease (its
 *   instance froze), or by an instance that has died (src/db/presence.ts), is taken again.
 * - Each message is rendered in the recipient's language at sending time.
 * - Pace (./pacer.ts): `ratePerSecond` overall (OUTBOX_RATE, default 28: Telegram allows
 *   about 30), one message per second per chat, everything paused after a 429. The limits
 *   hold per process: N instances share the budget by each taking OUTBOX_RATE / N.
 * - Outcomes: sent → SENT; 429 → back to PENDING after `retry_after` (not a failed
 *   attempt); blocked / unknown chat → UNREACHABLE and `User.unreachableAt` set, no retry;
 *   a refused message (bad request, missing translation) → FAILED at once; any other
 *   error → retried with exponential backoff, FAILED after `maxAttempts`.
 * - Quiet hours of the recipient's organisation are checked again before sending.
 * - A Messenger recipient outside the 24-hour window: the row is HELD until they write
 *   again (./messenger-window.ts).
 *
 * A crash between the channel accepting a message and the SENT update can still repeat
 * that one message after the lease: the channel offers no way to make a send idempotent.
 */
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { type OrgSettings, parseOrgSettings } from "../directory/settings.js";
import { ownerGone } from "../db/presence.js";
import { Prisma, type PrismaClient } from "../generated/prisma/client.js";
import { isLocale, type Locale } from "../i18n.js";
import type { Logger } from "../logger.js";
import { type Clock, systemClock } from "../shared/clock.js";
import { DEFAULT_TIME_ZONE } from "../shared/local-time.js";
import type { MessagePayload } from "./outbox.js";
import { SendPacer } from "./pacer.js";
import { gateMessengerRow, holdRow, type MessengerTag } from "./messenger-window.js";
import { type MessageClass, nextAllowedTime } from "./quiet-hours.js";
import { renderPayload } from "./render.js";
import {
  type MessageSender,
  type OutgoingMessage,
  OutsideWindowError,
  PermanentSendError,
  type Recipient,
  RetryAfterError,
  SendError,
  UnreachableError,
} from "./sender.js";
import type { SentMarks } from "./sent-marks.js";

export interface DeliveryOptions {
  prisma: PrismaClient;
  sender: MessageSender;
  clock?: Clock;
  logger?: Logger;
  /** Written to Notification.claimedBy; default host:pid:random. */
  instanceId?: string;
  /** Messages per second overall for this instance (OUTBOX_RATE / number of instances). */
  ratePerSecond?: number;
  /** Minimum time between two messages to one chat. */
  chatIntervalMs?: number;
  /** Rows claimed at once. */
  batchSize?: number;
  /** Messages in flight at once (to different chats). */
  concurrency?: number;
  /** A row in SENDING for longer than this is taken again. */
  leaseMs?: number;
  maxAttempts?: number;
  /** First retry delay; doubles with every failed attempt up to backoffMaxMs. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Idle wait of the start() loop when nothing is due. */
  pollIntervalMs?: number;
  /** A claimed row that would wait longer than this for its turn goes back to the queue. */
  maxHoldMs?: number;
  /** Language of users who have not chosen one. */
  defaultLocale?: Locale;
  /** Time zone (dates, quiet hours) for recipients outside any organisation (citizens). */
  defaultTimeZone?: string;
  /** Messenger: send officials' questions and answers with the HUMAN_AGENT tag (7 days). Off by default. */
  messengerHumanAgent?: boolean;
  /** Waits for pacing; tests pass one that moves a manual clock. */
  sleep?: (ms: number) => Promise<void>;
  /** Marks sent rows on a connection of their own (./sent-marks.ts); closed by stop(). */
  sentMarks?: SentMarks;
}

export interface DeliveryStats {
  claimed: number;
  sent: number;
  /** Put back for later: 429, quiet hours, waiting for the chat's turn, shutting down. */
  deferred: number;
  /** Failed attempts that will be retried. */
  retried: number;
  failed: number;
  unreachable: number;
  /** Messenger recipients outside the 24-hour window: held until they write again. */
  held: number;
}

interface ClaimedRow {
  id: number;
  userId: number;
  kind: string;
  payload: MessagePayload;
  attempts: number;
  notBefore: Date;
}

interface Job {
  row: ClaimedRow;
  recipient: Recipient | null;
  chatKey: string;
  locale: Locale;
  timeZone: string;
  settings: OrgSettings;
  lastInboundAt: Date | null;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const DEFAULT_SETTINGS = parseOrgSettings({});

function classOf(kind: string): MessageClass {
  return kind.startsWith("digest") ? "digest" : "message";
}

function errorText(err: unknown): string {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return text.slice(0, 500);
}

export class DeliveryWorker {
  readonly instanceId: string;
  private readonly prisma: PrismaClient;
  private readonly sender: MessageSender;
  private readonly clock: Clock;
  private readonly logger?: Logger;
  private readonly pacer: SendPacer;
  private readonly batchSize: number;
  private readonly concurrency: number;
  private readonly leaseMs: number;
  private readonly maxAttempts: number;
  private readonly backoffBaseMs: number;
  private readonly backoffMaxMs: number;
  private readonly pollIntervalMs: number;
  private readonly maxHoldMs: number;
  private readonly sentMarks?: SentMarks;
  private readonly chatIntervalMs: number;
  private readonly defaultLocale: Locale;
  private readonly defaultTimeZone: string;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly messengerHumanAgent: boolean;
  private readonly orgCache = new Map<
    number,
    { settings: OrgSettings; timeZone: string; loadedAt: number }
  >();

  private stopping = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;

  constructor(opts: DeliveryOptions) {
    this.prisma = opts.prisma;
    this.sender = opts.sender;
    this.clock = opts.clock ?? systemClock;
    this.logger = opts.logger;
    this.instanceId = opts.instanceId ?? `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
    this.chatIntervalMs = opts.chatIntervalMs ?? 1000;
    this.pacer = new SendPacer({
      ratePerSecond: opts.ratePerSecond ?? 28,
      chatIntervalMs: this.chatIntervalMs,
    });
    this.batchSize = opts.batchSize ?? 100;
    this.concurrency = Math.max(1, opts.concurrency ?? 4);
    this.leaseMs = opts.leaseMs ?? 120_000;
    this.maxAttempts = opts.maxAttempts ?? 8;
    this.backoffBaseMs = opts.backoffBaseMs ?? 30_000;
    this.backoffMaxMs = opts.backoffMaxMs ?? 3_600_000;
    this.pollIntervalMs = opts.pollIntervalMs ?? 500;
    this.maxHoldMs = opts.maxHoldMs ?? 2_000;
    this.sentMarks = opts.sentMarks;
    this.defaultLocale = opts.defaultLocale ?? "mn";
    this.defaultTimeZone = opts.defaultTimeZone ?? DEFAULT_TIME_ZONE;
    this.sleep = opts.sleep ?? realSleep;
    this.messengerHumanAgent = opts.messengerHumanAgent ?? false;
  }

  private nowMs(): number {
    return this.clock.now().getTime();
  }

  /** Delay before retry number `attempts` (1-based): base, 2×base, 4×base … capped. */
  backoffMs(attempts: number): number {
    return Math.min(this.backoffMaxMs, this.backoffBaseMs * 2 ** Math.max(0, attempts - 1));
  }

  /** Claims one batch of due rows and delivers it. Returns what happened. */
  async runOnce(): Promise<DeliveryStats> {
    const stats: DeliveryStats = {
      claimed: 0,
      sent: 0,
      deferred: 0,
      retried: 0,
      failed: 0,
      unreachable: 0,
      held: 0,
    };
    const rows = await this.claim();
    stats.claimed = rows.length;
    if (rows.length === 0) return stats;

    const jobs = await this.prepare(rows);
    this.pacer.prune(this.nowMs());

    // At most two rows per chat in one batch (their order kept): one chat's backlog must
    // not hold the batch, the rest go back to the queue spaced by the chat interval.
    const perChatLimit = this.chatIntervalMs > 0 ? 2 : Number.POSITIVE_INFINITY;
    const perChat = new Map<string, number>();
    const queue: Job[] = [];
    for (const job of jobs) {
      const n = perChat.get(job.chatKey) ?? 0;
      perChat.set(job.chatKey, n + 1);
      if (n < perChatLimit) queue.push(job);
      else {
        await this.release(job.row.id, new Date(this.nowMs() + (n - 1) * this.chatIntervalMs));
        stats.deferred++;
      }
    }

    const busy = new Set<string>();
    let changed: (() => void) | null = null;
    const lane = async () => {
      while (queue.length > 0) {
        if (this.stopping) return;
        const idx = queue.findIndex((j) => !busy.has(j.chatKey));
        if (idx < 0) {
          await new Promise<void>((resolve) => {
            const prev = changed;
            changed = () => {
              prev?.();
              resolve();
            };
          });
          continue;
        }
        const [job] = queue.splice(idx, 1) as [Job];
        busy.add(job.chatKey);
        try {
          await this.deliver(job, stats);
        } catch (err) {
          // A database error while recording the outcome: the lease brings the row back.
          this.logger?.error(
            { notificationId: job.row.id, err: errorText(err) },
            "outbox: delivery bookkeeping failed",
          );
        } finally {
          busy.delete(job.chatKey);
          const notify = changed;
          changed = null;
          notify?.();
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, queue.length) }, lane));

    // Stopping: what was claimed but not started goes back at once for another instance.
    for (const job of queue.splice(0)) {
      await this.release(job.row.id, job.row.notBefore);
      stats.deferred++;
    }
    return stats;
  }

  private async claim(): Promise<ClaimedRow[]> {
    const now = this.clock.now();
    const staleBefore = new Date(now.getTime() - this.leaseMs);
    const rows = await this.prisma.$queryRaw<ClaimedRow[]>`
      WITH picked AS (
        SELECT id FROM "Notification"
        WHERE (status = 'PENDING' AND "notBefore" <= ${now})
           OR (status = 'SENDING' AND ("claimedAt" < ${staleBefore} OR ${ownerGone(Prisma.sql`"claimedBy"`)}))
        ORDER BY "notBefore", id
        LIMIT ${this.batchSize}
        FOR UPDATE SKIP LOCKED
      )
      UPDATE "Notification" AS n
      SET status = 'SENDING', "claimedAt" = ${now}, "claimedBy" = ${this.instanceId}
      FROM picked
      WHERE n.id = picked.id
      RETURNING n.id, n."userId", n.kind, n.payload, n.attempts, n."notBefore"`;
    return rows.sort((a, b) => a.notBefore.getTime() - b.notBefore.getTime() || a.id - b.id);
  }

  private async orgOf(orgId: number): Promise<{ settings: OrgSettings; timeZone: string }> {
    const cached = this.orgCache.get(orgId);
    if (cached && this.nowMs() - cached.loadedAt < 60_000) return cached;
    const org = await this.prisma.organization.findUnique({
      where: { id: orgId },
      select: { settings: true, timezone: true },
    });
    let settings = DEFAULT_SETTINGS;
    try {
      settings = parseOrgSettings(org?.settings);
    } catch (err) {
      this.logger?.warn(
        { orgId, err: errorText(err) },
        "outbox: invalid organisation settings, using defaults",
      );
    }
    const entry = { settings, timeZone: org?.timezone ?? this.defaultTimeZone, loadedAt: this.nowMs() };
    this.orgCache.set(orgId, entry);
    return entry;
  }

  private async prepare(rows: ClaimedRow[]): Promise<Job[]> {
    const users = await this.prisma.user.findMany({
      where: { id: { in: [...new Set(rows.map((r) => r.userId))] } },
      select: {
        id: true,
        chatId: true,
        channel: true,
        locale: true,
        lastInboundAt: true,
        person: { select: { orgId: true } },
      },
    });
    const byId = new Map(users.map((u) => [u.id, u]));
    const jobs: Job[] = [];
    for (const row of rows) {
      const user = byId.get(row.userId);
      const org = user?.person ? await this.orgOf(user.person.orgId) : null;
      jobs.push({
        row,
        recipient: user ? { chatId: user.chatId, channel: user.channel } : null,
        chatKey: user ? `${user.channel}:${user.chatId}` : `user:${row.userId}`,
        locale: user && isLocale(user.locale) ? user.locale : this.defaultLocale,
        timeZone: org?.timeZone ?? this.defaultTimeZone,
        settings: org?.settings ?? DEFAULT_SETTINGS,
        lastInboundAt: user?.lastInboundAt ?? null,
      });
    }
    return jobs;
  }

  private async deliver(job: Job, stats: DeliveryStats): Promise<void> {
    const { row } = job;
    if (!job.recipient) {
      await this.finish(row.id, { status: "FAILED", lastError: "recipient not found" });
      stats.failed++;
      return;
    }

    const now = this.clock.now();
    const allowed = nextAllowedTime(job.settings, job.timeZone, now, classOf(row.kind));
    if (allowed.getTime() > now.getTime()) {
      await this.release(row.id, allowed);
      stats.deferred++;
      return;
    }

    let tag: MessengerTag | undefined;
    if (job.recipient.channel === "MESSENGER") {
      const gate = await gateMessengerRow(this.prisma, this.windowRow(job, now));
      if (gate.outcome === "held") stats.held++;
      if (gate.outcome === "requeued") stats.deferred++;
      if (gate.outcome !== "send") return;
      tag = gate.tag;
    }

    let message: OutgoingMessage;
    try {
      message = renderPayload(row.payload, job.locale, job.timeZone);
    } catch (err) {
      await this.finish(row.id, { status: "FAILED", lastError: errorText(err), attempts: row.attempts + 1 });
      stats.failed++;
      this.logger?.error({ notificationId: row.id, err: errorText(err) }, "outbox: cannot render");
      return;
    }

    // Wait for this chat's and the bot's turn; a long wait goes back to the queue instead.
    // After a sleep the turn counts as come even if the clock did not move (a manual clock
    // with a sleep that does not advance it), so pacing never spins.
    let waitedUntil = 0;
    for (;;) {
      const t = Math.max(this.nowMs(), waitedUntil);
      const ready = this.pacer.readyAt(job.chatKey);
      if (ready <= t) {
        this.pacer.take(job.chatKey, t);
        break;
      }
      if (ready - t > this.maxHoldMs || this.stopping) {
        await this.release(row.id, new Date(ready));
        stats.deferred++;
        return;
      }
      await this.sleep(ready - t);
      waitedUntil = ready;
    }

    try {
      await this.sender.send(job.recipient, tag ? { ...message, tag } : message);
    } catch (err) {
      await this.failed(job, err, stats);
      return;
    }
    await this.markSent(row.id);
    stats.sent++;
  }

  private async failed(job: Job, err: unknown, stats: DeliveryStats): Promise<void> {
    const { row } = job;
    const now = this.clock.now();
    const partsSent = err instanceof SendError ? err.partsSent : 0;
    const payload =
      partsSent > (row.payload.resumeAt ?? 0)
        ? ({ ...row.payload, resumeAt: partsSent } as object)
        : undefined;
    const lastError = errorText(err);

    if (err instanceof RetryAfterError) {
      const until = now.getTime() + err.seconds * 1000;
      this.pacer.pauseUntil(until);
      await this.finish(row.id, { status: "PENDING", notBefore: new Date(until), lastError, payload });
      stats.deferred++;
      this.logger?.warn({ notificationId: row.id, retryAfter: err.seconds }, "outbox: rate limited, pausing");
      return;
    }
    if (err instanceof OutsideWindowError) {
      const gate = await holdRow(this.prisma, this.windowRow(job, now), payload);
      if (gate.outcome === "held") stats.held++;
      else stats.deferred++;
      return;
    }
    if (err instanceof UnreachableError) {
      await this.prisma.$transaction(async (tx) => {
        await tx.notification.updateMany({
          where: { id: row.id, claimedBy: this.instanceId },
          data: { status: "UNREACHABLE", lastError, claimedAt: null, ...(payload ? { payload } : {}) },
        });
        await tx.user.update({ where: { id: row.userId }, data: { unreachableAt: now } });
      });
      stats.unreachable++;
      this.logger?.info({ notificationId: row.id, userId: row.userId }, "outbox: recipient unreachable");
      return;
    }
    const attempts = row.attempts + 1;
    if (err instanceof PermanentSendError || attempts >= this.maxAttempts) {
      await this.finish(row.id, { status: "FAILED", attempts, lastError, payload });
      stats.failed++;
      this.logger?.error({ notificationId: row.id, attempts, err: lastError }, "outbox: giving up");
      return;
    }
    const notBefore = new Date(now.getTime() + this.backoffMs(attempts));
    await this.finish(row.id, { status: "PENDING", attempts, notBefore, lastError, payload });
    stats.retried++;
    this.logger?.warn(
      { notificationId: row.id, attempts, err: lastError },
      "outbox: send failed, will retry",
    );
  }

  private windowRow(job: Job, now: Date) {
    const { id, userId, kind } = job.row;
    const { instanceId, messengerHumanAgent: humanAgent } = this;
    return { id, userId, kind, lastInboundAt: job.lastInboundAt, instanceId, now, humanAgent };
  }

  /** Records an outcome of a row this instance holds. */
  private async finish(
    id: number,
    data: {
      status: "PENDING" | "SENT" | "FAILED";
      notBefore?: Date;
      sentAt?: Date;
      attempts?: number;
      lastError?: string | null;
      payload?: object;
    },
  ): Promise<void> {
    const { payload, ...rest } = data;
    const res = await this.prisma.notification.updateMany({
      where: { id, claimedBy: this.instanceId, status: "SENDING" },
      data: {
        ...rest,
        ...(payload ? { payload } : {}),
        ...(data.status === "SENT" ? {} : { claimedAt: null, claimedBy: null }),
      },
    });
    if (res.count === 0) {
      this.logger?.warn(
        { notificationId: id, status: data.status },
        "outbox: row was taken over by another instance",
      );
    }
  }

  /** Records a send the channel accepted: at once on the sent-marks connection if there is one. */
  private async markSent(id: number): Promise<void> {
    const sentAt = this.clock.now();
    if (this.sentMarks) {
      try {
        const count = await this.sentMarks.mark(id, this.instanceId, sentAt);
        if (count === 0)
          this.logger?.warn(
            { notificationId: id, status: "SENT" },
            "outbox: row was taken over by another instance",
          );
        return;
      } catch (err) {
        this.logger?.warn({ notificationId: id, err: errorText(err) }, "outbox: sent mark through the pool");
      }
    }
    await this.finish(id, { status: "SENT", sentAt, lastError: null });
  }

  /** Puts a claimed row back in the queue, unchanged but for when it is due. */
  private release(id: number, notBefore: Date): Promise<void> {
    return this.finish(id, { status: "PENDING", notBefore });
  }

  /** Runs until stop(): a batch after another, a short idle wait when nothing is due. */
  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.loop = (async () => {
      while (!this.stopping) {
        let wait = 0;
        try {
          const stats = await this.runOnce();
          if (stats.claimed === 0) wait = this.pollIntervalMs;
        } catch (err) {
          // The database is unreachable or refused the claim: try again a little later.
          this.logger?.error({ err: errorText(err) }, "outbox: batch failed");
          wait = this.pollIntervalMs * 10;
        }
        if (wait > 0 && !this.stopping) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, wait);
            this.wake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
          this.wake = null;
        }
      }
    })();
  }

  /** Stops after the messages in flight; claimed rows not yet sent go back to the queue. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
    this.loop = null;
    await this.sentMarks?.close();
  }

  /** Wakes the idle loop now (after enqueueing something urgent). */
  poke(): void {
    this.wake?.();
  }
}
