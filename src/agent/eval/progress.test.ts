import { describe, expect, it } from 'vitest';
import { progressLine } from './progress';

describe('progressLine', () => {
  it('bar, counts, rate and ETA from the time per question so far', () => {
    // 8 of 20 in 16 s: 2 s each, 12 left: 24 s.
    expect(progressLine(8, 20, 16, 10)).toBe('[####------]  8/20  40%  2.0 s/question  ETA 24s');
    // 3 of 100 in 150 s: 50 s each, 97 left: 4850 s = 1h20m50s.
    expect(progressLine(3, 100, 150, 10)).toBe('[----------]  3/100  3%  50.0 s/question  ETA 1h20m');
  });
  it('before the first answer and without a total', () => {
    expect(progressLine(0, 5, 3, 5)).toBe('[-----]  0/5  0%  ETA ?');
    expect(progressLine(4, undefined, 10)).toBe('4 done  2.5 s/question');
  });
});
