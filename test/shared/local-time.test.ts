import { describe, expect, it } from "vitest";
import { intlParts, localParts, localTime, zoneOffsetMs } from "../../src/shared/local-time.js";

// localParts reads the zone's offset once per quarter hour; Intl is the reference.
describe("local time", () => {
  const zones = [
    "Asia/Ulaanbaatar", // +08, daylight saving until 2016
    "Asia/Hovd",
    "Europe/Berlin",
    "America/New_York",
    "Asia/Kathmandu", // +05:45
    "Australia/Lord_Howe", // a half-hour daylight saving shift
    "America/St_Johns", // -03:30
    "UTC",
  ];

  it("reads every instant as Intl does, around and far from offset changes", () => {
    let seed = 7;
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    const instants: number[] = [];
    // Random instants from 1990 to 2040, with milliseconds.
    for (let i = 0; i < 800; i++) instants.push(Math.floor(631152000000 + random() * 1577836800000));
    for (const zone of zones) {
      // Every minute around each offset change of 2015, 2016 and 2026 in the zone.
      for (let t = Date.UTC(2015, 0, 1); t < Date.UTC(2027, 0, 1); t += 3_600_000) {
        if (t > Date.UTC(2016, 11, 31) && t < Date.UTC(2026, 0, 1)) continue;
        if (zoneOffsetMs(t, zone) !== zoneOffsetMs(t + 3_600_000, zone))
          for (let m = -90; m <= 150; m += 3) instants.push(t + m * 60_000 + 1234);
      }
      for (const t of instants)
        expect(localParts(new Date(t), zone), `${zone} ${new Date(t).toISOString()}`).toEqual(
          intlParts(new Date(t), zone),
        );
    }
  });

  it("refuses a zone the runtime does not know", () => {
    expect(() => localParts(new Date(), "Mars/Olympus")).toThrow(RangeError);
  });

  it("finds the instant of a local time in Ulaanbaatar", () => {
    expect(localTime("Asia/Ulaanbaatar", 2026, 3, 10, 9).toISOString()).toBe("2026-03-10T01:00:00.000Z");
    expect(localParts(new Date("2026-03-31T16:00:00Z"), "Asia/Ulaanbaatar")).toMatchObject({
      date: "2026-04-01",
      hour: 0,
      weekday: 3,
    });
  });
});
