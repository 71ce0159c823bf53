/**
 * Which turns of an interrupted trace (device lost, worker crash) a new run can replay: every
 * leading turn that completed with a tool call or a tool error. Small on purpose: the page
 * imports it without pulling in the agent loop.
 */
import type { Trace, TraceStep } from './types';

export function resumableSteps(trace: Trace): TraceStep[] {
  const out: TraceStep[] = [];
  for (const s of trace.steps) {
    if (s.action.kind !== 'tool_call' && s.action.kind !== 'tool_error') break;
    out.push(s);
  }
  return out;
}
