/**
 * How well a zoom hit the target: its box (original pixels, after the runtime's mapping: the
 * trace's bboxOriginal) against the ground-truth boxes, the best IoU over them. Null for a step
 * that is not a zoom or when there is no target.
 */
import { iou } from '../../agent/eval/zoom-iou';
import type { TraceStep } from '../../agent/types';
import type { Box } from '../../base/types';

export function stepTruthIou(step: TraceStep, targets: readonly Box[] | undefined): number | null {
  const a = step.action;
  if (a.kind !== 'tool_call' || !a.call.bboxOriginal || !targets?.length) return null;
  return Math.max(...targets.map((t) => iou(a.call.bboxOriginal!, t)));
}
