import { describe, expect, it } from 'vitest';
import { GoldenSet, type GoldenCase } from '../../../test/support/golden-set';
import { DEFAULT_SETTINGS, type AgentEvent, type Trace, type TraceStep } from '../types';
import { sampleTrace } from '../../../test/support/trace-fixtures';
import { applyAgentEvent, endTrace, interruptedStep, reduceAgentEvents } from './fold';

const golden = GoldenSet.publicSet();
const gcase = golden.json<GoldenCase>('case.json');
const image = {
  sha256: 'x',
  width: 250,
  height: 190,
  dataUrl: 'data:,',
  resizedWidth: 252,
  resizedHeight: 196,
};

/** The golden zoom step (test/support/trace-fixtures) as turn `index` with `text`. */
function stepFor(index: number, text: string): TraceStep {
  return { ...sampleTrace().steps[0], index, text };
}

/** The golden assistant text cut into uneven pieces, as a tokenizer's deltas would be. */
function pieces(text: string): string[] {
  return text.match(/\s*\S{1,3}|\s+/g) ?? [];
}

const start: AgentEvent = {
  type: 'run_start',
  traceId: 't1',
  question: gcase.question,
  image,
  settings: DEFAULT_SETTINGS,
};

describe('applyAgentEvent', () => {
  it('appends token deltas to the live step, reproducing the golden assistant text', () => {
    const events: AgentEvent[] = [start, { type: 'turn_start', turn: 0, promptTokens: 441 }];
    for (const p of pieces(gcase.assistant_text))
      events.push({ type: 'token', turn: 0, tokenId: 0, text: p });
    const d = reduceAgentEvents(events)!;
    expect(d.live?.text).toBe(gcase.assistant_text);
    expect(d.live?.generatedTokens).toBe(pieces(gcase.assistant_text).length);
    expect(d.live?.promptTokens).toBe(441);
    expect(d.steps).toEqual([]);
  });

  it('records segments on the live step and finalizes it on turn_end', () => {
    const step = stepFor(0, gcase.assistant_text);
    const d1 = reduceAgentEvents([
      start,
      { type: 'turn_start', turn: 0, promptTokens: 441 },
      { type: 'token', turn: 0, tokenId: 1, text: '<think>' },
      { type: 'segment', turn: 0, segment: { kind: 'think', text: 'I should look closer.' } },
      {
        type: 'segment',
        turn: 0,
        segment: {
          kind: 'tool_call',
          call: step.action.kind === 'tool_call' ? step.action.call : { name: '' },
        },
      },
    ])!;
    expect(d1.live?.segments.map((s) => s.kind)).toEqual(['think', 'tool_call']);
    const d2 = applyAgentEvent(d1, { type: 'turn_end', turn: 0, step })!;
    expect(d2.live).toBeNull();
    expect(d2.steps).toEqual([step]);
    // A finished step keeps its identity through later events (memoized cards rely on it).
    const d3 = applyAgentEvent(d2, { type: 'turn_start', turn: 1, promptTokens: 136 })!;
    const d4 = applyAgentEvent(d3, { type: 'token', turn: 1, tokenId: 2, text: 'x' })!;
    expect(d4.steps[0]).toBe(step);
  });

  it('stamps first/last token times for live speed figures', () => {
    let d = applyAgentEvent(null, start, 0);
    d = applyAgentEvent(d, { type: 'turn_start', turn: 0, promptTokens: 5 }, 100);
    d = applyAgentEvent(d, { type: 'token', turn: 0, tokenId: 1, text: 'a' }, 250);
    d = applyAgentEvent(d, { type: 'token', turn: 0, tokenId: 2, text: 'b' }, 300);
    expect(d?.live).toMatchObject({
      startedAt: 100,
      firstTokenAt: 250,
      lastTokenAt: 300,
      generatedTokens: 2,
    });
  });

  it("counts a chat server's id-less chunks as tokens, and a detokenizer flush as none", () => {
    let d = applyAgentEvent(null, start, 0);
    d = applyAgentEvent(d, { type: 'turn_start', turn: 0, promptTokens: 5 }, 100);
    d = applyAgentEvent(d, { type: 'token', turn: 0, tokenId: -1, text: 'The', tokens: 1 }, 200);
    d = applyAgentEvent(d, { type: 'token', turn: 0, tokenId: -1, text: ' cat', tokens: 1 }, 210);
    d = applyAgentEvent(d, { type: 'token', turn: 0, tokenId: 7, text: '' }, 220);
    d = applyAgentEvent(d, { type: 'token', turn: 0, tokenId: -1, text: '.' }, 230);
    expect(d?.live).toMatchObject({ text: 'The cat.', generatedTokens: 3 });
  });

  it('sets the final trace on run_end', () => {
    const trace: Trace = {
      format: 'deepeyes-trace',
      version: 2,
      id: 't1',
      createdAt: '2025-01-01T00:00:00Z',
      modelId: 'tiny',
      backend: 'test',
      question: gcase.question,
      options: gcase.options,
      image,
      settings: DEFAULT_SETTINGS,
      steps: [stepFor(0, gcase.assistant_text)],
      endReason: 'budget',
    };
    const d = reduceAgentEvents([
      start,
      { type: 'turn_start', turn: 0, promptTokens: 1 },
      { type: 'run_end', trace },
    ])!;
    expect(d.final).toBe(trace);
    expect(d.steps).toBe(trace.steps);
    expect(d.options).toEqual(gcase.options);
    expect(d.live).toBeNull();
  });

  it('ignores events for another run and events after the end', () => {
    const d = reduceAgentEvents([start, { type: 'turn_start', turn: 0, promptTokens: 1 }])!;
    const other = { ...d, id: 'other' };
    const trace = { id: 't1' } as Trace;
    expect(applyAgentEvent(other, { type: 'run_end', trace })).toBe(other);
    const ended = applyAgentEvent(d, {
      type: 'run_end',
      trace: { ...trace, steps: [] } as unknown as Trace,
    })!;
    expect(applyAgentEvent(ended, { type: 'token', turn: 0, tokenId: 1, text: 'late' })).toBe(ended);
    expect(applyAgentEvent(null, { type: 'token', turn: 0, tokenId: 1, text: 'orphan' })).toBeNull();
  });

  it('opens a live step when tokens arrive without turn_start', () => {
    const d = reduceAgentEvents([start, { type: 'token', turn: 3, tokenId: 1, text: 'hi' }])!;
    expect(d.live).toMatchObject({ turn: 3, text: 'hi', promptTokens: 0 });
  });
});

describe('interrupted step (a stop mid-turn keeps what was streamed)', () => {
  const live = (events: AgentEvent[]) => reduceAgentEvents([start, ...events])!.live;

  it('keeps the text streamed so far in the turn being written', () => {
    const t = live([
      { type: 'turn_start', turn: 1, promptTokens: 40 },
      { type: 'token', turn: 1, tokenId: 10, text: '<think>The ' },
      { type: 'token', turn: 1, tokenId: 11, text: '' },
      { type: 'token', turn: 1, tokenId: 12, text: 'leaf' },
      // A detokenizer flush carries text but is not a generated token.
      { type: 'token', turn: 1, tokenId: -1, text: '!' },
    ]);
    expect(interruptedStep(t)).toEqual({
      index: 1,
      text: '<think>The leaf!',
      action: { kind: 'budget', reason: 'stopped by the user' },
      promptTokens: 40,
      generatedTokens: 3,
      timings: { ttftMs: 0, prefillMs: 0, prefillTokens: 40, decodeMs: 0, decodeTokens: 0, visionMs: 0 },
    });
  });

  it('has nothing to keep before the first token or after the turn ended', () => {
    expect(interruptedStep(live([{ type: 'turn_start', turn: 0, promptTokens: 9 }]))).toBeNull();
    const ended = live([
      { type: 'turn_start', turn: 0, promptTokens: 9 },
      { type: 'token', turn: 0, tokenId: 3, text: 'a' },
      { type: 'turn_end', turn: 0, step: stepFor(0, 'a') },
    ]);
    expect(interruptedStep(ended)).toBeNull();
  });

  it('ignores tokens of an earlier turn', () => {
    const t = live([
      { type: 'turn_start', turn: 2, promptTokens: 5 },
      { type: 'token', turn: 1, tokenId: 3, text: 'stale' },
    ]);
    expect(t).toMatchObject({ turn: 2, promptTokens: 5, text: '', generatedTokens: 0 });
  });
});

describe('endTrace', () => {
  it('closes a draft as a valid trace: header from run_start, steps, the cut-off turn when asked', () => {
    const step = stepFor(0, gcase.assistant_text);
    const d = reduceAgentEvents([
      {
        ...start,
        options: gcase.options,
        modelId: 'tiny',
        backend: 'cpu/fp32',
        createdAt: '2026-01-01T00:00:00Z',
      },
      { type: 'turn_end', turn: 0, step },
      { type: 'turn_start', turn: 1, promptTokens: 136 },
      { type: 'token', turn: 1, tokenId: 5, text: '<think>' },
    ])!;
    const fallback = { modelId: 'port', backend: 'webgpu', createdAt: 'later' };
    const cut = endTrace(d, { endReason: 'cancelled', keepLive: true }, fallback);
    expect(cut).toMatchObject({
      format: 'deepeyes-trace',
      id: 't1',
      modelId: 'tiny',
      backend: 'cpu/fp32',
      createdAt: '2026-01-01T00:00:00Z',
      options: gcase.options,
      endReason: 'cancelled',
    });
    expect(cut.steps.map((s) => [s.index, s.action.kind])).toEqual([
      [0, 'tool_call'],
      [1, 'budget'],
    ]);
    const failed = endTrace(
      d,
      { endReason: 'error', error: { code: 'device_lost', message: 'gone' } },
      fallback,
    );
    expect(failed.steps).toEqual([step]);
    expect(failed.error).toEqual({ code: 'device_lost', message: 'gone' });
    const old = endTrace(reduceAgentEvents([start])!, { endReason: 'error' }, fallback);
    expect([old.modelId, old.backend, old.createdAt]).toEqual(['port', 'webgpu', 'later']);
  });
});
