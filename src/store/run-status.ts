/** The run's lifecycle, and the error a finished trace carries. */
import { traceErrorInfo } from '../agent/trace/trace-error';
import type { AgentEvent, Trace } from '../agent/types';
import type { ErrorInfo } from '../base/errors';

export type RunStatus = 'idle' | 'loading' | 'running' | 'stopping';

/** The status after an agent event: streaming implies running, run_end returns to idle. */
export function runStatusAfter(status: RunStatus, event: AgentEvent): RunStatus {
  if (event.type === 'run_end') return 'idle';
  // Events still draining after Stop keep the "stopping" state until run_end arrives.
  if (status === 'stopping') return status;
  return 'running';
}

/** The error a finished trace carries (a cancelled run is not an error). */
export function traceError(trace: Pick<Trace, 'endReason' | 'error'>): ErrorInfo | null {
  if (!trace.error || trace.endReason === 'cancelled') return null;
  return traceErrorInfo(trace.error);
}
