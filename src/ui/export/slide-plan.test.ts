import { describe, expect, it } from 'vitest';
import {
  buildSampleTrace,
  cropInfoFor,
  LADYBIRD,
  sampleCropBoxes,
  sampleImageInfo,
} from '../../app/samples/sample-trace';
import { planSlides, wrapText } from './slide-plan';

const trace = buildSampleTrace(
  LADYBIRD,
  sampleImageInfo(LADYBIRD, '', ''),
  sampleCropBoxes(LADYBIRD).map((b) => cropInfoFor(b, '')),
);

describe('planSlides', () => {
  it('has a title, one frame per step with the boxes so far, and an answer frame', () => {
    const f = planSlides(trace);
    expect(f).toHaveLength(trace.steps.length + 2);
    expect(f[0].heading).toBe(LADYBIRD.question);
    expect(f[1]).toMatchObject({ heading: 'Step 1 · zoom in: red insect on the stem', cropOf: 0 });
    expect(f[1].boxes).toEqual([{ stepIndex: 0, box: [1560, 640, 2040, 1040] }]);
    expect(f[3].boxes.map((b) => b.stepIndex)).toEqual([0, 1, 2]);
    expect(f[4]).toMatchObject({ heading: 'Step 4 · answer A', cropOf: undefined });
    expect(f[5].heading).toBe('Answer: A');
    expect(f[1].body).toBe(LADYBIRD.turns[0].think);
  });
});

describe('wrapText', () => {
  const measure = (s: string) => s.length; // one unit per character
  it('wraps at word boundaries within the width', () => {
    expect(wrapText(measure, 'aaa bbb ccc ddd', 7, 5)).toEqual(['aaa bbb', 'ccc ddd']);
  });
  it('ends the last allowed line with an ellipsis when text is left', () => {
    expect(wrapText(measure, 'aaa bbb ccc ddd eee', 7, 2)).toEqual(['aaa bbb', 'ccc…']);
  });
  it('keeps a word longer than the width on its own line', () => {
    expect(wrapText(measure, 'abcdefghij k', 5, 3)).toEqual(['abcdefghij', 'k']);
  });
});
