/**
 * Per-organisation settings, stored as JSON on Organization.settings and read through this
 * schema so every rule has its default in one place. The defaults follow the Law on
 * resolving petitions (30 days, one extension of up to 30 days, forwarding within 7 days)
 * and the performance-evaluation practice of seeds 000–003.
 */
import { z } from "zod";
import type { Tx } from "../shared/types.js";

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/);

export const orgSettingsSchema = z
  .object({
    petitions: z
      .object({
        /** Days to resolve a petition, per kind (suggestions may get longer). */
        resolveDays: z
          .object({
            REQUEST: z.number().int().min(1).default(30),
            COMPLAINT: z.number().int().min(1).default(30),
            SUGGESTION: z.number().int().min(1).default(30),
            CRITICISM: z.number().int().min(1).default(30),
            GRATITUDE: z.number().int().min(1).default(30),
          })
          .prefault({}),
        /** The head may extend once by up to this many days. */
        maxExtensionDays: z.number().int().min(1).default(30),
        /** A petition outside competence is forwarded within this many days. */
        forwardDays: z.number().int().min(1).default(7),
        /** Kinds that may be filed without name and contact. */
        anonymousKinds: z
          .array(z.enum(["REQUEST", "COMPLAINT", "SUGGESTION", "CRITICISM", "GRATITUDE"]))
          .default(["SUGGESTION", "GRATITUDE"]),
        requireAddress: z.boolean().default(false),
        /** The head reviews answers before they reach the citizen. */
        answerReview: z.boolean().default(false),
        /** Prefix of registration numbers: ӨГ-2026-000123. */
        numberPrefix: z.string().min(1).max(8).default("ӨГ"),
        maxAttachments: z.number().int().min(0).max(10).default(5),
        reminderDaysBefore: z.array(z.number().int().min(0)).default([7, 3, 1]),
        /** An official's "due soon" list shows petitions due within this many days. */
        dueSoonDays: z.number().int().min(1).default(3),
        /**
         * A citizen on Messenger whose messages have waited this many days (outside the 24-hour
         * window, they have not written since): the clerk is told to reach them another way.
         */
        messengerHeldNoticeDays: z.number().int().min(1).max(60).default(3),
      })
      .prefault({}),
    reporting: z
      .object({
        /** Completion thresholds (percent) of the rating scale. */
        ratingScale: z
          .object({
            EXCELLENT: z.number().min(0).max(100).default(90),
            GOOD: z.number().min(0).max(100).default(70),
            SATISFACTORY: z.number().min(0).max(100).default(50),
          })
          .prefault({}),
        /** A report opens this many days before its deadline. */
        opensDaysBefore: z.number().int().min(1).default(14),
        /** Default deadlines (month-day) of each period. */
        deadlines: z
          .object({
            Q1: z
              .string()
              .regex(/^\d\d-\d\d$/)
              .default("03-20"),
            H1: z
              .string()
              .regex(/^\d\d-\d\d$/)
              .default("06-15"),
            Q3: z
              .string()
              .regex(/^\d\d-\d\d$/)
              .default("09-20"),
            YEAR: z
              .string()
              .regex(/^\d\d-\d\d$/)
              .default("12-10"),
          })
          .prefault({}),
        reminderDaysBefore: z.array(z.number().int().min(0)).default([7, 3, 1, 0]),
        /** Evidence photos or files an official may attach to one measure. */
        maxEvidencePerEntry: z.number().int().min(0).max(50).default(10),
        /** Seed 003: the skills-development goal should have at least this many measures. */
        minSkillMeasures: z.number().int().min(0).max(20).default(2),
      })
      .prefault({}),
    notifications: z
      .object({
        reminderTime: hhmm.default("09:00"),
        quietStart: hhmm.default("21:00"),
        quietEnd: hhmm.default("08:00"),
        digestTime: hhmm.default("09:00"),
        /** Digests wait for Monday when due on a weekend. */
        digestsOnWeekends: z.boolean().default(false),
      })
      .prefault({}),
  })
  .loose();

export type OrgSettings = z.infer<typeof orgSettingsSchema>;

export function parseOrgSettings(raw: unknown): OrgSettings {
  return orgSettingsSchema.parse(raw ?? {});
}

export async function getOrgSettings(tx: Tx, orgId: number): Promise<OrgSettings> {
  const org = await tx.organization.findUniqueOrThrow({ where: { id: orgId }, select: { settings: true } });
  return parseOrgSettings(org.settings);
}
