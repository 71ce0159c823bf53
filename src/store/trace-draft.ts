/**
 * The trace as the UI sees it while a run is in flight: finished steps, the step being written
 * (the "live" step), and the final Trace once the run ends. Built only by applyAgentEvent.
 */
import type { AgentSettings, Segment, Trace, TraceImageInfo, TraceStep } from '../agent/types';

export interface LiveStep {
  turn: number;
  /** Raw text decoded so far in this turn. */
  text: string;
  segments: Segment[];
  promptTokens: number;
  generatedTokens: number;
  /** Clock readings (ms, from the `now` given to the reducer) for live speed figures. */
  startedAt: number;
  firstTokenAt?: number;
  lastTokenAt?: number;
}

export interface TraceDraft {
  id: string;
  question: string;
  options?: string[];
  image: TraceImageInfo;
  settings: AgentSettings;
  /** Finished steps, ordered by index. Each object stays the same once finished (memo-friendly). */
  steps: TraceStep[];
  live: LiveStep | null;
  /** Set by run_end (or an import): the authoritative trace. */
  final: Trace | null;
}

/** A finished trace as a draft (an import, a restore, or run_end without a preceding run_start). */
export function draftFromTrace(trace: Trace): TraceDraft {
  return {
    id: trace.id,
    question: trace.question,
    options: trace.options,
    image: trace.image,
    settings: trace.settings,
    steps: trace.steps,
    live: null,
    final: trace,
  };
}
