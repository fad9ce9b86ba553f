/**
 * Identities of Messenger users inside the bot. A Messenger user is a `User` row with
 * channel MESSENGER and externalId "<page id>:<PSID>" (PSIDs are page-scoped). grammY needs a
 * numeric chat id; a Messenger user's is `MESSENGER_CHAT_BASE + User.id` (kept in User.chatId),
 * far above Telegram's user ids and below 2^53. Update ids of Messenger events are derived
 * from the message id (`mid`) in their own range, so the update ledger dedupes them too.
 */
import { createHash } from "node:crypto";

export const MESSENGER_CHAT_BASE = 1_000_000_000_000_000;
/** Update ids of Messenger events lie in [2^52, 2^53). */
export const MESSENGER_UPDATE_BASE = 2 ** 52;

export function messengerChatId(userId: number): number {
  return MESSENGER_CHAT_BASE + userId;
}

export function isMessengerChatId(chatId: number | string): boolean {
  const n = Number(chatId);
  return Number.isSafeInteger(n) && n > MESSENGER_CHAT_BASE;
}

export function userIdOfMessengerChat(chatId: number | string): number | null {
  return isMessengerChatId(chatId) ? Number(chatId) - MESSENGER_CHAT_BASE : null;
}

export function messengerExternalId(pageId: string, psid: string): string {
  return `${pageId}:${psid}`;
}

export function psidOf(externalId: string): string {
  return externalId.slice(externalId.indexOf(":") + 1);
}

/** A stable update id for an event key (its mid, or a key built for events without one). */
export function messengerUpdateId(eventKey: string): number {
  const h = createHash("sha256").update(eventKey).digest();
  // 52 bits of the hash: 6 bytes and a half
  const n = h.readUIntBE(0, 6) * 16 + (h[6]! >> 4);
  return MESSENGER_UPDATE_BASE + n;
}

export function isMessengerUpdateId(updateId: number): boolean {
  return updateId >= MESSENGER_UPDATE_BASE;
}
