import { describe, expect, it } from 'vitest';
import { isIdle, nextAttract } from './attract';

describe('kiosk attract loop', () => {
  const samples = ['ladybird', 'two-wings'];
  it('walks the steps, then moves to the next sample and wraps', () => {
    expect(nextAttract(samples, { sample: 'ladybird', step: null }, 4)).toEqual({
      sample: 'ladybird',
      step: 0,
    });
    expect(nextAttract(samples, { sample: 'ladybird', step: 2 }, 4)).toEqual({ sample: 'ladybird', step: 3 });
    expect(nextAttract(samples, { sample: 'ladybird', step: 3 }, 4)).toEqual({
      sample: 'two-wings',
      step: null,
    });
    expect(nextAttract(samples, { sample: 'two-wings', step: 2 }, 3)).toEqual({
      sample: 'ladybird',
      step: null,
    });
  });

  it('a run with no steps, or an unknown sample, moves on to a sample from the list', () => {
    expect(nextAttract(samples, { sample: 'ladybird', step: null }, 0)).toEqual({
      sample: 'two-wings',
      step: null,
    });
    expect(nextAttract(samples, { sample: 'imported', step: null }, 0)).toEqual({
      sample: 'ladybird',
      step: null,
    });
  });

  it('is idle after exactly a minute without input', () => {
    expect(isIdle(59_999, 0)).toBe(false);
    expect(isIdle(60_000, 0)).toBe(true);
  });
});
