/**
 * Checks of single fields of a staff-registered petition, made with the same validator
 * that registerByStaff applies to the whole petition (./validation.ts), so a dialogue can
 * ask again at the step where the answer was given.
 */
import { parseOrgSettings } from "../directory/settings.js";
import { DomainError } from "../shared/errors.js";
import { DEFAULT_TIME_ZONE } from "../shared/local-time.js";
import type { Tx } from "../shared/types.js";
import { parseReceivedAt } from "./deadlines.js";
import { checkStaffIntake, type FieldResult } from "./validation.js";

/** "2026.03.05", "2026/3/5" or "2026-03-05" → "2026-03-05"; anything else unchanged. */
export function normaliseDate(raw: string): string {
  const m = /^\s*(\d{4})[.\-/ ](\d{1,2})[.\-/ ](\d{1,2})\.?\s*$/.exec(raw);
  return m ? `${m[1]}-${(m[2] as string).padStart(2, "0")}-${(m[3] as string).padStart(2, "0")}` : raw.trim();
}

/**
 * The date a petition reached the organisation, as staff type it: a real date, not in
 * the future, not more than a year ago. Gives it as YYYY-MM-DD.
 */
export async function checkReceivedAt(
  tx: Tx,
  orgId: number,
  raw: string,
  now: Date,
): Promise<FieldResult<string>> {
  const org = await tx.organization.findUnique({
    where: { id: orgId },
    select: { timezone: true, settings: true },
  });
  if (!org) throw new DomainError("common:errors.notFound");
  const date = normaliseDate(raw);
  const tz = org.timezone || DEFAULT_TIME_ZONE;
  const check = checkStaffIntake(
    {
      settings: parseOrgSettings(org.settings),
      topic: null,
      now,
      parseReceivedAt: (r) => parseReceivedAt(r, tz),
    },
    { channel: "WRITTEN", receivedAt: date, kind: "REQUEST", text: "" },
  );
  const error = check.ok ? undefined : check.errors.find((e) => e.field === "receivedAt");
  return error ? { ok: false, key: error.key, params: error.params } : { ok: true, value: date };
}
