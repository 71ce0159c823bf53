import { afterEach, describe, expect, it, vi } from 'vitest';
import { reduceAgentEvents } from '../../agent/trace/fold';
import {
  buildSampleTrace,
  cropInfoFor,
  LADYBIRD,
  sampleCropBoxes,
  sampleImageInfo,
  TWO_WINGS,
} from '../samples/sample-trace';
import { cancelledTrace, closingPieces, splitTokens, traceToEvents } from './trace-to-events';
import { parseTrace } from '../../agent/trace/trace-io';
import { MAX_TEXT_CHARS } from '../../agent/trace/schema';
import { sampleTrace } from '../../../test/support/trace-fixtures';

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
    // The hand-written sample records no timings: give its first turn a measured-looking 7 s TTFT.
    const built = build(LADYBIRD);
    const trace = {
      ...built,
      steps: built.steps.map((s) => ({ ...s, timings: { ...s.timings, ttftMs: 7000 } })),
    };
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

/** The streamed text searched again at every piece: the reference behaviour, quadratic. */
function naiveClosingPieces(pieces: string[], tags: string[]): number[] {
  const at = tags.map(() => -1);
  let text = '';
  let next = 0;
  pieces.forEach((p, i) => {
    text += p;
    while (next < tags.length && text.includes(tags[next])) at[next++] = i;
  });
  return at;
}

describe('replaying an imported trace with a 1,000,000-character step', () => {
  const big = (() => {
    const t = sampleTrace();
    const step = t.steps[0];
    const open = step.text.indexOf('<think>') + '<think>'.length;
    const filler = 'lorem ipsum '.repeat(MAX_TEXT_CHARS / 12).slice(0, MAX_TEXT_CHARS - step.text.length);
    step.text = step.text.slice(0, open) + filler + step.text.slice(open);
    return t;
  })();

  afterEach(() => vi.restoreAllMocks());

  it('is a schema-valid trace', () => {
    expect(big.steps[0].text).toHaveLength(MAX_TEXT_CHARS);
    expect(parseTrace(JSON.stringify(big)).steps[0].text).toHaveLength(MAX_TEXT_CHARS);
  });

  it('searches the text a fixed number of times, not once per token', () => {
    const includes = vi.spyOn(String.prototype, 'includes');
    const indexOf = vi.spyOn(String.prototype, 'indexOf');
    const events = traceToEvents(big);
    expect(includes.mock.calls.length + indexOf.mock.calls.length).toBeLessThan(50);
    // Every piece of the long step still streams, and the trace ends as recorded.
    const tokens = events.filter((e) => e.event.type === 'token' && e.event.turn === 0);
    expect(tokens.length).toBe(splitTokens(big.steps[0].text).length);
    expect(events.at(-1)?.event).toEqual({ type: 'run_end', trace: big });
  });

  it('emits segments where the reference (search at every piece) does', () => {
    const cases: [string, string[]][] = [
      ['<think>a b</think> c <tool_call>{}</tool_call>', ['</think>', '</tool_call>']],
      ['x</tool_call> y </think>z', ['</think>', '</tool_call>']],
      ['no tags at all', ['</think>', '</answer>']],
      ['<think>t</think>', ['</think>', '</answer>']],
      ['</answer> only', ['</think>', '</answer>']],
      ['', ['</think>']],
    ];
    for (const [text, tags] of cases) {
      const pieces = splitTokens(text);
      expect(closingPieces(pieces, tags), text).toEqual(naiveClosingPieces(pieces, tags));
    }
    // Tags cut across pieces of every size.
    const text = 'ab</think>cd</tool_call>ef';
    for (let size = 1; size <= 6; size++) {
      const pieces = text.match(new RegExp(`[^]{1,${size}}`, 'g'))!;
      const tags = ['</think>', '</tool_call>'];
      expect(closingPieces(pieces, tags), `size ${size}`).toEqual(naiveClosingPieces(pieces, tags));
    }
  });
});
