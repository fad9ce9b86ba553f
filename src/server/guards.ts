/**
 * Builds the bot's production guards for a database: the update ledger (exactly-once,
 * both engines) and, on PostgreSQL, the cross-instance chat locks and the instance's
 * presence (src/db/presence.ts: its claims are taken over at once when it dies).
 */
import { ChatLocks } from "../bot/middlewares/chat-lock.js";
import { UpdateLedger, type UpdateGuards } from "../bot/middlewares/dedupe.js";
import type { Database } from "../db/index.js";
import { InstancePresence } from "../db/presence.js";
import type { Logger } from "../logger.js";
import type { Metrics } from "./metrics.js";

export interface OpenGuards {
  guards: UpdateGuards;
  ledger: UpdateLedger;
  chatLocks?: ChatLocks;
  presence?: InstancePresence;
  /** Closes the chat locks' and the presence's connections (after the updates in flight are done). */
  close(): Promise<void>;
}

export async function openUpdateGuards(opts: {
  db: Database;
  /** The PostgreSQL URL (chat locks); absent with PGlite. */
  url?: string;
  logger?: Logger;
  metrics?: Metrics;
  /** Connections for chat locks = updates handled at once. */
  lockConnections?: number;
  /** A fixed id (tests) has no presence unless `presence` is set. */
  instanceId?: string;
  presence?: boolean;
  leaseMs?: number;
}): Promise<OpenGuards> {
  const presence =
    opts.db.engine === "postgres" && opts.url && (opts.presence ?? opts.instanceId === undefined)
      ? new InstancePresence({
          url: opts.url,
          logger: opts.logger,
          ...(opts.instanceId ? { instanceId: `live:${opts.instanceId}` } : {}),
        })
      : undefined;
  // Held before anything is claimed in this instance's name.
  await presence?.start();
  const ledger = new UpdateLedger({
    prisma: opts.db.prisma,
    logger: opts.logger,
    instanceId: presence?.instanceId ?? opts.instanceId,
    leaseMs: opts.leaseMs,
  });
  const chatLocks =
    opts.db.engine === "postgres" && opts.url
      ? new ChatLocks({
          url: opts.url,
          max: opts.lockConnections,
          logger: opts.logger,
          onWait: (s) => opts.metrics?.chatLockWaitSeconds.observe(s),
        })
      : undefined;
  return {
    guards: { ledger, chatLocks, logger: opts.logger },
    ledger,
    chatLocks,
    presence,
    close: async () => {
      await chatLocks?.close();
      await presence?.close();
    },
  };
}
