import { describe, expect, it } from 'vitest';
import { playbackNext, playbackStart, stepAfter } from './step-nav';

describe('stepAfter', () => {
  it('moves from the overview into the steps and back', () => {
    expect(stepAfter(null, 1, 3)).toBe(0);
    expect(stepAfter(0, -1, 3)).toBeNull();
    expect(stepAfter(null, -1, 3)).toBeNull();
  });
  it('clamps at the last step and survives a shrunken trace', () => {
    expect(stepAfter(2, 1, 3)).toBe(2);
    expect(stepAfter(7, -1, 3)).toBe(1);
    expect(stepAfter(1, 5, 0)).toBeNull();
  });
});

describe('playback', () => {
  it('walks overview -> 0 -> 1 -> end', () => {
    expect(playbackNext(null, 2)).toBe(0);
    expect(playbackNext(0, 2)).toBe(1);
    expect(playbackNext(1, 2)).toBe('end');
    expect(playbackNext(null, 0)).toBe('end');
  });
  it('restarts from the overview when started at the end', () => {
    expect(playbackStart(1, 2)).toBeNull();
    expect(playbackStart(0, 2)).toBe(0);
  });
});
