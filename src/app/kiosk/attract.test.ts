import { describe, expect, it } from 'vitest';
import { attractItems, isIdle, nextAttract, runKey, shownItem } from './attract';

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

  it('after the samples comes each run recorded in this browser, then the first sample again', () => {
    const items = attractItems(samples, ['t2', 't1']);
    expect(items).toEqual(['ladybird', 'two-wings', 'run:t2', 'run:t1']);
    expect(nextAttract(items, { sample: 'two-wings', step: 1 }, 2)).toEqual({ sample: 'run:t2', step: null });
    expect(nextAttract(items, { sample: 'run:t2', step: 2 }, 3)).toEqual({ sample: 'run:t1', step: null });
    expect(nextAttract(items, { sample: 'run:t1', step: 0 }, 1)).toEqual({ sample: 'ladybird', step: null });
  });

  it('names what is on screen: a sample, a recorded run, or nothing it knows', () => {
    expect(shownItem('ladybird', 'sample-ladybird', ['t1'])).toBe('ladybird');
    expect(shownItem(undefined, 't1', ['t1'])).toBe(runKey('t1'));
    expect(shownItem(undefined, 'imported-elsewhere', ['t1'])).toBeUndefined();
    expect(shownItem(undefined, undefined, ['t1'])).toBeUndefined();
  });
});
