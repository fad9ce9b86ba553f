/**
 * The `fetch` the bot's Bot API client uses (grammY's `client.fetch`): one request over
 * node:http(s) with keep-alive connections, answering with what grammY reads of a
 * response (`json()`). grammY's default on Node is node-fetch, which builds WHATWG
 * Request, Headers and Body objects around every call; a call here costs about half its
 * CPU, and a bot step makes two or three calls.
 *
 * grammY sends JSON as a string and uploads as a multipart stream (a Node Readable); both
 * are written as given. The agent grammY passes for its API root (keep-alive) is used, a
 * shared keep-alive agent otherwise; the call's AbortSignal (grammY's timeout) aborts the
 * request.
 */
import http from "node:http";
import https from "node:https";
import { Readable } from "node:stream";

interface CallInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Readable | null;
  signal?: AbortSignal | null;
  agent?: http.Agent;
}

/** What grammY reads of a response. */
export interface ApiResponse {
  ok: boolean;
  status: number;
  json(): Promise<unknown>;
  text(): Promise<string>;
}

const agents = {
  "http:": new http.Agent({ keepAlive: true }),
  "https:": new https.Agent({ keepAlive: true }),
};

export function apiFetch(input: string | URL, init: CallInit = {}): Promise<ApiResponse> {
  const url = typeof input === "string" ? new URL(input) : input;
  const secure = url.protocol === "https:";
  if (!secure && url.protocol !== "http:")
    return Promise.reject(new TypeError(`unsupported URL: ${url.protocol}`));
  const signal = init.signal ?? undefined;
  if (signal?.aborted) return Promise.reject(abortError(signal));
  return new Promise<ApiResponse>((resolve, reject) => {
    const request = (secure ? https : http).request(url, {
      method: init.method ?? "GET",
      headers: init.headers,
      agent: init.agent ?? agents[secure ? "https:" : "http:"],
    });
    const onAbort = () => request.destroy(abortError(signal!));
    signal?.addEventListener("abort", onAbort, { once: true });
    const done = () => signal?.removeEventListener("abort", onAbort);
    request.on("error", (err) => {
      done();
      reject(err);
    });
    request.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", (err) => {
        done();
        reject(err);
      });
      res.on("end", () => {
        done();
        const text = Buffer.concat(chunks).toString("utf8");
        const status = res.statusCode ?? 0;
        resolve({
          ok: status >= 200 && status < 300,
          status,
          json: async () => JSON.parse(text) as unknown,
          text: async () => text,
        });
      });
    });
    const body = init.body;
    if (body instanceof Readable) {
      body.on("error", (err) => request.destroy(err));
      body.pipe(request);
    } else {
      request.end(body ?? undefined);
    }
  });
}

function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  const err = new Error("The operation was aborted");
  err.name = "AbortError";
  return err;
}
