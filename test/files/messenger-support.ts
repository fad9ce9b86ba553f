/**
 * A Messenger citizen for the outbox tests: their user row, a petition filed in their name,
 * and a grammY Api standing for the Messenger bot instance's Bot API → Send API translation.
 * The Api records every call and resolves files the way the translation does (through the
 * file store to a Page attachment id, uploading once); it can refuse as the Send API does
 * outside the 24-hour window.
 */
import { Api } from "grammy";
import { type FileStore, messengerAttachmentId, type MessengerUpload } from "../../src/files/index.js";
import type { PrismaClient } from "../../src/generated/prisma/client.js";
import { DeliveryWorker } from "../../src/scheduling/delivery.js";
import { messengerSender } from "../../src/scheduling/messenger-sender.js";
import { channelRouter } from "../../src/scheduling/sender.js";
import { telegramSender } from "../../src/scheduling/telegram-sender.js";
import type { TestBot } from "../support/chat.js";

export interface RecordedCall {
  method: string;
  chatId: unknown;
  text?: string;
  attachmentId?: string;
  messagingType?: unknown;
  tag?: unknown;
}

export interface RecordingMessengerApi {
  api: Api;
  calls: RecordedCall[];
  uploads: MessengerUpload[];
  /** Which calls are refused as outside the messaging window (none by default). */
  refuseWindow: (method: string) => boolean;
}

export function recordingMessengerApi(files: FileStore): RecordingMessengerApi {
  const rec: RecordingMessengerApi = {
    api: new Api("0:messenger"),
    calls: [],
    uploads: [],
    refuseWindow: () => false,
  };
  let messageId = 0;
  rec.api.config.use(async (_prev, method, payload) => {
    const p = payload as Record<string, unknown>;
    if (rec.refuseWindow(method)) {
      return {
        ok: false,
        error_code: 400,
        description: "Bad Request: outside the messaging window",
      } as never;
    }
    const call: RecordedCall = {
      method,
      chatId: p.chat_id,
      messagingType: p.messaging_type,
      tag: p.tag,
    };
    if (method === "sendMessage") call.text = String(p.text);
    if (method === "sendPhoto" || method === "sendDocument") {
      const ref = String(method === "sendPhoto" ? p.photo : p.document);
      call.attachmentId = await messengerAttachmentId(files, ref, async (u) => {
        rec.uploads.push(u);
        return `att-${rec.uploads.length}`;
      });
    }
    rec.calls.push(call);
    return {
      ok: true,
      result: { message_id: ++messageId, date: 0, chat: { id: Number(p.chat_id), type: "private" } },
    } as never;
  });
  return rec;
}

/** A citizen on the Page (PSID 900001) with the given last inbound event. */
export async function messengerCitizen(
  prisma: PrismaClient,
  lastInboundAt: Date | null,
  locale = "en",
): Promise<{ id: number; chatId: string }> {
  return prisma.user.create({
    data: {
      channel: "MESSENGER",
      externalId: "100200300:900001",
      chatId: "1000000000000001",
      locale,
      lastInboundAt,
    },
    select: { id: true, chatId: true },
  });
}

/** A delivery worker sending Telegram recipients to the emulator and Messenger ones to `messenger`. */
export function routedWorker(
  tb: TestBot,
  files: FileStore,
  messenger: Api,
  opts: { messengerHumanAgent?: boolean } = {},
): DeliveryWorker {
  return new DeliveryWorker({
    prisma: tb.deps.prisma,
    sender: channelRouter({
      TELEGRAM: telegramSender(tb.bot.api, files),
      MESSENGER: messengerSender(messenger),
    }),
    clock: tb.clock,
    chatIntervalMs: 0,
    ratePerSecond: Number.POSITIVE_INFINITY,
    sleep: async () => {},
    ...opts,
  });
}

/** Runs the worker until nothing is due; returns the summed stats. */
export async function drain(worker: DeliveryWorker) {
  const total = { claimed: 0, sent: 0, held: 0, failed: 0, retried: 0, deferred: 0, unreachable: 0 };
  for (let round = 0; round < 20; round++) {
    const s = await worker.runOnce();
    for (const k of Object.keys(total) as (keyof typeof total)[]) total[k] += s[k];
    if (s.claimed === 0) break;
  }
  return total;
}
