import { describe, expect, it } from 'vitest';
import {
  buildSampleTrace,
  cropInfoFor,
  LADYBIRD,
  sampleCropBoxes,
  sampleImageInfo,
  TWO_WINGS,
} from '../../app/samples/sample-trace';
import type { Trace } from '../../agent/types';
import { compareRows, runSummary, samePicture } from './compare-rows';

function build(spec: typeof LADYBIRD): Trace {
  const image = sampleImageInfo(spec, 'data:image/png;base64,', `sha-${spec.id}`);
  return buildSampleTrace(
    spec,
    image,
    sampleCropBoxes(spec).map((b) => cropInfoFor(b, '')),
  );
}

describe('compare', () => {
  const a = build(LADYBIRD);
  const measured: Trace = {
    ...a,
    modelId: 'deepeyes-7b-q4',
    finalAnswer: 'B',
    steps: [
      {
        ...a.steps[1],
        index: 0,
        timings: {
          ttftMs: 900,
          prefillMs: 800,
          prefillTokens: 100,
          decodeMs: 1500,
          decodeTokens: 30,
          visionMs: 200,
        },
      },
      { ...a.steps[3], index: 1, timings: { ...a.steps[3].timings, decodeMs: 500 } },
    ],
  };

  it('summarises each run: answer, zoom count, and no time for a hand-written one', () => {
    expect(runSummary(a)).toMatchObject({ answer: 'A', zooms: 3, steps: 4, totalMs: null });
    expect(runSummary(measured)).toMatchObject({
      answer: 'B',
      zooms: 1,
      steps: 2,
      totalMs: 800 + 200 + 1500 + 500,
    });
  });

  it('aligns steps by turn and dashes the turns a shorter run never had', () => {
    const rows = compareRows(a, measured);
    expect(rows).toHaveLength(4);
    expect(rows[0]).toEqual({
      step: 1,
      a: 'zoom “red insect on the stem” [1560, 640, 2040, 1040]',
      b: 'zoom “flowers below the ladybird” [1500, 940, 1840, 1300]',
    });
    expect(rows[1].b).toBe('answer A');
    expect(rows[3]).toEqual({ step: 4, a: 'answer A', b: '—' });
  });

  it('compares only runs on the same picture', () => {
    expect(samePicture(a, measured)).toBe(true);
    expect(samePicture(a, build(TWO_WINGS))).toBe(false);
  });
});
