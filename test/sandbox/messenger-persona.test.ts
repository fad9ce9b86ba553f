/**
 * The sandbox's Messenger persona through the page's API: a citizen files a petition on
 * Facebook Messenger (Get Started, quick replies, typed text, the phone-number quick reply),
 * and the 24-hour window follows the sandbox clock: a message two days later is held, which
 * the conversation says, until the citizen writes; a message the platform refuses is shown.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/index.js";
import { enqueue } from "../../src/scheduling/outbox.js";
import type { MessengerChatMessage } from "../../src/sandbox/messenger-persona.js";
import type { ChatView } from "../../src/sandbox/sandbox.js";
import { openTestDatabase } from "../support/db.js";
import { startTestSandbox, type TestSandbox } from "./support.js";

type MessengerChat = Omit<ChatView, "messages"> & { messages: MessengerChatMessage[] };

describe("the sandbox's Messenger persona", { timeout: 180_000 }, () => {
  let db: Database;
  let t: TestSandbox;
  const chat = () => t.api<MessengerChat>("/api/chats/messenger");
  const lastBot = async () => (await chat()).messages.filter((m) => m.from === "bot").at(-1)!;

  /** Taps a quick reply of the latest message or a card's button whose title starts like the label. */
  async function choose(label: string): Promise<void> {
    const messages = (await chat()).messages;
    const starts = (title: string) =>
      title === label || label.startsWith(title.replace(/^\d+\. /, "").replace(/…$/, ""));
    const quick = messages.at(-1)?.quickReplies?.find((q) => starts(q.title));
    const card = [...messages]
      .reverse()
      .flatMap((m) => m.card?.buttons ?? [])
      .find((b) => starts(b.title));
    const payload = quick?.payload ?? card?.payload;
    if (payload) {
      await t.api("/api/chats/messenger/press", { messageId: 0, data: payload });
      return;
    }
    const text = [...messages].reverse().find((m) => m.from === "bot" && m.text)?.text ?? "";
    const n = new RegExp(`^(\\d+)\\. ${label.slice(0, 12).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`, "m").exec(
      text,
    )?.[1];
    if (!n) throw new Error(`No option "${label}" in: ${JSON.stringify(messages.at(-1))}`);
    await t.api("/api/chats/messenger/messages", { text: n });
  }

  beforeAll(async () => {
    db = await openTestDatabase();
    t = await startTestSandbox(db);
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    await db?.close();
  });

  it("files a petition on Messenger with quick replies and the phone-number quick reply", async () => {
    const state = await t.api<{ personas: { id: string; channel: string }[] }>("/api/state");
    expect(state.personas.find((p) => p.id === "messenger")?.channel).toBe("messenger");
    await t.api("/api/chats/messenger/messages", { text: "/start" });
    const first = await chat();
    expect(first.channel).toBe("messenger");
    expect(first.messages[0]).toMatchObject({ from: "user", text: "Get Started" });
    expect((await lastBot()).quickReplies?.map((q) => q.title)).toContain("🇬🇧 English");
    await choose("🇬🇧 English");
    await choose("📝 File a petition");
    await choose("Aimag Governor's Office");
    await choose("Request");
    await choose("Public and online services");
    await t.api("/api/chats/messenger/messages", {
      text: "The queue ticket machine at the public service centre has not worked for a week. Please repair it.",
    });
    expect((await lastBot()).text).toContain("attach");
    const upload = await fetch(`${t.url}/api/chats/messenger/files?name=scan.pdf`, {
      method: "POST",
      headers: { "content-type": "application/pdf" },
      body: Buffer.from("%PDF-1.4 a scanned letter"),
    });
    expect(upload.status).toBe(200);
    expect((await lastBot()).text).toContain("1. scan.pdf");
    await choose("✅ Done");
    await t.api("/api/chats/messenger/messages", { text: "N. Oyuunchimeg" });
    const phone = (await lastBot()).quickReplies?.find((q) => q.phone);
    expect(phone).toBeDefined();
    await t.api("/api/chats/messenger/press", { messageId: 0, data: phone!.payload });
    await choose("✅ I agree");
    await choose("✅ Submit");
    const texts = (await chat()).messages.map((m) => m.text ?? "").join("\n");
    expect(texts.slice(-1500)).toMatch(/ӨГ-2026-\d{6}/);
    expect((await chat()).messages.some((m) => m.error)).toBe(false);
  });

  it("holds what the office sends once the 24-hour window has closed, and says so", async () => {
    // A message to the citizen two days later: outside the window, held.
    await t.api("/api/clock", { step: "1d" });
    await t.api("/api/clock", { step: "1d" });
    const prisma = db.prisma;
    const user = await prisma.user.findFirstOrThrow({ where: { channel: "MESSENGER" } });
    await enqueue(prisma, {
      userId: user.id,
      kind: "petition.answered",
      dedupeKey: "sandbox-window-test",
      payload: { key: "common:menu.title" },
    });
    await t.api("/api/clock", { step: "1h" });
    const messages = (await chat()).messages;
    expect(messages.at(-1)?.error).toContain("1 message held");

    // Writing again opens the window: the held message arrives, the notice goes.
    await t.api("/api/chats/messenger/messages", { text: "hello" });
    const after = (await chat()).messages;
    expect(after.some((m) => m.error)).toBe(false);
    expect(after.filter((m) => m.from === "bot").some((m) => m.messageId > messages.length - 1)).toBe(true);
  });

  it("shows a message the platform refuses (a broken limit) as an error in the conversation", async () => {
    const psid = "24600000000880";
    await t.sandbox.messenger.bridge.graph
      .send({ recipient: { id: psid }, messaging_type: "RESPONSE", message: { text: "x".repeat(2001) } })
      .catch(() => undefined);
    const messages = (await chat()).messages;
    expect(messages.at(-1)?.error).toContain("text length 2001");
  });
});
