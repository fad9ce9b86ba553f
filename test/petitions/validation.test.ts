import { describe, expect, it } from "vitest";
import { parseOrgSettings } from "../../src/directory/settings.js";
import {
  calendarDaysBetween,
  dueDateFor,
  extendDueDate,
  localYearOf,
  parseReceivedAt,
  quarterRange,
} from "../../src/petitions/deadlines.js";
import { phoneCountry } from "../../src/petitions/phone.js";
import { matchingRules } from "../../src/petitions/routing.js";
import {
  checkIntake,
  checkStaffIntake,
  IntakeError,
  validateAddress,
  validateAttachments,
  validateEmail,
  validateName,
  validatePhone,
  validateText,
} from "../../src/petitions/validation.js";
import { draft } from "./fixtures.js";

describe("field validators", () => {
  it("text: 10–4000 characters after trimming", () => {
    expect(validateText("   ")).toEqual({ ok: false, key: "petitions:errors.textRequired", params: {} });
    expect(validateText("  богино  ")).toEqual({
      ok: false,
      key: "petitions:errors.textTooShort",
      params: { min: 10 },
    });
    expect(validateText("ё".repeat(10))).toEqual({ ok: true, value: "ё".repeat(10) });
    expect(validateText("а".repeat(4000)).ok).toBe(true);
    expect(validateText("а".repeat(4001))).toEqual({
      ok: false,
      key: "petitions:errors.textTooLong",
      params: { max: 4000 },
    });
    expect(validateText(" Мөр 1\r\nМөр 2 \u0007")).toEqual({ ok: true, value: "Мөр 1\nМөр 2" });
    expect(validateText(undefined).ok).toBe(false);
  });

  it("phone: Mongolian 8-digit numbers starting 5–9, normalised to +976", () => {
    for (const raw of [
      "99112233",
      "9911 2233",
      "9911-2233",
      "+976 9911 2233",
      "97699112233",
      "00976 99112233",
    ]) {
      expect(validatePhone(raw)).toEqual({ ok: true, value: "+97699112233" });
    }
    expect(validatePhone("55001122")).toEqual({ ok: true, value: "+97655001122" });
    expect(validatePhone("(7011) 2233")).toEqual({ ok: true, value: "+97670112233" });
    expect(validatePhone("")).toMatchObject({ ok: false, key: "petitions:errors.phoneRequired" });
    for (const bad of [
      "49112233",
      "9911223",
      "991122334",
      "+7 9911 2233",
      "+97649112233",
      "phone",
      "9911a233",
    ]) {
      expect(validatePhone(bad)).toMatchObject({ ok: false, key: "petitions:errors.phoneInvalid" });
    }
  });

  it("phone: a number abroad with its country code, kept in E.164", () => {
    for (const raw of ["+82 10 1234 5678", "0082 10-1234-5678", "+82 (10) 1234 5678"]) {
      expect(validatePhone(raw)).toEqual({ ok: true, value: "+821012345678" });
    }
    expect(validatePhone("+7 912 345 67 89")).toEqual({ ok: true, value: "+79123456789" });
    // A shared contact carries the country code without "+".
    expect(validatePhone("821012345678", { fromContact: true })).toEqual({
      ok: true,
      value: "+821012345678",
    });
    expect(validatePhone("97699112233", { fromContact: true })).toEqual({ ok: true, value: "+97699112233" });
    for (const bad of ["+1 555 123 4567", "+82 10", "821012345678", "+82 10 1234 5678 9999 1"]) {
      expect(validatePhone(bad)).toMatchObject({ ok: false, key: "petitions:errors.phoneInvalid" });
    }
    expect(phoneCountry("+821012345678")).toBe("KR");
    expect(phoneCountry("+97699112233")).toBe("MN");
  });

  it("name: at least two letters, trimmed and single-spaced", () => {
    expect(validateName("  Б.   Болд ")).toEqual({ ok: true, value: "Б. Болд" });
    expect(validateName("Bold Bat")).toEqual({ ok: true, value: "Bold Bat" });
    expect(validateName("")).toMatchObject({ key: "petitions:errors.nameRequired" });
    expect(validateName("1.2")).toMatchObject({ key: "petitions:errors.nameInvalid" });
    expect(validateName("Б")).toMatchObject({ key: "petitions:errors.nameInvalid" });
    expect(validateName("Б".repeat(151))).toMatchObject({
      key: "petitions:errors.nameTooLong",
      params: { max: 150 },
    });
  });

  it("address: required or optional, 5–500 characters", () => {
    expect(validateAddress("", true)).toMatchObject({ key: "petitions:errors.addressRequired" });
    expect(validateAddress("", false)).toEqual({ ok: true, value: null });
    expect(validateAddress("3-р", false)).toMatchObject({ key: "petitions:errors.addressTooShort" });
    expect(validateAddress(" Сүхбаатар сум,  3-р баг ")).toEqual({
      ok: true,
      value: "Сүхбаатар сум, 3-р баг",
    });
    expect(validateAddress("а".repeat(501))).toMatchObject({ key: "petitions:errors.addressTooLong" });
  });

  it("e-mail: optional, checked when given", () => {
    expect(validateEmail("")).toEqual({ ok: true, value: null });
    expect(validateEmail(" bold@mail.mn ")).toEqual({ ok: true, value: "bold@mail.mn" });
    expect(validateEmail("bold@mail")).toMatchObject({ key: "petitions:errors.emailInvalid" });
    expect(validateEmail("bold mail.mn")).toMatchObject({ key: "petitions:errors.emailInvalid" });
  });

  it("attachments: at most the organisation's maximum, each well-formed", () => {
    const photo = { kind: "PHOTO" as const, fileId: "AgAD1" };
    expect(validateAttachments(undefined, 5)).toEqual({ ok: true, value: [] });
    expect(validateAttachments([photo, photo], 2).ok).toBe(true);
    expect(validateAttachments([photo, photo, photo], 2)).toMatchObject({
      key: "petitions:errors.tooManyAttachments",
      params: { max: 2 },
    });
    expect(validateAttachments([{ kind: "VIDEO", fileId: "x" }], 5)).toMatchObject({
      key: "petitions:errors.attachmentInvalid",
    });
    expect(validateAttachments([{ kind: "PHOTO", fileId: "" }], 5)).toMatchObject({
      key: "petitions:errors.attachmentInvalid",
    });
  });

  it("attachments: whatever the channel, no file over 20 MB and no programs or scripts", () => {
    const doc = { kind: "DOCUMENT" as const, fileId: "BQAD1" };
    expect(validateAttachments([{ ...doc, fileName: "scan.pdf", size: 25 * 1024 * 1024 }], 5)).toEqual({
      ok: false,
      key: "petitions:errors.fileTooLarge",
      params: { name: "scan.pdf", size: "25.0", max: 20 },
    });
    expect(validateAttachments([{ ...doc, fileName: "setup.exe" }], 5)).toEqual({
      ok: false,
      key: "petitions:errors.fileTypeRefused",
      params: { name: "setup.exe" },
    });
    expect(validateAttachments([{ ...doc, fileName: "scan.pdf", size: 20 * 1024 * 1024 }], 5).ok).toBe(true);
  });
});

describe("whole intake", () => {
  const settings = parseOrgSettings({});
  const ctx = { settings, topic: null };

  it("normalises a valid draft", () => {
    const r = checkIntake(ctx, draft(1));
    expect(r).toEqual({
      ok: true,
      value: {
        kind: "REQUEST",
        topicId: null,
        text: "Миний тэтгэврийн тооцоолол буруу хийгдсэн тул дахин хянаж өгнө үү.",
        attachments: [],
        anonymous: false,
        petitionerName: "Б.Болд",
        phone: "+97699112233",
        address: "Сүхбаатар сум, 3-р баг, 12-р байр",
        email: null,
      },
    });
  });

  it("reports every failing field in the order of the conversation", () => {
    const r = checkIntake(
      ctx,
      draft(1, { text: "богино", phone: "123", petitionerName: "", consent: false }),
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => [e.field, e.key])).toEqual([
      ["text", "petitions:errors.textTooShort"],
      ["name", "petitions:errors.nameRequired"],
      ["phone", "petitions:errors.phoneInvalid"],
      ["consent", "petitions:errors.consentRequired"],
    ]);
    const err = new IntakeError(r.errors);
    expect(err.key).toBe("petitions:errors.textTooShort");
    expect(err.field).toBe("text");
    expect(err.params).toEqual({ min: 10, field: "text" });
  });

  it("anonymous only for the kinds the organisation allows; no personal data kept", () => {
    const anon = { anonymous: true, petitionerName: "", phone: "", address: "" };
    const complaint = checkIntake(ctx, draft(1, { ...anon, kind: "COMPLAINT" }));
    expect(complaint).toMatchObject({
      ok: false,
      errors: [{ field: "anonymous", key: "petitions:errors.anonymousNotAllowed" }],
    });
    const suggestion = checkIntake(ctx, draft(1, { ...anon, kind: "SUGGESTION", phone: "99112233" }));
    expect(suggestion).toMatchObject({
      ok: true,
      value: { anonymous: true, petitionerName: null, phone: null, address: null, email: null },
    });
    expect(checkIntake(ctx, draft(1, { ...anon, kind: "GRATITUDE" })).ok).toBe(true);
    const allowComplaints = parseOrgSettings({ petitions: { anonymousKinds: ["COMPLAINT"] } });
    expect(
      checkIntake({ settings: allowComplaints, topic: null }, draft(1, { ...anon, kind: "COMPLAINT" })).ok,
    ).toBe(true);
    expect(
      checkIntake({ settings: allowComplaints, topic: null }, draft(1, { ...anon, kind: "SUGGESTION" })).ok,
    ).toBe(false);
  });

  it("address required by the organisation or by the topic", () => {
    const noAddress = draft(1, { address: "" });
    expect(checkIntake(ctx, noAddress)).toMatchObject({ ok: true, value: { address: null } });
    const byOrg = parseOrgSettings({ petitions: { requireAddress: true } });
    expect(checkIntake({ settings: byOrg, topic: null }, noAddress)).toMatchObject({
      ok: false,
      errors: [{ field: "address", key: "petitions:errors.addressRequired" }],
    });
    expect(
      checkIntake({ settings, topic: { id: 7, requiresAddress: true } }, { ...noAddress, topicId: 7 }),
    ).toMatchObject({ ok: false, errors: [{ field: "address" }] });
  });

  it("an unknown topic or kind is reported", () => {
    const r = checkIntake(ctx, draft(1, { topicId: 99, kind: "PRAISE" as never }));
    expect(r).toMatchObject({
      ok: false,
      errors: [
        { field: "kind", key: "petitions:errors.kindInvalid" },
        { field: "topic", key: "petitions:errors.topicNotFound" },
      ],
    });
  });

  it("staff intake: written petitions carry name, address and a contact; dates in the past", () => {
    const now = new Date("2026-03-10T01:00:00Z");
    const sctx = {
      settings,
      topic: null,
      now,
      parseReceivedAt: (raw: string | Date) => parseReceivedAt(raw),
    };
    const base = {
      channel: "WRITTEN" as const,
      receivedAt: "2026-03-02",
      kind: "COMPLAINT" as const,
      text: "Хашаа газрын маргааныг шийдвэрлэж өгнө үү.",
      petitionerName: "Д.Сүрэн",
      phone: "88001122",
      address: "Шаамар сум, 2-р баг",
    };
    expect(checkStaffIntake(sctx, base)).toMatchObject({
      ok: true,
      value: {
        receivedAt: new Date("2026-03-01T16:00:00.000Z"),
        senderType: "CITIZEN",
        phone: "+97688001122",
      },
    });
    expect(checkStaffIntake(sctx, { ...base, address: "" })).toMatchObject({
      ok: false,
      errors: [{ field: "address", key: "petitions:errors.addressRequired" }],
    });
    expect(checkStaffIntake(sctx, { ...base, phone: "" })).toMatchObject({
      ok: false,
      errors: [{ field: "phone", key: "petitions:errors.contactRequired" }],
    });
    expect(checkStaffIntake(sctx, { ...base, phone: "", email: "suren@mail.mn" }).ok).toBe(true);
    expect(checkStaffIntake(sctx, { ...base, channel: "BOT" })).toMatchObject({
      errors: [{ field: "channel", key: "petitions:errors.channelInvalid" }],
    });
    expect(checkStaffIntake(sctx, { ...base, receivedAt: "2026-03-11" })).toMatchObject({
      errors: [{ field: "receivedAt", key: "petitions:errors.receivedInFuture" }],
    });
    expect(checkStaffIntake(sctx, { ...base, receivedAt: "2025-02-01" })).toMatchObject({
      errors: [{ field: "receivedAt", key: "petitions:errors.receivedTooOld" }],
    });
    expect(checkStaffIntake(sctx, { ...base, receivedAt: "2026-02-30" })).toMatchObject({
      errors: [{ field: "receivedAt", key: "petitions:errors.receivedAtInvalid" }],
    });
    expect(checkStaffIntake(sctx, { ...base, channel: "EMAIL", phone: "" })).toMatchObject({
      errors: [{ field: "email", key: "petitions:errors.emailRequired" }],
    });
    expect(checkStaffIntake(sctx, { ...base, senderType: "ROBOT" as never })).toMatchObject({
      errors: [{ field: "senderType" }],
    });
  });
});

describe("terms in the organisation's time zone (Asia/Ulaanbaatar, UTC+8)", () => {
  it("the day of receipt is not counted; due at the end of the 30th day, local time", () => {
    // 10 March 09:00 in Ulaanbaatar → due 9 April 23:59:59.999 local.
    expect(dueDateFor(new Date("2026-03-10T01:00:00Z"), 30).toISOString()).toBe("2026-04-09T15:59:59.999Z");
    // 10 March 01:30 local is still 9 March in UTC: the local date counts.
    expect(dueDateFor(new Date("2026-03-09T17:30:00Z"), 30).toISOString()).toBe("2026-04-09T15:59:59.999Z");
    // 9 March 23:59 local.
    expect(dueDateFor(new Date("2026-03-09T15:59:00Z"), 30).toISOString()).toBe("2026-04-08T15:59:59.999Z");
  });

  it("across the year boundary, and the year of the number is the local year", () => {
    expect(dueDateFor(new Date("2025-12-15T03:00:00Z"), 30).toISOString()).toBe("2026-01-14T15:59:59.999Z");
    const newYearNight = new Date("2025-12-31T16:30:00Z"); // 1 January 2026, 00:30 local
    expect(localYearOf(newYearNight)).toBe(2026);
    expect(localYearOf(new Date("2025-12-31T15:59:59Z"))).toBe(2025);
    expect(dueDateFor(newYearNight, 30).toISOString()).toBe("2026-01-31T15:59:59.999Z");
    expect(dueDateFor(new Date("2028-02-01T02:00:00Z"), 30).toISOString()).toBe("2028-03-02T15:59:59.999Z");
  });

  it("an extension moves the due day by N days; other zones work too", () => {
    expect(extendDueDate(new Date("2026-04-09T15:59:59.999Z"), 30).toISOString()).toBe(
      "2026-05-09T15:59:59.999Z",
    );
    expect(dueDateFor(new Date("2026-03-10T01:00:00Z"), 7, "UTC").toISOString()).toBe(
      "2026-03-17T23:59:59.999Z",
    );
    // Across a daylight-saving change (Berlin, 29 March 2026): still the end of the local day.
    expect(dueDateFor(new Date("2026-03-20T10:00:00Z"), 10, "Europe/Berlin").toISOString()).toBe(
      "2026-03-30T21:59:59.999Z",
    );
  });

  it("calendar days and quarters", () => {
    expect(calendarDaysBetween(new Date("2026-03-10T01:00:00Z"), new Date("2026-03-10T15:00:00Z"))).toBe(0);
    expect(calendarDaysBetween(new Date("2026-03-10T01:00:00Z"), new Date("2026-03-10T16:00:00Z"))).toBe(1);
    expect(quarterRange(2026, 1)).toEqual({
      from: "2025-12-31T16:00:00.000Z",
      to: "2026-03-31T16:00:00.000Z",
    });
    expect(quarterRange(2026, 4)).toEqual({
      from: "2026-09-30T16:00:00.000Z",
      to: "2026-12-31T16:00:00.000Z",
    });
    expect(() => quarterRange(2026, 5 as never)).toThrow(RangeError);
  });

  it("received dates: YYYY-MM-DD is the start of that local day; date-times kept", () => {
    expect(parseReceivedAt("2026-03-02")?.toISOString()).toBe("2026-03-01T16:00:00.000Z");
    expect(parseReceivedAt("2026-03-02T10:15:00+08:00")?.toISOString()).toBe("2026-03-02T02:15:00.000Z");
    expect(parseReceivedAt("02.03.2026")).toBeNull();
    expect(parseReceivedAt("2026-13-01")).toBeNull();
  });
});

describe("routing order", () => {
  it("orders rules by priority, then topic+kind > topic > kind > catch-all", () => {
    const rules = [
      { id: 1, topicId: null, kind: null, unitId: 1, personId: null, priority: 0 },
      { id: 2, topicId: null, kind: "COMPLAINT" as const, unitId: 2, personId: null, priority: 0 },
      { id: 3, topicId: 5, kind: null, unitId: 3, personId: null, priority: 0 },
      { id: 4, topicId: 5, kind: "COMPLAINT" as const, unitId: null, personId: 9, priority: 0 },
      { id: 5, topicId: 6, kind: null, unitId: 4, personId: null, priority: 10 },
      { id: 6, topicId: null, kind: "REQUEST" as const, unitId: 5, personId: null, priority: 1 },
      { id: 7, topicId: null, kind: null, unitId: null, personId: null, priority: 99 },
    ];
    const ids = (topicId: number | null, kind: "COMPLAINT" | "REQUEST") =>
      matchingRules(rules, { topicId, kind }).map((r) => r.id);
    expect(ids(5, "COMPLAINT")).toEqual([4, 3, 2, 1]);
    expect(ids(5, "REQUEST")).toEqual([6, 3, 1]);
    expect(ids(null, "COMPLAINT")).toEqual([2, 1]);
    expect(ids(6, "COMPLAINT")).toEqual([5, 2, 1]);
  });
});
