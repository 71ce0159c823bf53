import { describe, expect, it } from 'vitest';
import { reduceAgentEvents } from '../../agent/trace/fold';
import {
  buildSampleTrace,
  cropInfoFor,
  LADYBIRD,
  sampleCropBoxes,
  sampleImageInfo,
  TWO_WINGS,
} from '../samples/sample-trace';
import { cancelledTrace, splitTokens, traceToEvents } from './trace-to-events';

const build = (spec: typeof LADYBIRD) =>
  buildSampleTrace(
    spec,
    sampleImageInfo(spec, 'data:,', ''),
    sampleCropBoxes(spec).map((b) => cropInfoFor(b, 'data:,')),
  );

describe('splitTokens', () => {
  it('cuts text into short pieces that join back exactly', () => {
    const text = '<think>A grass  stem\ncrosses.</think>\n<answer>A</answer>';
    const parts = splitTokens(text);
    expect(parts.join('')).toBe(text);
    expect(Math.max(...parts.map((p) => p.length))).toBeLessThanOrEqual(6);
  });
});

describe('traceToEvents', () => {
  it('replays into the same trace through the store reducer', () => {
    const trace = build(LADYBIRD);
    const events = traceToEvents(trace).map((e) => e.event);
    expect(events[0].type).toBe('run_start');
    expect(events.at(-1)).toEqual({ type: 'run_end', trace });
    expect(reduceAgentEvents(events)?.final).toBe(trace);
  });

  it('streams each step text before its turn_end, with segments as the tags close', () => {
    const trace = build(TWO_WINGS);
    const events = traceToEvents(trace).map((e) => e.event);
    for (const step of trace.steps) {
      const end = events.findIndex((e) => e.type === 'turn_end' && e.turn === step.index);
      const draft = reduceAgentEvents(events.slice(0, end))!;
      expect(draft.live?.text).toBe(step.text);
      const kinds = draft.live?.segments.map((s) => s.kind);
      const expected = {
        tool_call: ['think', 'tool_call', 'tool_result'],
        tool_error: ['think', 'tool_call', 'error'],
        answer: ['think', 'answer'],
      }[step.action.kind as 'tool_call' | 'tool_error' | 'answer'];
      expect(kinds).toEqual(expected);
    }
  });

  it('the tool_call segment arrives right after the token closing </tool_call>', () => {
    const events = traceToEvents(build(LADYBIRD)).map((e) => e.event);
    const i = events.findIndex((e) => e.type === 'segment' && e.segment.kind === 'tool_call');
    const text = events
      .slice(0, i)
      .filter((e) => e.type === 'token' && e.turn === 0)
      .map((e) => (e.type === 'token' ? e.text : ''))
      .join('');
    expect(text.endsWith('</tool_call>')).toBe(true);
  });

  it('paces the first token of a turn by its recorded TTFT, capped', () => {
    const trace = build(LADYBIRD);
    const timed = traceToEvents(trace, { tokenMs: 10, maxTurnPauseMs: 500, resultPauseMs: 300 });
    const firstToken = timed.find((e) => e.event.type === 'token')!;
    expect(firstToken.delayMs).toBe(500);
    expect(
      timed
        .filter((e) => e.event.type === 'token')
        .slice(1, 5)
        .every((e) => e.delayMs === 10),
    ).toBe(true);
  });

  it('a cancelled replay keeps only the finished steps', () => {
    const t = cancelledTrace(build(LADYBIRD), 2);
    expect(t.steps).toHaveLength(2);
    expect(t).toMatchObject({ endReason: 'cancelled', finalAnswer: undefined });
  });
});
