/**
 * Notifications of the reporting domain. Each one is an outbox row written in the caller's
 * transaction; texts are locale keys of reporting.json rendered in the recipient's language.
 */
import { type MessagePayload, type PayloadButton, enqueueForPerson } from "../scheduling/outbox.js";
import { action } from "../shared/actions.js";
import type { Tx } from "../shared/types.js";

/** Enqueues the same message for several people (one row each, its own dedupe key). */
export async function notifyPeople(
  tx: Tx,
  personIds: readonly number[],
  kind: string,
  dedupeBase: string,
  payload: MessagePayload,
): Promise<number> {
  let n = 0;
  for (const personId of new Set(personIds)) {
    n += await enqueueForPerson(tx, personId, { kind, dedupeKey: `${dedupeBase}:${personId}`, payload });
  }
  return n;
}

/** The head's buttons under a submitted plan. */
export function planReviewButtons(planId: number): PayloadButton[][] {
  return [
    [
      { key: "reporting:buttons.approve", data: action("pl", "ok", planId) },
      { key: "reporting:buttons.return", data: action("pl", "ret", planId) },
    ],
    [{ key: "reporting:buttons.openPlan", data: action("pl", "open", planId) }],
  ];
}

/** The head's buttons under a submitted report. */
export function reportReviewButtons(reportId: number): PayloadButton[][] {
  return [
    [
      { key: "reporting:buttons.approve", data: action("rv", "ok", reportId) },
      { key: "reporting:buttons.return", data: action("rv", "ret", reportId) },
    ],
    [
      { key: "reporting:buttons.rate", data: action("rv", "rate", reportId) },
      { key: "reporting:buttons.openReport", data: action("rv", "open", reportId) },
    ],
  ];
}

/** The official's button to open their plan. */
export function ownPlanButtons(planId: number): PayloadButton[][] {
  return [[{ key: "reporting:buttons.openPlan", data: action("pl", "open", planId) }]];
}

/** The official's button to open (and edit, when returned) their report. */
export function ownReportButtons(reportId: number): PayloadButton[][] {
  return [[{ key: "reporting:buttons.openReport", data: action("rp", "open", reportId) }]];
}
