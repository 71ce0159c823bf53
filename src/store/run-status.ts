/** The run's lifecycle, and errors as they cross from the worker: {code, message, retryable}. */
import type { AgentEvent } from '../agent/types';

export type RunStatus = 'idle' | 'loading' | 'running' | 'stopping';

export interface UiError {
  code: string;
  message: string;
  retryable: boolean;
}

/** The status after an agent event: streaming implies running, run_end returns to idle. */
export function runStatusAfter(status: RunStatus, event: AgentEvent): RunStatus {
  if (event.type === 'run_end') return 'idle';
  // Events still draining after Stop keep the "stopping" state until run_end arrives.
  if (status === 'stopping') return status;
  return 'running';
}

/** The error a finished trace carries, in the UI's shape (a cancelled run is not an error). */
export function traceError(trace: {
  endReason?: string;
  error?: { code: string; message: string };
}): UiError | null {
  if (!trace.error || trace.endReason === 'cancelled') return null;
  return { code: trace.error.code, message: trace.error.message, retryable: true };
}
