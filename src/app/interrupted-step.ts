/**
 * The step a run was writing when it was cut off from the page's side (a hard stop ends the worker
 * mid-kernel, so the worker never reports it): rebuilt from the streamed tokens so the partial text
 * stays in the trace, like the agent loop keeps it on a soft stop.
 */
import type { AgentEvent, TraceStep } from '../agent/types';

export interface StreamedTurn {
  turn: number;
  promptTokens: number;
  text: string;
  tokens: number;
}

/** The turn being streamed after `event`, from the one before it (undefined: none is). */
export function streamedTurnAfter(
  cur: StreamedTurn | undefined,
  event: AgentEvent,
): StreamedTurn | undefined {
  switch (event.type) {
    case 'turn_start':
      return { turn: event.turn, promptTokens: event.promptTokens, text: '', tokens: 0 };
    case 'token':
      if (!cur || cur.turn !== event.turn) return cur;
      return { ...cur, text: cur.text + event.text, tokens: cur.tokens + (event.tokenId >= 0 ? 1 : 0) };
    case 'turn_end':
    case 'run_end':
      return undefined;
    default:
      return cur;
  }
}

/** The cut-off turn as a finished step, or null when it had not written anything yet. */
export function interruptedStep(
  t: StreamedTurn | undefined,
  reason = 'stopped by the user',
): TraceStep | null {
  if (!t || t.text.length === 0) return null;
  return {
    index: t.turn,
    text: t.text,
    action: { kind: 'budget', reason },
    promptTokens: t.promptTokens,
    generatedTokens: t.tokens,
    timings: {
      ttftMs: 0,
      prefillMs: 0,
      prefillTokens: t.promptTokens,
      decodeMs: 0,
      decodeTokens: 0,
      visionMs: 0,
    },
  };
}
