import type { ErrorInfo } from '../../base/errors';
import type { RunStatus } from '../run-status';
import type { SliceCreator } from './types';

export interface RunSlice {
  runStatus: RunStatus;
  runError: ErrorInfo | null;
  setRunStatus(status: RunStatus): void;
  setRunError(error: ErrorInfo | null): void;
}

export const createRunSlice: SliceCreator<RunSlice> = (set) => ({
  runStatus: 'idle',
  runError: null,
  setRunStatus: (runStatus) => set({ runStatus }),
  setRunError: (runError) => set(runError ? { runError, runStatus: 'idle' } : { runError }),
});
