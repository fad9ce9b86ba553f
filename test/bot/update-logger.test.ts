import { Writable } from "node:stream";
import pino from "pino";
import { describe, expect, it, vi } from "vitest";
import type { BotContext, BotDeps } from "../../src/bot/context.js";
import { attachDeps, bindLog } from "../../src/bot/middlewares/context.js";

describe("the update's logger", () => {
  const setup = () => {
    const lines: Record<string, unknown>[] = [];
    const logger = pino(
      { level: "info" },
      new Writable({
        write(chunk, _enc, done) {
          lines.push(JSON.parse(String(chunk)));
          done();
        },
      }),
    );
    const child = vi.spyOn(logger, "child");
    const ctx = { update: { update_id: 5 }, chat: { id: 9 } } as unknown as BotContext;
    const deps = { logger, services: {}, clock: {} } as unknown as BotDeps;
    return { lines, child, ctx, deps };
  };

  it("is made only when something logs, with the update, chat and user bound", async () => {
    const { lines, child, ctx, deps } = setup();
    await attachDeps(deps)(ctx, async () => {
      bindLog(ctx, { userId: 3, personId: 4 });
      expect(child).not.toHaveBeenCalled();
      ctx.log.info("hello");
      ctx.log.info("again");
    });
    expect(child).toHaveBeenCalledTimes(1);
    expect(lines.map((l) => [l.msg, l.updateId, l.chatId, l.userId, l.personId])).toEqual([
      ["hello", 5, 9, 3, 4],
      ["again", 5, 9, 3, 4],
    ]);
  });

  it("takes bindings added after its first use", async () => {
    const { lines, ctx, deps } = setup();
    await attachDeps(deps)(ctx, async () => {
      ctx.log.info("first");
      bindLog(ctx, { userId: 3 });
      ctx.log.info("second");
    });
    expect(lines.map((l) => [l.msg, l.updateId, l.userId])).toEqual([
      ["first", 5, undefined],
      ["second", 5, 3],
    ]);
  });
});
