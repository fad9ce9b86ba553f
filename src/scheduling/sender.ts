/**
 * The channel-neutral way out of the outbox. The delivery worker renders a notification
 * into an `OutgoingMessage` and hands it to a `MessageSender`; a sender per channel
 * (Telegram today: ./telegram-sender.ts) turns it into API calls and reports failures as
 * the typed errors below, so the worker's retry rules do not depend on a channel.
 */
import type { ChatChannel } from "../generated/prisma/enums.js";

export interface Recipient {
  chatId: string;
  channel: ChatChannel;
}

export interface OutgoingButton {
  text: string;
  /** Action id (callback data), at most 64 bytes. */
  data: string;
}

export interface OutgoingFile {
  kind: "PHOTO" | "DOCUMENT";
  fileId: string;
}

/**
 * A message is a sequence of parts: part 0 is the text (with its inline keyboard), parts
 * 1..n the files. `resumeAt` skips parts already delivered by an earlier, partly failed
 * attempt, so a retry never repeats what the recipient already has.
 */
export interface OutgoingMessage {
  /** Telegram-style HTML (b, i, code, a); interpolated values are already escaped. */
  text: string;
  buttons: OutgoingButton[][];
  files: OutgoingFile[];
  resumeAt?: number;
  /** Messenger: the message tag chosen by the worker (outside the 24-hour window). */
  tag?: "HUMAN_AGENT";
}

export interface MessageSender {
  send(to: Recipient, message: OutgoingMessage): Promise<void>;
}

/** Base of the sender errors; `partsSent` counts the parts delivered before the failure. */
export class SendError extends Error {
  partsSent = 0;
}

/** The channel asks to wait: nothing may be sent for `seconds` (Telegram 429). */
export class RetryAfterError extends SendError {
  constructor(
    readonly seconds: number,
    message = `retry after ${seconds} s`,
  ) {
    super(message);
    this.name = "RetryAfterError";
  }
}

/** The recipient cannot be reached: blocked the bot, deleted the account, unknown chat. */
export class UnreachableError extends SendError {
  constructor(message = "recipient unreachable") {
    super(message);
    this.name = "UnreachableError";
  }
}

/** The message itself is refused (malformed, unsupported channel): retrying cannot help. */
export class PermanentSendError extends SendError {
  constructor(message: string) {
    super(message);
    this.name = "PermanentSendError";
  }
}

/**
 * The channel refuses because the person has not written recently enough (Messenger's
 * 24-hour window): the message waits (HELD) until they write again.
 */
export class OutsideWindowError extends SendError {
  constructor(message = "outside the messaging window") {
    super(message);
    this.name = "OutsideWindowError";
  }
}

/**
 * Routes each recipient to the sender of its channel. A channel without a sender is a
 * permanent failure for that row (recorded as FAILED with the reason), not a crash.
 */
export function channelRouter(senders: Partial<Record<ChatChannel, MessageSender>>): MessageSender {
  return {
    async send(to, message) {
      const sender = senders[to.channel];
      if (!sender) throw new PermanentSendError(`no sender for channel ${to.channel}`);
      await sender.send(to, message);
    },
  };
}
