/**
 * The file store and the 24-hour window end to end: a citizen on Messenger (signed webhook
 * events through the bridge, the Messenger emulator enforcing the platform's rules by the
 * test clock) and staff on Telegram (the Bot API emulator), one outbox.
 */
import { afterEach, describe, expect, it } from "vitest";
import { FileStore, messengerFiles } from "../../src/files/index.js";
import { MessengerBridge } from "../../src/messenger/bridge.js";
import { MessengerEmulator } from "../../src/sandbox/messenger-emulator.js";
import { noteInboundEvent } from "../../src/scheduling/messenger-window.js";
import { useTestDatabase } from "../support/db.js";
import { PETITION_TEXT, petitionWorld } from "../bot/petitions-support.js";
import { MESSENGER } from "../messenger/support.js";
import { drain, routedWorker } from "./messenger-support.js";

const PHOTO = Buffer.from([0xff, 0xd8, 0xff, 0xe0, ...Buffer.from("photo of the allowance certificate")]);
const HOUR = 3600_000;

async function world(db: Parameters<typeof petitionWorld>[0]) {
  const w = await petitionWorld(db);
  const { tb, prisma } = w;
  const emulator = new MessengerEmulator({
    pageId: MESSENGER.pageId,
    appSecret: MESSENGER.appSecret,
    root: MESSENGER.graphRoot,
    now: () => tb.clock.now().getTime(),
  });
  const files = new FileStore({ prisma, telegram: tb.bot.api });
  const bridge = new MessengerBridge({
    deps: tb.deps,
    config: MESSENGER,
    graphFetch: emulator.fetch,
    files: messengerFiles(files),
    onInbound: (userId, at) => noteInboundEvent(prisma, userId, at),
    floodLimit: { max: 100_000, windowMs: 1000 },
  });
  await bridge.init();
  emulator.deliver = async (raw, signature) => {
    const r = await bridge.receive(raw, signature);
    if (r.status !== 200) throw new Error(`webhook answered ${r.status}`);
    await bridge.idle();
  };
  const worker = routedWorker(tb, files, bridge.api);
  return { ...w, emulator, files, bridge, worker };
}

describe("a Messenger citizen and Telegram staff", () => {
  const db = useTestDatabase();
  let w: Awaited<ReturnType<typeof world>> | undefined;
  afterEach(() => {
    // Nothing was sent that the platform would refuse (outside the window, over a limit).
    if (w) expect(w.emulator.violations).toEqual([]);
    w = undefined;
  });

  it("files with a photo, is told how news reaches them; staff get the photo; a late answer waits and comes with its letter when they write", async () => {
    w = await world(db);
    const { prisma, tb, chats, emulator, worker } = w;
    const u = emulator.user("24600000000099");

    await u.getStarted();
    await u.tap("🇬🇧 English");
    await u.tap("📝 File a petition");
    await u.send("1"); // the first listed organisation: the aimag office
    await u.tap("Request");
    await u.tap("Social welfare");
    await u.send(PETITION_TEXT);
    await u.sendImage({ bytes: PHOTO });
    expect(u.text()).toContain("Attached (1 of 5)");
    await u.tap("✅ Done");
    await u.send("B. Bold");
    await u.sharePhone("+97699112233");
    await u.tap("✅ I agree");
    await u.tap("✅ Submit");
    expect(u.text()).toContain("Your petition is registered.");
    expect(u.text()).toContain("write to this chat any time to receive news");
    expect(u.text()).toContain("The menu shows your petitions");

    // The photo is in the store; the official on Telegram gets it uploaded from there.
    const p = await prisma.petition.findFirstOrThrow({ include: { attachments: true } });
    expect(p.channel).toBe("MESSENGER");
    expect(p.attachments.map((a) => a.fileId)).toEqual([expect.stringMatching(/^sf:\d+$/)]);
    await drain(worker);
    await chats.official.pressData(`pt:open:${p.id}`);
    await chats.official.press("📎 Send the files");
    const sent = chats.official.all().at(-1)!;
    expect(sent.file?.kind).toBe("photo");
    expect(tb.emulator.file(sent.file!.fileId)?.data.equals(PHOTO)).toBe(true);

    // Two days later the official asks and answers with a letter: the citizen is outside the window.
    tb.clock.set(new Date(tb.clock.now().getTime() + 48 * HOUR));
    const letter = tb.emulator.storeFile(
      "answer-letter.pdf",
      "application/pdf",
      Buffer.from("%PDF-1.4 answer"),
    );
    const { official } = chats;
    await official.pressData(`pt:acc:${p.id}`);
    await official.pressData(`pt:ask:${p.id}`);
    await official.send("Which bank account was the allowance paid to before January?");
    await official.pressData(`pt:ans:${p.id}`);
    await official.send("The allowance for January and February was paid to your account on 14 March.");
    await official.sendDocument({ fileId: letter.fileId, name: "answer-letter.pdf" });
    await official.press("📨 Send the answer");
    const before = u.all().length;
    expect((await drain(worker)).held).toBe(2);
    expect(u.all()).toHaveLength(before);
    expect(emulator.refusals).toEqual([]);
    await official.pressData(`pt:open:${p.id}`);
    expect(official.text()).toContain("Not reached on Messenger since 2026.03.12");

    // The citizen writes anything: the question, the answer and the letter arrive, in order.
    await u.send("hello");
    await drain(worker);
    const news = u.all().slice(-3);
    expect(news[0]?.text).toContain("we need more information about your petition");
    expect(news[1]?.text).toContain("the answer to your petition");
    expect(news[2]?.attachment?.type).toBe("file");
    expect(news.map((m) => m.messagingType)).toEqual(["UPDATE", "UPDATE", "UPDATE"]);
    const stored = await prisma.storedFile.findMany({ orderBy: { id: "asc" } });
    expect(stored.map((s) => [s.telegramFileId !== null, s.messengerAttachmentId !== null])).toEqual([
      [true, false],
      [true, true],
    ]);
    await official.pressData(`pt:open:${p.id}`);
    expect(official.text()).not.toContain("Not reached on Messenger");
  });
});
