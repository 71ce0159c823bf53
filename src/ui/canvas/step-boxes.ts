/**
 * The boxes the canvas draws, derived from the trace: one per zoom-in step (finished, or live
 * once its crop exists), numbered and coloured by step index.
 */
import type { Segment, TraceStep } from '../../agent/types';

import type { Box } from '../../base/types';
export interface StepBox {
  /** Position in trace.steps (the live step comes last). */
  pos: number;
  stepIndex: number;
  box: Box;
  label: string;
  live: boolean;
}

function finishedBox(step: TraceStep, pos: number): StepBox | null {
  const a = step.action;
  if (a.kind !== 'tool_call' || !a.call.bboxOriginal) return null;
  return {
    pos,
    stepIndex: step.index,
    box: a.call.bboxOriginal,
    label: a.call.label ?? a.call.name,
    live: false,
  };
}

/**
 * Takes the draft's parts rather than the draft: steps and live segments keep their identity
 * while tokens stream, so a memo over them recomputes only when a box can have changed.
 */
export function stepBoxes(
  steps: readonly TraceStep[],
  live: { turn: number; segments: readonly Segment[] } | null,
): StepBox[] {
  const out: StepBox[] = [];
  steps.forEach((s, pos) => {
    const b = finishedBox(s, pos);
    if (b) out.push(b);
  });
  if (live) {
    let label = '';
    let box: Box | undefined;
    for (const seg of live.segments) {
      if (seg.kind === 'tool_call') {
        label = seg.call.label ?? seg.call.name;
        box = seg.call.bboxOriginal ?? box;
      }
      if (seg.kind === 'tool_result') box = seg.bboxOriginal;
    }
    if (box) out.push({ pos: steps.length, stepIndex: live.turn, box, label, live: true });
  }
  return out;
}

/** Which step to emphasize: the hovered one, else the selected one, else the newest while running. */
export function activeStep(
  hovered: number | null,
  selected: number | null,
  running: boolean,
  boxes: readonly StepBox[],
): number | null {
  if (hovered !== null) return hovered;
  if (selected !== null) return selected;
  return running && boxes.length > 0 ? boxes[boxes.length - 1].pos : null;
}

/** Scrubbing reveals the run progressively: at step k, boxes after k are hidden. */
export function visibleBoxes(boxes: readonly StepBox[], selected: number | null): StepBox[] {
  return selected === null ? [...boxes] : boxes.filter((b) => b.pos <= selected);
}
