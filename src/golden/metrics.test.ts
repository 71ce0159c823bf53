import { describe, expect, it } from 'vitest';
import { cosine, firstDifference, gatherAt, maxAbsDiff, relToPeak, stdDev } from './metrics';

describe('golden metrics', () => {
  it('relToPeak divides the worst error by the largest reference magnitude', () => {
    expect(relToPeak([1, 2, -4.5], [1, 2, -4])).toBeCloseTo(0.5 / 4, 12);
    expect(relToPeak([0, 0], [0, 0])).toBe(0);
  });
  it('maxAbsDiff reports NaN and length mismatches instead of hiding them', () => {
    expect(maxAbsDiff([NaN, 1], [0, 1])).toBeNaN();
    expect(maxAbsDiff([1], [1, 2])).toBe(Infinity);
  });
  it('stdDev is the population spread (2, 4, 4, 4, 5, 5, 7, 9 -> 2)', () => {
    expect(stdDev([2, 4, 4, 4, 5, 5, 7, 9])).toBe(2);
    expect(stdDev([3, 3, 3])).toBe(0);
  });

  it('cosine of parallel and orthogonal vectors', () => {
    expect(cosine([1, 2], [2, 4])).toBeCloseTo(1, 12);
    expect(cosine([1, 0], [0, 3])).toBe(0);
  });
  it('firstDifference finds the first mismatch or a length difference', () => {
    expect(firstDifference([1, 2, 3], [1, 2, 3])).toBe(-1);
    expect(firstDifference([1, 5, 3], [1, 2, 3])).toBe(1);
    expect(firstDifference([1, 2], [1, 2, 3])).toBe(2);
  });
  it('gatherAt picks logits by id, repeats allowed', () => {
    expect(Array.from(gatherAt(Float32Array.of(0, 10, 20), [2, 2, 0]))).toEqual([20, 20, 0]);
  });
});
