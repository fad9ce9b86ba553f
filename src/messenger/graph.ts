/**
 * The Messenger Platform's Graph API as the bridge uses it: the Send API, attachment
 * uploads, the Messenger profile (Get Started, persistent menu) and attachment downloads.
 * `fetch` is injectable: the sandbox and tests pass the local emulator's.
 */
import type { SendRequest, UploadInput } from "./types.js";

export interface GraphOptions {
  root: string;
  pageId: string;
  token: string;
  fetch?: typeof fetch;
}

/** An error answered by the Graph API. */
export class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    readonly subcode: number | undefined,
    message: string,
  ) {
    super(message);
  }

  /** Outside the 24-hour window (or a tag not allowed for it). */
  get outsideWindow(): boolean {
    return this.code === 10 || this.subcode === 2018278 || this.subcode === 2018065;
  }

  /** The person cannot be messaged at all (blocked the Page, deleted the account). */
  get unreachable(): boolean {
    return this.code === 551 || (this.code === 200 && this.subcode === 1545041) || this.subcode === 2018001;
  }

  get rateLimited(): boolean {
    return this.code === 4 || this.code === 613 || this.code === 32 || this.status === 429;
  }
}

export class GraphClient {
  private readonly f: typeof fetch;

  constructor(private readonly opts: GraphOptions) {
    this.f = opts.fetch ?? fetch;
  }

  get pageId(): string {
    return this.opts.pageId;
  }

  private url(path: string): string {
    return `${this.opts.root}/${path}?access_token=${encodeURIComponent(this.opts.token)}`;
  }

  private async call<T>(path: string, init: RequestInit): Promise<T> {
    const res = await this.f(this.url(path), init);
    const body = (await res.json().catch(() => ({}))) as {
      error?: { code?: number; error_subcode?: number; message?: string };
    } & T;
    if (!res.ok || body.error) {
      const e = body.error ?? {};
      throw new GraphError(res.status, e.code ?? 0, e.error_subcode, e.message ?? `HTTP ${res.status}`);
    }
    return body;
  }

  send(request: SendRequest): Promise<{ recipient_id: string; message_id: string }> {
    return this.call(`${this.opts.pageId}/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(request),
    });
  }

  /** Uploads a file as a reusable attachment; returns its attachment_id. */
  async upload(file: UploadInput): Promise<string> {
    const form = new FormData();
    form.set("message", JSON.stringify({ attachment: { type: file.type, payload: { is_reusable: true } } }));
    form.set("filedata", new Blob([new Uint8Array(file.bytes)], { type: file.mimeType }), file.fileName);
    const r = await this.call<{ attachment_id: string }>(`${this.opts.pageId}/message_attachments`, {
      method: "POST",
      body: form,
    });
    return r.attachment_id;
  }

  async setProfile(profile: Record<string, unknown>): Promise<void> {
    await this.call("me/messenger_profile", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(profile),
    });
  }

  /** Downloads an attachment a user sent (its URL expires): at most `maxBytes` + 1 bytes. */
  async download(url: string, maxBytes: number): Promise<{ bytes: Uint8Array; mimeType: string | null }> {
    const res = await this.f(url);
    if (!res.ok || !res.body) throw new Error(`attachment download failed: HTTP ${res.status}`);
    const chunks: Uint8Array[] = [];
    let size = 0;
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
      if (size > maxBytes) {
        await reader.cancel().catch(() => {});
        break;
      }
    }
    return { bytes: Buffer.concat(chunks), mimeType: res.headers.get("content-type") };
  }
}
