/**
 * Every scheduled job, in one list. The runner (src/scheduling/job-runner.ts) runs each
 * slot of a job once across restarts and instances and catches up missed slots.
 *
 * The jobs tick at the top of every hour: each organisation has its own reminder and
 * digest time (settings.notifications.reminderTime / digestTime, 09:00 by default) and
 * time zone, and a job acts for an organisation in the hour that contains its time.
 * A job only writes notification rows; the delivery worker sends them. The nightly
 * outbox-retention job deletes old finished ones.
 */
import type { JobDefinition } from "../scheduling/job-runner.js";
import { OUTBOX_RETENTION_DAYS } from "../scheduling/retention.js";
import { DEFAULT_TIME_ZONE } from "../shared/local-time.js";
import { citizenNotReached } from "./citizen-not-reached.js";
import { outboxRetention } from "./outbox-retention.js";
import { petitionEscalations } from "./petition-escalations.js";
import { petitionReminders } from "./petition-reminders.js";
import { reportingOverdue } from "./reporting-overdue.js";
import { reportingReminders } from "./reporting-reminders.js";
import { weeklyDigest } from "./weekly-digest.js";

const HOURLY = "0 * * * *";
const NIGHTLY = "30 3 * * *";
const ULAANBAATAR = DEFAULT_TIME_ZONE;

export const schedule: JobDefinition[] = [
  {
    name: "reporting-reminders",
    cron: HOURLY,
    timeZone: ULAANBAATAR,
    description: "daily at reminderTime: report reminders 7, 3, 1 days before the deadline and on the day",
    run: reportingReminders,
  },
  {
    name: "reporting-overdue",
    cron: HOURLY,
    timeZone: ULAANBAATAR,
    description:
      "daily at reminderTime: after a deadline, a notice to each late official and a list to their head",
    run: reportingOverdue,
  },
  {
    name: "petition-reminders",
    cron: HOURLY,
    timeZone: ULAANBAATAR,
    description: "daily at reminderTime: petition reminders to the assignee 7, 3, 1 days before the due date",
    run: petitionReminders,
  },
  {
    name: "petition-escalations",
    cron: HOURLY,
    timeZone: ULAANBAATAR,
    description:
      "daily at reminderTime: overdue petitions to heads and clerks; waiting extension requests to heads",
    run: petitionEscalations,
  },
  {
    name: "citizen-not-reached",
    cron: HOURLY,
    timeZone: ULAANBAATAR,
    description:
      "hourly: a Messenger citizen's messages held for messengerHeldNoticeDays (default 3) → the clerks, once per petition and episode",
    run: citizenNotReached,
  },
  {
    name: "weekly-digest",
    cron: HOURLY,
    timeZone: ULAANBAATAR,
    description:
      "daily at digestTime: heads' digest on their weekday and the day before each reporting deadline",
    run: weeklyDigest,
  },
  {
    name: "outbox-retention",
    cron: NIGHTLY,
    timeZone: ULAANBAATAR,
    description: `nightly at 03:30: deletes sent, failed and cancelled notifications older than ${OUTBOX_RETENTION_DAYS} days`,
    run: outboxRetention,
  },
];
