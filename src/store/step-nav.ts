/**
 * Moving through a trace's steps with the keyboard, the scrubber and the play button.
 * `null` is the overview (all boxes, nothing selected); steps are positions 0..count-1.
 */

/** The selection after moving by `delta` steps; left of the first step is the overview. */
export function stepAfter(selected: number | null, delta: number, count: number): number | null {
  if (count <= 0) return null;
  const from = selected === null ? -1 : Math.min(selected, count - 1);
  const to = from + delta;
  if (to < 0) return null;
  return Math.min(to, count - 1);
}

/** Where playback goes next, or 'end' when it has shown the last step (play stops there). */
export function playbackNext(selected: number | null, count: number): number | 'end' {
  if (count <= 0) return 'end';
  if (selected !== null && selected >= count - 1) return 'end';
  return selected === null ? 0 : selected + 1;
}

/** Playback restarts from the beginning when pressed at the end. */
export function playbackStart(selected: number | null, count: number): number | null {
  return selected !== null && selected >= count - 1 ? null : selected;
}
