/**
 * The sandbox's HTTP server (localhost only): the chat page (./public), its JSON API,
 * live updates as Server-Sent Events, file downloads, and the emulator as a plain HTTP
 * Bot API for code that calls TELEGRAM_API_ROOT itself.
 *
 *   GET  /                               the page
 *   GET  /api/state                      personas (unread, last message), clock, outbox
 *   GET  /api/chats/:persona             the persona's chat with the bot
 *   POST /api/chats/:persona/messages    { text }                 send a text or command
 *   POST /api/chats/:persona/press       { messageId, data }      press an inline button
 *   POST /api/chats/:persona/contact                              share the phone number
 *   POST /api/chats/:persona/files?name=&caption=&asFile=1        (raw body) send a file
 *   POST /api/chats/:persona/read                                 mark the chat as read
 *   POST /api/clock                      { step: "1h"|"1d"|"1w" } move time forward
 *   POST /api/reset                                               reseed the demo data
 *   GET  /api/events                     Server-Sent Events: chat, toast, state, reset
 *   GET  /files/:fileId                  a file of any chat
 *   GET  /file/bot<token>/<file_path>    Bot API file download (after getFile)
 *   POST /bot<token>/<method>            Bot API methods, answered by the emulator
 */
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Logger } from "../logger.js";
import {
  CLOCK_STEPS,
  type ClockStep,
  MAX_UPLOAD_BYTES,
  type Sandbox,
  SandboxError,
  type SandboxEvent,
} from "./sandbox.js";

export const PUBLIC_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "public");

const STATIC: Record<string, { file: string; type: string }> = {
  "/": { file: "index.html", type: "text/html; charset=utf-8" },
  "/index.html": { file: "index.html", type: "text/html; charset=utf-8" },
  "/app.js": { file: "app.js", type: "text/javascript; charset=utf-8" },
  "/style.css": { file: "style.css", type: "text/css; charset=utf-8" },
  "/favicon.svg": { file: "favicon.svg", type: "image/svg+xml" },
};

const JSON_LIMIT = 64 * 1024;

export function portInUse(port: number): Error {
  return new Error(`Port ${port} is in use: set SANDBOX_PORT to a free port (e.g. SANDBOX_PORT=3100).`);
}

export interface SandboxServer {
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

export interface ServeOptions {
  port: number;
  host?: string;
  logger?: Logger;
}

export async function serveSandbox(sandbox: Sandbox, opts: ServeOptions): Promise<SandboxServer> {
  const host = opts.host ?? "127.0.0.1";
  const streams = new Set<ServerResponse>();
  let stateQueued: NodeJS.Timeout | null = null;

  const broadcast = (e: SandboxEvent) => {
    const line = `data: ${JSON.stringify(e)}\n\n`;
    for (const res of streams) res.write(line);
  };
  // Many changes in a row (a burst of notifications) become one "state" event.
  const unsubscribe = sandbox.subscribe((e) => {
    if (e.type !== "state") return broadcast(e);
    if (stateQueued) return;
    stateQueued = setTimeout(() => {
      stateQueued = null;
      broadcast({ type: "state" });
    }, 50);
  });
  const heartbeat = setInterval(() => {
    for (const res of streams) res.write(": keep-alive\n\n");
  }, 20_000);
  heartbeat.unref();

  const server = createServer((req, res) => {
    handle(sandbox, req, res, streams).catch((err) => {
      const status = err instanceof SandboxError ? err.status : 500;
      if (status === 500) opts.logger?.error({ err: String(err?.stack ?? err) }, "sandbox: request failed");
      if (!res.headersSent) {
        sendJson(res, status, {
          error: status === 500 ? "Something went wrong in the sandbox" : err.message,
        });
      } else {
        res.end();
      }
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", (err: NodeJS.ErrnoException) => {
      reject(err.code === "EADDRINUSE" ? portInUse(opts.port) : err);
    });
    server.listen(opts.port, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${port}`,
    port,
    server,
    async close() {
      unsubscribe();
      clearInterval(heartbeat);
      if (stateQueued) clearTimeout(stateQueued);
      for (const res of streams) res.end();
      streams.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

async function handle(
  sandbox: Sandbox,
  req: IncomingMessage,
  res: ServerResponse,
  streams: Set<ServerResponse>,
): Promise<void> {
  // Only pages on this machine may talk to the sandbox (no DNS rebinding from the web).
  const hostname = (req.headers.host ?? "").replace(/:\d+$/, "");
  if (!["127.0.0.1", "localhost", "[::1]"].includes(hostname)) {
    throw new SandboxError(403, "The sandbox answers on localhost only");
  }
  const url = new URL(req.url ?? "/", "http://localhost");
  const method = req.method ?? "GET";
  const p = url.pathname;

  const page = STATIC[p];
  if (page && method === "GET") {
    const body = readFileSync(path.join(PUBLIC_DIR, page.file));
    res.writeHead(200, { "content-type": page.type, "cache-control": "no-cache" });
    res.end(body);
    return;
  }

  if (p === "/api/state" && method === "GET") {
    const [personas, status] = await Promise.all([sandbox.personas(), sandbox.status()]);
    sendJson(res, 200, {
      personas,
      ...status,
      bot: { username: sandbox.emulator.bot.username, name: sandbox.emulator.bot.first_name },
    });
    return;
  }

  if (p === "/api/events" && method === "GET") {
    res.writeHead(200, {
      "content-type": "text/event-stream",
      "cache-control": "no-cache",
      connection: "keep-alive",
    });
    res.write(": connected\n\n");
    streams.add(res);
    req.on("close", () => streams.delete(res));
    return;
  }

  const chat = /^\/api\/chats\/([\w-]+)(?:\/(messages|press|contact|files|read))?$/.exec(p);
  if (chat) {
    const [, id, action] = chat as unknown as [string, string, string | undefined];
    if (!action && method === "GET") return sendJson(res, 200, await sandbox.chat(id));
    if (method !== "POST") throw new SandboxError(405, "Use POST");
    switch (action) {
      case "messages": {
        const body = await readJson(req);
        await sandbox.send(id, String(body.text ?? ""));
        return sendJson(res, 200, { ok: true });
      }
      case "press": {
        const body = await readJson(req);
        await sandbox.press(id, Number(body.messageId), String(body.data ?? ""));
        return sendJson(res, 200, { ok: true });
      }
      case "contact":
        await sandbox.shareContact(id);
        return sendJson(res, 200, { ok: true });
      case "files": {
        const data = await readBody(req, MAX_UPLOAD_BYTES);
        const result = await sandbox.upload(id, {
          name: url.searchParams.get("name") ?? "file",
          mimeType: (req.headers["content-type"] ?? "application/octet-stream").split(";")[0]!.trim(),
          data,
          caption: url.searchParams.get("caption") ?? undefined,
          asFile: url.searchParams.get("asFile") === "1",
        });
        return sendJson(res, 200, { ok: true, ...result });
      }
      case "read":
        sandbox.markRead(id);
        return sendJson(res, 200, { ok: true });
    }
  }

  if (p === "/api/clock" && method === "POST") {
    const body = await readJson(req);
    const step = String(body.step ?? "") as ClockStep;
    const ms = step in CLOCK_STEPS ? CLOCK_STEPS[step] : Number(body.ms);
    return sendJson(res, 200, await sandbox.advanceClock(ms));
  }

  if (p === "/api/reset" && method === "POST") {
    await sandbox.reset();
    return sendJson(res, 200, { ok: true });
  }

  const download = /^\/files\/([\w-]+)$/.exec(p) ?? /^\/file\/bot[^/]+\/(.+)$/.exec(p);
  if (download && method === "GET") {
    const id = decodeURIComponent(download[1]!);
    const file = sandbox.emulator.file(id) ?? sandbox.messenger.file(id);
    if (!file) throw new SandboxError(404, "No such file");
    const inline =
      /^image\/|^application\/pdf$|^text\/plain$/.test(file.mimeType) && !url.searchParams.has("download");
    res.writeHead(200, {
      "content-type": file.mimeType,
      "content-length": file.data.length,
      "content-disposition": `${inline ? "inline" : "attachment"}; filename*=UTF-8''${encodeURIComponent(file.name)}`,
      "x-content-type-options": "nosniff",
      "content-security-policy": "sandbox",
    });
    res.end(file.data);
    return;
  }

  const api = /^\/bot[^/]+\/(\w+)$/.exec(p);
  if (api) {
    const body = method === "GET" ? undefined : await readBody(req, MAX_UPLOAD_BYTES + 1024 * 1024);
    const headers: Record<string, string> = {};
    if (req.headers["content-type"]) headers["content-type"] = req.headers["content-type"];
    const answer = await sandbox.emulator.fetch(`http://sandbox${p}`, {
      method,
      headers,
      ...(body && body.length > 0 ? { body: new Uint8Array(body) } : {}),
    });
    res.writeHead(answer.status, { "content-type": "application/json" });
    res.end(Buffer.from(await answer.arrayBuffer()));
    return;
  }

  throw new SandboxError(404, "Not found");
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  res.end(text);
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const tooLarge = () => new SandboxError(413, `At most ${Math.floor(limit / 1024 / 1024)} MB can be sent`);
    if (Number(req.headers["content-length"] ?? 0) > limit) {
      req.resume(); // read and drop the body so the answer reaches the client
      req.on("end", () => reject(tooLarge()));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on("end", () => (size > limit ? reject(tooLarge()) : resolve(Buffer.concat(chunks))));
    req.on("error", reject);
  });
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const body = await readBody(req, JSON_LIMIT);
  if (body.length === 0) return {};
  try {
    const value = JSON.parse(body.toString("utf8"));
    if (value && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new SandboxError(400, "The request body must be a JSON object");
}
