/**
 * A minimal Bot API server on 127.0.0.1 for benchmarks: answers sendMessage, sendPhoto
 * and sendDocument at once, like Telegram would, and answers 429 (retry_after 1) when more
 * than `limitPerSecond` calls arrive within any one-second window. grammY talks to it
 * through `new Api(token, { apiRoot: server.url })`, so the real client path is used.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeBotApi {
  url: string;
  /** Arrival times (ms) of the calls that were accepted. */
  accepted: number[];
  tooMany: number;
  /** The most calls seen inside any one-second window. */
  maxPerSecond(): number;
  close(): Promise<void>;
}

export async function startFakeBotApi(limitPerSecond = 30): Promise<FakeBotApi> {
  const arrivals: number[] = [];
  const accepted: number[] = [];
  let tooMany = 0;
  let messageId = 0;

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const now = performance.now();
      arrivals.push(now);
      while (arrivals.length > 0 && now - arrivals[0]! >= 1000) arrivals.shift();
      const method = (req.url ?? "").split("/").pop() ?? "";
      const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString("utf8")) : {};
      res.setHeader("content-type", "application/json");
      if (arrivals.length > limitPerSecond) {
        tooMany++;
        res.end(
          JSON.stringify({
            ok: false,
            error_code: 429,
            description: "Too Many Requests: retry after 1",
            parameters: { retry_after: 1 },
          }),
        );
        return;
      }
      accepted.push(now);
      if (!["sendMessage", "sendPhoto", "sendDocument"].includes(method)) {
        res.end(JSON.stringify({ ok: false, error_code: 404, description: "Not Found: method not found" }));
        return;
      }
      res.end(
        JSON.stringify({
          ok: true,
          result: {
            message_id: ++messageId,
            date: Math.floor(Date.now() / 1000),
            chat: { id: body.chat_id, type: "private" },
            ...(body.text ? { text: body.text } : {}),
          },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    accepted,
    get tooMany() {
      return tooMany;
    },
    maxPerSecond() {
      let best = 0;
      let lo = 0;
      for (let hi = 0; hi < accepted.length; hi++) {
        while (accepted[hi]! - accepted[lo]! >= 1000) lo++;
        best = Math.max(best, hi - lo + 1);
      }
      return best;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
