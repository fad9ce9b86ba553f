import { describe, expect, it } from "vitest";
import { takeRequestKey, withRequestKeys } from "../../src/shared/request-key.js";

class Reports {
  private count = 0;
  readonly taken: (string | undefined)[] = [];
  async submit(): Promise<string | undefined> {
    const key = takeRequestKey(); // at the start, as every service does
    this.count++;
    await Promise.resolve();
    this.taken.push(key);
    return key;
  }
  get submitted(): number {
    return this.count;
  }
}

function services() {
  const reports = new Reports();
  return { deps: { reports }, petitions: new Reports(), reporting: { reports } };
}

describe("request keys", () => {
  it("number a scope's calls in order, through services and the services they hold", async () => {
    const s = services();
    const u = withRequestKeys(s, "u:7");
    expect(await u.petitions.submit()).toBe("u:7.0");
    expect(await u.reporting.reports.submit()).toBe("u:7.1");
    expect(await u.petitions.submit()).toBe("u:7.2");
    // A method runs on the service itself: its state and getters are the service's.
    expect(s.petitions.submitted).toBe(2);
    expect(u.petitions.submitted).toBe(2);
    // Dependencies are handed out as they are.
    expect(u.deps).toBe(s.deps);
  });

  it("keep concurrent scopes apart, and give none outside one", async () => {
    const s = services();
    const a = withRequestKeys(s, "u:1");
    const b = withRequestKeys(s, "c:run:3");
    const keys = await Promise.all([a.petitions.submit(), b.petitions.submit(), a.petitions.submit()]);
    expect(keys).toEqual(["u:1.0", "c:run:3.0", "u:1.1"]);
    expect(await s.petitions.submit()).toBeUndefined();
    expect(takeRequestKey()).toBeUndefined();
  });

  it("a replay makes the same calls with the same keys", async () => {
    const run = async () => {
      const u = withRequestKeys(services(), "u:42");
      return [await u.petitions.submit(), await u.reporting.reports.submit()];
    };
    expect(await run()).toEqual(await run());
  });
});
