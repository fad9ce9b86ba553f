import { describe, expect, it } from "vitest";
import { useTestDatabase } from "./support/db.js";

describe("test database", () => {
  const db = useTestDatabase();
  it("starts empty and accepts writes", async () => {
    const { prisma } = db();
    expect(await prisma.organization.count()).toBe(0);
    await prisma.organization.create({ data: { slug: "a", name: "A" } });
    expect(await prisma.organization.count()).toBe(1);
  });
  it("is emptied between tests", async () => {
    expect(await db().prisma.organization.count()).toBe(0);
  });
});
