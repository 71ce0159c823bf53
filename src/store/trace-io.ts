/**
 * The one place the UI reaches the trace serializer. src/agent/trace/ (written in parallel)
 * owns the real schema; until it lands this adapter keeps a minimal stand-in with the same
 * signatures, so switching is a change of the import below.
 */
import type { Trace } from '../agent/types';

export class TraceFileError extends Error {
  constructor(detail: string) {
    super(`${detail}; choose a JSON file exported from this playground ("Export JSON")`);
    this.name = 'TraceFileError';
  }
}

export function parseTrace(text: string): Trace {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new TraceFileError(`the file is not JSON (${(e as Error).message})`);
  }
  const t = v as Partial<Trace> | null;
  if (!t || typeof t !== 'object' || t.format !== 'deepeyes-trace') {
    throw new TraceFileError('the file is not a DeepEyes trace (its "format" is not "deepeyes-trace")');
  }
  if (!Array.isArray(t.steps) || !t.image || typeof t.image.pngDataUrl !== 'string' || typeof t.question !== 'string') {
    throw new TraceFileError('the trace lacks steps, image or question');
  }
  return t as Trace;
}

export function serializeTrace(trace: Trace): string {
  return JSON.stringify(trace);
}

/** One JSON object per line: the conversation the model saw, as DeepEyes' rollouts record it. */
export function toDeepEyesJsonl(trace: Trace): string {
  const lines = trace.steps.map((s) =>
    JSON.stringify({
      trace_id: trace.id,
      turn: s.index,
      question: trace.question,
      response: s.text,
      action: s.action.kind,
      bbox: s.action.kind === 'tool_call' ? (s.action.call.bboxOriginal ?? null) : null,
    }),
  );
  return lines.join('\n') + '\n';
}
