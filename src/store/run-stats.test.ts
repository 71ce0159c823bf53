import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type TraceStep } from '../agent/types';
import { runStats } from './run-stats';
import type { TraceDraft } from './trace-draft';

function step(index: number, t: Partial<TraceStep['timings']>): TraceStep {
  return {
    index,
    text: '',
    action: { kind: 'none', text: '' },
    promptTokens: 0,
    generatedTokens: t.decodeTokens ?? 0,
    timings: { ttftMs: 0, prefillMs: 0, prefillTokens: 0, decodeMs: 0, decodeTokens: 0, visionMs: 0, ...t },
  };
}

const base: TraceDraft = {
  id: 'x',
  question: 'q',
  image: { sha256: '', width: 1, height: 1, dataUrl: '', resizedWidth: 28, resizedHeight: 28 },
  settings: DEFAULT_SETTINGS,
  steps: [],
  live: null,
  final: null,
};

describe('runStats', () => {
  it('is empty with no trace', () => {
    expect(runStats(null)).toEqual({
      ttftMs: null,
      prefillTokPerS: null,
      decodeTokPerS: null,
      generatedTokens: 0,
    });
  });

  it('pools prefill and decode over finished steps; TTFT is the first turn', () => {
    const d = {
      ...base,
      steps: [
        step(0, { ttftMs: 900, prefillTokens: 1000, prefillMs: 800, decodeTokens: 50, decodeMs: 2000 }),
        step(1, { ttftMs: 300, prefillTokens: 200, prefillMs: 200, decodeTokens: 30, decodeMs: 1200 }),
      ],
    };
    expect(runStats(d)).toEqual({
      ttftMs: 900,
      prefillTokPerS: 1200,
      decodeTokPerS: 25,
      generatedTokens: 80,
    });
  });

  it('uses the live step while the first turn streams', () => {
    const live = {
      turn: 0,
      text: 'abc',
      segments: [],
      promptTokens: 9,
      generatedTokens: 11,
      startedAt: 1000,
      firstTokenAt: 1500,
      lastTokenAt: 2500,
    };
    expect(runStats({ ...base, live })).toMatchObject({
      ttftMs: 500,
      decodeTokPerS: 10,
      generatedTokens: 11,
    });
  });
});
