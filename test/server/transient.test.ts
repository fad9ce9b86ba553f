/**
 * A transient database failure (the server out of connections, a serialization failure,
 * a refused connection) on a real database, through the bot's update path: the update is
 * left unfinished (not done, no "something went wrong", no conversation state written)
 * and handled again: at once by Telegram's redelivery after a 503, or by the recovery.
 */
import { afterEach, describe, expect, it } from "vitest";
import { fileWelfarePetition, petitionWorld } from "../bot/petitions-support.js";
import { createTestBot } from "../support/chat.js";
import { useTestDatabase } from "../support/db.js";
import { connectionRefused, FaultyDatabase, serializationFailure } from "../support/faulty-db.js";
import { TG } from "../support/fixtures.js";
import { botMessages, type Instance, newEmulator, startInstance, textUpdate } from "./support.js";

const faulty = new FaultyDatabase();

describe("a transient database failure leaves the update to be handled again", () => {
  const db = useTestDatabase({ wrapAdapter: faulty.wrap });
  const running: Instance[] = [];
  afterEach(async () => {
    for (const i of running.splice(0)) await i.stop();
  });

  it("the user cannot be loaded (too many clients): no error reply, not done, handled on the retry", async () => {
    const tb = await createTestBot(db(), { ledger: true });
    const update = textUpdate(7001, "/help", 7001);
    // The user's creation (a new user; a known one is read with the claim).
    faulty.fail(/INSERT INTO "User"/);
    await expect(tb.handle(update)).rejects.toThrow(/TooManyConnections|too many/i);
    expect(faulty.failures).toBeGreaterThan(0);
    expect(botMessages(tb.emulator, 7001)).toEqual([]);
    const row = await db().prisma.processedUpdate.findUniqueOrThrow({ where: { updateId: 7001n } });
    expect(row.doneAt).toBeNull();
    expect(row.attempts).toBe(0); // a transient failure is not counted as an attempt
    // Offered again at once (not after the lease): the recovery finds it, and so would a redelivery.
    expect((await tb.ledger!.stale()).map((u) => u.update_id)).toEqual([7001]);
    await tb.handle(update);
    expect(botMessages(tb.emulator, 7001)).toHaveLength(1);
    expect(botMessages(tb.emulator, 7001)[0]!.text).not.toMatch(/went wrong/i);
    expect(
      (await db().prisma.processedUpdate.findUniqueOrThrow({ where: { updateId: 7001n } })).doneAt,
    ).not.toBeNull();
  });

  it("a serialization failure in the petition's registration: the Submit is kept and registers once", async () => {
    const { prisma } = await petitionWorld(db);
    const tb = await createTestBot(db(), { ledger: true });
    const citizen = tb.chat({ id: TG.citizen, first_name: "Bold" });
    await fileWelfarePetition(citizen, { submit: false });
    faulty.fail(/INSERT INTO "Petition"/, serializationFailure);
    await expect(citizen.press("✅ Submit")).rejects.toThrow();
    expect(await prisma.petition.count()).toBe(0);
    expect(citizen.text()).not.toMatch(/went wrong/i);
    const [again] = await tb.ledger!.stale();
    expect(again?.update_id).toBe(citizen.lastUpdate?.update_id);
    await tb.handle(again!);
    expect(await prisma.petition.count()).toBe(1);
    expect(citizen.all().at(-1)?.text).toContain("Registration number");
  });

  it("webhook: the claim cannot be stored (connection refused): 503, and the redelivery is handled", async () => {
    const emulator = newEmulator();
    const instance = await startInstance(db(), { emulator });
    running.push(instance);
    const update = textUpdate(7003, "/help", 7003);
    faulty.fail(/INSERT INTO "ProcessedUpdate"/, connectionRefused);
    const first = await instance.post(update);
    expect(first.status).toBe(503);
    const second = await instance.post(update);
    expect(second.status).toBe(200);
    await instance.server.processor.drain();
    expect(botMessages(emulator, 7003)).toHaveLength(1);
  });
});
