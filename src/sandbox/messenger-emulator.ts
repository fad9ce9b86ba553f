/**
 * A local stand-in for the Messenger Platform: the Graph API's Send API, attachment
 * upload and Messenger profile endpoints (plugged in as the bridge's `fetch`), the
 * attachment downloads of what users send, and users who post signed webhook events.
 *
 * It enforces what the platform enforces, so a test fails (and the sandbox shows an error)
 * when the bot breaks a rule: text of 1..2000 characters without HTML, at most 13 quick
 * replies with titles of 1..20 characters, payloads of at most 1000, button templates of
 * 1..3 buttons with text of at most 640, and the 24-hour window (by the injected clock):
 * outside it a message is refused as Meta refuses it (code 10, subcode 2018278), a
 * HUMAN_AGENT tag allows 7 days. Broken rules are kept in `violations`; refusals of the
 * window in `refusals`. Only the latest message's quick replies can be tapped.
 */
import { randomBytes } from "node:crypto";
import { signBody } from "../messenger/bridge.js";
import type { MessagingEvent, OutgoingMessage, QuickReply, TemplateButton } from "../messenger/types.js";

export interface MessengerItem {
  id: string;
  from: "page" | "user";
  text?: string;
  quickReplies?: QuickReply[];
  buttons?: TemplateButton[];
  attachment?: { type: string; attachmentId: string; name?: string };
  messagingType?: string;
  at: number;
}

interface StoredAttachment {
  bytes: Buffer;
  mimeType: string;
  name: string;
}

const DAY = 24 * 3600 * 1000;

export class MessengerEmulator {
  readonly violations: string[] = [];
  readonly refusals: { psid: string; at: number }[] = [];
  readonly threads = new Map<string, MessengerItem[]>();
  readonly lastInbound = new Map<string, number>();
  readonly attachments = new Map<string, StoredAttachment>();
  private readonly cdn = new Map<string, StoredAttachment>();
  profile: Record<string, unknown> = {};
  /** Posts a signed webhook body to the bot (set by the test or the sandbox). */
  deliver: (raw: string, signature: string) => Promise<void> = async () => {};
  private seq = 0;

  constructor(readonly opts: { pageId: string; appSecret: string; root: string; now: () => number }) {}

  thread(psid: string): MessengerItem[] {
    return this.threads.get(psid) ?? [];
  }

  private push(psid: string, item: Omit<MessengerItem, "id" | "at">): MessengerItem {
    const full = { ...item, id: `m_${++this.seq}`, at: this.opts.now() };
    const list = this.threads.get(psid) ?? [];
    list.push(full);
    this.threads.set(psid, list);
    return full;
  }

  private error(status: number, code: number, message: string, subcode?: number): Response {
    return Response.json(
      { error: { message, type: "OAuthException", code, ...(subcode ? { error_subcode: subcode } : {}) } },
      { status },
    );
  }

  private violation(what: string): Response {
    this.violations.push(what);
    return this.error(400, 100, `(#100) ${what}`);
  }

  /** The Graph API (and attachment downloads) as a `fetch`. */
  readonly fetch = (async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const req = input instanceof Request ? input : new Request(input, init);
    const url = new URL(req.url);
    const path = url.pathname.slice(new URL(this.opts.root).pathname.replace(/\/$/, "").length);
    const cdn = /^\/cdn\/(.+)$/.exec(path);
    if (cdn) {
      const file = this.cdn.get(cdn[1] as string);
      if (!file) return new Response("gone", { status: 404 });
      return new Response(new Uint8Array(file.bytes), { headers: { "content-type": file.mimeType } });
    }
    if (!url.searchParams.get("access_token")) return this.error(400, 190, "access token missing");
    if (path === `/${this.opts.pageId}/messages` || path === "/me/messages") {
      return this.send((await req.json()) as Record<string, unknown>);
    }
    if (path === `/${this.opts.pageId}/message_attachments` || path === "/me/message_attachments") {
      const form = await req.formData();
      const file = form.get("filedata");
      if (!(file instanceof Blob)) return this.violation("filedata missing");
      const id = `att_${randomBytes(6).toString("hex")}`;
      this.attachments.set(id, {
        bytes: Buffer.from(await file.arrayBuffer()),
        mimeType: file.type,
        name: (file as File).name ?? "file",
      });
      return Response.json({ attachment_id: id });
    }
    if (path === "/me/messenger_profile") {
      this.profile = { ...this.profile, ...((await req.json()) as Record<string, unknown>) };
      return Response.json({ result: "success" });
    }
    return this.error(404, 100, `unknown path ${path}`);
  }) as typeof fetch;

  private send(body: Record<string, unknown>): Response {
    const psid = String((body.recipient as { id?: string } | undefined)?.id ?? "");
    if (!psid) return this.violation("recipient missing");
    const type = String(body.messaging_type ?? "");
    if (!["RESPONSE", "UPDATE", "MESSAGE_TAG"].includes(type))
      return this.violation(`messaging_type ${type}`);
    const last = this.lastInbound.get(psid);
    const age = last === undefined ? Number.POSITIVE_INFINITY : this.opts.now() - last;
    const limit = type === "MESSAGE_TAG" && body.tag === "HUMAN_AGENT" ? 7 * DAY : DAY;
    if (type === "MESSAGE_TAG" && body.tag !== "HUMAN_AGENT")
      return this.violation(`tag ${String(body.tag)}`);
    if (age > limit) {
      this.refusals.push({ psid, at: this.opts.now() });
      return this.error(400, 10, "(#10) This message is sent outside of allowed window.", 2018278);
    }
    const m = body.message as OutgoingMessage | undefined;
    if (!m) return this.violation("message missing");
    const problem = checkMessage(m);
    if (problem) return this.violation(problem);
    const item: Omit<MessengerItem, "id" | "at"> = { from: "page", messagingType: type };
    if (m.text !== undefined) item.text = m.text;
    if (m.quick_replies) item.quickReplies = m.quick_replies;
    if (m.attachment?.type === "template") {
      item.text = m.attachment.payload.text;
      item.buttons = m.attachment.payload.buttons;
    } else if (m.attachment) {
      const id = m.attachment.payload.attachment_id;
      const stored = this.attachments.get(id);
      if (!stored) return this.violation(`unknown attachment ${id}`);
      item.attachment = { type: m.attachment.type, attachmentId: id, name: stored.name };
    }
    const sent = this.push(psid, item);
    return Response.json({ recipient_id: psid, message_id: sent.id });
  }

  /** A person writing to the Page. */
  user(psid: string): MessengerUser {
    return new MessengerUser(this, psid);
  }

  /** @internal Posts one event as a signed webhook body, recording it as inbound. */
  async post(
    psid: string,
    event: Omit<MessagingEvent, "sender" | "recipient" | "timestamp">,
    shown?: string,
  ) {
    const timestamp = this.opts.now();
    this.lastInbound.set(psid, timestamp);
    if (shown !== undefined) this.push(psid, { from: "user", text: shown });
    const full: MessagingEvent = {
      sender: { id: psid },
      recipient: { id: this.opts.pageId },
      timestamp,
      ...event,
    };
    await this.postRaw(
      JSON.stringify({
        object: "page",
        entry: [{ id: this.opts.pageId, time: timestamp, messaging: [full] }],
      }),
    );
    return full;
  }

  async postRaw(raw: string, signature = signBody(raw, this.opts.appSecret)): Promise<void> {
    await this.deliver(raw, signature);
  }

  /** @internal Serves a user's upload at a URL, as Messenger's CDN does. */
  host(bytes: Buffer, mimeType: string, name: string): string {
    const id = `${randomBytes(6).toString("hex")}/${encodeURIComponent(name)}`;
    this.cdn.set(id, { bytes, mimeType, name });
    return `${this.opts.root}/cdn/${id}`;
  }

  nextMid(): string {
    return `mid.user.${++this.seq}`;
  }
}

function chars(s: string): number {
  return [...s].length;
}

/** What the platform refuses in a message, or null. */
export function checkMessage(m: OutgoingMessage): string | null {
  if (m.text !== undefined) {
    if (chars(m.text) === 0 || chars(m.text) > 2000) return `text length ${chars(m.text)} (1..2000)`;
    if (/<\/?(b|i|u|s|a|code|pre|strong|em|br|blockquote|tg-spoiler)\b[^>]*>/i.test(m.text))
      return "HTML in text";
    if (/&(lt|gt|amp|quot|#\d+);/.test(m.text)) return "HTML entity in text";
  }
  if (m.quick_replies) {
    if (m.quick_replies.length > 13) return `${m.quick_replies.length} quick replies (max 13)`;
    for (const q of m.quick_replies) {
      if (q.content_type === "text") {
        if (!q.title || chars(q.title) > 20) return `quick reply title "${q.title}" (1..20)`;
        if (!q.payload || q.payload.length > 1000) return "quick reply payload (1..1000)";
      }
    }
    if (m.text === undefined && !m.attachment) return "quick replies without text";
  }
  if (m.attachment?.type === "template") {
    const p = m.attachment.payload;
    if (chars(p.text) === 0 || chars(p.text) > 640)
      return `button template text length ${chars(p.text)} (1..640)`;
    if (p.buttons.length < 1 || p.buttons.length > 3) return `${p.buttons.length} template buttons (1..3)`;
    for (const b of p.buttons) {
      if (!b.title || chars(b.title) > 20) return `button title "${b.title}" (1..20)`;
      if (b.type === "postback" && (!b.payload || b.payload.length > 1000)) return "button payload (1..1000)";
    }
  }
  return null;
}

/** A person in a Messenger conversation with the Page. */
export class MessengerUser {
  /** How many items of the thread were there before the last action. */
  private mark = 0;
  lastEvent: MessagingEvent | undefined;

  constructor(
    private readonly em: MessengerEmulator,
    readonly psid: string,
  ) {}

  private async act(event: Omit<MessagingEvent, "sender" | "recipient" | "timestamp">, shown?: string) {
    this.mark = this.em.thread(this.psid).length + (shown !== undefined ? 1 : 0);
    this.lastEvent = await this.em.post(this.psid, event, shown);
  }

  /** Delivers the last event again (Meta redelivers). */
  async repeatLast(): Promise<void> {
    if (!this.lastEvent) throw new Error("nothing sent yet");
    const e = this.lastEvent;
    this.mark = this.em.thread(this.psid).length;
    await this.em.postRaw(
      JSON.stringify({
        object: "page",
        entry: [{ id: this.em.opts.pageId, time: e.timestamp, messaging: [e] }],
      }),
    );
  }

  send(text: string) {
    return this.act({ message: { mid: this.em.nextMid(), text } }, text);
  }

  getStarted(ref?: string) {
    return this.act(
      {
        postback: {
          mid: this.em.nextMid(),
          title: "Get Started",
          payload: "GET_STARTED",
          ...(ref ? { referral: { ref, source: "SHORTLINK", type: "OPEN_THREAD" } } : {}),
        },
      },
      "Get Started",
    );
  }

  referral(ref: string) {
    return this.act({ referral: { ref, source: "SHORTLINK", type: "OPEN_THREAD" } });
  }

  /** Taps a persistent menu item by its title. */
  menu(title: string) {
    const menus = (this.em.profile.persistent_menu ?? []) as {
      call_to_actions: { title: string; payload: string }[];
    }[];
    const item = menus.flatMap((m) => m.call_to_actions).find((a) => a.title === title);
    if (!item) throw new Error(`No menu item "${title}"`);
    return this.act({ postback: { mid: this.em.nextMid(), title, payload: item.payload } }, title);
  }

  /** The quick replies on screen: those of the latest message only. */
  quickReplies(): QuickReply[] {
    const last = this.em.thread(this.psid).at(-1);
    return last?.from === "page" ? (last.quickReplies ?? []) : [];
  }

  /** Taps a quick reply of the latest message, by title (or the start of it). */
  tap(title: string) {
    const q =
      this.quickReplies().find((x) => x.title === title) ??
      this.quickReplies().find((x) => x.title?.startsWith(title));
    if (!q || q.content_type !== "text") {
      throw new Error(
        `No quick reply "${title}". On screen: ${this.quickReplies()
          .map((x) => x.title ?? x.content_type)
          .join(" | ")}`,
      );
    }
    return this.act(
      {
        message: {
          mid: this.em.nextMid(),
          text: q.title as string,
          quick_reply: { payload: q.payload as string },
        },
      },
      q.title,
    );
  }

  /** Taps a button of a button template (any message: templates stay). */
  tapButton(title: string) {
    const b = [...this.em.thread(this.psid)]
      .reverse()
      .flatMap((m) => m.buttons ?? [])
      .find((x) => x.title === title);
    if (!b || b.type !== "postback") throw new Error(`No button "${title}"`);
    return this.act({ postback: { mid: this.em.nextMid(), title, payload: b.payload } }, title);
  }

  /** Taps a template button by its payload (the button of one card among several alike). */
  postback(payload: string, title: string) {
    return this.act({ postback: { mid: this.em.nextMid(), title, payload } }, title);
  }

  /** Sends a quick reply payload as it was (an old one kept by a client, or a forged one). */
  tapPayload(payload: string, title = "?") {
    return this.act({ message: { mid: this.em.nextMid(), text: title, quick_reply: { payload } } }, title);
  }

  /** Shares the phone number with the user_phone_number quick reply. */
  sharePhone(phone: string) {
    if (!this.quickReplies().some((q) => q.content_type === "user_phone_number")) {
      throw new Error("No phone-number quick reply on screen");
    }
    return this.act(
      { message: { mid: this.em.nextMid(), text: phone, quick_reply: { payload: phone } } },
      phone,
    );
  }

  sendFile(opts: { name?: string; mime?: string; bytes?: Buffer; type?: "image" | "file" } = {}) {
    const type = opts.type ?? "file";
    const name = opts.name ?? (type === "image" ? "photo.jpg" : "scan.pdf");
    const url = this.em.host(
      opts.bytes ?? Buffer.from(`%PDF-1.4 ${this.psid} ${name}`),
      opts.mime ?? (type === "image" ? "image/jpeg" : "application/pdf"),
      name,
    );
    return this.act(
      { message: { mid: this.em.nextMid(), attachments: [{ type, payload: { url } }] } },
      `📎 ${name}`,
    );
  }

  sendImage(opts: { bytes?: Buffer } = {}) {
    return this.sendFile({ ...opts, type: "image", name: "photo.jpg", mime: "image/jpeg" });
  }

  sticker() {
    return this.act(
      {
        message: {
          mid: this.em.nextMid(),
          sticker_id: 369239263222822,
          attachments: [
            {
              type: "image",
              payload: { url: "https://example.invalid/sticker.png", sticker_id: 369239263222822 },
            },
          ],
        },
      },
      "👍",
    );
  }

  audio() {
    return this.act(
      {
        message: {
          mid: this.em.nextMid(),
          attachments: [
            { type: "audio", payload: { url: this.em.host(Buffer.from("ogg"), "audio/ogg", "voice.ogg") } },
          ],
        },
      },
      "🎤",
    );
  }

  location() {
    return this.act(
      {
        message: {
          mid: this.em.nextMid(),
          attachments: [{ type: "location", payload: { coordinates: { lat: 47.9, long: 106.9 } } }],
        },
      },
      "📍",
    );
  }

  react(emoji = "❤️") {
    const target = this.em.thread(this.psid).at(-1)?.id ?? "m_0";
    return this.act({ reaction: { mid: target, action: "react", emoji, reaction: "love" } });
  }

  edit(text: string) {
    const mid = this.lastEvent?.message?.mid ?? "mid.none";
    return this.act({ message_edit: { mid, text, num_edit: 1 } });
  }

  /** The Page's messages since the last action. */
  replies(): MessengerItem[] {
    return this.em
      .thread(this.psid)
      .slice(this.mark)
      .filter((m) => m.from === "page");
  }

  text(): string {
    return this.replies()
      .map((m) => m.text ?? (m.attachment ? `[${m.attachment.type}]` : ""))
      .join("\n");
  }

  all(): MessengerItem[] {
    return this.em.thread(this.psid).filter((m) => m.from === "page");
  }

  lastText(): string {
    return [...this.all()].reverse().find((m) => m.text !== undefined)?.text ?? "";
  }

  /** Titles of what can be tapped now: the latest quick replies, or the latest template's buttons. */
  buttonTexts(): string[] {
    const q = this.quickReplies();
    if (q.length) return q.map((x) => x.title ?? `[${x.content_type}]`);
    const last = [...this.all()].reverse().find((m) => m.buttons?.length);
    return last?.buttons?.map((b) => b.title) ?? [];
  }
}
