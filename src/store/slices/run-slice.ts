import type { RunStatus, UiError } from '../run-status';
import type { SliceCreator } from './types';

export interface RunSlice {
  runStatus: RunStatus;
  runError: UiError | null;
  setRunStatus(status: RunStatus): void;
  setRunError(error: UiError | null): void;
}

export const createRunSlice: SliceCreator<RunSlice> = (set) => ({
  runStatus: 'idle',
  runError: null,
  setRunStatus: (runStatus) => set({ runStatus }),
  setRunError: (runError) => set(runError ? { runError, runStatus: 'idle' } : { runError }),
});
