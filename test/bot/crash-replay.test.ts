/**
 * Crash safety of the citizen's intake through the real update path with the update
 * ledger: the process "dies" at each point between the petition's commit and the
 * update's done mark (a fault thrown there, after which nothing more is written for the
 * update), a new process recovers the update from the ledger and replays it. Whatever
 * the point: one petition, one staff notice, the confirmation sent, and the citizen's
 * next /new starts a new petition.
 */
import { describe, expect, it } from "vitest";
import { UpdateLedger } from "../../src/bot/middlewares/dedupe.js";
import type { UpdateFaults } from "../../src/bot/middlewares/unfinished.js";
import { RetryLater } from "../../src/db/transient.js";
import { BotApiEmulator, EMULATED_BOT } from "../../src/sandbox/bot-api-emulator.js";
import { ManualClock } from "../../src/shared/clock.js";
import { createTestBot, type TestBot } from "../support/chat.js";
import { useTestDatabase } from "../support/db.js";
import { TG } from "../support/fixtures.js";
import { fileWelfarePetition, petitionWorld, START } from "./petitions-support.js";

const crash = (where: string) => new RetryLater(`simulated crash ${where}`);

/** Replays every update the ledger holds unfinished, in a new process. */
async function recover(tb: TestBot): Promise<number> {
  const stale = await tb.ledger!.stale();
  for (const update of stale) await tb.handle(update);
  return stale.length;
}

const CONFIRMATION = /Registration number: <b>([^<]+)<\/b>/;

describe("a crash between the petition's commit and the update's done mark", () => {
  const db = useTestDatabase();

  async function setUp(faults?: UpdateFaults, emulator?: BotApiEmulator) {
    const world = await petitionWorld(db);
    // The world's bot is replaced by one with the ledger (and the faults), as in production.
    const tb = await createTestBot(db(), {
      clock: new ManualClock(START),
      ledger: true,
      faults,
      ...(emulator ? { emulator } : {}),
    });
    return { ...world, tb, citizen: tb.chat({ id: TG.citizen, first_name: "Bold" }) };
  }

  async function expectOnePetition(prisma: Awaited<ReturnType<typeof setUp>>["prisma"]) {
    const petitions = await prisma.petition.findMany();
    expect(petitions).toHaveLength(1);
    const notices = await prisma.notification.findMany();
    expect(notices.map((n) => n.kind)).toEqual(["petition.assigned"]); // the official's notice, once
    const undone = await prisma.processedUpdate.count({ where: { doneAt: null } });
    expect(undone).toBe(0);
    return petitions[0]!;
  }

  function confirmations(tb: TestBot): string[] {
    return tb.emulator
      .messages(TG.citizen)
      .filter((m) => m.from === "bot")
      .flatMap((m) => CONFIRMATION.exec(m.text ?? "")?.[1] ?? []);
  }

  async function newIntakeStartsFresh(tb: TestBot) {
    const c = tb.chat({ id: TG.citizen, first_name: "Bold" });
    await c.send("/new");
    expect(c.text()).toContain("Which organisation is your petition for?");
    expect(c.text()).not.toContain("Please check your petition");
  }

  it("after the petition commit: the replay finds it registered and sends its confirmation", async () => {
    let armed = true;
    const { tb, prisma, citizen } = await setUp();
    const petitions = tb.deps.services.petitions;
    const submit = petitions.submitFromCitizen.bind(petitions);
    petitions.submitFromCitizen = async (...args) => {
      const result = await submit(...args);
      if (armed) {
        armed = false;
        throw crash("after the petition commit");
      }
      return result;
    };
    await fileWelfarePetition(citizen, { submit: false });
    await expect(citizen.press("✅ Submit")).rejects.toThrow(/simulated crash/);
    expect(await prisma.petition.count()).toBe(1);
    expect(confirmations(tb)).toEqual([]);
    expect(citizen.text()).not.toContain("went wrong");

    const restarted = await tb.restart({ faults: undefined });
    expect(await recover(restarted)).toBe(1);
    const petition = await expectOnePetition(prisma);
    expect(confirmations(tb)).toEqual([petition.number]);
    expect(petition.intakeKey).toMatch(/^intake:/);
    await newIntakeStartsFresh(restarted);
  });

  it("after the confirmation was sent: the replay registers nothing new (the confirmation may come again)", async () => {
    const clock = new ManualClock(START);
    const emulator = new BotApiEmulator(EMULATED_BOT, () => clock.now().getTime());
    const real = emulator.fetch;
    let armed = true;
    Object.defineProperty(emulator, "fetch", {
      value: (async (input, init) => {
        const res = await real(input, init);
        if (armed && String(input).endsWith("/sendMessage") && String(init?.body).includes("Registration")) {
          armed = false;
          throw crash("after a send");
        }
        return res;
      }) as typeof fetch,
    });
    const { tb, prisma, citizen } = await setUp(undefined, emulator);
    await fileWelfarePetition(citizen, { submit: false });
    await expect(citizen.press("✅ Submit")).rejects.toThrow();
    expect(confirmations(tb)).toHaveLength(1);

    const restarted = await tb.restart({ emulator });
    expect(await recover(restarted)).toBe(1);
    const petition = await expectOnePetition(prisma);
    // At least once: the process died after the send, before anything recorded it.
    expect(confirmations(tb)).toEqual([petition.number, petition.number]);
    await newIntakeStartsFresh(restarted);
  });

  for (const point of ["conversation-written", "before-done"] as const) {
    // The conversation's state is written with the done mark: the replay starts from the
    // state before the press, finds the petition registered and confirms it again.
    it(`at ${point}: the replay registers nothing new (the confirmation comes again)`, async () => {
      let armed = false;
      const faults: UpdateFaults = (at) => {
        if (armed && at === point) {
          armed = false;
          throw crash(point);
        }
      };
      const { tb, prisma, citizen } = await setUp(faults);
      await fileWelfarePetition(citizen, { submit: false });
      armed = true;
      await expect(citizen.press("✅ Submit")).rejects.toThrow(/simulated crash/);
      expect(confirmations(tb)).toHaveLength(1);

      const restarted = await tb.restart({ faults: undefined });
      expect(await recover(restarted)).toBe(1);
      const petition = await expectOnePetition(prisma);
      expect(confirmations(tb)).toEqual([petition.number, petition.number]);
      await newIntakeStartsFresh(restarted);
    });
  }

  it("a Submit delivered twice (two presses, or Telegram's redelivery under a new id) registers once", async () => {
    const { tb, prisma, citizen } = await setUp();
    await fileWelfarePetition(citizen, { submit: false });
    const summaryId = tb.emulator
      .messages(TG.citizen)
      .filter((m) => m.from === "bot" && m.buttons?.flat().some((b) => b.text === "✅ Submit"))
      .at(-1)!.messageId;
    // The state before the press, as a process that died after the commit left it.
    const before = await prisma.conversationState.findMany();
    await citizen.press("✅ Submit");
    for (const row of before) await prisma.conversationState.create({ data: row });
    await citizen.pressData("opt:0", summaryId);
    const petition = await expectOnePetition(prisma);
    expect(confirmations(tb)).toEqual([petition.number, petition.number]);
  });
});

describe("a crash after a staff or citizen action's commit, then the replay", () => {
  const db = useTestDatabase();

  /** Makes `method` of `target` die once, right after its commit. */
  function crashOnceAfter<T extends object>(target: T, method: keyof T & string) {
    const real = (target[method] as (...a: unknown[]) => Promise<unknown>).bind(target);
    let armed = true;
    Object.assign(target, {
      [method]: async (...args: unknown[]) => {
        const result = await real(...args);
        if (armed) {
          armed = false;
          throw crash(`after ${method}`);
        }
        return result;
      },
    });
  }

  async function world() {
    const w = await petitionWorld(db);
    const tb = await createTestBot(db(), { clock: new ManualClock(START), ledger: true });
    const chat = (id: number) => tb.chat({ id });
    const citizen = chat(TG.citizen);
    await fileWelfarePetition(citizen);
    await tb.deliverOutbox();
    const official = chat(TG.official);
    return { ...w, tb, chat, citizen, official };
  }

  const events = (prisma: Awaited<ReturnType<typeof world>>["prisma"], type: string) =>
    prisma.petitionEvent.count({ where: { type: type as never } });

  async function replay(tb: TestBot) {
    const restarted = await tb.restart();
    expect(await recover(restarted)).toBe(1);
    expect(await tb.deps.prisma.processedUpdate.count({ where: { doneAt: null } })).toBe(0);
    return restarted;
  }

  it("the official's answer: one answer, one notice to the citizen, the confirmation sent", async () => {
    const { tb, prisma, official } = await world();
    await official.press("✅ Accept");
    await official.press("✍️ Answer");
    await official.send("The allowance for January and February was paid to your account on 14 March.");
    crashOnceAfter(tb.deps.services.petitions, "answer");
    await expect(official.press("📨 Send the answer")).rejects.toThrow(/simulated crash/);
    expect(await events(prisma, "ANSWERED")).toBe(1);

    const restarted = await replay(tb);
    expect(await events(prisma, "ANSWERED")).toBe(1);
    expect(await prisma.notification.count({ where: { kind: "petition.citizenAnswered" } })).toBe(1);
    const sent = restarted.emulator
      .messages(TG.official)
      .filter((m) => m.text?.includes("was sent to the petitioner"));
    expect(sent).toHaveLength(1);
  });

  it("a forward: forwarded and registered there once, the citizen told once", async () => {
    const { tb, prisma, official } = await world();
    await official.press("➡️ Forward");
    await official.press("Soum Governor's Office");
    crashOnceAfter(tb.deps.services.petitions, "forward");
    await expect(
      official.send("Child allowances of soum residents are paid by the soum office."),
    ).rejects.toThrow(/simulated crash/);
    await replay(tb);
    expect(await events(prisma, "FORWARDED")).toBe(1);
    expect(await prisma.petition.count()).toBe(2); // the original and its registration in the soum
    const told = await prisma.notification.count({ where: { kind: "petition.citizenForwarded" } });
    const forwardedMessages = tb.emulator
      .messages(TG.official)
      .filter((m) => m.text?.includes("was forwarded to"));
    expect(forwardedMessages).toHaveLength(1);
    expect(told).toBe(1);
  });

  it("a rating: rated once and thanked, not told 'already rated'", async () => {
    const { tb, prisma, official, citizen } = await world();
    await official.press("✅ Accept");
    await official.press("✍️ Answer");
    await official.send("The allowance for January and February was paid to your account on 14 March.");
    await official.press("📨 Send the answer");
    await tb.deliverOutbox();
    crashOnceAfter(tb.deps.services.petitions, "rate");
    await expect(citizen.press("5 ⭐")).rejects.toThrow(/simulated crash/);
    const restarted = await replay(tb);
    expect(await events(prisma, "RATED")).toBe(1);
    expect((await prisma.petition.findFirstOrThrow({ where: { rating: { not: null } } })).rating).toBe(5);
    const texts = restarted.emulator.messages(TG.citizen).map((m) => m.text ?? "");
    expect(texts.filter((t) => t.includes("You rated the answer"))).toHaveLength(1);
    expect(texts.join("\n")).not.toContain("already rated");
  });
});

describe("one chat's order across a crash", () => {
  const db = useTestDatabase();

  it("a later update waits until the earlier one a dead instance left is recovered, then both run in order", async () => {
    const tb = await createTestBot(db(), { ledger: true });
    const chat = tb.chat({ id: 4242 });
    const earlier = tb.emulator.makeUpdate({
      message: {
        message_id: 1,
        date: 1773108000,
        chat: { id: 4242, type: "private", first_name: "A" },
        from: chat.user,
        text: "/help",
        entities: [{ type: "bot_command", offset: 0, length: 5 }],
      },
    } as never);
    // An instance claimed the earlier update and died before handling it.
    const dead = new UpdateLedger({ prisma: db().prisma, instanceId: "dead" });
    expect((await dead.claim(earlier, "4242")).status).toBe("claimed");

    await expect(chat.send("/language")).rejects.toThrow(/earlier update/);
    expect(chat.all()).toEqual([]); // not handled ahead of the earlier one
    const later = chat.lastUpdate!;

    await db().prisma.$executeRaw`
      UPDATE "ProcessedUpdate" SET "claimedAt" = "claimedAt" - interval '1 minute'
      WHERE "updateId" = ${BigInt(earlier.update_id)}`;
    const stale = await tb.ledger!.stale();
    expect(stale.map((u) => u.update_id)).toEqual([earlier.update_id, later.update_id]);
    for (const u of stale) await tb.handle(u);
    const replies = chat.all();
    expect(replies).toHaveLength(2);
    expect(replies[0]!.buttons).toBeUndefined(); // /help first
    expect(replies[1]!.buttons?.flat().map((b) => b.data)).toContain("lang:set:en");
  });
});
