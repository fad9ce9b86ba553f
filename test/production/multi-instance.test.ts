/**
 * Several instances on one PostgreSQL: what a deployment behind a load balancer relies on.
 * Each instance has its own database handle (pool), chat-lock pool, bot and HTTP server,
 * as two processes would; they share the database and the (emulated) Telegram.
 */
import pg from "pg";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  CHAT_LOCK_NAMESPACE,
  ChatLocks,
  preparedLockStatements,
} from "../../src/bot/middlewares/chat-lock.js";
import { UpdateLedger } from "../../src/bot/middlewares/dedupe.js";
import { type Database, openDatabase, truncateAll } from "../../src/db/index.js";
import { readMigrations } from "../../src/db/schema-engine.js";
import { type JobDefinition, JobRunner } from "../../src/scheduling/job-runner.js";
import { ManualClock } from "../../src/shared/clock.js";
import {
  botMessages,
  callbackUpdate,
  freshPgDatabase,
  type Instance,
  newEmulator,
  sleep,
  startInstance,
  textUpdate,
} from "../server/support.js";

const onPostgres = Boolean(process.env.TEST_DATABASE_URL);

describe.skipIf(!onPostgres)("several instances on one PostgreSQL", () => {
  let url = "";
  let drop = async () => {};
  let dbA: Database;
  let dbB: Database;
  const running: Instance[] = [];

  beforeAll(async () => {
    ({ url, drop } = await freshPgDatabase());
    [dbA, dbB] = await Promise.all([openDatabase({ url }), openDatabase({ url })]);
  }, 60_000);
  beforeEach(async () => {
    await truncateAll(dbA.prisma);
  });
  afterEach(async () => {
    for (const i of running.splice(0)) await i.stop();
  });
  afterAll(async () => {
    await dbA?.close();
    await dbB?.close();
    await drop();
  });

  const two = async (opts: { slowFirstSend?: number; chatLocks?: boolean } = {}) => {
    const emulator = newEmulator();
    let first = true;
    const slow: typeof fetch = async (input, init) => {
      if (first && String(input).endsWith("/sendMessage")) {
        first = false;
        await sleep(opts.slowFirstSend ?? 0);
      }
      return emulator.fetch(input, init);
    };
    const lockUrl = opts.chatLocks === false ? undefined : url;
    const a = await startInstance(dbA, { emulator, url: lockUrl, instanceId: "a", fetch: slow });
    const b = await startInstance(dbB, { emulator, url: lockUrl, instanceId: "b" });
    running.push(a, b);
    return { a, b, emulator };
  };

  it("handles an update delivered to both instances once", async () => {
    const { a, b, emulator } = await two();
    const updates = [textUpdate(701, "/help"), textUpdate(702, "/start"), callbackUpdate(703, "menu:help")];
    for (const u of updates) {
      const answers = await Promise.all([a.post(u), b.post(u), a.post(u), b.post(u)]);
      expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    }
    await Promise.all([a.server.processor.drain(), b.server.processor.drain()]);
    expect(botMessages(emulator, 701)).toHaveLength(1);
    expect(botMessages(emulator, 702)).toHaveLength(1);
    expect(botMessages(emulator, 703)).toHaveLength(1);
    expect(emulator.calls.filter((c) => c.method === "answerCallbackQuery")).toHaveLength(1);
    const rows = await dbA.prisma.processedUpdate.findMany();
    expect(rows).toHaveLength(3);
    expect(rows.every((r) => r.doneAt !== null && r.attempts === 1)).toBe(true);
  });

  it("processes two updates of one chat sent to two instances in order", async () => {
    // The first reply is slow: without the chat lock the second instance would answer first.
    const { a, b, emulator } = await two({ slowFirstSend: 400 });
    expect((await a.post(textUpdate(711, "/help"))).status).toBe(200); // answered once it holds the chat
    expect((await b.post(textUpdate(711, "/language"))).status).toBe(200);
    await Promise.all([a.server.processor.drain(), b.server.processor.drain()]);
    const replies = botMessages(emulator, 711);
    expect(replies).toHaveLength(2);
    expect(replies[0]!.buttons).toBeUndefined(); // the help text
    expect(replies[1]!.buttons?.flat().map((x) => x.data)).toContain("lang:set:en");
    const waits = await b.metrics.chatLockWaitSeconds.get();
    const sum = waits.values.find((v) => v.metricName === "albabot_chat_lock_wait_seconds_sum")?.value ?? 0;
    expect(sum).toBeGreaterThan(0.2); // the second instance waited for the first
  });

  it("without the chat lock, a later update is given back while the earlier one is unfinished", async () => {
    const { a, b, emulator } = await two({ slowFirstSend: 1500, chatLocks: false });
    // Warm both instances up on another chat, so a cold start cannot hide a race.
    await b.post(textUpdate(719, "/help"));
    await b.server.processor.drain();
    await a.post(textUpdate(712, "/help"));
    const later = textUpdate(712, "/language");
    expect((await b.post(later)).status).toBe(503); // not handled ahead of the earlier one
    await Promise.all([a.server.processor.drain(), b.server.processor.drain()]);
    expect((await b.post(later)).status).toBe(200); // Telegram's redelivery
    await b.server.processor.drain();
    const replies = botMessages(emulator, 712);
    expect(replies).toHaveLength(2);
    expect(replies[0]!.buttons).toBeUndefined();
    expect(replies[1]!.buttons?.flat().map((x) => x.data)).toContain("lang:set:en");
  });

  it("keeps different chats parallel across instances", async () => {
    const { a, b, emulator } = await two({ slowFirstSend: 400 });
    await a.post(textUpdate(721, "/help"));
    await b.post(textUpdate(722, "/help"));
    await Promise.all([a.server.processor.drain(), b.server.processor.drain()]);
    const sent = emulator.calls.filter((c) => c.method === "sendMessage").map((c) => c.payload.chat_id);
    expect(sent).toEqual([722, 721]); // chat 722 did not wait behind chat 721's slow reply
  });

  it("runs a job slot on two instances once", async () => {
    const clock = new ManualClock("2026-03-10T01:00:00Z"); // 09:00 in Ulaanbaatar
    let runs = 0;
    const job: JobDefinition = {
      name: "test-digest",
      cron: "0 9 * * *",
      description: "test",
      run: async () => {
        runs++;
        await sleep(100);
        return { enqueued: 0 };
      },
    };
    const r1 = new JobRunner({ prisma: dbA.prisma, jobs: [job], clock, instanceId: "a" });
    const r2 = new JobRunner({ prisma: dbB.prisma, jobs: [job], clock, instanceId: "b" });
    const slot = new Date("2026-03-10T01:00:00Z");
    const outcomes = await Promise.all([r1.runSlot(job, slot), r2.runSlot(job, slot)]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(["done", "skipped"]);
    // and through the schedule check both instances do on every tick
    const due = await Promise.all([r1.runDue(clock.now()), r2.runDue(clock.now())]);
    expect(due.flat().filter((o) => o.status === "done")).toHaveLength(0);
    expect(runs).toBe(1);
    const rows = await dbA.prisma.jobRun.findMany();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.finishedAt).not.toBeNull();
    await Promise.all([r1.stop(), r2.stop()]);
  });

  it("holds a chat's lock across instances, and goes ahead after lock_timeout", async () => {
    const one = new ChatLocks({ url, max: 2 });
    const other = new ChatLocks({ url, max: 2, lockTimeoutMs: 300 });
    try {
      const release = await one.acquire("731");
      const started = performance.now();
      const second = await other.acquire("731"); // times out, goes ahead without the lock
      expect(performance.now() - started).toBeGreaterThanOrEqual(250);
      await second();
      const free = await other.acquire("732");
      await free();
      let got = false;
      const waiting = other.acquire("731").then((r) => {
        got = true;
        return r;
      });
      await sleep(100);
      expect(got).toBe(false);
      await release();
      await (
        await waiting
      )();
      expect(got).toBe(true);
    } finally {
      await one.close();
      await other.close();
    }
  });

  it("claims an update and takes its chat's lock in one statement; a duplicate takes no lock", async () => {
    const locks = new ChatLocks({ url, max: 2 });
    const ledgerA = new UpdateLedger({ prisma: dbA.prisma, instanceId: "a" });
    const ledgerB = new UpdateLedger({ prisma: dbB.prisma, instanceId: "b" });
    const probe = new pg.Client({ connectionString: url });
    await probe.connect();
    const lockFree = async (chat: string) => {
      const r = await probe.query<{ got: boolean }>(
        `SELECT pg_try_advisory_lock(${CHAT_LOCK_NAMESPACE}, hashtext($1)) AS got`,
        [`chat:${chat}`],
      );
      if (r.rows[0]!.got)
        await probe.query(`SELECT pg_advisory_unlock(${CHAT_LOCK_NAMESPACE}, hashtext($1))`, [
          `chat:${chat}`,
        ]);
      return r.rows[0]!.got;
    };
    const update = textUpdate(741, "/help");
    const claimOf = (ledger: UpdateLedger) => ({ statement: ledger.claimStatement(update, "741") });
    try {
      let claimed = false;
      const held = await locks.take(
        "741",
        { updateId: update.update_id, instanceId: "a" },
        { ...claimOf(ledgerA), onClaimed: () => (claimed = true) },
      );
      expect(held.claimAttempts).toBe(1);
      expect(claimed).toBe(true);
      expect(await ledgerA.settle(update, held.claimAttempts)).toEqual({ status: "claimed", attempts: 1 });
      expect(await lockFree("741")).toBe(false);
      // Another instance's delivery of the same update: a duplicate, and it does not wait.
      const dup = await locks.take("741", { updateId: update.update_id, instanceId: "b" }, claimOf(ledgerB));
      expect(dup.claimAttempts).toBeNull();
      expect(await ledgerB.settle(update, dup.claimAttempts)).toEqual({ status: "duplicate" });
      expect(await held.release(update.update_id)).toBe(true);
      expect(await lockFree("741")).toBe(true);
      const row = await dbA.prisma.processedUpdate.findUniqueOrThrow({
        where: { updateId: BigInt(update.update_id) },
      });
      expect(row).toMatchObject({ claimedBy: "a", attempts: 1, chatKey: "741", payload: null });
      expect(row.doneAt).not.toBeNull();
      // Once done, a redelivery is a duplicate that leaves the lock free.
      const late = await locks.take("741", { updateId: update.update_id, instanceId: "b" }, claimOf(ledgerB));
      expect(late.claimAttempts).toBeNull();
      expect(await lockFree("741")).toBe(true);
    } finally {
      await probe.end();
      await locks.close();
    }
  });

  it("reads the user read with the lock on a snapshot taken after the lock, not before it", async () => {
    await dbA.prisma.user.create({ data: { externalId: "9042", chatId: "9042", locale: "mn" } });
    const holder = new pg.Client({ connectionString: url });
    const reader = new pg.Client({ connectionString: url });
    await holder.connect();
    await reader.connect();
    try {
      // The previous update of the chat holds its lock; the next one's statement waits for it.
      const read = (user: string) =>
        reader.query<{ locale: string }>(
          `WITH l AS MATERIALIZED (SELECT true AS got FROM pg_advisory_lock(77, 78))
           SELECT ${user} FROM l`,
        );
      const lockHeld = async (changeTo: string, user: string) => {
        await holder.query("SELECT pg_advisory_lock(77, 78)");
        const reading = read(user);
        await sleep(300);
        await holder.query(`UPDATE "User" SET locale = $1 WHERE "externalId" = '9042'`, [changeTo]);
        await holder.query("SELECT pg_advisory_unlock(77, 78)");
        const rows = (await reading).rows;
        await reader.query("SELECT pg_advisory_unlock(77, 78)");
        return rows[0]!.locale;
      };
      // Through albabot_chat_user: what the holder committed before letting the lock go.
      expect(
        await lockHeld(
          "en",
          `(SELECT u.locale FROM albabot_chat_user(l.got, 'TELEGRAM', '9042', NULL, NULL) u) AS locale`,
        ),
      ).toBe("en");
      // A plain subquery of the same statement reads the snapshot from before the wait.
      expect(
        await lockHeld("mn", `(SELECT locale FROM "User" WHERE "externalId" = '9042' AND l.got) AS locale`),
      ).toBe("en");
    } finally {
      await holder.end();
      await reader.end();
    }
  });

  it("handles an update in two statements of the guards: claim with lock and user, done with unlock", async () => {
    const emulator = newEmulator();
    // Bot API calls answered this late (ms): an update then stays in flight while the next comes.
    let slow = 0;
    const fetch = (async (...args: Parameters<typeof emulator.fetch>) => {
      if (slow) await new Promise((resolve) => setTimeout(resolve, slow));
      return emulator.fetch(...args);
    }) as unknown as typeof globalThis.fetch;
    const a = await startInstance(dbA, { emulator, url, instanceId: "a", fetch });
    running.push(a);
    await a.post(textUpdate(751, "/help")); // the user's first update creates them
    await a.server.processor.drain();
    const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
    const query = proto.query;
    const sent: { text: string; on: string }[] = [];
    proto.query = function (
      this: { connectionParameters?: { application_name?: string } },
      ...args: unknown[]
    ) {
      const q = args[0];
      sent.push({
        text: typeof q === "string" ? q : String((q as { text?: string })?.text ?? ""),
        on: this.connectionParameters?.application_name ?? "",
      });
      return query.apply(this, args);
    };
    const statementsOf = async (update: ReturnType<typeof textUpdate>) => {
      sent.length = 0;
      expect((await a.post(update)).status).toBe(200);
      await a.server.processor.drain();
      return [...sent];
    };
    const shapes = preparedLockStatements();
    try {
      const help = await statementsOf(textUpdate(751, "/help"));
      expect(botMessages(emulator, 751)).toHaveLength(2);
      expect(help.map((s) => s.text)).toHaveLength(2);
      expect(help[0]!.text).toMatch(
        /INSERT INTO "ProcessedUpdate"[\s\S]*pg_try_advisory_lock[\s\S]*albabot_chat_user/,
      );
      expect(help[1]!.text).toMatch(/UPDATE "ProcessedUpdate" SET "doneAt"[\s\S]*pg_advisory_unlock/);
      // A conversation's step writes its state on the connection holding the chat's lock.
      await dbA.prisma.organization.createMany({
        data: [
          { slug: "one", name: "Нэгдүгээр газар" },
          { slug: "two", name: "Хоёрдугаар газар" },
        ],
      });
      const step = await statementsOf(textUpdate(751, "/new"));
      // With the done mark, in one transaction, as the lock is released.
      const write = step.find((s) => s.text.includes(`INSERT INTO "ConversationState"`));
      expect(write?.on).toBe("albabot:chat-locks");
      expect(write?.text).toMatch(
        /^BEGIN;[\s\S]*UPDATE "ProcessedUpdate" SET "doneAt"[\s\S]*COMMIT;[\s\S]*pg_advisory_unlock/,
      );
      // An update that waits its turn behind its chat's update in this process is claimed
      // alone at once, then reads its user in the statement that takes the lock.
      await statementsOf(textUpdate(751, "/cancel"));
      sent.length = 0;
      slow = 300;
      const first = a.post(textUpdate(751, "/help"));
      await new Promise((resolve) => setTimeout(resolve, 100));
      const both = await Promise.all([first, a.post(textUpdate(751, "/help"))]);
      expect(both.map((r) => r.status)).toEqual([200, 200]);
      await a.server.processor.drain();
      slow = 0;
      const texts = sent.map((s) => s.text);
      expect(texts.filter((t) => /^\s*INSERT INTO "ProcessedUpdate"/.test(t))).toHaveLength(1);
      expect(texts.filter((t) => /^WITH l AS MATERIALIZED[\s\S]*albabot_chat_user/.test(t))).toHaveLength(1);
      expect(texts.filter((t) => /"pId"/.test(t) && !/albabot_chat_user/.test(t))).toHaveLength(0);
      expect(texts).toHaveLength(5);
      // The lock's statement is prepared once per shape, not once per update (the waiting
      // update's shape may have been met by an earlier test of this file).
      expect(preparedLockStatements()).toBeLessThanOrEqual(shapes + 1);
    } finally {
      proto.query = query;
    }
  });
});

describe.skipIf(!onPostgres)("migrations when instances start together", () => {
  it("applies the migrations once when two instances open a fresh database at the same time", async () => {
    const fresh = await freshPgDatabase("albabot_mig");
    try {
      const [one, two] = await Promise.all([
        openDatabase({ url: fresh.url }),
        openDatabase({ url: fresh.url }),
      ]);
      const all = readMigrations().migrationDirectories.map((d) => d.path);
      expect([...one.applied, ...two.applied].sort()).toEqual(all);
      const client = new pg.Client({ connectionString: fresh.url });
      await client.connect();
      const migrations = await client.query(`SELECT migration_name, finished_at FROM _prisma_migrations`);
      // the schema engine's advisory lock is not left behind by an idle connection
      const locks = await client.query(`SELECT count(*)::int AS n FROM pg_locks
         WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`);
      await client.end();
      expect(migrations.rows).toHaveLength(all.length);
      expect(migrations.rows[0].finished_at).not.toBeNull();
      expect(locks.rows[0].n).toBe(0);
      expect(await one.prisma.processedUpdate.count()).toBe(0);
      await Promise.all([one.close(), two.close()]);
    } finally {
      await fresh.drop();
    }
  }, 60_000);
});
