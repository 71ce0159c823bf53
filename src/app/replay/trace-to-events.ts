/**
 * A recorded trace turned back into the event stream the agent would have sent, with delays,
 * so a replay looks like a live run: tokens stream, the box appears when the tool call closes,
 * the crop arrives a moment later. Pure; the player (replay-port.ts) only waits and emits.
 */
import type { AgentEvent, Segment, Trace, TraceStep } from '../../agent/types';

export interface TimedEvent {
  /** Wait this long before emitting. */
  delayMs: number;
  event: AgentEvent;
}

export interface ReplayPacing {
  tokenMs: number;
  /** The pause standing for the prefill before a turn's first token (the recorded TTFT, capped). */
  maxTurnPauseMs: number;
  /** The pause standing for cropping and encoding the crop. */
  resultPauseMs: number;
}

export const DEFAULT_PACING: ReplayPacing = { tokenMs: 22, maxTurnPauseMs: 900, resultPauseMs: 450 };

/** Token-sized pieces (a word or up to 5 characters, with its leading space) of a turn's text. */
export function splitTokens(text: string): string[] {
  return text.match(/\s?[^\s]{1,5}|\s+/g) ?? [];
}

/** Segments the parser would emit as the text passes each closing tag, in order. */
function segmentsAt(step: TraceStep): { after: string; segment: Segment }[] {
  const out: { after: string; segment: Segment }[] = [];
  if (step.think !== undefined) out.push({ after: '</think>', segment: { kind: 'think', text: step.think } });
  const a = step.action;
  if (a.kind === 'tool_call')
    out.push({ after: '</tool_call>', segment: { kind: 'tool_call', call: a.call } });
  if (a.kind === 'tool_error' && a.call)
    out.push({ after: '</tool_call>', segment: { kind: 'tool_call', call: a.call } });
  if (a.kind === 'answer') out.push({ after: '</answer>', segment: { kind: 'answer', text: a.text } });
  return out;
}

/**
 * For each closing tag, the index of the piece at which its segment is emitted as the text
 * streams: the first piece by whose end the text contains the tag and every tag before it; -1
 * once a tag never appears (it and the ones after wait for the end of the turn). One search of
 * the text per tag, so linear however long the step (an imported trace may carry a
 * million-character one); searching the streamed text again at every piece was quadratic.
 */
export function closingPieces(pieces: readonly string[], tags: readonly string[]): number[] {
  const text = pieces.join('');
  const ends: number[] = [];
  let end = 0;
  for (const p of pieces) ends.push((end += p.length));
  const at: number[] = [];
  let last = 0;
  for (const tag of tags) {
    const found = at.at(-1) === -1 ? -1 : text.indexOf(tag);
    if (found < 0) {
      at.push(-1);
      continue;
    }
    const closesAt = lowerBound(ends, found + tag.length);
    last = Math.max(last, closesAt);
    at.push(last);
  }
  return at;
}

/** The first index whose value is >= x (values ascending). */
function lowerBound(values: readonly number[], x: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function stepEvents(step: TraceStep, pacing: ReplayPacing): TimedEvent[] {
  const out: TimedEvent[] = [
    { delayMs: 0, event: { type: 'turn_start', turn: step.index, promptTokens: step.promptTokens } },
  ];
  const segments = segmentsAt(step);
  const pieces = splitTokens(step.text);
  const at = closingPieces(
    pieces,
    segments.map((s) => s.after),
  );
  let next = 0;
  pieces.forEach((piece, i) => {
    const delayMs = i === 0 ? Math.min(step.timings.ttftMs, pacing.maxTurnPauseMs) : pacing.tokenMs;
    out.push({ delayMs, event: { type: 'token', turn: step.index, tokenId: -1, text: piece } });
    while (next < segments.length && at[next] === i) {
      out.push({ delayMs: 0, event: { type: 'segment', turn: step.index, segment: segments[next].segment } });
      next++;
    }
  });
  const pending = segments.slice(next);
  // Markers the text lacks (a hand-edited trace): emit their segments at the end of the turn.
  for (const p of pending)
    out.push({ delayMs: 0, event: { type: 'segment', turn: step.index, segment: p.segment } });
  const a = step.action;
  if (a.kind === 'tool_call' && a.call.bboxOriginal) {
    const segment: Segment = { kind: 'tool_result', crop: a.crop, bboxOriginal: a.call.bboxOriginal };
    out.push({ delayMs: pacing.resultPauseMs, event: { type: 'segment', turn: step.index, segment } });
  }
  if (a.kind === 'tool_error') {
    out.push({
      delayMs: pacing.resultPauseMs,
      event: { type: 'segment', turn: step.index, segment: { kind: 'error', message: a.message } },
    });
  }
  out.push({ delayMs: 0, event: { type: 'turn_end', turn: step.index, step } });
  return out;
}

export function traceToEvents(trace: Trace, pacing: ReplayPacing = DEFAULT_PACING): TimedEvent[] {
  const out: TimedEvent[] = [
    {
      delayMs: 0,
      event: {
        type: 'run_start',
        traceId: trace.id,
        question: trace.question,
        image: trace.image,
        settings: trace.settings,
      },
    },
  ];
  // A loop, not push(...spread): a long step's events would overflow the argument stack.
  for (const step of trace.steps) for (const e of stepEvents(step, pacing)) out.push(e);
  out.push({ delayMs: 0, event: { type: 'run_end', trace } });
  return out;
}

/** What a replay stopped early reports: the steps shown so far, ended as cancelled. */
export function cancelledTrace(trace: Trace, stepsDone: number): Trace {
  return { ...trace, steps: trace.steps.slice(0, stepsDone), endReason: 'cancelled', finalAnswer: undefined };
}
