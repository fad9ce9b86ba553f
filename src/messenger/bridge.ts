/**
 * Messenger for citizens: the webhook's events become updates of the Messenger bot
 * (bot.ts), whose Bot API calls become Send API calls (api.ts).
 *
 * `receive` checks the X-Hub-Signature-256 of the raw body (HMAC-SHA256 with the app
 * secret, constant time) before parsing, then records the body's events in the update
 * ledger (ProcessedUpdate, one statement for the whole body, each event as claimed by this
 * instance) and only then answers 200: Meta does not send an acknowledged event again, so
 * an event is stored before it is acknowledged. When the database cannot be written the
 * answer is 503 and Meta delivers the body again later. An event recorded before (same
 * message id, `mid`) is not handled again. Events are kept in order per person (sorted by
 * timestamp within a body, one queue per PSID); each one refreshes the person's user row and
 * their 24-hour window (`onInbound`) before it is handled, and its record is marked done
 * after. An event whose instance died before finishing it is past its lease in the ledger:
 * the recovery hands it to `recover` (see index.ts), which handles it, and the person's
 * earlier unfinished events first.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { Bot } from "grammy";
import type { Update } from "grammy/types";
import type { BotContext, BotDeps } from "../bot/context.js";
import { UpdateLedger, type UpdateGuards } from "../bot/middlewares/dedupe.js";
import type { FloodLimit } from "../bot/middlewares/rate-limit.js";
import type { MessengerConfig } from "../config.js";
import { ensureMessengerUser } from "../directory/users.js";
import { getI18n, isLocale } from "../i18n.js";
import { ATTACHMENT_MAX_BYTES } from "../petitions/attachment-rules.js";
import { createMessengerApi, MessengerTranslator } from "./api.js";
import { createMessengerBot } from "./bot.js";
import {
  callbackUpdate,
  contactUpdate,
  editUpdate,
  fileUpdate,
  startUpdate,
  type Synthesis,
  textUpdate,
  unsupportedUpdate,
} from "./events.js";
import { GraphClient } from "./graph.js";
import { messengerChatId, messengerUpdateId } from "./ids.js";
import { parsePayload, renderPage } from "./render.js";
import { shortLabel } from "./labels.js";
import type { MessagingEvent, MessengerFiles, WebhookBody } from "./types.js";
import { loadUi, saveUi } from "./ui-state.js";

export const GET_STARTED = "GET_STARTED";
export const MENU_PREFIX = "menu~";

export interface MessengerBridgeOptions {
  deps: BotDeps;
  config: MessengerConfig;
  /** The Graph API's fetch (the emulator's in the sandbox and tests). */
  graphFetch?: typeof fetch;
  files?: MessengerFiles;
  /** Called for every inbound event of a user, with the event's time (the 24-hour window). */
  onInbound?: (userId: number, at: Date) => Promise<unknown>;
  guards?: UpdateGuards;
  /** Where events are recorded before they are acknowledged; default the guards' ledger, or one of its own. */
  ledger?: UpdateLedger;
  floodLimit?: FloodLimit;
}

export type ReceiveResult = { status: 200 | 400 | 403 | 503; body: string };

/** A webhook event as recorded in the update ledger (its payload) until it is handled. */
export interface RecordedEvent {
  update_id: number;
  messenger_event: { psid: string; key: string; event: MessagingEvent };
}

export function isRecordedEvent(update: object): update is RecordedEvent {
  return "messenger_event" in update;
}

/** X-Hub-Signature-256: "sha256=<hex HMAC-SHA256 of the raw body with the app secret>". */
export function signatureMatches(
  raw: Uint8Array | string,
  header: string | undefined,
  secret: string,
): boolean {
  if (!header?.startsWith("sha256=")) return false;
  const presented = Buffer.from(header.slice(7), "hex");
  const expected = createHmac("sha256", secret).update(raw).digest();
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}

export function signBody(raw: Uint8Array | string, secret: string): string {
  return `sha256=${createHmac("sha256", secret).update(raw).digest("hex")}`;
}

export class MessengerBridge {
  readonly graph: GraphClient;
  readonly translator: MessengerTranslator;
  /** Bot API shaped Messenger client, for the outbox (no retries or throttling of its own). */
  readonly api;
  readonly bot: Bot<BotContext>;
  readonly ledger: UpdateLedger;
  private readonly queues = new Map<string, Promise<void>>();
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly opts: MessengerBridgeOptions) {
    const { deps, config } = opts;
    this.graph = new GraphClient({
      root: config.graphRoot,
      pageId: config.pageId,
      token: config.pageToken,
      ...(opts.graphFetch ? { fetch: opts.graphFetch } : {}),
    });
    this.translator = new MessengerTranslator({
      prisma: deps.prisma,
      graph: this.graph,
      ...(opts.files ? { files: opts.files } : {}),
      defaultLocale: deps.config.DEFAULT_LOCALE,
      now: () => deps.clock.now(),
    });
    this.api = createMessengerApi(this.translator);
    this.ledger =
      opts.ledger ?? opts.guards?.ledger ?? new UpdateLedger({ prisma: deps.prisma, logger: deps.logger });
    this.bot = createMessengerBot(deps, this.translator, {
      ...(opts.guards ? { guards: opts.guards } : {}),
      ...(opts.floodLimit ? { floodLimit: opts.floodLimit } : {}),
    });
  }

  async init(): Promise<void> {
    await this.bot.init();
  }

  /** GET verification: the challenge when the mode and token match, otherwise null. */
  verify(query: { mode?: string; token?: string; challenge?: string }): string | null {
    const ok =
      query.mode === "subscribe" &&
      query.token !== undefined &&
      query.challenge !== undefined &&
      safeEqual(query.token, this.opts.config.verifyToken);
    return ok ? (query.challenge as string) : null;
  }

  /**
   * A webhook POST: 403 without the right signature; otherwise its events are recorded and
   * queued, 200 — or 503 when they could not be recorded (Meta sends them again).
   */
  async receive(raw: Uint8Array | string, signature: string | undefined): Promise<ReceiveResult> {
    if (!signatureMatches(raw, signature, this.opts.config.appSecret)) {
      this.opts.deps.logger.warn("messenger webhook request with a wrong signature refused");
      return { status: 403, body: "forbidden" };
    }
    let body: WebhookBody;
    try {
      body = JSON.parse(typeof raw === "string" ? raw : Buffer.from(raw).toString("utf8")) as WebhookBody;
    } catch {
      return { status: 400, body: "bad json" };
    }
    if (body.object !== "page") return { status: 200, body: "ignored" };
    const events = (body.entry ?? []).flatMap((e) => e.messaging ?? []);
    const byPerson = new Map<string, MessagingEvent[]>();
    for (const e of events) {
      if (!e?.sender?.id || e.message?.is_echo || e.delivery || e.read) continue;
      const list = byPerson.get(e.sender.id) ?? [];
      list.push(e);
      byPerson.set(e.sender.id, list);
    }
    const recorded = new Map<number, RecordedEvent>();
    for (const [psid, list] of byPerson) {
      list.sort((a, b) => a.timestamp - b.timestamp);
      for (const event of list) {
        const key = eventKey(event);
        const update_id = messengerUpdateId(`in:${key}`);
        if (!recorded.has(update_id))
          recorded.set(update_id, { update_id, messenger_event: { psid, key, event } });
      }
    }
    let fresh: Set<number>;
    try {
      fresh = await this.ledger.admit([...recorded.values()]);
    } catch (err) {
      this.opts.deps.logger.error(
        { err: (err as Error).message, events: recorded.size },
        "messenger events could not be recorded: answered 503, Meta sends them again",
      );
      return { status: 503, body: "retry" };
    }
    for (const r of recorded.values()) if (fresh.has(r.update_id)) void this.enqueue(r);
    return { status: 200, body: "EVENT_RECEIVED" };
  }

  /**
   * Handles a recorded event whose handling was left unfinished (from the ledger's recovery):
   * first the same person's earlier unfinished events, in their order, each one claimed
   * (taken over after the lease) so that one instance handles it.
   */
  async recover(update: RecordedEvent): Promise<void> {
    const { psid, event } = update.messenger_event;
    const rows = await this.opts.deps.prisma.$queryRaw<{ payload: RecordedEvent }[]>`
      SELECT "payload" FROM "ProcessedUpdate"
      WHERE "doneAt" IS NULL AND "payload" IS NOT NULL
        AND "payload"->'messenger_event'->>'psid' = ${psid}
        AND ("payload"->'messenger_event'->'event'->>'timestamp')::bigint <= ${event.timestamp}
      ORDER BY ("payload"->'messenger_event'->'event'->>'timestamp')::bigint, "updateId"`;
    const list = rows.map((r) => r.payload);
    if (!list.some((r) => r.update_id === update.update_id)) list.push(update);
    for (const r of list) {
      const claim = await this.ledger.claim(r as never);
      if (claim.status !== "claimed") continue;
      this.opts.deps.logger.warn({ updateId: r.update_id }, "recovering a messenger event left unfinished");
      await this.enqueue(r);
    }
  }

  /** Resolves when every queued event has been handled (tests, graceful stop). */
  async idle(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }

  /** Resolves when the events of one person queued so far have been handled. */
  async settled(psid: string): Promise<void> {
    await this.queues.get(psid);
  }

  /** Queues a recorded event behind its person's earlier ones; marks it done once handled. */
  private enqueue(r: RecordedEvent): Promise<void> {
    const { psid, key, event } = r.messenger_event;
    const prev = this.queues.get(psid) ?? Promise.resolve();
    const run = prev
      .then(() => this.handle(psid, event, key))
      .then(() => this.ledger.complete(r.update_id))
      .catch((err) =>
        this.opts.deps.logger.error(
          { err: (err as Error)?.message ?? String(err), updateId: r.update_id },
          "messenger event failed: it will be recovered after the lease",
        ),
      );
    this.queues.set(psid, run);
    this.pending.add(run);
    void run.finally(() => {
      this.pending.delete(run);
      if (this.queues.get(psid) === run) this.queues.delete(psid);
    });
    return run;
  }

  private async handle(psid: string, e: MessagingEvent, key: string): Promise<void> {
    const { deps } = this.opts;
    const at = new Date(e.timestamp || deps.clock.now().getTime());
    const user = await ensureMessengerUser(
      deps.prisma,
      { pageId: this.opts.config.pageId, psid, chatIdOf: messengerChatId },
      deps.clock.now(),
    );
    await this.opts.onInbound?.(user.id, at);
    const chatId = Number(user.chatId);
    const state = await loadUi(deps.prisma, user.id);
    const s: Synthesis = { chatId, messageId: ++state.next };
    await saveUi(deps.prisma, user.id, state);
    const locale = isLocale(user.locale) ? user.locale : deps.config.DEFAULT_LOCALE;
    const t = getI18n().getFixedT(locale);
    const updates: Omit<Update, "update_id">[] = [];
    const say = (text: string) => this.api.sendMessage(chatId, text);

    const tap = async (payload: string, title?: string) => {
      const p = parsePayload(payload);
      if (p.kind === "more") {
        const menu = state.menu;
        if (!menu || menu.messageId !== p.messageId || !state.live.includes(p.messageId)) {
          await say(t("common:unhandled.staleButton"));
          return;
        }
        const message = renderPage({
          text: "",
          html: false,
          prompt: t("messenger:morePrompt"),
          buttons: menu.options,
          phone: state.phone,
          messageId: menu.messageId,
          page: p.page,
          shortLabel,
          moreLabel: t("messenger:more"),
        });
        await this.graph.send({ recipient: { id: psid }, messaging_type: "RESPONSE", message });
        return;
      }
      if (p.kind === "option") {
        if (!state.live.includes(p.messageId)) {
          await say(t("common:unhandled.staleButton"));
          return;
        }
        updates.push(callbackUpdate(s, e, key, p.data, p.messageId));
        return;
      }
      if (p.value === GET_STARTED) {
        updates.push(startUpdate(s, e, e.postback?.referral?.ref));
        return;
      }
      if (p.value.startsWith(MENU_PREFIX)) {
        updates.push(callbackUpdate(s, e, key, p.value.slice(MENU_PREFIX.length), 0));
        return;
      }
      // The phone-number quick reply carries the number as its payload.
      if (/^\+?[\d\s()-]{5,20}$/.test(p.value)) {
        updates.push(contactUpdate(s, e, p.value));
        return;
      }
      updates.push(textUpdate(s, e, title ?? p.value));
    };

    if (e.postback) {
      await tap(e.postback.payload, e.postback.title);
    } else if (e.referral) {
      updates.push(startUpdate(s, e, e.referral.ref));
    } else if (e.reaction) {
      if (e.reaction.action === "react") updates.push(unsupportedUpdate(s, e, "sticker", e.reaction.emoji));
    } else if (e.message_edit) {
      updates.push(editUpdate(s, e, e.message_edit.text ?? ""));
    } else if (e.message) {
      const m = e.message;
      if (m.quick_reply) {
        await tap(m.quick_reply.payload, m.text);
      } else if (
        m.sticker_id !== undefined ||
        m.attachments?.some((a) => a.payload?.sticker_id !== undefined)
      ) {
        updates.push(unsupportedUpdate(s, e, "sticker"));
      } else if (m.attachments?.length) {
        for (const a of m.attachments) {
          if (a.type === "image" || a.type === "file") {
            updates.push(await this.fileOf(s, e, a.payload?.url, a.type, a.title));
          } else if (a.type === "audio" || a.type === "video" || a.type === "location") {
            updates.push(unsupportedUpdate(s, e, a.type));
          } else {
            updates.push(unsupportedUpdate(s, e, "sticker"));
          }
        }
        if (m.text) updates.push(textUpdate(s, e, m.text));
      } else if (m.text !== undefined) {
        const typed = /^\s*(\d{1,3})\s*$/.exec(m.text)?.[1];
        const menu = state.menu;
        const chosen =
          typed && menu && state.live.includes(menu.messageId) ? menu.options[Number(typed) - 1] : undefined;
        if (chosen && menu) updates.push(callbackUpdate(s, e, key, chosen.data, menu.messageId));
        else updates.push(textUpdate(s, e, m.text));
      }
    }
    for (const [i, u] of updates.entries()) {
      const update = { update_id: messengerUpdateId(i === 0 ? key : `${key}#${i}`), ...u } as Update;
      await this.bot.handleUpdate(update);
    }
  }

  private async fileOf(
    s: Synthesis,
    e: MessagingEvent,
    url: string | undefined,
    type: "image" | "file",
    title?: string,
  ) {
    if (!url || !this.opts.files) return unsupportedUpdate(s, e, "sticker");
    const { bytes, mimeType } = await this.graph.download(url, ATTACHMENT_MAX_BYTES);
    const name = title ?? fileNameOf(url) ?? (type === "image" ? "photo.jpg" : "file");
    const stored = await this.opts.files.storeIncoming(bytes, mimeType, name);
    return fileUpdate(s, e, stored);
  }

  /** Get Started and the persistent menu (new petition, my petitions, language, help), per language. */
  async setupProfile(): Promise<void> {
    const menu = (lng: "mn" | "en", locale: string) => {
      const t = getI18n().getFixedT(lng);
      const item = (key: string, data: string) => ({
        type: "postback",
        title: t(`messenger:menu.${key}`),
        payload: `${MENU_PREFIX}${data}`,
      });
      return {
        locale,
        composer_input_disabled: false,
        call_to_actions: [
          item("petitionNew", "pc:new"),
          item("petitionMine", "pc:my"),
          item("language", "lang:ask"),
          item("help", "menu:help"),
        ],
      };
    };
    const def = this.opts.deps.config.DEFAULT_LOCALE;
    await this.graph.setProfile({
      get_started: { payload: GET_STARTED },
      persistent_menu: [menu(def, "default"), menu("en", "en_US"), menu("en", "en_GB")],
      greeting: [
        { locale: "default", text: getI18n().getFixedT(def)("messenger:greeting") },
        { locale: "en_US", text: getI18n().getFixedT("en")("messenger:greeting") },
      ],
    });
  }
}

function eventKey(e: MessagingEvent): string {
  const mid = e.message?.mid ?? e.postback?.mid ?? e.message_edit?.mid;
  if (e.message_edit) return `edit:${e.message_edit.mid}:${e.message_edit.num_edit ?? 0}`;
  if (e.reaction) return `reaction:${e.reaction.mid}:${e.sender.id}:${e.timestamp}`;
  if (mid) return mid;
  return `${e.referral ? "ref" : "postback"}:${e.sender.id}:${e.timestamp}`;
}

function fileNameOf(url: string): string | undefined {
  try {
    const last = new URL(url).pathname.split("/").at(-1);
    return last && /\.[a-z0-9]{2,5}$/i.test(last) ? decodeURIComponent(last) : undefined;
  } catch {
    return undefined;
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
