import { describe, expect, it } from "vitest";
import { pendingStateSql } from "../src/bot/middlewares/unfinished.js";
import { directSqlOf } from "../src/db/direct.js";
import pg from "pg";
import { chatUserArgs, ensureUser, userOfRow } from "../src/directory/users.js";
import { useTestDatabase } from "./support/db.js";
import { FaultyDatabase } from "./support/faulty-db.js";

// The direct runner (src/db/direct.ts) must read what the client would: same rows, same types.
describe("direct SQL through the client's driver adapter", () => {
  const faulty = new FaultyDatabase();
  const db = useTestDatabase({ wrapAdapter: faulty.wrap });

  it("gives the client's types: Date, parsed JSON, bigint, arrays, booleans, nulls", async () => {
    const direct = directSqlOf(db().prisma)!;
    expect(direct).toBeDefined();
    const [row] = await direct.query<Record<string, unknown>>(
      `SELECT $1::int AS i, $2::text AS s, $3::boolean AS b, $4::text[] AS a, '{"x":[1,"ж"]}'::jsonb AS j,
              9007199254740993::int8 AS big, $5::int8 + 1 AS "bigParam", TIMESTAMP '2026-03-10 01:02:03.456' AS ts, NULL::text AS n`,
      [7, "Болд", true, ["OFFICIAL", "UNIT_HEAD"], 9007199254740993n],
    );
    expect(row).toEqual({
      i: 7,
      s: "Болд",
      b: true,
      a: ["OFFICIAL", "UNIT_HEAD"],
      j: { x: [1, "ж"] },
      big: 9007199254740993n,
      bigParam: 9007199254740994n,
      ts: new Date("2026-03-10T01:02:03.456Z"),
      n: null,
    });
  });

  it("loads a user as the client does, and a transaction keeps to the client", async () => {
    const { prisma } = db();
    const now = new Date("2026-03-10T01:00:00Z");
    const org = await prisma.organization.create({ data: { slug: "o", name: "O" } });
    const person = await prisma.person.create({
      data: { orgId: org.id, code: "P1", fullName: "Б.Болд", roles: ["OFFICIAL", "UNIT_HEAD"] },
    });
    const who = { channel: "TELEGRAM" as const, externalId: "42", chatId: "42" };
    const created = await ensureUser(prisma, who, now);
    await prisma.user.update({ where: { id: created.id }, data: { personId: person.id, locale: "en" } });
    const loaded = await ensureUser(prisma, who, new Date(now.getTime() + 1000), { conversationKey: "none" });
    const viaClient = await prisma.user.findUniqueOrThrow({
      where: { id: created.id },
      include: {
        person: {
          select: { id: true, orgId: true, unitId: true, roles: true, active: true, fullName: true },
        },
      },
    });
    expect(loaded).toEqual(viaClient);
    expect(loaded.lastSeenAt).toBeInstanceOf(Date);
    await prisma.$transaction(async (tx) => {
      expect(directSqlOf(tx)).toBeUndefined();
      expect((await ensureUser(tx, who, now)).id).toBe(created.id);
    });
  });

  it("albabot_chat_user (read with the chat's lock) gives the same user, whatever the session's time zone", async () => {
    const { prisma, engine } = db();
    const org = await prisma.organization.create({ data: { slug: "f", name: "F" } });
    const person = await prisma.person.create({
      data: { orgId: org.id, code: "P2", fullName: "Д.Сарантуяа", roles: ["PETITION_CLERK"] },
    });
    const who = { channel: "TELEGRAM" as const, externalId: "77", chatId: "77" };
    const at = new Date("2026-03-10T01:02:03.456Z");
    const user = await ensureUser(prisma, who, at);
    await prisma.user.update({ where: { id: user.id }, data: { personId: person.id, unreachableAt: null } });
    await prisma.conversationState.create({ data: { key: "k77", value: "{}" } });
    const alongside = { conversationKey: "k77", petitionStatuses: ["REGISTERED"] };
    const expected = await ensureUser(prisma, who, new Date(at.getTime() + 1000), { ...alongside });
    const viaAdapter = await directSqlOf(prisma)!.query<Record<string, unknown>>(
      `SELECT * FROM albabot_chat_user(true, $1, $2, $3, $4::text[])`,
      chatUserArgs(who, alongside),
    );
    const seen = { ...alongside } as Parameters<typeof userOfRow>[1] & object;
    expect(userOfRow(viaAdapter[0], seen)).toEqual(expected);
    expect(seen).toMatchObject({ conversationValue: "{}", hasPetitionIn: false });
    if (engine === "postgres") {
      // The chat lock's own connection (node-postgres), in Ulaanbaatar time.
      const [current] = await prisma.$queryRawUnsafe<{ d: string }[]>("SELECT current_database() AS d");
      const d = current!.d;
      const base = new URL(process.env.TEST_DATABASE_URL!);
      base.pathname = `/${d}`;
      const client = new pg.Client({ connectionString: base.toString() });
      await client.connect();
      try {
        await client.query("SET timezone = 'Asia/Ulaanbaatar'");
        const r = await client.query(`SELECT * FROM albabot_chat_user(true, $1, $2, $3, $4::text[])`, [
          ...chatUserArgs(who, alongside),
        ]);
        expect(userOfRow(r.rows[0], { ...alongside })).toEqual(expected);
      } finally {
        await client.end();
      }
    }
    expect(userOfRow(undefined)).toBeNull();
  });

  it("fails as the driver adapter fails: a transient error stays recognisable", async () => {
    const { isTransientDbError } = await import("../src/db/transient.js");
    faulty.fail(/"User"/);
    const err = await ensureUser(
      db().prisma,
      { channel: "TELEGRAM", externalId: "1", chatId: "1" },
      new Date(),
    ).catch((e: unknown) => e);
    expect(isTransientDbError(err)).toBe(true);
  });
});

// The conversation's state written with the done mark in one simple query (chat-lock.ts):
// its JSON goes in the statement's text, and comes back exactly.
describe("the pending conversation state as a statement's text", () => {
  const db = useTestDatabase();

  it("keeps quotes, backslashes, the dollar quote's own tag and any script", async () => {
    const { prisma } = db();
    const values = [
      JSON.stringify({ a: "it's \\ back", b: "Болд ✓ 🇲🇳" }),
      JSON.stringify({ text: "ends with a dollar $" }),
      JSON.stringify({ text: "holds $albabot_state$ and $$ and E'\\n'" }),
    ];
    for (const [i, value] of values.entries()) {
      const key = `k'${i}`;
      await prisma.$executeRawUnsafe(pendingStateSql({ key, value }, pg.escapeLiteral));
      const row = await prisma.conversationState.findUniqueOrThrow({ where: { key } });
      expect(row.value).toBe(value);
    }
    await prisma.$executeRawUnsafe(pendingStateSql({ key: "k'0", value: null }, pg.escapeLiteral));
    expect(await prisma.conversationState.count()).toBe(2);
  });
});
