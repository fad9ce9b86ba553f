/**
 * What the bridge remembers of each Messenger chat, in the key-value table the
 * conversations use (key "messenger:ui:<user id>"), so every instance sees it:
 *  - the last synthetic message id given out;
 *  - the messages whose buttons are still live (a removed keyboard makes a later tap stale);
 *  - the latest numbered option list (typing its number chooses; "More ›" pages it);
 *  - whether the phone request (Telegram's request_contact keyboard) is showing.
 */
import type { PrismaClient } from "../generated/prisma/client.js";
import type { QuickReply } from "./types.js";

export interface NumberedMenu {
  messageId: number;
  options: { label: string; data: string }[];
}

export interface UiState {
  next: number;
  live: number[];
  menu: NumberedMenu | null;
  phone: boolean;
  /** The quick replies of the latest message, offered again with a file sent right after it. */
  quick?: QuickReply[] | null;
}

const LIVE_KEPT = 40;

function keyOf(userId: number): string {
  return `messenger:ui:${userId}`;
}

export async function loadUi(prisma: PrismaClient, userId: number): Promise<UiState> {
  const row = await prisma.conversationState.findUnique({ where: { key: keyOf(userId) } });
  const empty: UiState = { next: 0, live: [], menu: null, phone: false };
  if (!row) return empty;
  try {
    return { ...empty, ...(JSON.parse(row.value) as Partial<UiState>) };
  } catch {
    return empty;
  }
}

export async function saveUi(prisma: PrismaClient, userId: number, state: UiState): Promise<void> {
  if (state.live.length > LIVE_KEPT) state.live = state.live.slice(-LIVE_KEPT);
  const value = JSON.stringify(state);
  await prisma.conversationState.upsert({
    where: { key: keyOf(userId) },
    create: { key: keyOf(userId), value },
    update: { value },
  });
}
