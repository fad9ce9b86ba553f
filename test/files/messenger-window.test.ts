/**
 * Files between the channels and Messenger's 24-hour window in the outbox. Staff act through
 * the bot (Telegram); the Messenger citizen is a user row of the Page whose outbox messages
 * go through a recording Messenger Api, and whose inbound events are what the webhook
 * reports (`noteInboundEvent`).
 */
import { describe, expect, it } from "vitest";
import { FileStore, storeIncoming } from "../../src/files/index.js";
import { schedule } from "../../src/jobs/schedule.js";
import { JobRunner } from "../../src/scheduling/job-runner.js";
import { holdRow, noteInboundEvent } from "../../src/scheduling/messenger-window.js";
import { enqueue } from "../../src/scheduling/outbox.js";
import { useTestDatabase } from "../support/db.js";
import { PETITION_TEXT, petitionWorld } from "../bot/petitions-support.js";
import { drain, messengerCitizen, recordingMessengerApi, routedWorker } from "./messenger-support.js";

const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, ...Buffer.from("a citizen's photo of the document")]);
const HOUR = 3600_000;

type World = Awaited<ReturnType<typeof petitionWorld>>;

/** A welfare request filed on Messenger (routed to the official), and its number. */
async function messengerPetition(w: World, citizenId: number) {
  const result = await w.tb.deps.services.petitions.submitFromCitizen(citizenId, {
    orgId: w.fx.org.id,
    kind: "REQUEST",
    topicId: w.topics.welfare.id,
    text: PETITION_TEXT,
    attachments: [],
    anonymous: false,
    petitionerName: "B. Bold",
    phone: "+97699112233",
    consent: true,
  });
  return result;
}

/** The official accepts, asks a question and answers (with a letter) through the bot. */
async function askAndAnswer(w: World, petitionId: number, letterFileId?: string) {
  const { official } = w.chats;
  await official.pressData(`pt:acc:${petitionId}`);
  await official.pressData(`pt:ask:${petitionId}`);
  await official.send("Which bank account was the allowance paid to before January?");
  expect(official.text()).toContain("was sent to the petitioner");
  await official.pressData(`pt:ans:${petitionId}`);
  await official.send("The allowance for January and February was paid to your account on 14 March.");
  if (letterFileId) await official.sendDocument({ fileId: letterFileId, name: "answer-letter.pdf" });
  await official.press("📨 Send the answer");
  expect(official.text()).toContain("was sent to the petitioner.");
}

describe("files between Telegram staff and Messenger citizens", () => {
  const db = useTestDatabase();

  it("keeps a Messenger file once by content, refuses programs and oversize files without storing them", async () => {
    const { prisma } = db();
    const a = await storeIncoming(prisma, JPEG, "image/jpeg", null);
    const b = await storeIncoming(prisma, Buffer.from(JPEG), "image/jpeg", "again.jpg");
    expect(a.refused).toBeNull();
    expect(a.kind).toBe("PHOTO");
    expect(a.fileId).toMatch(/^sf:\d+$/);
    expect(b.fileId).toBe(a.fileId);
    expect(a.fileUniqueId).toMatch(/^[0-9a-f]{64}$/);

    const program = await storeIncoming(
      prisma,
      Buffer.from("MZ..."),
      "application/x-msdownload",
      "setup.exe",
    );
    expect(program.refused?.key).toBe("petitions:errors.fileTypeRefused");
    expect(program.kind).toBe("DOCUMENT");
    const big = await storeIncoming(prisma, Buffer.alloc(20 * 1024 * 1024 + 1), "application/pdf", "big.pdf");
    expect(big.refused?.key).toBe("petitions:errors.fileTooLarge");
    expect(await prisma.storedFile.count()).toBe(1);
  });

  it("a citizen's stored photo reaches the official on Telegram: uploaded once, then sent by the cached file_id", async () => {
    const w = await petitionWorld(db);
    const { prisma, tb, chats } = w;
    const files = new FileStore({ prisma, telegram: tb.bot.api });
    const photo = await storeIncoming(prisma, JPEG, "image/jpeg", null);

    // The photo arrives as the bridge hands it to the bot: a photo whose file id is the stored file.
    const c = chats.citizen;
    await c.send("/new");
    await c.press("Aimag Governor's Office");
    await c.press("Request");
    await c.press("Social welfare");
    await c.send(PETITION_TEXT);
    await c.sendPhoto({ fileId: photo.fileId, size: photo.size });
    expect(c.text()).toContain("Attached (1 of 5):\n1. photo");
    await c.press("✅ Done");
    await c.send("B. Bold");
    await c.shareContact("+97699112233");
    await c.press("✅ I agree");
    await c.press("✅ Submit");
    expect(c.text()).toContain("Your petition is registered.");
    const p = await prisma.petition.findFirstOrThrow({ include: { attachments: true } });
    expect(p.attachments.map((a) => a.fileId)).toEqual([photo.fileId]);

    // The official opens the card and asks for the files.
    await drain(routedWorker(tb, files, recordingMessengerApi(files).api));
    await chats.official.pressData(`pt:open:${p.id}`);
    await chats.official.press("📎 Send the files");
    const first = chats.official.all().at(-1)!;
    expect(first.file?.kind).toBe("photo");
    expect(first.file?.fileId).not.toBe(photo.fileId);
    expect(tb.emulator.file(first.file!.fileId)?.data.equals(JPEG)).toBe(true);
    const row = await prisma.storedFile.findFirstOrThrow();
    expect(row.telegramFileId).toBe(first.file?.fileId);

    // Again: no second upload, the cached file_id goes.
    const uploads = tb.emulator.calls.filter(
      (c) => c.method === "sendPhoto" && typeof c.payload.photo !== "string",
    ).length;
    await chats.official.pressData(`pt:open:${p.id}`);
    await chats.official.press("📎 Send the files");
    expect(chats.official.all().at(-1)?.file?.fileId).toBe(row.telegramFileId);
    expect(
      tb.emulator.calls.filter((c) => c.method === "sendPhoto" && typeof c.payload.photo !== "string").length,
    ).toBe(uploads);
  });

  it("the official's answer letter reaches the Messenger citizen: fetched from Telegram once, uploaded to the Page once", async () => {
    const w = await petitionWorld(db);
    const { prisma, tb } = w;
    const files = new FileStore({ prisma, telegram: tb.bot.api });
    const messenger = recordingMessengerApi(files);
    const worker = routedWorker(tb, files, messenger.api);
    const citizen = await messengerCitizen(prisma, tb.clock.now());
    const p = await messengerPetition(w, citizen.id);
    await drain(worker);

    const letter = tb.emulator.storeFile(
      "answer-letter.pdf",
      "application/pdf",
      Buffer.from("%PDF-1.4 letter"),
    );
    await askAndAnswer(w, p.id, letter.fileId);
    await noteInboundEvent(prisma, citizen.id, tb.clock.now());
    const stats = await drain(worker);
    expect(stats.held).toBe(0);

    const methods = messenger.calls.map((c) => c.method);
    expect(methods).toEqual(["sendMessage", "sendMessage", "sendDocument"]);
    expect(messenger.calls[0]?.text).toContain("we need more information about your petition");
    expect(messenger.calls[1]?.text).toContain("the answer to your petition");
    expect(messenger.calls.every((c) => c.messagingType === "UPDATE" && c.tag === undefined)).toBe(true);
    expect(messenger.calls.every((c) => c.chatId === Number(citizen.chatId))).toBe(true);
    expect(messenger.calls[2]?.attachmentId).toBe("att-1");
    expect(messenger.uploads).toHaveLength(1);
    expect(messenger.uploads[0]?.bytes.toString()).toBe("%PDF-1.4 letter");
    expect(messenger.uploads[0]?.type).toBe("file");

    const row = await prisma.storedFile.findFirstOrThrow();
    expect(row).toMatchObject({ telegramFileId: letter.fileId, messengerAttachmentId: "att-1" });
    // The same letter again (the citizen asks for the files): neither fetched nor uploaded again.
    const getFiles = tb.emulator.calls.filter((c) => c.method === "getFile").length;
    expect(getFiles).toBe(1);
    await messenger.api.sendDocument(Number(citizen.chatId), letter.fileId);
    expect(messenger.calls.at(-1)?.attachmentId).toBe("att-1");
    expect(messenger.uploads).toHaveLength(1);
    expect(tb.emulator.calls.filter((c) => c.method === "getFile").length).toBe(1);
  });
});

describe("Messenger's 24-hour window in the outbox", () => {
  const db = useTestDatabase();

  it("holds messages to a citizen who has not written for 24 hours, without retrying; their next message releases them in order", async () => {
    const w = await petitionWorld(db);
    const { prisma, tb, chats } = w;
    const files = new FileStore({ prisma, telegram: tb.bot.api });
    const messenger = recordingMessengerApi(files);
    const worker = routedWorker(tb, files, messenger.api);
    const citizen = await messengerCitizen(prisma, new Date(tb.clock.now().getTime() - 25 * HOUR));
    const p = await messengerPetition(w, citizen.id);
    await drain(worker);

    await askAndAnswer(w, p.id);
    const first = await drain(worker);
    expect(first.held).toBe(2);
    expect(messenger.calls).toEqual([]);
    const held = await prisma.notification.findMany({
      where: { userId: citizen.id },
      orderBy: { id: "asc" },
    });
    expect(held.map((n) => [n.kind, n.status, n.petitionId])).toEqual([
      ["petition.citizenQuestion", "HELD", p.id],
      ["petition.citizenAnswered", "HELD", p.id],
    ]);
    expect(held.every((n) => n.attempts === 0 && n.lastError === null)).toBe(true);

    // Neither failed nor retried: later rounds leave them alone.
    tb.clock.advanceDays(1);
    expect((await drain(worker)).claimed).toBe(0);

    // The staff card says since when the citizen is not reached.
    await chats.official.pressData(`pt:open:${p.id}`);
    expect(chats.official.text()).toContain("Not reached on Messenger since 2026.03.10");

    // The citizen writes (any event): both go, in their order, as updates.
    expect(await noteInboundEvent(prisma, citizen.id, tb.clock.now())).toBe(2);
    const second = await drain(worker);
    expect(second.sent).toBe(2);
    expect(messenger.calls.map((c) => c.text?.slice(0, 60))).toEqual([
      expect.stringContaining("we need more information"),
      expect.stringContaining("the answer to your petition"),
    ]);
    expect(messenger.calls.every((c) => c.messagingType === "UPDATE")).toBe(true);
    await chats.official.pressData(`pt:open:${p.id}`);
    expect(chats.official.text()).not.toContain("Not reached on Messenger");
  });

  it("a send the Page refuses as outside the window is held too, and an inbound event never goes backwards", async () => {
    const w = await petitionWorld(db);
    const { prisma, tb } = w;
    const files = new FileStore({ prisma, telegram: tb.bot.api });
    const messenger = recordingMessengerApi(files);
    const worker = routedWorker(tb, files, messenger.api);
    const now = tb.clock.now();
    const citizen = await messengerCitizen(prisma, now);
    const p = await messengerPetition(w, citizen.id);
    await drain(worker);
    messenger.refuseWindow = () => true;
    await askAndAnswer(w, p.id);
    const stats = await drain(worker);
    expect(stats).toMatchObject({ held: 2, failed: 0, retried: 0 });
    // Not tried again in a loop: they wait for the next inbound event.
    expect((await drain(worker)).claimed).toBe(0);
    expect(messenger.calls).toEqual([]);

    await noteInboundEvent(prisma, citizen.id, new Date(now.getTime() - 48 * HOUR));
    const user = await prisma.user.findUniqueOrThrow({ where: { id: citizen.id } });
    expect(user.lastInboundAt?.getTime()).toBe(now.getTime());
  });

  it("a message refused half way (its text went, its file not) resumes at the file when released", async () => {
    const w = await petitionWorld(db);
    const { prisma, tb } = w;
    const files = new FileStore({ prisma, telegram: tb.bot.api });
    const messenger = recordingMessengerApi(files);
    const worker = routedWorker(tb, files, messenger.api);
    const citizen = await messengerCitizen(prisma, tb.clock.now());
    await enqueue(prisma, {
      userId: citizen.id,
      kind: "petition.citizenAnswered",
      dedupeKey: "half",
      payload: {
        key: "petitions:notify.citizenAnswered",
        params: { org: "X", number: "ӨГ-2026-000001", answer: "Paid." },
        files: [
          {
            kind: "DOCUMENT",
            fileId: (await storeIncoming(prisma, Buffer.from("%PDF"), "application/pdf", "a.pdf")).fileId,
          },
        ],
      },
    });
    messenger.refuseWindow = (method) => method === "sendDocument";
    expect((await drain(worker)).held).toBe(1);
    expect(messenger.calls.map((c) => c.method)).toEqual(["sendMessage"]);
    messenger.refuseWindow = () => false;
    await noteInboundEvent(prisma, citizen.id, tb.clock.now());
    expect((await drain(worker)).sent).toBe(1);
    expect(messenger.calls.map((c) => c.method)).toEqual(["sendMessage", "sendDocument"]);
  });

  it("does not hold a row when the citizen wrote between the decision and the hold", async () => {
    const { prisma } = db();
    const seen = new Date("2026-03-08T00:00:00Z");
    const citizen = await messengerCitizen(prisma, seen);
    await enqueue(prisma, {
      userId: citizen.id,
      kind: "petition.citizenAnswered",
      dedupeKey: "race",
      payload: { key: "petitions:notify.citizenAnswered" },
    });
    const row = await prisma.notification.findFirstOrThrow();
    await prisma.notification.update({ where: { id: row.id }, data: { status: "SENDING", claimedBy: "w1" } });
    const now = new Date("2026-03-10T00:00:00Z");
    // The citizen writes after the worker decided the window was closed.
    expect(await noteInboundEvent(prisma, citizen.id, new Date("2026-03-09T23:59:00Z"))).toBe(0);
    const base = { id: row.id, userId: citizen.id, instanceId: "w1", now };
    expect(await holdRow(prisma, { ...base, lastInboundAt: seen })).toEqual({ outcome: "requeued" });
    expect(await prisma.notification.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({
      status: "PENDING",
      heldAt: null,
    });
  });

  it("tells the clerk once per held episode, after the organisation's held days (3 by default), with the phone", async () => {
    const w = await petitionWorld(db);
    const { prisma, tb, chats } = w;
    const files = new FileStore({ prisma, telegram: tb.bot.api });
    const messenger = recordingMessengerApi(files);
    const worker = routedWorker(tb, files, messenger.api);
    const citizen = await messengerCitizen(prisma, new Date(tb.clock.now().getTime() - 30 * HOUR));
    const p = await messengerPetition(w, citizen.id);
    await drain(worker);
    await askAndAnswer(w, p.id);
    await drain(worker);
    const heldAt = tb.clock.now().getTime();

    const job = schedule.filter((j) => j.name === "citizen-not-reached");
    expect(job).toHaveLength(1);
    const runner = new JobRunner({ prisma, clock: tb.clock, jobs: job });
    const clerkUser = await prisma.user.findUniqueOrThrow({ where: { personId: w.fx.people.clerk.id } });
    const clerkNotices = () =>
      prisma.notification.count({ where: { kind: "petition.citizenNotReached", userId: clerkUser.id } });

    for (let h = 1; h < 72; h++) {
      tb.clock.set(new Date(heldAt + h * HOUR));
      await runner.runDue();
    }
    expect(await clerkNotices()).toBe(0);
    for (let h = 72; h <= 80; h++) {
      tb.clock.set(new Date(heldAt + h * HOUR));
      await runner.runDue();
    }
    expect(await clerkNotices()).toBe(1);

    await drain(worker);
    expect(chats.clerk.lastText()).toContain(
      `Messages to the petitioner of petition ${p.number} cannot reach them on Facebook Messenger`,
    );
    expect(chats.clerk.lastText()).toContain("Waiting since: 2026.03.10");
    expect(chats.clerk.lastText()).toContain("Phone: +97699112233");

    // The citizen writes, gets everything; a later message is held again: a new episode, told again.
    await noteInboundEvent(prisma, citizen.id, tb.clock.now());
    await drain(worker);
    expect(await clerkNotices()).toBe(1);
    tb.clock.set(new Date(tb.clock.now().getTime() + 25 * HOUR));
    await enqueue(prisma, {
      userId: citizen.id,
      kind: "petition.citizenExtended",
      dedupeKey: `petition.citizenExtended:${p.id}:x:u${citizen.id}`,
      petitionId: p.id,
      payload: { key: "petitions:notify.citizenExtended", params: { org: "X", number: p.number, due: "-" } },
    });
    expect((await drain(worker)).held).toBe(1);
    const again = tb.clock.now().getTime();
    for (let h = 1; h <= 73; h += 8) {
      tb.clock.set(new Date(again + h * HOUR));
      await runner.runDue();
    }
    expect(await clerkNotices()).toBe(2);
  });

  it("uses the HUMAN_AGENT tag only when enabled: off by default; then for officials' questions and answers within 7 days", async () => {
    const w = await petitionWorld(db);
    const { prisma, tb } = w;
    const files = new FileStore({ prisma, telegram: tb.bot.api });
    const messenger = recordingMessengerApi(files);
    const citizen = await messengerCitizen(prisma, new Date(tb.clock.now().getTime() - 3 * 24 * HOUR));
    const p = await messengerPetition(w, citizen.id);
    await drain(routedWorker(tb, files, messenger.api));
    await askAndAnswer(w, p.id);

    // Off by default: held.
    expect((await drain(routedWorker(tb, files, messenger.api))).held).toBe(2);
    expect(messenger.calls).toEqual([]);

    // On: the question and the answer go with the tag (3 days < 7).
    await prisma.notification.updateMany({ where: { status: "HELD" }, data: { status: "PENDING" } });
    const tagged = routedWorker(tb, files, messenger.api, { messengerHumanAgent: true });
    expect((await drain(tagged)).sent).toBe(2);
    expect(messenger.calls.map((c) => [c.messagingType, c.tag])).toEqual([
      ["MESSAGE_TAG", "HUMAN_AGENT"],
      ["MESSAGE_TAG", "HUMAN_AGENT"],
    ]);

    // Not for what the office did not write (an extension notice), and not after 7 days.
    await enqueue(prisma, {
      userId: citizen.id,
      kind: "petition.citizenExtended",
      dedupeKey: `petition.citizenExtended:${p.id}:y:u${citizen.id}`,
      petitionId: p.id,
      payload: { key: "petitions:notify.citizenExtended", params: { org: "X", number: p.number, due: "-" } },
    });
    expect((await drain(tagged)).held).toBe(1);
    tb.clock.advanceDays(5);
    await enqueue(prisma, {
      userId: citizen.id,
      kind: "petition.citizenAnswered",
      dedupeKey: `petition.citizenAnswered:${p.id}:z:u${citizen.id}`,
      petitionId: p.id,
      payload: {
        key: "petitions:notify.citizenAnswered",
        params: { org: "X", number: p.number, answer: "-" },
      },
    });
    expect((await drain(tagged)).held).toBe(1);
    expect(messenger.calls).toHaveLength(2);
  });
});
