import { describe, expect, it } from "vitest";
import { parseOrgSettings } from "../../src/directory/settings.js";
import { addDays, daysBetween, formatLocalIso, localParts, weekdayOf } from "../../src/shared/local-time.js";
import { isQuiet, nextAllowedTime } from "../../src/scheduling/quiet-hours.js";
import { local, TZ } from "./fixtures.js";

const defaults = parseOrgSettings({});
const at = (s: string) => formatLocalIso(nextAllowedTime(defaults, TZ, local(s)), TZ);
const digestAt = (s: string, settings = defaults) =>
  formatLocalIso(nextAllowedTime(settings, TZ, local(s), "digest"), TZ);

describe("nextAllowedTime", () => {
  it("leaves daytime alone and moves the night to 08:00", () => {
    expect(at("2026-03-10T09:00")).toBe("2026-03-10T09:00+08:00");
    expect(at("2026-03-10T20:59")).toBe("2026-03-10T20:59+08:00");
    expect(at("2026-03-10T21:00")).toBe("2026-03-11T08:00+08:00");
    expect(at("2026-03-10T23:45")).toBe("2026-03-11T08:00+08:00");
    expect(at("2026-03-11T00:10")).toBe("2026-03-11T08:00+08:00");
    expect(at("2026-03-11T07:59")).toBe("2026-03-11T08:00+08:00");
    expect(at("2026-03-11T08:00")).toBe("2026-03-11T08:00+08:00");
    expect(at("2026-03-31T22:00")).toBe("2026-04-01T08:00+08:00");
  });

  it("holds digests over the weekend unless digestsOnWeekends", () => {
    // 2026-03-14 is a Saturday.
    expect(digestAt("2026-03-14T09:00")).toBe("2026-03-16T08:00+08:00");
    expect(digestAt("2026-03-15T18:00")).toBe("2026-03-16T08:00+08:00");
    expect(digestAt("2026-03-13T22:00")).toBe("2026-03-16T08:00+08:00"); // Friday night
    expect(digestAt("2026-03-13T09:00")).toBe("2026-03-13T09:00+08:00");
    expect(at("2026-03-13T22:00")).toBe("2026-03-14T08:00+08:00"); // other messages: Saturday
    const weekends = parseOrgSettings({ notifications: { digestsOnWeekends: true } });
    expect(digestAt("2026-03-14T09:00", weekends)).toBe("2026-03-14T09:00+08:00");
  });

  it("follows the organisation's own window, also one that does not cross midnight", () => {
    const lunch = parseOrgSettings({ notifications: { quietStart: "12:30", quietEnd: "14:00" } });
    const f = (s: string) => formatLocalIso(nextAllowedTime(lunch, TZ, local(s)), TZ);
    expect(f("2026-03-10T12:45")).toBe("2026-03-10T14:00+08:00");
    expect(f("2026-03-10T22:00")).toBe("2026-03-10T22:00+08:00");
    const none = parseOrgSettings({ notifications: { quietStart: "00:00", quietEnd: "00:00" } });
    expect(isQuiet(none, TZ, local("2026-03-10T03:00"))).toBe(false);
    expect(isQuiet(defaults, TZ, local("2026-03-10T03:00"))).toBe(true);
  });

  it("works in another time zone", () => {
    const utcEvening = new Date("2026-03-10T22:00:00Z");
    expect(nextAllowedTime(defaults, "UTC", utcEvening).toISOString()).toBe("2026-03-11T08:00:00.000Z");
    // The same instant is 06:00 in Ulaanbaatar: quiet until 08:00 there.
    expect(nextAllowedTime(defaults, TZ, utcEvening).toISOString()).toBe("2026-03-11T00:00:00.000Z");
  });
});

describe("local time arithmetic", () => {
  it("reads wall-clock parts and counts days", () => {
    const p = localParts(new Date("2026-03-12T17:30:00Z"), TZ);
    expect(p).toMatchObject({ date: "2026-03-13", hour: 1, minute: 30, weekday: 5 });
    expect(addDays("2026-02-27", 2)).toBe("2026-03-01");
    expect(daysBetween("2026-03-13", "2026-03-20")).toBe(7);
    expect(daysBetween("2026-03-21", "2026-03-20")).toBe(-1);
    expect(weekdayOf("2026-03-16")).toBe(1);
    expect(weekdayOf("2026-03-15")).toBe(7);
  });
});
