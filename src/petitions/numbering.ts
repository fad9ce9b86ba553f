/**
 * Registration numbers: unique per organisation and year, gap-free, readable
 * (ӨГ-2026-000123; seven digits and more from the millionth on).
 *
 * The counter row of (organisation, year) is created or incremented with one
 * INSERT … ON CONFLICT DO UPDATE … RETURNING in the same statement that writes the
 * petition (petition-register.ts). The row stays locked until that statement's
 * transaction ends, so simultaneous registrations queue on it and get consecutive
 * numbers, and a registration that fails takes its number back with it: no gaps.
 */

/**
 * A data-modifying CTE named `name` that takes the next number of the organisation's year
 * (`seq`) and formats it (`number`); `orgId`, `year` and `prefix` are SQL expressions
 * (parameters).
 */
export function nextNumberCte(name: string, orgId: string, year: string, prefix: string): string {
  return `${name} AS (
    INSERT INTO "PetitionCounter" ("orgId", "year", "lastSeq") VALUES (${orgId}, ${year}, 1)
    ON CONFLICT ("orgId", "year") DO UPDATE SET "lastSeq" = "PetitionCounter"."lastSeq" + 1
    RETURNING "lastSeq" AS seq,
      ${prefix} || '-' || ${year}::text || '-' || lpad("lastSeq"::text, greatest(6, length("lastSeq"::text)), '0')
        AS number
  )`;
}
