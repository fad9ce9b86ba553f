/**
 * Builds the bot's production guards for a database: the update ledger (exactly-once,
 * both engines) and, on PostgreSQL, the cross-instance chat locks.
 */
import { ChatLocks } from "../bot/middlewares/chat-lock.js";
import { UpdateLedger, type UpdateGuards } from "../bot/middlewares/dedupe.js";
import type { Database } from "../db/index.js";
import type { Logger } from "../logger.js";
import type { Metrics } from "./metrics.js";

export interface OpenGuards {
  guards: UpdateGuards;
  ledger: UpdateLedger;
  chatLocks?: ChatLocks;
  /** Closes the chat locks' connections (after the updates in flight are done). */
  close(): Promise<void>;
}

export function openUpdateGuards(opts: {
  db: Database;
  /** The PostgreSQL URL (chat locks); absent with PGlite. */
  url?: string;
  logger?: Logger;
  metrics?: Metrics;
  /** Connections for chat locks = updates handled at once. */
  lockConnections?: number;
  instanceId?: string;
  leaseMs?: number;
}): OpenGuards {
  const ledger = new UpdateLedger({
    prisma: opts.db.prisma,
    logger: opts.logger,
    instanceId: opts.instanceId,
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
    close: async () => {
      await chatLocks?.close();
    },
  };
}
