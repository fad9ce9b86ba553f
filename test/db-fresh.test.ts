/**
 * A brand-new embedded database folder (what a first `npm start` creates). The suite's other
 * tests load a prepared image, so they cannot see first-start problems.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../src/db/index.js";

describe.skipIf(process.env.TEST_DATABASE_URL !== undefined)("a fresh embedded database", () => {
  it("migrates on first open and at once answers queries on enum arrays (roles has …)", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "albabot-fresh-"));
    try {
      const db = await openDatabase({ dataDir: dir });
      const migrations = readdirSync("prisma/migrations", { withFileTypes: true }).filter((e) =>
        e.isDirectory(),
      );
      expect(db.applied).toHaveLength(migrations.length);
      const org = await db.prisma.organization.create({ data: { slug: "x", name: "X" } });
      await db.prisma.person.create({
        data: { orgId: org.id, code: "P1", fullName: "A", roles: ["UNIT_HEAD"] },
      });
      const heads = await db.prisma.person.findMany({ where: { roles: { has: "UNIT_HEAD" } } });
      expect(heads).toHaveLength(1);
      await db.close();

      const again = await openDatabase({ dataDir: dir });
      expect(again.applied).toEqual([]);
      expect(await again.prisma.person.count()).toBe(1);
      await again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it("refuses a second process on the same folder with a clear message", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "albabot-lock-"));
    try {
      const { acquireFolderLock, FolderLockedError } = await import("../src/db/folder-lock.js");
      const { writeFileSync } = await import("node:fs");
      const lock = path.join(dir, "db.lock");
      writeFileSync(lock, String(process.ppid)); // a live process other than this one
      expect(() => acquireFolderLock(lock)).toThrow(FolderLockedError);
      writeFileSync(lock, "999999999"); // a process that is gone: the lock is reclaimed
      const release = acquireFolderLock(lock);
      release();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
