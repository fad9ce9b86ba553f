import { Api } from "grammy";
import { describe, expect, it } from "vitest";
import {
  PermanentSendError,
  RetryAfterError,
  SendError,
  UnreachableError,
} from "../../src/scheduling/sender.js";
import { telegramSender } from "../../src/scheduling/telegram-sender.js";

type Answer =
  { ok: true; result: unknown } | { ok: false; error_code: number; description: string; parameters?: object };

/** A Bot API stand-in behind grammY's `fetch` option: records calls, answers from a script. */
function fakeApi(answers: Answer[] = []) {
  const calls: { method: string; body: Record<string, unknown> }[] = [];
  const fetchImpl = (async (url: string | URL, init?: { body?: unknown }) => {
    const method = String(url).split("/").pop() as string;
    const body = init?.body ? JSON.parse(String(init.body)) : {};
    calls.push({ method, body });
    const answer = answers.shift() ?? {
      ok: true,
      result: { message_id: calls.length, date: 0, chat: { id: body.chat_id, type: "private" } },
    };
    return new Response(JSON.stringify(answer), { headers: { "content-type": "application/json" } });
  }) as unknown as typeof fetch;
  const api = new Api("123456789:TEST_TOKEN_abcdefghijklmnopqrstuvwxyz", { fetch: fetchImpl });
  return { api, calls };
}

const to = { chatId: "4242", channel: "TELEGRAM" as const };
const message = {
  text: "<b>Сануулга</b> Б.Болд &amp; Д.Дорж",
  buttons: [[{ text: "Тайлан нээх", data: "rp:open" }]],
  files: [
    { kind: "PHOTO" as const, fileId: "photo-1" },
    { kind: "DOCUMENT" as const, fileId: "doc-1" },
  ],
};

describe("telegramSender", () => {
  it("sends the text as HTML with the inline keyboard, then the files", async () => {
    const { api, calls } = fakeApi();
    await telegramSender(api).send(to, message);
    expect(calls.map((c) => c.method)).toEqual(["sendMessage", "sendPhoto", "sendDocument"]);
    expect(calls[0]!.body).toMatchObject({
      chat_id: 4242,
      text: message.text,
      parse_mode: "HTML",
      reply_markup: { inline_keyboard: [[{ text: "Тайлан нээх", callback_data: "rp:open" }]] },
    });
    expect(calls[1]!.body).toMatchObject({ chat_id: 4242, photo: "photo-1" });
    expect(calls[2]!.body).toMatchObject({ chat_id: 4242, document: "doc-1" });
  });

  it("resumes after the parts already delivered", async () => {
    const { api, calls } = fakeApi();
    await telegramSender(api).send(to, { ...message, resumeAt: 2 });
    expect(calls.map((c) => c.method)).toEqual(["sendDocument"]);
  });

  it("maps 429 to RetryAfterError with retry_after", async () => {
    const { api } = fakeApi([
      {
        ok: false,
        error_code: 429,
        description: "Too Many Requests: retry after 17",
        parameters: { retry_after: 17 },
      },
    ]);
    const err = await telegramSender(api)
      .send(to, message)
      .catch((e) => e);
    expect(err).toBeInstanceOf(RetryAfterError);
    expect(err.seconds).toBe(17);
    expect(err.partsSent).toBe(0);
  });

  it("maps 403 and 'chat not found' to UnreachableError, other 400s to PermanentSendError", async () => {
    const blocked = fakeApi([
      { ok: false, error_code: 403, description: "Forbidden: bot was blocked by the user" },
    ]);
    await expect(telegramSender(blocked.api).send(to, message)).rejects.toBeInstanceOf(UnreachableError);
    const gone = fakeApi([{ ok: false, error_code: 400, description: "Bad Request: chat not found" }]);
    await expect(telegramSender(gone.api).send(to, message)).rejects.toBeInstanceOf(UnreachableError);
    const bad = fakeApi([{ ok: false, error_code: 400, description: "Bad Request: can't parse entities" }]);
    await expect(telegramSender(bad.api).send(to, message)).rejects.toBeInstanceOf(PermanentSendError);
  });

  it("reports a server error on a file as retryable, with the parts already sent", async () => {
    const { api } = fakeApi([
      { ok: true, result: { message_id: 1, date: 0, chat: { id: 4242, type: "private" } } },
      { ok: false, error_code: 502, description: "Bad Gateway" },
    ]);
    const err = await telegramSender(api)
      .send(to, message)
      .catch((e) => e);
    expect(err).toBeInstanceOf(SendError);
    expect(err).not.toBeInstanceOf(PermanentSendError);
    expect(err.partsSent).toBe(1);
  });

  it("refuses a recipient of another channel", async () => {
    const { api, calls } = fakeApi();
    await expect(
      telegramSender(api).send({ chatId: "psid", channel: "MESSENGER" }, message),
    ).rejects.toBeInstanceOf(PermanentSendError);
    expect(calls).toHaveLength(0);
  });
});
