/**
 * Registration numbers: unique per organisation and year, gap-free, readable
 * (ӨГ-2026-000123).
 *
 * The counter row of (organisation, year) is created or incremented with one
 * INSERT … ON CONFLICT DO UPDATE … RETURNING inside the registering transaction. The row
 * stays locked until that transaction ends, so simultaneous registrations queue on it and
 * get consecutive numbers, and a registration that rolls back takes its number back with
 * it: no gaps. Call it as late as possible in the transaction (after validation and
 * reads) to keep the lock short.
 */
import type { Tx } from "../shared/types.js";

export interface RegistrationNumber {
  year: number;
  seq: number;
  number: string;
}

export function formatRegistrationNumber(prefix: string, year: number, seq: number): string {
  return `${prefix}-${year}-${String(seq).padStart(6, "0")}`;
}

/** Takes the next number of the organisation's year. Must run inside a transaction. */
export async function nextRegistrationNumber(
  tx: Tx,
  orgId: number,
  year: number,
  prefix: string,
): Promise<RegistrationNumber> {
  const rows = await tx.$queryRaw<{ lastSeq: number }[]>`
    INSERT INTO "PetitionCounter" ("orgId", "year", "lastSeq")
    VALUES (${orgId}, ${year}, 1)
    ON CONFLICT ("orgId", "year")
    DO UPDATE SET "lastSeq" = "PetitionCounter"."lastSeq" + 1
    RETURNING "lastSeq"`;
  const seq = Number(rows[0]?.lastSeq);
  if (!Number.isInteger(seq) || seq < 1) throw new Error("petition counter returned no number");
  return { year, seq, number: formatRegistrationNumber(prefix, year, seq) };
}
