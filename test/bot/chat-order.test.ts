import { sequentialize } from "@grammyjs/runner";
import { Composer } from "grammy";
import type { Update } from "grammy/types";
import { describe, expect, it } from "vitest";
import type { BotContext } from "../../src/bot/context.js";
import type { ChatLocks, HeldChatLock } from "../../src/bot/middlewares/chat-lock.js";
import { chatLock } from "../../src/bot/middlewares/chat-lock.js";
import { dedupe, type UpdateGuards, type UpdateLedger } from "../../src/bot/middlewares/dedupe.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A chat's lock as a mutex in memory; taking it with the claim is slow (one round trip more
 * than a plain claim), so a later update of the chat could overtake the first into the
 * per-chat queue while the first already holds the lock.
 */
function guardsWithSlowFirstClaim() {
  const holders = new Map<string, Promise<void>>();
  const acquire = async (key: string) => {
    while (holders.has(key)) await holders.get(key);
    let free!: () => void;
    holders.set(key, new Promise<void>((resolve) => (free = resolve)));
    return () => {
      holders.delete(key);
      free();
    };
  };
  const held = (unlock: () => void, attempts?: number): HeldChatLock => ({
    earlierUnfinished: false,
    ...(attempts === undefined ? {} : { claimAttempts: attempts }),
    recheck: async () => false,
    release: async () => {
      unlock();
      return true;
    },
  });
  const chatLocks = {
    take: async (key: string, _check?: unknown, claim?: unknown) => {
      const unlock = await acquire(key);
      // The claim's statement took the lock; its answer is on its way.
      if (claim) await sleep(50);
      return held(unlock, claim ? 1 : undefined);
    },
  } as unknown as ChatLocks;
  const ledger = {
    instanceId: "test",
    leaseMs: 15_000,
    claimStatement: () => ({ text: "", values: [] }),
    settle: async (_u: Update, attempts: number | null | undefined) =>
      attempts ? { status: "claimed", attempts } : { status: "duplicate" },
    claim: async () => ({ status: "claimed", attempts: 1 }),
    heartbeat: async () => {},
    complete: async () => {},
    release: async () => {},
    hasEarlierUnfinished: async () => false,
  } as unknown as UpdateLedger;
  return { ledger, chatLocks } satisfies UpdateGuards;
}

describe("one chat's updates in the order they came", () => {
  it("a later update does not overtake the first, which holds the chat's lock from its claim", async () => {
    const guards = guardsWithSlowFirstClaim();
    const handled: number[] = [];
    const bot = new Composer<BotContext>();
    bot.use(dedupe(guards));
    bot.use(sequentialize((ctx) => ctx.chat?.id.toString()));
    bot.use(chatLock(guards));
    bot.use(async (ctx) => {
      handled.push(ctx.update.update_id);
    });
    const run = bot.middleware();
    const update = (id: number) =>
      ({
        update: {
          update_id: id,
          message: { message_id: id, date: 0, chat: { id: 5, type: "private" }, from: { id: 5 }, text: "x" },
        },
        chat: { id: 5, type: "private" },
        from: { id: 5 },
      }) as unknown as BotContext;
    const all = Promise.all([1, 2, 3].map((id) => run(update(id), async () => {})));
    const outcome = await Promise.race([all.then(() => "done"), sleep(2000).then(() => "stuck")]);
    expect(outcome).toBe("done");
    expect(handled).toEqual([1, 2, 3]);
  });
});
