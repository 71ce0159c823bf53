/**
 * The kiosk's attract loop as pure steps: walk the shown run's steps one by one, then move on to
 * the next item (the samples, then the runs recorded in this browser; wrapping), and start over
 * after a minute without a visitor. Items are strings: a sample id, or `run:<trace id>`.
 */
export const KIOSK_IDLE_MS = 60_000;
export const ATTRACT_STEP_MS = 4_000;

export interface AttractPosition {
  /** The item shown: a sample id or a recorded run's key (runKey). */
  sample: string;
  /** Selected step (null: the whole run, all boxes). */
  step: number | null;
}

/** Where the loop goes next from `at`, with `steps` the shown run's step count. */
export function nextAttract(samples: readonly string[], at: AttractPosition, steps: number): AttractPosition {
  if (at.step === null && steps > 0) return { sample: at.sample, step: 0 };
  if (at.step !== null && at.step + 1 < steps) return { sample: at.sample, step: at.step + 1 };
  const i = samples.indexOf(at.sample);
  return { sample: samples[(i + 1) % samples.length], step: null };
}

/** Whether the visitor has gone: no input for the idle time. */
export function isIdle(now: number, lastInput: number, idleMs = KIOSK_IDLE_MS): boolean {
  return now - lastInput >= idleMs;
}

/** The loop's key for a run recorded in this browser (no sample id starts so: they have no colon). */
export function runKey(traceId: string): string {
  return `run:${traceId}`;
}

/** The loop's items: the samples first (the start after idle), then the recorded runs, newest first. */
export function attractItems(samples: readonly string[], recordedIds: readonly string[]): string[] {
  return [...samples, ...recordedIds.map(runKey)];
}

/** Which item is on screen: the sample shown, else a recorded run's key, else undefined. */
export function shownItem(
  sample: string | undefined,
  traceId: string | undefined,
  recordedIds: readonly string[],
): string | undefined {
  if (sample) return sample;
  return traceId !== undefined && recordedIds.includes(traceId) ? runKey(traceId) : undefined;
}
