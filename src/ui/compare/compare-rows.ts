/**
 * Two runs on one picture, summarised for a side-by-side table: per run the model, answer, zoom
 * count, tokens and time (none for a hand-written example); per step index what each run did.
 */
import type { Trace, TraceStep } from '../../agent/types';
import { isHandWritten } from '../hand-written';

export interface RunSummary {
  model: string;
  answer: string;
  zooms: number;
  steps: number;
  generatedTokens: number;
  /** Sum of the turns' prefill, vision and decode times; null when nothing was measured. */
  totalMs: number | null;
}

export function runSummary(t: Trace): RunSummary {
  const zooms = t.steps.filter((s) => s.action.kind === 'tool_call').length;
  const ms = t.steps.reduce(
    (sum, s) => sum + s.timings.prefillMs + s.timings.visionMs + s.timings.decodeMs,
    0,
  );
  return {
    model: t.modelId,
    answer: t.finalAnswer ?? `(no answer: ${t.endReason ?? 'unfinished'})`,
    zooms,
    steps: t.steps.length,
    generatedTokens: t.steps.reduce((sum, s) => sum + s.generatedTokens, 0),
    totalMs: isHandWritten(t.modelId) || ms === 0 ? null : ms,
  };
}

/** One line for a step: what it did, e.g. `zoom "red insect" [1560, 640, 2040, 1040]`. */
export function stepLine(s: TraceStep | undefined): string {
  if (!s) return '—';
  const a = s.action;
  switch (a.kind) {
    case 'tool_call': {
      const b = a.call.bboxOriginal?.map((v) => Math.round(v)).join(', ');
      return `${a.call.name === 'image_rotate_tool' ? 'rotate' : 'zoom'}${a.call.label ? ` “${a.call.label}”` : ''}${b ? ` [${b}]` : ''}`;
    }
    case 'tool_error':
      return `tool error: ${a.message}`;
    case 'answer':
      return `answer ${a.text}`;
    case 'budget':
      return 'stopped by a limit';
    default:
      return 'text only';
  }
}

export interface CompareRow {
  step: number;
  a: string;
  b: string;
}

/** Steps aligned by turn number; the shorter run shows a dash where it had already ended. */
export function compareRows(a: Trace, b: Trace): CompareRow[] {
  const n = Math.max(a.steps.length, b.steps.length);
  return Array.from({ length: n }, (_, i) => ({
    step: i + 1,
    a: stepLine(a.steps[i]),
    b: stepLine(b.steps[i]),
  }));
}

/** Two traces are comparable on one canvas only when they ran on the same picture. */
export function samePicture(a: Trace, b: Trace): boolean {
  return (
    a.image.sha256 === b.image.sha256 && a.image.width === b.image.width && a.image.height === b.image.height
  );
}
