/**
 * The pure reducer that turns the agent's event stream into a TraceDraft. Unchanged parts keep
 * their identity so memoized cards do not re-render; events for a run the draft does not know
 * (a stale stream after a new run started) are dropped rather than corrupting the view.
 */
import type { AgentEvent, TraceStep } from '../agent/types';
import { draftFromTrace, type LiveStep, type TraceDraft } from './trace-draft';

function newLive(turn: number, promptTokens: number, now: number): LiveStep {
  return { turn, text: '', segments: [], promptTokens, generatedTokens: 0, startedAt: now };
}

function withStep(steps: TraceStep[], step: TraceStep): TraceStep[] {
  const rest = steps.filter((s) => s.index !== step.index);
  rest.push(step);
  return rest.sort((a, b) => a.index - b.index);
}

/** The live step for `turn`, opened implicitly if turn_start was missed. */
function liveFor(draft: TraceDraft, turn: number, now: number): LiveStep {
  return draft.live && draft.live.turn === turn ? draft.live : newLive(turn, 0, now);
}

export function applyAgentEvent(draft: TraceDraft | null, event: AgentEvent, now = 0): TraceDraft | null {
  switch (event.type) {
    case 'run_start':
      return {
        id: event.traceId,
        question: event.question,
        image: event.image,
        settings: event.settings,
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
      return {
        ...draft,
        live: {
          ...live,
          text: live.text + event.text,
          generatedTokens: live.generatedTokens + 1,
          firstTokenAt: live.firstTokenAt ?? now,
          lastTokenAt: now,
        },
      };
    }
    case 'segment': {
      const live = liveFor(draft, event.turn, now);
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
