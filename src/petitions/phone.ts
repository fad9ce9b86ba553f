/**
 * Phone numbers of petitioners. Mongolian numbers are written as citizens write them
 * (8 digits starting with 5–9, with or without +976 / 00976 / 976) and kept as
 * +976XXXXXXXX; a number abroad is given with its country code (+82 10 1234 5678, or
 * 0082…) and kept in E.164, checked against the numbering plans of libphonenumber-js.
 */
import { parsePhoneNumberFromString } from "libphonenumber-js/max";

const MONGOLIAN = /^(?:\+976|00976|976)?([5-9]\d{7})$/;

/**
 * The number in E.164, or null when it is not a valid number. `fromContact`: the number
 * came from a shared contact, which carries the country code without the leading "+".
 */
export function normalizePhone(raw: string, opts: { fromContact?: boolean } = {}): string | null {
  const compact = raw.replace(/[\s\-.()\u00A0]/g, "");
  const mn = MONGOLIAN.exec(compact);
  if (mn) return `+976${mn[1]}`;
  let international: string | null = null;
  if (compact.startsWith("+")) international = compact;
  else if (compact.startsWith("00")) international = `+${compact.slice(2)}`;
  else if (opts.fromContact && /^\d+$/.test(compact)) international = `+${compact}`;
  if (!international || !/^\+\d{6,15}$/.test(international)) return null;
  const parsed = parsePhoneNumberFromString(international);
  return parsed?.isValid() ? parsed.number : null;
}

/** The country of a stored number (ISO 3166 region code such as "KR"), or null. */
export function phoneCountry(e164: string | null | undefined): string | null {
  if (!e164) return null;
  return parsePhoneNumberFromString(e164)?.country ?? null;
}
