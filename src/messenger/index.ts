/**
 * Facebook Messenger in the running app: when the MESSENGER_* variables are set, a
 * Messenger bridge (bridge.ts) beside the Telegram bot, on the same database and services.
 * Its updates share the update ledger (their ids lie in their own range, ids.ts), so a
 * Messenger update left unfinished by a crash is replayed by `replay` through this bridge.
 */
import type { Api } from "grammy";
import type { Update } from "grammy/types";
import type { BotDeps } from "../bot/context.js";
import type { UpdateGuards } from "../bot/middlewares/dedupe.js";
import { type Config, messengerConfig } from "../config.js";
import { FileStore, messengerFiles } from "../files/index.js";
import { noteInboundEvent } from "../scheduling/messenger-window.js";
import { isRecordedEvent, MessengerBridge } from "./bridge.js";
import { isMessengerUpdateId } from "./ids.js";

export { MessengerBridge } from "./bridge.js";
export { messengerRoutes, startMessengerServer, MESSENGER_PATH } from "./routes.js";

export async function openMessenger(
  config: Config,
  deps: BotDeps,
  telegram: Api,
  guards?: UpdateGuards,
): Promise<MessengerBridge | null> {
  const mc = messengerConfig(config);
  if (!mc) return null;
  const bridge = new MessengerBridge({
    deps,
    config: mc,
    files: messengerFiles(new FileStore({ prisma: deps.prisma, telegram })),
    onInbound: (userId, at) => noteInboundEvent(deps.prisma, userId, at),
    ...(guards ? { guards } : {}),
  });
  await bridge.init();
  await bridge
    .setupProfile()
    .catch((err) =>
      deps.logger.warn({ err: (err as Error).message }, "messenger profile (Get Started, menu) not set"),
    );
  return bridge;
}

/**
 * A replayed update for Messenger, or undefined when it is Telegram's: a recorded webhook
 * event goes through the bridge again (`recover`), a synthesized update through its bot.
 */
export function messengerReplay(bridge: MessengerBridge | null, update: Update): Promise<void> | undefined {
  if (!bridge || !isMessengerUpdateId(update.update_id)) return undefined;
  if (isRecordedEvent(update)) return bridge.recover(update).catch(() => undefined);
  return bridge.bot.handleUpdate(update).catch(() => undefined);
}
