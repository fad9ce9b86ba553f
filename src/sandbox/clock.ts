/**
 * The sandbox's clock: the steps the page offers, and moving time forward the way a real
 * week would pass, stopping at every slot of the scheduled jobs.
 */
import type { JobRunner } from "../scheduling/job-runner.js";
import { ManualClock, type OffsetClock } from "../shared/clock.js";

/** The live sandbox moves an OffsetClock; tests drive a ManualClock. */
export type SandboxClock = OffsetClock | ManualClock;

export const TIME_ZONE = "Asia/Ulaanbaatar";

export const CLOCK_STEPS = { "1h": 3_600_000, "1d": 86_400_000, "1w": 7 * 86_400_000 } as const;
export type ClockStep = keyof typeof CLOCK_STEPS;

/** How much of a clock move is passed slot by slot (longer moves pass the rest at once). */
export const STEPPED_MS = 31 * 86_400_000;

/** The longest single move of the clock. */
export const MAX_ADVANCE_MS = 366 * 86_400_000;

export interface AdvanceResult {
  now: string;
  /** Job slots run (each job, each hour passed). */
  slots: number;
  /** Notifications the jobs wrote. */
  enqueued: number;
  /** Notifications delivered to the personas' chats. */
  delivered: number;
}

/** Moves the clock forward to `at` (never back). */
export function moveClockTo(clock: SandboxClock, at: number): void {
  const by = at - clock.now().getTime();
  if (by <= 0) return;
  if (clock instanceof ManualClock) clock.advance(by);
  else clock.offsetMs += by;
}

/** Sets the clock back to where the sandbox started. */
export function resetClock(clock: SandboxClock, startMs: number): void {
  if (clock instanceof ManualClock) clock.set(new Date(startMs));
  else clock.offsetMs = 0;
}

/** What "now" would be without the sandbox's moves (the start time for a manual clock). */
export function realNow(clock: SandboxClock, startMs: number): number {
  return clock instanceof ManualClock ? startMs : clock.now().getTime() - clock.offsetMs;
}

/** The offset kept across restarts (a manual clock keeps none). */
export function savedOffset(clock: SandboxClock): number {
  return clock instanceof ManualClock ? 0 : clock.offsetMs;
}

/** Restores a saved offset onto a live clock. */
export function restoreOffset(clock: SandboxClock, offsetMs: number): void {
  if (!(clock instanceof ManualClock)) clock.offsetMs = offsetMs || 0;
}

/**
 * Moves the clock forward by `ms` as a real week would pass: it stops at every slot of the
 * jobs and calls `step` with the clock at that moment, so each reminder and digest goes on
 * its own day. The time beyond the last {@link STEPPED_MS} of a longer move is passed at
 * once, as after an outage (the jobs' catch-up rules apply).
 */
export async function passTime(
  clock: SandboxClock,
  runner: JobRunner,
  ms: number,
  step: () => Promise<void>,
): Promise<void> {
  const target = clock.now().getTime() + ms;
  if (ms > STEPPED_MS) {
    moveClockTo(clock, target - STEPPED_MS);
    await step();
  }
  for (;;) {
    const next = runner.nextSlot(clock.now(), new Date(target));
    if (!next) break;
    moveClockTo(clock, next.getTime());
    await step();
  }
  moveClockTo(clock, target);
  await step();
}
