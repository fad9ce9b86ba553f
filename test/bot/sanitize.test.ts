import type { Update } from "grammy/types";
import { describe, expect, it } from "vitest";
import { MAX_DEPTH, sanitizeUpdate } from "../../src/bot/middlewares/sanitize.js";

describe("sanitizeUpdate", () => {
  it("keeps plain text and whole emoji, removes NULs, replaces halves of emoji", () => {
    const update = {
      update_id: 1,
      message: {
        text: "Сайн байна уу 👍🏽",
        caption: "a\u0000b",
        entities: [{ type: "bold", offset: 0, length: 4 }],
        from: { first_name: "\uD83D", last_name: "x\uDC4Dy", username: "\uDC4D\uD83D" },
        "k\u0000ey": "v",
      },
    } as unknown as Update;
    const result = sanitizeUpdate(update);
    const m = update.message as unknown as Record<string, unknown> & { from: Record<string, string> };
    expect(m.text).toBe("Сайн байна уу 👍🏽");
    expect(m.caption).toBe("ab");
    expect(m.from).toEqual({ first_name: "\uFFFD", last_name: "x\uFFFDy", username: "\uFFFD\uFFFD" });
    expect(m.key).toBe("v");
    expect("k\u0000ey" in m).toBe(false);
    expect(result).toEqual({ cleaned: 5, pruned: 0 });
    expect(JSON.stringify(update)).not.toMatch(/\\u0000/);
  });

  it("cuts off what is nested deeper than MAX_DEPTH", () => {
    let deep: Record<string, unknown> = { leaf: "x" };
    for (let i = 0; i < MAX_DEPTH + 5; i++) deep = { d: deep };
    const update = { update_id: 2, message: { text: "hi", deep } } as unknown as Update;
    const result = sanitizeUpdate(update);
    expect(result.pruned).toBe(1);
    expect((update.message as unknown as { text: string }).text).toBe("hi");
  });
});
