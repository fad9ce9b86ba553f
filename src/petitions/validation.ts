/**
 * Validation of petition input. Each field validator returns `{ ok: true, value }` with the
 * normalised value or `{ ok: false, key, params }` with a locale key, so a conversation
 * can re-ask one step; `checkIntake` / `checkStaffIntake` check a whole petition and
 * report every field at once.
 */

import type { OrgSettings } from "../directory/settings.js";
import {
  FileKind,
  type FileKind as FileKindT,
  PetitionChannel,
  type PetitionChannel as PetitionChannelT,
  PetitionKind,
  type PetitionKind as PetitionKindT,
  SenderType,
  type SenderType as SenderTypeT,
} from "../generated/prisma/enums.js";
import { DomainError } from "../shared/errors.js";
import { checkAttachmentFile } from "./attachment-rules.js";
import { consentRequired } from "./consent.js";
import { normalizePhone } from "./phone.js";

export const TEXT_MIN = 10;
export const TEXT_MAX = 4000;
/** Messages relayed through the chat (questions, replies, answers) stay within one message. */
export const MESSAGE_MAX = 3000;
export const ANSWER_MIN = 10;
export const REASON_MAX = 1000;
/** The name of a body outside the system a petition is forwarded to. */
export const FORWARD_NAME_MAX = 200;
export const NAME_MIN_LETTERS = 2;
export const NAME_MAX = 150;
export const ADDRESS_MIN = 5;
export const ADDRESS_MAX = 500;
export const EMAIL_MAX = 254;

export type FieldResult<T> =
  { ok: true; value: T } | { ok: false; key: string; params: Record<string, unknown> };

export type IntakeField =
  | "org"
  | "kind"
  | "topic"
  | "text"
  | "attachments"
  | "anonymous"
  | "name"
  | "phone"
  | "address"
  | "email"
  | "consent"
  | "channel"
  | "senderType"
  | "receivedAt";

export interface FieldError {
  field: IntakeField;
  key: string;
  params: Record<string, unknown>;
}

/**
 * A petition failed validation. `key`/`params` are those of the first field in the order
 * of the intake conversation (`field` names it); `errors` lists every failing field.
 */
export class IntakeError extends DomainError {
  readonly field: IntakeField;
  constructor(readonly errors: FieldError[]) {
    const first = errors[0] as FieldError;
    super(first.key, { ...first.params, field: first.field });
    this.name = "IntakeError";
    this.field = first.field;
  }
}

const ok = <T>(value: T): FieldResult<T> => ({ ok: true, value });
const fail = <T>(key: string, params: Record<string, unknown> = {}): FieldResult<T> => ({
  ok: false,
  key,
  params,
});

// eslint-disable-next-line no-control-regex -- control characters are what it removes
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

/** Trims, removes control characters (keeps line breaks) and unifies line endings. */
export function cleanText(raw: unknown): string {
  if (typeof raw !== "string") return "";
  return raw.replace(/\r\n?/g, "\n").replace(CONTROL, "").trim();
}

function oneLine(raw: unknown): string {
  return cleanText(raw).replace(/\s+/g, " ");
}

import { hasWords } from "../shared/text.js";

export { hasWords };

/** The petition's text: 10–4000 characters. */
export function validateText(raw: unknown, min = TEXT_MIN, max = TEXT_MAX): FieldResult<string> {
  const text = cleanText(raw);
  if (text.length === 0) return fail("petitions:errors.textRequired");
  if (!hasWords(text)) return fail("petitions:errors.noWords");
  if ([...text].length < min) return fail("petitions:errors.textTooShort", { min });
  if ([...text].length > max) return fail("petitions:errors.textTooLong", { max });
  return ok(text);
}

/**
 * A phone number (./phone.ts): a Mongolian one (8 digits starting with 5–9, optionally
 * preceded by +976 / 976 / 00976) normalised to +976XXXXXXXX, or one abroad with its
 * country code, kept in E.164. Spaces, dashes, dots or brackets may be anywhere.
 */
export function validatePhone(raw: unknown, opts: { fromContact?: boolean } = {}): FieldResult<string> {
  const line = oneLine(raw);
  if (line.replace(/[\s\-.()]/g, "").length === 0) return fail("petitions:errors.phoneRequired");
  const phone = normalizePhone(line, opts);
  return phone ? ok(phone) : fail("petitions:errors.phoneInvalid");
}

/** A person's (or legal entity's) name: at least two letters, at most 150 characters. */
export function validateName(raw: unknown): FieldResult<string> {
  const name = oneLine(raw);
  if (name.length === 0) return fail("petitions:errors.nameRequired");
  const letters = name.match(/\p{L}/gu)?.length ?? 0;
  if (letters < NAME_MIN_LETTERS) return fail("petitions:errors.nameInvalid");
  if (name.length > NAME_MAX) return fail("petitions:errors.nameTooLong", { max: NAME_MAX });
  return ok(name);
}

/**
 * The petitioner's address, in words (not only emoji or symbols). When not required an
 * empty answer gives `value: null`.
 */
export function validateAddress(raw: unknown, required = true): FieldResult<string | null> {
  const address = oneLine(raw);
  if (address.length === 0) return required ? fail("petitions:errors.addressRequired") : ok(null);
  if (!hasWords(address)) return fail("petitions:errors.noWords");
  if (address.length < ADDRESS_MIN) return fail("petitions:errors.addressTooShort", { min: ADDRESS_MIN });
  if (address.length > ADDRESS_MAX) return fail("petitions:errors.addressTooLong", { max: ADDRESS_MAX });
  return ok(address);
}

/** An optional e-mail address; empty gives `value: null`. */
export function validateEmail(raw: unknown): FieldResult<string | null> {
  const email = oneLine(raw);
  if (email.length === 0) return ok(null);
  if (email.length > EMAIL_MAX || !/^[^\s@]+@[^\s@]+\.[^\s@.]{2,}$/.test(email)) {
    return fail("petitions:errors.emailInvalid");
  }
  return ok(email);
}

export interface AttachmentInput {
  kind: FileKindT;
  fileId: string;
  fileUniqueId?: string | null;
  fileName?: string | null;
  mimeType?: string | null;
  size?: number | null;
}

/**
 * The files of a petition, reply or answer: at most `max`, each well-formed and allowed by
 * ./attachment-rules.ts (size, no programs or scripts).
 */
export function validateAttachments(raw: unknown, max: number): FieldResult<AttachmentInput[]> {
  if (raw === undefined || raw === null) return ok([]);
  if (!Array.isArray(raw)) return fail("petitions:errors.attachmentInvalid");
  if (raw.length > max) return fail("petitions:errors.tooManyAttachments", { max });
  const out: AttachmentInput[] = [];
  const str = (v: unknown, len: number) =>
    v === undefined || v === null || (typeof v === "string" && v.length <= len);
  for (const a of raw as Record<string, unknown>[]) {
    if (
      typeof a !== "object" ||
      a === null ||
      !Object.values(FileKind).includes(a.kind as FileKindT) ||
      typeof a.fileId !== "string" ||
      a.fileId.length === 0 ||
      a.fileId.length > 255 ||
      !str(a.fileUniqueId, 255) ||
      !str(a.fileName, 255) ||
      !str(a.mimeType, 255) ||
      !(a.size === undefined || a.size === null || (Number.isInteger(a.size) && (a.size as number) >= 0))
    ) {
      return fail("petitions:errors.attachmentInvalid");
    }
    const file = checkAttachmentFile({
      kind: a.kind as FileKindT,
      fileId: a.fileId,
      fileUniqueId: (a.fileUniqueId as string | undefined) ?? null,
      fileName: (a.fileName as string | undefined) ?? null,
      mimeType: (a.mimeType as string | undefined) ?? null,
      size: (a.size as number | undefined) ?? null,
    });
    if (!file.ok) return fail(file.key, file.params);
    out.push(file.value);
  }
  return ok(out);
}

/** A required free-text note (reason, question, reply): `requiredKey` when empty. */
export function validateNote(raw: unknown, requiredKey: string, max = REASON_MAX): FieldResult<string> {
  const text = cleanText(raw);
  if (text.length === 0) return fail(requiredKey);
  if (!hasWords(text)) return fail("petitions:errors.noWords");
  if ([...text].length > max) return fail("petitions:errors.tooLong", { max });
  return ok(text);
}

/** An optional note (the clerk's instruction, a head's comment): empty gives null. */
export function validateOptionalNote(raw: unknown, max = REASON_MAX): FieldResult<string | null> {
  const text = cleanText(raw);
  if (text.length === 0) return ok(null);
  if (!hasWords(text)) return fail("petitions:errors.noWords");
  if ([...text].length > max) return fail("petitions:errors.tooLong", { max });
  return ok(text);
}

/** The official's answer to the citizen. */
export function validateAnswer(raw: unknown): FieldResult<string> {
  const text = cleanText(raw);
  if ([...text].length < ANSWER_MIN) return fail("petitions:errors.answerTooShort", { min: ANSWER_MIN });
  if (!hasWords(text)) return fail("petitions:errors.noWords");
  if ([...text].length > MESSAGE_MAX) return fail("petitions:errors.tooLong", { max: MESSAGE_MAX });
  return ok(text);
}

export function isPetitionKind(x: unknown): x is PetitionKindT {
  return typeof x === "string" && (Object.values(PetitionKind) as string[]).includes(x);
}

export function isPetitionChannel(x: unknown): x is PetitionChannelT {
  return typeof x === "string" && (Object.values(PetitionChannel) as string[]).includes(x);
}

export function isSenderType(x: unknown): x is SenderTypeT {
  return typeof x === "string" && (Object.values(SenderType) as string[]).includes(x);
}

/** Whether the organisation accepts petitions of this kind without name and contact. */
export function anonymousAllowed(settings: OrgSettings, kind: PetitionKindT): boolean {
  return (settings.petitions.anonymousKinds as string[]).includes(kind);
}

// ─────────────────────────── whole petitions ───────────────────────────

/** The petition and its petitioner, however it arrived. */
export interface PetitionInput {
  kind: PetitionKindT;
  topicId?: number | null;
  text: string;
  attachments?: AttachmentInput[];
  anonymous?: boolean;
  petitionerName?: string | null;
  phone?: string | null;
  address?: string | null;
  email?: string | null;
}

/** What a citizen's intake conversation collects. */
export interface CitizenDraft extends PetitionInput {
  orgId: number;
  consent: boolean;
}

/** The facts of the organisation that validation depends on. */
export interface IntakeContext {
  settings: OrgSettings;
  /** The chosen topic when it exists, is active and belongs to the organisation. */
  topic: { id: number; requiresAddress: boolean } | null;
}

export interface ValidIntake {
  kind: PetitionKindT;
  topicId: number | null;
  text: string;
  attachments: AttachmentInput[];
  anonymous: boolean;
  petitionerName: string | null;
  phone: string | null;
  address: string | null;
  email: string | null;
}

export type IntakeCheck = { ok: true; value: ValidIntake } | { ok: false; errors: FieldError[] };

function collect<T>(errors: FieldError[], field: IntakeField, r: FieldResult<T>): T | undefined {
  if (r.ok) return r.value;
  errors.push({ field, key: r.key, params: r.params });
  return undefined;
}

function checkCommon(
  ctx: IntakeContext,
  input: { kind: unknown; topicId?: unknown; text: unknown; attachments?: unknown; anonymous?: unknown },
  errors: FieldError[],
) {
  const kind = isPetitionKind(input.kind) ? input.kind : undefined;
  if (!kind) errors.push({ field: "kind", key: "petitions:errors.kindInvalid", params: {} });
  const topicGiven = input.topicId !== undefined && input.topicId !== null;
  if (topicGiven && ctx.topic === null) {
    errors.push({ field: "topic", key: "petitions:errors.topicNotFound", params: {} });
  }
  const text = collect(errors, "text", validateText(input.text));
  const attachments = collect(
    errors,
    "attachments",
    validateAttachments(input.attachments, ctx.settings.petitions.maxAttachments),
  );
  const anonymous = input.anonymous === true;
  if (anonymous && kind && !anonymousAllowed(ctx.settings, kind)) {
    errors.push({ field: "anonymous", key: "petitions:errors.anonymousNotAllowed", params: {} });
  }
  const addressRequired = ctx.settings.petitions.requireAddress || (ctx.topic?.requiresAddress ?? false);
  return { kind, text, attachments, anonymous, addressRequired };
}

type Petitioner = Pick<ValidIntake, "petitionerName" | "phone" | "address" | "email">;

/** An anonymous petition names nobody; a named one fills these in. */
const nobody = (): Petitioner => ({ petitionerName: null, phone: null, address: null, email: null });

/** The checked petition, once `errors` is empty. */
function validIntake(ctx: IntakeContext, c: ReturnType<typeof checkCommon>, who: Petitioner): ValidIntake {
  return {
    kind: c.kind as PetitionKindT,
    topicId: ctx.topic?.id ?? null,
    text: c.text as string,
    attachments: c.attachments as AttachmentInput[],
    anonymous: c.anonymous,
    ...who,
  };
}

/** Checks a citizen's draft against the organisation's rules. */
export function checkIntake(ctx: IntakeContext, draft: CitizenDraft): IntakeCheck {
  const errors: FieldError[] = [];
  const c = checkCommon(ctx, draft, errors);
  const who = nobody();
  if (!c.anonymous) {
    who.petitionerName = collect(errors, "name", validateName(draft.petitionerName)) ?? null;
    who.phone = collect(errors, "phone", validatePhone(draft.phone)) ?? null;
    who.address = collect(errors, "address", validateAddress(draft.address, c.addressRequired)) ?? null;
    who.email = collect(errors, "email", validateEmail(draft.email)) ?? null;
  }
  if (consentRequired(draft) && draft.consent !== true)
    errors.push({ field: "consent", key: "petitions:errors.consentRequired", params: {} });
  if (errors.length > 0) return { ok: false, errors: sortErrors(errors) };
  return { ok: true, value: validIntake(ctx, c, who) };
}

/** What staff enter for a petition that arrived on paper, in person, by phone, e-mail or 11-11. */
export interface StaffIntakeInput extends PetitionInput {
  channel: PetitionChannelT;
  /** When the petition reached the organisation (ISO date-time, or a date YYYY-MM-DD: start of that day). */
  receivedAt: string | Date;
  senderType?: SenderTypeT;
}

export interface ValidStaffIntake extends ValidIntake {
  channel: PetitionChannelT;
  senderType: SenderTypeT;
  receivedAt: Date;
}

export type StaffIntakeCheck = { ok: true; value: ValidStaffIntake } | { ok: false; errors: FieldError[] };

/**
 * Checks a staff-entered petition. A named petition carries a name and at least one
 * contact (phone or e-mail); a written one also the address; an e-mailed one the e-mail.
 * `receivedAt` must lie in the past year and not in the future.
 */
export function checkStaffIntake(
  ctx: IntakeContext & { now: Date; parseReceivedAt: (raw: string | Date) => Date | null },
  input: StaffIntakeInput,
): StaffIntakeCheck {
  const errors: FieldError[] = [];
  const channel =
    isPetitionChannel(input.channel) && input.channel !== "BOT" && input.channel !== "MESSENGER"
      ? input.channel
      : undefined;
  if (!channel) errors.push({ field: "channel", key: "petitions:errors.channelInvalid", params: {} });
  const senderType = input.senderType === undefined ? "CITIZEN" : input.senderType;
  if (!isSenderType(senderType)) {
    errors.push({ field: "senderType", key: "petitions:errors.senderTypeInvalid", params: {} });
  }
  const receivedAt = input.receivedAt === undefined ? null : ctx.parseReceivedAt(input.receivedAt);
  if (!receivedAt) {
    errors.push({ field: "receivedAt", key: "petitions:errors.receivedAtInvalid", params: {} });
  } else if (receivedAt.getTime() > ctx.now.getTime()) {
    errors.push({ field: "receivedAt", key: "petitions:errors.receivedInFuture", params: {} });
  } else if (ctx.now.getTime() - receivedAt.getTime() > 366 * 86_400_000) {
    errors.push({ field: "receivedAt", key: "petitions:errors.receivedTooOld", params: {} });
  }
  const c = checkCommon(ctx, input, errors);
  const who = nobody();
  if (!c.anonymous) {
    who.petitionerName = collect(errors, "name", validateName(input.petitionerName)) ?? null;
    const phoneGiven = cleanText(input.phone).length > 0;
    const emailGiven = cleanText(input.email).length > 0;
    if (phoneGiven || channel === "PHONE")
      who.phone = collect(errors, "phone", validatePhone(input.phone)) ?? null;
    if (!phoneGiven && !emailGiven && channel !== "PHONE" && channel !== "EMAIL") {
      errors.push({ field: "phone", key: "petitions:errors.contactRequired", params: {} });
    }
    const addressRequired = c.addressRequired || channel === "WRITTEN";
    who.address = collect(errors, "address", validateAddress(input.address, addressRequired)) ?? null;
    if (channel === "EMAIL" && !emailGiven) {
      errors.push({ field: "email", key: "petitions:errors.emailRequired", params: {} });
    } else {
      who.email = collect(errors, "email", validateEmail(input.email)) ?? null;
    }
  }
  if (errors.length > 0) return { ok: false, errors: sortErrors(errors) };
  return {
    ok: true,
    value: {
      channel: channel as PetitionChannelT,
      senderType: senderType as SenderTypeT,
      receivedAt: receivedAt as Date,
      ...validIntake(ctx, c, who),
    },
  };
}

const FIELD_ORDER: IntakeField[] = [
  "org",
  "channel",
  "receivedAt",
  "senderType",
  "kind",
  "topic",
  "text",
  "attachments",
  "anonymous",
  "name",
  "phone",
  "address",
  "email",
  "consent",
];

function sortErrors(errors: FieldError[]): FieldError[] {
  return [...errors].sort((a, b) => FIELD_ORDER.indexOf(a.field) - FIELD_ORDER.indexOf(b.field));
}
