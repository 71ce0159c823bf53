import { describe, expect, it } from 'vitest';
import { visionPixelBudget } from './vision-budget';

describe('visionPixelBudget', () => {
  const v7b = { numHeads: 16, patchSize: 14, spatialMergeSize: 2 };
  it('gives the 7B encoder 4096 patches (0.8 MP) under a 1 GiB binding', () => {
    expect(visionPixelBudget(v7b, 2 ** 30)).toEqual({ maxPatches: 4096, maxPixels: 4096 * 196 });
  });
  it('shrinks with the 128 MiB default binding size, in whole 2x2 merge groups', () => {
    const b = visionPixelBudget(v7b, 128 * 2 ** 20);
    expect(b.maxPatches).toBe(1448);
    expect(b.maxPatches % 4).toBe(0);
    expect(16 * b.maxPatches ** 2 * 4).toBeLessThanOrEqual(128 * 2 ** 20);
  });
});
