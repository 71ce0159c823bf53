/**
 * The kiosk's attract loop as pure steps: walk the shown run's steps one by one, then move on to
 * the next sample (wrapping), and start over after a minute without a visitor.
 */
export const KIOSK_IDLE_MS = 60_000;
export const ATTRACT_STEP_MS = 4_000;

export interface AttractPosition {
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
