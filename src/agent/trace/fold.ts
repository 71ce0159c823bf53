/**
 * The one fold of agent events into a trace: (draft | null, event) -> draft, pure. The executor
 * returns the fold of the events it emitted, the store shows it, the worker port closes a run that
 * died with the worker from it, and resume reads the steps it holds. The draft is the trace so far
 * (finished steps), the step being written (`live`), and the final Trace once the run ended.
 * Unchanged parts keep their identity so memoized cards do not re-render; events for a run the
 * draft does not know (a stale stream after a new run started) are dropped.
 */
import type {
  AgentEvent,
  AgentSettings,
  EndReason,
  Segment,
  Trace,
  TraceImageInfo,
  TraceStep,
} from '../types';
import { TRACE_FORMAT, TRACE_VERSION } from './schema';

export interface LiveStep {
  turn: number;
  /** Raw text decoded so far in this turn. */
  text: string;
  segments: Segment[];
  promptTokens: number;
  /** Tokens generated so far (detokenizer flushes, tokenId -1, are text but not tokens). */
  generatedTokens: number;
  /** Clock readings (ms, from the `now` given to the fold) for live speed figures. */
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
  /** From run_start when the engine said (a finished trace always has them). */
  modelId?: string;
  backend?: string;
  createdAt?: string;
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
    modelId: trace.modelId,
    backend: trace.backend,
    createdAt: trace.createdAt,
    steps: trace.steps,
    live: null,
    final: trace,
  };
}

function newLive(turn: number, promptTokens: number, now: number): LiveStep {
  return { turn, text: '', segments: [], promptTokens, generatedTokens: 0, startedAt: now };
}

function withStep(steps: TraceStep[], step: TraceStep): TraceStep[] {
  const rest = steps.filter((s) => s.index !== step.index);
  rest.push(step);
  return rest.sort((a, b) => a.index - b.index);
}

/** The live step for `turn` (opened implicitly if turn_start was missed), or null for a past turn. */
function liveFor(draft: TraceDraft, turn: number, now: number): LiveStep | null {
  if (draft.live && draft.live.turn === turn) return draft.live;
  if (draft.live && turn < draft.live.turn) return null;
  return newLive(turn, 0, now);
}

export function applyAgentEvent(draft: TraceDraft | null, event: AgentEvent, now = 0): TraceDraft | null {
  switch (event.type) {
    case 'run_start':
      return {
        id: event.traceId,
        question: event.question,
        ...(event.options?.length ? { options: event.options } : {}),
        image: event.image,
        settings: event.settings,
        ...(event.modelId !== undefined ? { modelId: event.modelId } : {}),
        ...(event.backend !== undefined ? { backend: event.backend } : {}),
        ...(event.createdAt !== undefined ? { createdAt: event.createdAt } : {}),
        steps: [],
        live: null,
        final: null,
      };
    case 'run_end':
      if (draft && draft.id !== event.trace.id) return draft;
      return draftFromTrace(event.trace);
  }
  if (!draft || draft.final) return draft;
  switch (event.type) {
    case 'turn_start':
      return { ...draft, live: newLive(event.turn, event.promptTokens, now) };
    case 'token': {
      const live = liveFor(draft, event.turn, now);
      if (!live) return draft;
      const counted = event.tokens ?? (event.tokenId >= 0 ? 1 : 0);
      return {
        ...draft,
        live: {
          ...live,
          text: live.text + event.text,
          generatedTokens: live.generatedTokens + counted,
          firstTokenAt: live.firstTokenAt ?? now,
          lastTokenAt: now,
        },
      };
    }
    case 'segment': {
      const live = liveFor(draft, event.turn, now);
      if (!live) return draft;
      return { ...draft, live: { ...live, segments: [...live.segments, event.segment] } };
    }
    case 'turn_end':
      return {
        ...draft,
        steps: withStep(draft.steps, event.step),
        live: draft.live && draft.live.turn === event.turn ? null : draft.live,
      };
  }
}

/** Fold a whole event list (replays, tests). */
export function reduceAgentEvents(
  events: readonly AgentEvent[],
  start: TraceDraft | null = null,
): TraceDraft | null {
  return events.reduce<TraceDraft | null>((d, e) => applyAgentEvent(d, e), start);
}

/**
 * The turn a run was writing when it was stopped, as a finished step (action `budget`), or null
 * when it had not written anything yet.
 */
export function interruptedStep(live: LiveStep | null, reason = 'stopped by the user'): TraceStep | null {
  if (!live || live.text.length === 0) return null;
  return {
    index: live.turn,
    text: live.text,
    action: { kind: 'budget', reason },
    promptTokens: live.promptTokens,
    generatedTokens: live.generatedTokens,
    timings: {
      ttftMs: 0,
      prefillMs: 0,
      prefillTokens: live.promptTokens,
      decodeMs: 0,
      decodeTokens: 0,
      visionMs: 0,
    },
  };
}

export interface RunEnd {
  endReason: EndReason;
  finalAnswer?: string;
  error?: Trace['error'];
  /** Keep the turn being written as a step (a stop mid-turn). */
  keepLive?: boolean;
}

/**
 * The trace of a draft that ends now: its steps (and the cut-off turn when asked), the end reason.
 * `fallback` fills what run_start did not say (an older worker, a replay).
 */
export function endTrace(
  draft: TraceDraft,
  end: RunEnd,
  fallback: { modelId: string; backend: string; createdAt: string },
): Trace {
  const cut = end.keepLive ? interruptedStep(draft.live) : null;
  return {
    format: TRACE_FORMAT,
    version: TRACE_VERSION,
    id: draft.id,
    createdAt: draft.createdAt ?? fallback.createdAt,
    modelId: draft.modelId ?? fallback.modelId,
    backend: draft.backend ?? fallback.backend,
    question: draft.question,
    ...(draft.options?.length ? { options: draft.options } : {}),
    image: draft.image,
    settings: draft.settings,
    steps: cut ? [...draft.steps, cut] : draft.steps,
    ...(end.error ? { error: end.error } : {}),
    endReason: end.endReason,
    ...(end.finalAnswer !== undefined ? { finalAnswer: end.finalAnswer } : {}),
  };
}
