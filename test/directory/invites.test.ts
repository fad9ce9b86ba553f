import { describe, expect, it } from "vitest";
import type { Actor } from "../../src/directory/actor.js";
import { loadDemo } from "../../src/directory/demo.js";
import { createInvite, hashInviteCode, inviteLink, redeemInvite } from "../../src/directory/invites.js";
import { ManualClock } from "../../src/shared/clock.js";
import { DomainError } from "../../src/shared/errors.js";
import { useTestDatabase } from "../support/db.js";

const START = "2026-03-10T01:00:00Z";

describe("invites", () => {
  const db = useTestDatabase();

  async function setup() {
    const { prisma } = db();
    await loadDemo(prisma);
    const person = (code: string) =>
      prisma.person.findFirstOrThrow({
        where: { code, org: { slug: code === "tsogtbayar" ? "demo-soum" : "demo-aimag" } },
      });
    const user = (id: number) => prisma.user.create({ data: { externalId: String(id), chatId: String(id) } });
    return { prisma, clock: new ManualClock(START), person, user };
  }

  async function rejection(p: Promise<unknown>): Promise<string> {
    const err = await p.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DomainError);
    return (err as DomainError).key;
  }

  it("creates a url-safe one-time code, stores only its hash, and links the account", async () => {
    const { prisma, clock, person, user } = await setup();
    const clerk = await person("vansemberuu");
    const invite = await createInvite(prisma, clock, { personId: clerk.id });
    expect(invite.code).toMatch(/^[A-Za-z0-9_-]{16,}$/);
    expect(invite.startParam).toBe(`inv_${invite.code}`);
    expect(invite.startParam.length).toBeLessThanOrEqual(64);
    expect(invite.expiresAt.toISOString()).toBe("2026-03-17T01:00:00.000Z");
    const stored = await prisma.invite.findUniqueOrThrow({ where: { id: invite.inviteId } });
    expect(stored.codeHash).toBe(hashInviteCode(invite.code));
    expect(JSON.stringify(stored)).not.toContain(invite.code);
    expect(inviteLink(invite.startParam, "@albabot")).toBe(`https://t.me/albabot?start=${invite.startParam}`);

    const u = await user(5001);
    const linked = await redeemInvite(prisma, clock, { userId: u.id, code: invite.startParam });
    expect(linked).toMatchObject({
      personId: clerk.id,
      fullName: "Н.Вансэмбэрүү",
      orgName: "Аймгийн Засаг даргын Тамгын газар",
      previousUserId: null,
      alreadyLinked: false,
    });
    expect((await prisma.user.findUniqueOrThrow({ where: { id: u.id } })).personId).toBe(clerk.id);
    expect(await prisma.invite.findUniqueOrThrow({ where: { id: invite.inviteId } })).toMatchObject({
      usedByUserId: u.id,
    });

    // The same account opening the link again is told it is linked; anyone else: used.
    expect(await redeemInvite(prisma, clock, { userId: u.id, code: invite.code })).toMatchObject({
      alreadyLinked: true,
    });
    const other = await user(5002);
    expect(await rejection(redeemInvite(prisma, clock, { userId: other.id, code: invite.code }))).toBe(
      "directory:errors.inviteUsed",
    );
    expect((await prisma.user.findUniqueOrThrow({ where: { id: other.id } })).personId).toBeNull();
  });

  it("refuses unknown, malformed and expired codes", async () => {
    const { prisma, clock, person, user } = await setup();
    const u = await user(5001);
    for (const code of ["inv_AAAAAAAAAAAAAAAAAAAAAAAA", "short", "inv_bad code with spaces!!", ""]) {
      expect(await rejection(redeemInvite(prisma, clock, { userId: u.id, code }))).toBe(
        "directory:errors.inviteUnknown",
      );
    }
    const invite = await createInvite(prisma, clock, {
      personId: (await person("magnaibayar")).id,
      ttlDays: 2,
    });
    clock.advanceDays(2);
    expect(await rejection(redeemInvite(prisma, clock, { userId: u.id, code: invite.code }))).toBe(
      "directory:errors.inviteExpired",
    );
    expect((await prisma.user.findUniqueOrThrow({ where: { id: u.id } })).personId).toBeNull();
  });

  it("lets a code be used exactly once when two accounts redeem it at the same time", async () => {
    const { prisma, clock, person, user } = await setup();
    const invite = await createInvite(prisma, clock, { personId: (await person("enkhbayar")).id });
    const a = await user(5001);
    const b = await user(5002);
    const results = await Promise.allSettled([
      redeemInvite(prisma, clock, { userId: a.id, code: invite.code }),
      redeemInvite(prisma, clock, { userId: b.id, code: invite.code }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const failed = results.filter((r) => r.status === "rejected") as PromiseRejectedResult[];
    expect(failed).toHaveLength(1);
    expect((failed[0]!.reason as DomainError).key).toBe("directory:errors.inviteUsed");
    expect(await prisma.user.count({ where: { personId: { not: null } } })).toBe(1);
  });

  it("moves a person to a new account with a new invite and tells the old account", async () => {
    const { prisma, clock, person, user } = await setup();
    const head = await person("batsetseg");
    const oldPhone = await user(5001);
    const first = await createInvite(prisma, clock, { personId: head.id });
    await redeemInvite(prisma, clock, { userId: oldPhone.id, code: first.code });

    const newPhone = await user(5002);
    const second = await createInvite(prisma, clock, { personId: head.id });
    const moved = await redeemInvite(prisma, clock, { userId: newPhone.id, code: second.code });
    expect(moved.previousUserId).toBe(oldPhone.id);
    expect((await prisma.user.findUniqueOrThrow({ where: { id: newPhone.id } })).personId).toBe(head.id);
    expect((await prisma.user.findUniqueOrThrow({ where: { id: oldPhone.id } })).personId).toBeNull();
    const notice = await prisma.notification.findFirstOrThrow({ where: { userId: oldPhone.id } });
    expect(notice.kind).toBe("directory.accountMoved");
    expect(notice.payload).toMatchObject({
      key: "directory:notifications.accountMoved",
      params: { name: "Б.Батцэцэг" },
    });
  });

  it("makes earlier unused invites of the person stop working", async () => {
    const { prisma, clock, person, user } = await setup();
    const p = await person("duurenbilig");
    const first = await createInvite(prisma, clock, { personId: p.id });
    clock.advance(60_000);
    const second = await createInvite(prisma, clock, { personId: p.id });
    const u = await user(5001);
    expect(await rejection(redeemInvite(prisma, clock, { userId: u.id, code: first.code }))).toBe(
      "directory:errors.inviteExpired",
    );
    await redeemInvite(prisma, clock, { userId: u.id, code: second.code });
  });

  it("refuses an account already linked to another active person, until that person is deactivated", async () => {
    const { prisma, clock, person, user } = await setup();
    const a = await person("sarantuya");
    const b = await person("tugsjargal");
    const u = await user(5001);
    await redeemInvite(prisma, clock, {
      userId: u.id,
      code: (await createInvite(prisma, clock, { personId: a.id })).code,
    });
    const forB = await createInvite(prisma, clock, { personId: b.id });
    const err = await redeemInvite(prisma, clock, { userId: u.id, code: forB.code }).catch(
      (e: DomainError) => e,
    );
    expect(err).toMatchObject({
      key: "directory:errors.accountLinkedToOther",
      params: { name: "О.Сарантуяа", org: "Аймгийн Засаг даргын Тамгын газар" },
    });
    expect(await prisma.invite.findUniqueOrThrow({ where: { id: forB.inviteId } })).toMatchObject({
      usedAt: null,
    });

    await prisma.person.update({ where: { id: a.id }, data: { active: false } });
    const moved = await redeemInvite(prisma, clock, { userId: u.id, code: forB.code });
    expect(moved.personId).toBe(b.id);
  });

  it("is created only by an admin of the person's organisation", async () => {
    const { prisma, clock, person } = await setup();
    const target = await person("munkhsaruul");
    const soumAdmin = await person("tsogtbayar");
    const aimagAdmin = await person("temuulen");
    const actorOf = (p: { id: number; orgId: number; roles: Actor["roles"] }): Actor => ({
      userId: 1,
      personId: p.id,
      orgId: p.orgId,
      unitId: null,
      roles: p.roles,
      superAdmin: false,
    });
    expect(
      await rejection(createInvite(prisma, clock, { actor: actorOf(soumAdmin), personId: target.id })),
    ).toBe("common:errors.notFound");
    expect(
      await rejection(
        createInvite(prisma, clock, { actor: actorOf(await person("magnaibayar")), personId: target.id }),
      ),
    ).toBe("common:errors.forbidden");
    await createInvite(prisma, clock, { actor: actorOf(aimagAdmin), personId: target.id });
    const superAdmin: Actor = {
      userId: 9,
      personId: null,
      orgId: null,
      unitId: null,
      roles: [],
      superAdmin: true,
    };
    await createInvite(prisma, clock, { actor: superAdmin, personId: target.id });
    await prisma.person.update({ where: { id: target.id }, data: { active: false } });
    expect(
      await rejection(createInvite(prisma, clock, { actor: actorOf(aimagAdmin), personId: target.id })),
    ).toBe("directory:errors.personInactive");
  });
});
