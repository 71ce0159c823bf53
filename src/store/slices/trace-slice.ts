import type { AgentEvent, Trace } from '../../agent/types';
import { applyAgentEvent } from '../../agent/trace/fold';
import { runStatusAfter, traceError } from '../run-status';
import { draftFromTrace, type TraceDraft } from '../trace-draft';
import type { SliceCreator } from './types';

export type TraceSource = 'live' | 'import' | 'restore' | 'sample';

export interface TraceSlice {
  trace: TraceDraft | null;
  traceSource: TraceSource | null;
  /** Feed one event from the engine; also moves the run status along. */
  applyEvent(event: AgentEvent): void;
  /** Show a finished trace (imported file, autosave restore, bundled sample). */
  loadTrace(trace: Trace, source: Exclude<TraceSource, 'live'>): void;
  clearTrace(): void;
}

const clock = () => (typeof performance !== 'undefined' ? performance.now() : Date.now());

export const createTraceSlice: SliceCreator<TraceSlice> = (set, get) => ({
  trace: null,
  traceSource: null,
  applyEvent(event) {
    const s = get();
    const trace = applyAgentEvent(s.trace, event, clock());
    if (trace === s.trace && event.type !== 'run_end') return;
    const patch: Partial<ReturnType<typeof get>> = { trace, runStatus: runStatusAfter(s.runStatus, event) };
    if (event.type === 'run_start') {
      Object.assign(patch, {
        traceSource: 'live',
        selectedStep: null,
        hoveredStep: null,
        playing: false,
        runError: null,
      });
    }
    if (event.type === 'run_end') patch.runError = traceError(event.trace);
    set(patch);
  },
  loadTrace(trace, source) {
    set({
      trace: draftFromTrace(trace),
      traceSource: source,
      selectedStep: null,
      hoveredStep: null,
      playing: false,
    });
  },
  clearTrace() {
    set({ trace: null, traceSource: null, selectedStep: null, hoveredStep: null, playing: false });
  },
});
