/**
 * Touch gestures on the picture as pure steps: one finger pans; two fingers pan by their
 * midpoint's travel and zoom by the change in their spread, about the new midpoint (so the
 * point under the fingers stays under them).
 */
export interface TouchPoint {
  x: number;
  y: number;
}

export interface GestureStep {
  dx: number;
  dy: number;
  /** Zoom factor (1 for a one-finger pan). */
  factor: number;
  /** Where to zoom about, in stage pixels. */
  at: TouchPoint;
}

const mid = (a: TouchPoint, b: TouchPoint): TouchPoint => ({ x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 });
const spread = (a: TouchPoint, b: TouchPoint) => Math.hypot(a.x - b.x, a.y - b.y);

/** The step from `prev` to `next` touches; null when the finger count changed (start afresh). */
export function gestureStep(prev: readonly TouchPoint[], next: readonly TouchPoint[]): GestureStep | null {
  if (prev.length !== next.length || next.length === 0 || next.length > 2) return null;
  if (next.length === 1) {
    return { dx: next[0].x - prev[0].x, dy: next[0].y - prev[0].y, factor: 1, at: next[0] };
  }
  const m0 = mid(prev[0], prev[1]);
  const m1 = mid(next[0], next[1]);
  const s0 = spread(prev[0], prev[1]);
  const s1 = spread(next[0], next[1]);
  // Fingers on the same spot give no scale to compare against: pan only.
  const factor = s0 > 1 && s1 > 1 ? s1 / s0 : 1;
  return { dx: m1.x - m0.x, dy: m1.y - m0.y, factor, at: m1 };
}
