/**
 * The Messenger webhook and bridge: verification, signatures, duplicates, order, stale
 * buttons, long option lists, and what the rendering does with Telegram-shaped messages.
 */
import { describe, expect, it } from "vitest";
import { signBody } from "../../src/messenger/bridge.js";
import { enqueue } from "../../src/scheduling/outbox.js";
import { htmlToText, LIMITS, render, splitText } from "../../src/messenger/render.js";
import { messengerRoutes, startMessengerServer } from "../../src/messenger/routes.js";
import { checkMessage } from "../../src/sandbox/messenger-emulator.js";
import { useTestDatabase } from "../support/db.js";
import { MESSENGER, messengerWorld } from "./support.js";

describe("the Messenger webhook", () => {
  const db = useTestDatabase();

  it("answers Meta's verification only with the right token", async () => {
    const w = await messengerWorld(db);
    const app = messengerRoutes(w.bridge);
    const ok = await app.request(
      `/messenger?hub.mode=subscribe&hub.verify_token=${MESSENGER.verifyToken}&hub.challenge=12345`,
    );
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe("12345");
    const bad = await app.request("/messenger?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1");
    expect(bad.status).toBe(403);
  });

  it("is served over HTTP on its own port (long polling mode): verification, 403, 200", async () => {
    const w = await messengerWorld(db);
    const server = await startMessengerServer(w.bridge, 0, "127.0.0.1");
    try {
      const base = `http://127.0.0.1:${server.port}/messenger`;
      const verify = await fetch(
        `${base}?hub.mode=subscribe&hub.verify_token=${MESSENGER.verifyToken}&hub.challenge=c1`,
      );
      expect(await verify.text()).toBe("c1");
      const raw = JSON.stringify({
        object: "page",
        entry: [
          {
            id: MESSENGER.pageId,
            time: 1,
            messaging: [
              {
                sender: { id: "992" },
                recipient: { id: MESSENGER.pageId },
                timestamp: Date.parse("2026-03-10T01:00:00Z"),
                message: { mid: "h1", text: "/start" },
              },
            ],
          },
        ],
      });
      w.emulator.lastInbound.set("992", w.tb.clock.now().getTime()); // posted here, not by the emulator
      const forged = await fetch(base, {
        method: "POST",
        body: raw,
        headers: { "x-hub-signature-256": signBody(raw, "f".repeat(32)) },
      });
      expect(forged.status).toBe(403);
      const ok = await fetch(base, {
        method: "POST",
        body: raw,
        headers: { "x-hub-signature-256": signBody(raw, MESSENGER.appSecret) },
      });
      expect(ok.status).toBe(200);
      await w.bridge.idle();
      expect(w.emulator.thread("992").at(-1)?.text).toContain("Choose your language");
    } finally {
      await server.stop();
    }
  });

  it("refuses a body whose signature does not match (403) and handles nothing of it", async () => {
    const w = await messengerWorld(db);
    const app = messengerRoutes(w.bridge);
    const raw = JSON.stringify({
      object: "page",
      entry: [
        {
          id: MESSENGER.pageId,
          time: 1,
          messaging: [
            {
              sender: { id: "991" },
              recipient: { id: MESSENGER.pageId },
              timestamp: 1,
              message: { mid: "x1", text: "hi" },
            },
          ],
        },
      ],
    });
    for (const signature of [undefined, "sha256=00", signBody(raw, "another-secret-0000000000000000")]) {
      const res = await app.request("/messenger", {
        method: "POST",
        body: raw,
        headers: signature ? { "x-hub-signature-256": signature } : {},
      });
      expect(res.status).toBe(403);
    }
    const good = await app.request("/messenger", {
      method: "POST",
      body: raw,
      headers: { "x-hub-signature-256": signBody(raw, MESSENGER.appSecret) },
    });
    expect(good.status).toBe(200);
    await w.bridge.idle();
    expect(await w.prisma.user.count({ where: { channel: "MESSENGER" } })).toBe(1);
  });

  it("handles the same mid once, and a body's events of one person in timestamp order", async () => {
    const w = await messengerWorld(db);
    const u = w.emulator.user("24600000000011");
    await u.getStarted();
    await u.tap("🇬🇧 English");
    await u.send("/help");
    const before = u.all().length;
    await u.repeatLast();
    expect(u.all().length).toBe(before);

    // Two events in one body, the later one first: handled in timestamp order.
    const mk = (mid: string, text: string, timestamp: number) => ({
      sender: { id: u.psid },
      recipient: { id: MESSENGER.pageId },
      timestamp,
      message: { mid, text },
    });
    const now = w.tb.clock.now().getTime();
    await w.emulator.postRaw(
      JSON.stringify({
        object: "page",
        entry: [
          {
            id: MESSENGER.pageId,
            time: now,
            messaging: [mk("o2", "/menu", now + 2), mk("o1", "/language", now + 1)],
          },
        ],
      }),
    );
    const last = u.all().slice(-2);
    expect(last[0]?.text).toContain("Хэлээ сонгоно уу");
    expect(last[1]?.text).toContain("Main menu");
    expect(w.emulator.violations).toEqual([]);
  });

  it("answers a tap on a removed keyboard as stale, and a forged payload too", async () => {
    const w = await messengerWorld(db);
    const u = w.emulator.user("24600000000012");
    await u.getStarted();
    const languageQuestion = u.quickReplies();
    await u.tap("🇬🇧 English");
    const old = languageQuestion.find((q) => q.title === "🇬🇧 English");
    await u.tapPayload(old?.payload as string, "🇬🇧 English");
    expect(u.text()).toContain("This button is no longer active");
    await u.tapPayload("999999~pc:wdy:1");
    expect(u.text()).toContain("This button is no longer active");
    expect(w.emulator.violations).toEqual([]);
  });

  it("answers stickers, reactions, locations and edits outside a conversation", async () => {
    const w = await messengerWorld(db);
    const u = w.emulator.user("24600000000013");
    await u.getStarted();
    await u.tap("🇬🇧 English");
    for (const act of [() => u.sticker(), () => u.react(), () => u.location(), () => u.audio()]) {
      await act();
      expect(u.text().length).toBeGreaterThan(0);
    }
    await u.edit("changed");
    expect(u.text()).toMatch(/edit/i);
    expect(w.emulator.violations).toEqual([]);
  });

  it("lists more organisations than quick replies can hold: numbers, typed or tapped, and More ›", async () => {
    const w = await messengerWorld(db);
    for (let i = 1; i <= 14; i++) {
      await w.prisma.organization.create({
        data: { slug: `soum${i}`, name: `Сум ${i}`, nameEn: `Soum number ${i} Governor's Office` },
      });
    }
    const u = w.emulator.user("24600000000015");
    await u.getStarted();
    await u.tap("🇬🇧 English");
    await u.tap("📝 File a petition");
    const list = u.lastText();
    expect(list).toContain("Which organisation is your petition for?");
    expect(list).toMatch(/^1\. Aimag Governor's Office$/m);
    expect(list).toMatch(/^17\. ✖️ Cancel$/m);
    expect(u.quickReplies()).toHaveLength(13);
    await u.tap("More ›");
    expect(u.text()).toContain("More options");
    expect(u.quickReplies().map((q) => q.title)).toContain("17. ✖️ Cancel");
    await u.send("2");
    expect(u.text()).toContain("What kind of petition is it?");
    const draft = await w.prisma.conversationState.count({ where: { key: { startsWith: "messenger:" } } });
    expect(draft).toBeGreaterThan(0);
    expect(w.emulator.violations).toEqual([]);
  });

  it("an answer outside the 24-hour window waits and comes with the citizen's next message", async () => {
    const w = await messengerWorld(db);
    const u = w.emulator.user("24600000000016");
    await u.getStarted();
    await u.tap("🇬🇧 English");
    const user = await w.prisma.user.findFirstOrThrow({ where: { channel: "MESSENGER" } });
    w.tb.clock.advanceDays(2);
    await enqueue(w.prisma, {
      userId: user.id,
      kind: "petition.answered",
      dedupeKey: "window-test",
      payload: { key: "common:menu.title" },
    });
    await w.deliverOutbox();
    expect(
      w.emulator.refusals.length + (await w.prisma.notification.count({ where: { status: "HELD" } })),
    ).toBeGreaterThan(0);
    const before = u.all().length;
    await u.send("hello");
    await w.deliverOutbox();
    expect(u.all().length).toBeGreaterThan(before + 1);
    expect(await w.prisma.notification.count({ where: { status: "HELD" } })).toBe(0);
  });

  it("sets Get Started and the persistent menu in both languages", async () => {
    const w = await messengerWorld(db);
    expect(w.emulator.profile.get_started).toEqual({ payload: "GET_STARTED" });
    const menus = w.emulator.profile.persistent_menu as {
      locale: string;
      call_to_actions: { title: string }[];
    }[];
    expect(menus.map((m) => m.locale)).toContain("default");
    expect(menus[0]?.call_to_actions.map((a) => a.title)).toEqual([
      "📝 Өргөдөл гаргах",
      "📂 Миний өргөдлүүд",
      "🌐 Хэл / Language",
      "❓ Тусламж",
    ]);
    const u = w.emulator.user("24600000000014");
    await u.getStarted();
    await u.tap("🇬🇧 English");
    await u.menu("📂 Миний өргөдлүүд");
    expect(u.text()).toMatch(/no petitions|not filed/i);
  });
});

describe("rendering for Messenger", () => {
  const noShort = () => undefined;

  it("turns Telegram HTML into plain text with *bold*", () => {
    expect(htmlToText('<b>ӨГ-2026-000001</b> &amp; <i>text</i> <a href="https://x.mn">site</a>')).toBe(
      "*ӨГ-2026-000001* & _text_ site (https://x.mn)",
    );
  });

  it("splits long text at line or word boundaries within 2000 characters", () => {
    const words = Array.from({ length: 900 }, (_, i) => `word${i}`).join(" ");
    const parts = splitText(words);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect([...p].length).toBeLessThanOrEqual(LIMITS.text);
    expect(parts.join(" ")).toBe(words);
  });

  it("lists more than 13 options as numbers with pages, never cutting a word", () => {
    const buttons = Array.from({ length: 20 }, (_, i) => ({
      label: `Soum number ${i + 1} Governor's Office`,
      data: `opt:${i}`,
    }));
    const r = render({
      text: "Which one?",
      html: false,
      buttons,
      phone: false,
      messageId: 7,
      shortLabel: noShort,
      moreLabel: "More ›",
    });
    expect(r.numbered).toHaveLength(20);
    const last = r.messages.at(-1);
    expect(last?.text).toContain("20. Soum number 20 Governor's Office");
    expect(last?.quick_replies).toHaveLength(13);
    expect(last?.quick_replies?.at(-1)?.title).toBe("More ›");
    for (const q of last?.quick_replies ?? []) {
      expect(checkMessage({ text: "x", quick_replies: [q] })).toBeNull();
      expect(q.title).toMatch(/^(\d+\. (\S+ )*\S+(…)?|\d+|More ›)$/);
    }
  });

  it("uses the short label of the locales for a long one, and the phone quick reply", () => {
    const r = render({
      text: "Menu",
      html: false,
      buttons: [{ label: "A label that is far too long for it", data: "x" }],
      phone: true,
      messageId: 1,
      shortLabel: (l) => (l.startsWith("A label") ? "Short one" : undefined),
      moreLabel: "More ›",
    });
    expect(r.messages[0]?.quick_replies).toEqual([
      { content_type: "text", title: "Short one", payload: "1~x" },
      { content_type: "user_phone_number" },
    ]);
  });

  it("the emulator refuses what the platform refuses", () => {
    expect(checkMessage({ text: "x".repeat(2001) })).toMatch(/text length/);
    expect(checkMessage({ text: "<b>bold</b>" })).toMatch(/HTML/);
    expect(
      checkMessage({
        text: "x",
        quick_replies: Array.from({ length: 14 }, () => ({ content_type: "text", title: "a", payload: "p" })),
      }),
    ).toMatch(/14 quick replies/);
    expect(
      checkMessage({
        text: "x",
        quick_replies: [{ content_type: "text", title: "x".repeat(21), payload: "p" }],
      }),
    ).toMatch(/title/);
    expect(
      checkMessage({
        attachment: {
          type: "template",
          payload: {
            template_type: "button",
            text: "t",
            buttons: [1, 2, 3, 4].map((i) => ({ type: "postback", title: `b${i}`, payload: "p" })),
          },
        },
      }),
    ).toMatch(/4 template buttons/);
  });
});
