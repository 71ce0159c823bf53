/**
 * How well the zooms found the target: each zoom box (mapped to the original image) against V*'s
 * ground-truth target boxes. Per question: the best IoU over every (zoom, target) pair, and
 * whether every target's centre lies inside some zoom. Pure.
 */
import type { Box } from '../../base/types';
import type { Trace } from '../types';

export function iou(a: Box, b: Box): number {
  const w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  const area = (r: Box) => Math.max(0, r[2] - r[0]) * Math.max(0, r[3] - r[1]);
  return inter / (area(a) + area(b) - inter);
}

export function containsCentre(zoom: Box, target: Box): boolean {
  const cx = (target[0] + target[2]) / 2;
  const cy = (target[1] + target[3]) / 2;
  return cx >= zoom[0] && cx <= zoom[2] && cy >= zoom[1] && cy <= zoom[3];
}

/** The zoom boxes of a run, in original-image pixels, in order. */
export function zoomBoxes(trace: Trace): Box[] {
  return trace.steps.flatMap((s) =>
    s.action.kind === 'tool_call' && s.action.call.bboxOriginal ? [s.action.call.bboxOriginal] : [],
  );
}

export interface ZoomMatch {
  /** Best IoU of any zoom with any target (0 when nothing overlaps or nothing was zoomed). */
  bestIou: number;
  /** Every target's centre is inside at least one zoom (false without zooms). */
  coversCentre: boolean;
}

/** Null when the question has no ground-truth boxes. */
export function matchZooms(zooms: readonly Box[], targets: readonly Box[] | undefined): ZoomMatch | null {
  if (!targets || targets.length === 0) return null;
  let best = 0;
  for (const z of zooms) for (const t of targets) best = Math.max(best, iou(z, t));
  const coversCentre = zooms.length > 0 && targets.every((t) => zooms.some((z) => containsCentre(z, t)));
  return { bestIou: best, coversCentre };
}

export interface ZoomSummary {
  /** Questions with ground-truth boxes. */
  withTargets: number;
  /** Of those, the ones that zoomed at least once. */
  zoomed: number;
  /** Mean best IoU over the questions that zoomed. */
  meanBestIou: number;
  /** Share of the questions with targets where the zooms covered every target's centre. */
  centreCoverage: number;
}

export function summarizeZooms(
  items: readonly { zooms: number; match: ZoomMatch | null | undefined }[],
): ZoomSummary {
  const withTargets = items.filter((i) => i.match);
  const zoomed = withTargets.filter((i) => i.zooms > 0);
  return {
    withTargets: withTargets.length,
    zoomed: zoomed.length,
    meanBestIou: zoomed.length ? zoomed.reduce((a, i) => a + i.match!.bestIou, 0) / zoomed.length : 0,
    centreCoverage: withTargets.length
      ? withTargets.filter((i) => i.match!.coversCentre).length / withTargets.length
      : 0,
  };
}

/** V* annotations give boxes as [x, y, width, height]. */
export function xywhToBox(b: readonly number[]): Box {
  return [b[0], b[1], b[0] + b[2], b[1] + b[3]];
}
