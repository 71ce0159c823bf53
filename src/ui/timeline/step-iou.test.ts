import { describe, expect, it } from 'vitest';
import type { TraceStep } from '../../agent/types';
import type { Box } from '../../base/types';
import { stepTruthIou } from './step-iou';

const timings = { ttftMs: 0, prefillMs: 0, prefillTokens: 0, decodeMs: 0, decodeTokens: 0, visionMs: 0 };
const crop = { dataUrl: '', width: 1, height: 1, resizedWidth: 28, resizedHeight: 28, imageTokens: 1 };
const zoom = (bboxModel: Box, bboxOriginal: Box): TraceStep => ({
  index: 0,
  text: '',
  action: { kind: 'tool_call', call: { name: 'image_zoom_in_tool', bboxModel, bboxOriginal }, crop },
  promptTokens: 0,
  generatedTokens: 0,
  timings,
});

describe('stepTruthIou', () => {
  it('the first sample zoom against the fixture target, by hand', () => {
    // [1560,640,2040,1040] (480x400 = 192000) and [1600,700,2000,1000] (400x300 = 120000) lie one
    // inside the other: intersection 120000, union 192000, IoU 0.625.
    expect(
      stepTruthIou(zoom([1560, 640, 2040, 1040], [1560, 640, 2040, 1040]), [[1600, 700, 2000, 1000]]),
    ).toBe(0.625);
  });
  it('in original pixels (bboxOriginal), not the model box; the best over several targets', () => {
    // The model wrote [0,0,50,50] on a downscaled view; mapped to [0,0,100,100]. Against [50,0,150,100]:
    // intersection 50x100 = 5000, union 10000 + 10000 - 5000 = 15000, IoU 1/3; against [0,0,100,100]: 1.
    const s = zoom([0, 0, 50, 50], [0, 0, 100, 100]);
    expect(stepTruthIou(s, [[50, 0, 150, 100]])).toBeCloseTo(1 / 3, 12);
    expect(
      stepTruthIou(s, [
        [50, 0, 150, 100],
        [0, 0, 100, 100],
      ]),
    ).toBe(1);
    expect(stepTruthIou(s, [[200, 200, 300, 300]])).toBe(0);
  });
  it('null without a target or for a step that is not a zoom', () => {
    expect(stepTruthIou(zoom([0, 0, 1, 1], [0, 0, 1, 1]), undefined)).toBeNull();
    const answer: TraceStep = { ...zoom([0, 0, 1, 1], [0, 0, 1, 1]), action: { kind: 'answer', text: 'A' } };
    expect(stepTruthIou(answer, [[0, 0, 1, 1]])).toBeNull();
  });
});
