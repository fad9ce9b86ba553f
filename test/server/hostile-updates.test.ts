/**
 * Updates PostgreSQL cannot store as they are: U+0000 in a text, a caption or a first name,
 * an unpaired surrogate, a body nested 200,000 levels deep. Through the webhook (the
 * ledger stores every update as jsonb): each is accepted, stored, answered and done.
 */
import { afterEach, describe, expect, it } from "vitest";
import {
  botMessages,
  type Instance,
  newEmulator,
  startInstance,
  textUpdate,
  useServerDatabase,
} from "./support.js";

describe("updates with characters or nesting the database refuses", () => {
  const server = useServerDatabase();
  const running: Instance[] = [];
  afterEach(async () => {
    for (const i of running.splice(0)) await i.stop();
  });

  async function deliver(update: unknown, chatId: number) {
    const emulator = newEmulator();
    const instance = await startInstance(server().db, { url: server().url, emulator });
    running.push(instance);
    const body = typeof update === "string" ? update : JSON.stringify(update);
    const res = await instance.post(body);
    expect(res.status).toBe(200);
    await instance.server.processor.drain();
    const rows = await server().db.prisma.processedUpdate.findMany();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.doneAt).not.toBeNull();
    return botMessages(emulator, chatId);
  }

  it("U+0000 in a command's text: removed, the command answered", async () => {
    const replies = await deliver(textUpdate(8101, "/st\u0000art", 8101), 8101);
    expect(replies).toHaveLength(1);
    expect(replies[0]!.buttons?.flat().map((b) => b.data)).toEqual(["lang:set:mn", "lang:set:en"]);
  });

  it("U+0000 in the first name and the text: the user is stored without it", async () => {
    const update = textUpdate(8102, "hello\u0000", 8102) as unknown as {
      message: { from: { first_name: string; last_name?: string }; chat: { first_name: string } };
    };
    update.message.from.first_name = "Bo\u0000ld";
    update.message.from.last_name = "\u0000";
    update.message.chat.first_name = "Bo\u0000ld";
    const replies = await deliver(update, 8102);
    expect(replies.length).toBeGreaterThan(0);
    expect(await server().db.prisma.user.count()).toBe(1);
  });

  it("U+0000 in a caption: answered", async () => {
    const update = {
      update_id: 8103,
      message: {
        message_id: 1,
        date: 1773108000,
        chat: { id: 8103, type: "private", first_name: "A" },
        from: { id: 8103, is_bot: false, first_name: "A", language_code: "en" },
        photo: [{ file_id: "p", file_unique_id: "pu", width: 10, height: 10 }],
        caption: "look\u0000 here",
      },
    };
    expect((await deliver(update, 8103)).length).toBeGreaterThan(0);
  });

  it("an unpaired surrogate (half an emoji): replaced, answered", async () => {
    // JSON.stringify writes a lone surrogate as the escape \ud83d, as a client could.
    const replies = await deliver(textUpdate(8104, "/start \ud83d", 8104), 8104);
    expect(replies).toHaveLength(1);
  });

  it("a body nested 200,000 levels deep: stored cut off and handled", async () => {
    const depth = 200_000;
    const base = JSON.stringify(textUpdate(8105, "/start", 8105));
    const body = `${base.slice(0, -1)},"deep":${"[".repeat(depth)}${"]".repeat(depth)}}`;
    const replies = await deliver(body, 8105);
    expect(replies).toHaveLength(1);
  });
});
