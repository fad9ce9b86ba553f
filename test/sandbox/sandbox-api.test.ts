/**
 * The sandbox through its HTTP API, as the page uses it: personas, chats, sending as a
 * persona, notifications with unread marks, files both ways, the clock and reset. One
 * sandbox (seeded once) serves the whole file; the tests run in order.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { InputFile } from "grammy";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/index.js";
import { actorForUser } from "../../src/directory/users.js";
import { PetitionService } from "../../src/petitions/index.js";
import type { ChatMessage } from "../../src/sandbox/bot-api-emulator.js";
import { PERSONAS } from "../../src/sandbox/personas.js";
import type { AdvanceResult, ChatView, PersonaView, SandboxStatus } from "../../src/sandbox/sandbox.js";
import { seedSandbox } from "../../src/sandbox/seed.js";
import { openTestDatabase } from "../support/db.js";
import { SANDBOX_START, startTestSandbox, type TestSandbox } from "./support.js";

type State = SandboxStatus & { personas: PersonaView[] };

/** A tiny valid PNG (1×1 pixel). */
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  "base64",
);

describe("sandbox API", () => {
  let db: Database;
  let t: TestSandbox;
  const state = () => t.api<State>("/api/state");
  const persona = async (id: string) => (await state()).personas.find((p) => p.id === id)!;
  const chat = (id: string) => t.api<ChatView>(`/api/chats/${id}`);
  const botTexts = async (id: string) =>
    (await chat(id)).messages.filter((m) => m.from === "bot").map((m) => m.text ?? "");
  const telegramIdOf = (id: string) => PERSONAS.find((p) => p.id === id)!.telegramId;

  beforeAll(async () => {
    db = await openTestDatabase();
    t = await startTestSandbox(db);
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    await db?.close();
  });

  it("lists the personas of the demo organisation, staff linked to their person", async () => {
    const s = await state();
    const ids = s.personas.map((p) => p.id);
    expect(ids).toEqual(expect.arrayContaining(["citizen", "visitor", "official", "head", "clerk", "admin"]));
    expect(ids).toContain("evaluator");
    const official = s.personas.find((p) => p.id === "official")!;
    expect(official).toMatchObject({ name: "Ч.Дүүрэнбилиг", kind: "staff", linked: true });
    expect(official.unit).toContain("Хөгжлийн бодлого");
    expect(s.personas.find((p) => p.id === "newcomer")).toMatchObject({ linked: false, unread: 0 });
    // Staff chats show the staff's commands, as after accepting an invite.
    expect((await chat("official")).commands.map((c) => c.command)).toContain("report");
    expect(s.now).toBe(new Date(SANDBOX_START).toISOString());
    expect(s.timeZone).toBe("Asia/Ulaanbaatar");
  });

  it("delivers what the demo data caused: the official has the seeded assignments, unread", async () => {
    const official = await persona("official");
    expect(official.unread).toBeGreaterThan(0);
    const texts = await botTexts("official");
    expect(texts.join("\n")).toMatch(/ӨГ-2026-00000\d/);
    // The answered petition reached the citizen.
    expect((await botTexts("citizen")).join("\n")).toContain("ӨГ-2026-000002");
    const rows = await db.prisma.petition.groupBy({ by: ["status"], _count: true });
    expect(rows.map((r) => r.status).sort()).toEqual(["ANSWERED", "ASSIGNED", "IN_PROGRESS", "REGISTERED"]);
  });

  it("marks a chat as read", async () => {
    await t.api("/api/chats/official/read", {});
    expect((await persona("official")).unread).toBe(0);
  });

  it("sends a text as a persona: the bot answers in that persona's chat only", async () => {
    const before = (await chat("head")).messages.length;
    await t.api("/api/chats/visitor/messages", { text: "/start" });
    const visitor = await chat("visitor");
    expect(visitor.messages.map((m) => [m.from, m.text?.slice(0, 15)])).toEqual([
      ["user", "/start"],
      ["bot", expect.stringContaining("Хэлээ сонгоно")],
    ]);
    const question = visitor.messages[1]!;
    expect(question.buttons?.flat().map((b) => b.text)).toEqual(["🇲🇳 Монгол", "🇬🇧 English"]);
    expect((await chat("head")).messages.length).toBe(before);

    await t.api("/api/chats/visitor/press", { messageId: question.messageId, data: "lang:set:en" });
    const texts = await botTexts("visitor");
    expect(texts.join("\n")).toContain("English it is");
    expect(texts.at(-1)).toContain("Hello! I am albabot");
    // The persona was acting in their chat: what the bot answered counts as read.
    expect((await persona("visitor")).unread).toBe(0);
    // The command list of the chat (setMyCommands), for the page's menu button.
    expect((await chat("visitor")).commands.map((c) => c.command)).toContain("start");
  });

  it("refuses buttons that are not (or no longer) in the chat, and unknown personas", async () => {
    const question = (await chat("visitor")).messages.find((m) => m.text?.includes("Choose your language"))!;
    await expect(
      t.api("/api/chats/visitor/press", { messageId: question.messageId, data: "lang:set:en" }),
    ).rejects.toThrow(/404: This button is no longer in the chat/);
    await expect(t.api("/api/chats/nobody")).rejects.toThrow(/404/);
    await expect(t.api("/api/chats/visitor/messages", { text: "  " })).rejects.toThrow(/400/);
  });

  it("shows a notification to another persona with an unread mark", async () => {
    // The clerk gives the land petition to the admin: the admin is told, in their chat.
    const petition = await db.prisma.petition.findFirstOrThrow({ where: { status: "IN_PROGRESS" } });
    const clerk = await db.prisma.user.findFirstOrThrow({
      where: { externalId: String(telegramIdOf("clerk")) },
    });
    const admin = await db.prisma.person.findFirstOrThrow({ where: { code: "temuulen" } });
    await new PetitionService({ prisma: db.prisma, clock: t.clock }).assign(
      await actorForUser(db.prisma, clerk.id),
      petition.id,
      { personId: admin.id, note: "Та хариулна уу." },
    );
    const before = (await persona("admin")).unread;
    await t.sandbox.pump();
    const after = await persona("admin");
    expect(after.unread).toBe(before + 1);
    expect(after.last?.text).toContain(petition.number);
    const last = (await chat("admin")).messages.at(-1)!;
    expect(last).toMatchObject({ from: "bot", html: true });
    expect(last.buttons?.flat().length).toBeGreaterThan(0);
  });

  it("takes a photo and a document from a persona and serves them back", async () => {
    const up = await fetch(`${t.url}/api/chats/citizen/files?name=street.png&caption=Гудамж`, {
      method: "POST",
      headers: { "content-type": "image/png" },
      body: PNG,
    });
    expect(up.status).toBe(200);
    const { fileId } = (await up.json()) as { fileId: string };
    const sent = (await chat("citizen")).messages.filter((m) => m.from === "user").at(-1)!;
    expect(sent.file).toMatchObject({ kind: "photo", fileId, name: "street.png", mimeType: "image/png" });
    expect(sent.text).toBe("Гудамж");

    const download = await fetch(`${t.url}/files/${fileId}`);
    expect(download.headers.get("content-type")).toBe("image/png");
    expect(Buffer.from(await download.arrayBuffer())).toEqual(PNG);

    // The bot's way: getFile, then <api root>/file/bot<token>/<file_path>.
    const getFile = await fetch(`${t.url}/bot0:sandbox/getFile`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ file_id: fileId }),
    });
    const { result } = (await getFile.json()) as { result: { file_path: string } };
    const viaBotApi = await fetch(`${t.url}/file/bot0:sandbox/${result.file_path}`);
    expect(Buffer.from(await viaBotApi.arrayBuffer())).toEqual(PNG);
    // ...and through the emulator as the bot's client fetch.
    const viaFetch = await t.sandbox.emulator.fetch(`${t.url}/file/bot0:sandbox/${result.file_path}`);
    expect(Buffer.from(await viaFetch.arrayBuffer())).toEqual(PNG);

    const pdf = Buffer.from("%PDF-1.4\n% sandbox test\n");
    await fetch(`${t.url}/api/chats/citizen/files?name=${encodeURIComponent("өргөдөл.pdf")}`, {
      method: "POST",
      headers: { "content-type": "application/pdf" },
      body: pdf,
    });
    const doc = (await chat("citizen")).messages.filter((m) => m.from === "user").at(-1)!;
    expect(doc.file).toMatchObject({ kind: "document", name: "өргөдөл.pdf", size: pdf.length });
    const docDownload = await fetch(`${t.url}/files/${doc.file!.fileId}?download`);
    expect(docDownload.headers.get("content-disposition")).toContain("attachment");
    expect(Buffer.from(await docDownload.arrayBuffer())).toEqual(pdf);
  });

  it("shows the files the bot sends, downloadable", async () => {
    const data = Buffer.from("report contents");
    await t.sandbox.bot.api.sendDocument(telegramIdOf("head"), new InputFile(data, "тайлан.docx"), {
      caption: "<b>Тайлан</b>",
      parse_mode: "HTML",
    });
    const m: ChatMessage = (await chat("head")).messages.at(-1)!;
    expect(m).toMatchObject({ from: "bot", text: "<b>Тайлан</b>", html: true });
    expect(m.file).toMatchObject({
      kind: "document",
      name: "тайлан.docx",
      mimeType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    });
    const res = await fetch(`${t.url}/files/${m.file!.fileId}`);
    expect(Buffer.from(await res.arrayBuffer())).toEqual(data);
    expect((await fetch(`${t.url}/files/Fnope`)).status).toBe(404);
  });

  it("shares the persona's phone number as a contact", async () => {
    await t.api("/api/chats/citizen/contact", {});
    const last = (await chat("citizen")).messages.filter((m) => m.from === "user").at(-1)!;
    expect(last.contact).toEqual({ phone: "+97699112233", name: "Болормаа Батжаргал" });
  });

  it("pushes changes as Server-Sent Events", async () => {
    const controller = new AbortController();
    const res = await fetch(`${t.url}/api/events`, { signal: controller.signal });
    const reader = res.body!.getReader();
    const received: string[] = [];
    const reading = (async () => {
      const decoder = new TextDecoder();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        received.push(decoder.decode(value));
        if (received.join("").includes('"persona":"visitor"')) return;
      }
    })();
    await t.api("/api/chats/visitor/messages", { text: "/help" });
    await reading;
    controller.abort();
    expect(received.join("")).toContain('{"type":"chat","persona":"visitor","change":"message"}');
  });

  it("moves the clock: the jobs of the hours passed run and their messages arrive", async () => {
    for (const id of ["clerk", "official", "head"]) await t.api(`/api/chats/${id}/read`, {});
    // A day: the overdue paper petition is escalated to the clerk at 09:00.
    const day = await t.api<AdvanceResult>("/api/clock", { step: "1d" });
    expect(day.now).toBe("2026-03-11T02:00:00.000Z");
    expect(day.slots).toBeGreaterThanOrEqual(24);
    expect(day.delivered).toBeGreaterThan(0);
    expect((await persona("clerk")).unread).toBeGreaterThan(0);
    expect((await state()).offsetMs).toBe(86_400_000);

    // A week: the Q1 report reminders (7 and 3 days before 20 March) and Monday's digest.
    const week = await t.api<AdvanceResult>("/api/clock", { step: "1w" });
    expect(week.now).toBe("2026-03-18T02:00:00.000Z");
    expect(week.delivered).toBeGreaterThan(0);
    const official = await db.prisma.notification.findMany({
      where: { user: { externalId: String(telegramIdOf("official")) }, kind: { startsWith: "report" } },
    });
    expect(official.map((n) => n.status)).toContain("SENT");
    const digests = await db.prisma.notification.findMany({ where: { kind: { startsWith: "digest" } } });
    expect(digests.length).toBeGreaterThan(0);
    expect((await persona("head")).unread).toBeGreaterThan(0);

    await expect(t.api("/api/clock", { step: "1y" })).rejects.toThrow(/400/);
  }, 300_000);

  it("resets the demo: chats emptied, clock back, demo data loaded again", async () => {
    await t.api("/api/reset", {});
    const s = await state();
    expect(s.now).toBe(new Date(SANDBOX_START).toISOString());
    expect((await chat("visitor")).messages).toEqual([]);
    expect(await db.prisma.petition.count()).toBe(5);
    expect(
      await db.prisma.petition.count({ where: { assignee: { code: "temuulen" }, status: "IN_PROGRESS" } }),
    ).toBe(0);
    // The demo's own notifications are delivered again.
    expect(s.personas.find((p) => p.id === "official")!.unread).toBeGreaterThan(0);
    expect(await db.prisma.user.count({ where: { personId: { not: null } } })).toBe(
      PERSONAS.filter((p) => p.kind === "staff").length,
    );
  });

  it("answers on localhost only", async () => {
    // fetch() does not let a page (or a test) choose the Host header: ask with node:http.
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${t.url}/api/state`, { headers: { host: "evil.example" } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      req.end();
    });
    expect(status).toBe(403);
  });
});

describe("sandbox state across a restart", () => {
  let db: Database;
  const dir = mkdtempSync(path.join(tmpdir(), "albabot-sandbox-"));

  beforeAll(async () => {
    db = await openTestDatabase();
  }, 60_000);

  afterAll(async () => {
    await db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("keeps the chats and files across a restart; seeding again changes nothing", async () => {
    const first = await startTestSandbox(db, { stateDir: dir });
    await first.api("/api/chats/visitor/messages", { text: "/start" });
    const up = await fetch(`${first.url}/api/chats/citizen/files?name=a.png`, {
      method: "POST",
      headers: { "content-type": "image/png" },
      body: PNG,
    });
    const { fileId } = (await up.json()) as { fileId: string };
    const counts = { petitions: await db.prisma.petition.count(), people: await db.prisma.person.count() };
    await first.close();

    const second = await startTestSandbox(db, { stateDir: dir });
    try {
      const visitor = await second.api<ChatView>("/api/chats/visitor");
      expect(visitor.messages.map((m) => m.from)).toEqual(["user", "bot"]);
      const file = await fetch(`${second.url}/files/${fileId}`);
      expect(Buffer.from(await file.arrayBuffer())).toEqual(PNG);
      const now = { petitions: await db.prisma.petition.count(), people: await db.prisma.person.count() };
      expect(now).toEqual(counts);
      await seedSandbox(db.prisma, second.clock);
      expect({ petitions: await db.prisma.petition.count(), people: await db.prisma.person.count() }).toEqual(
        now,
      );
      expect(await db.prisma.performancePlan.count({ where: { status: "APPROVED" } })).toBe(2);
    } finally {
      await second.close();
    }
  });
});
