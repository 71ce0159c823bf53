import { describe, expect, it } from 'vitest';
import { chunkScoreBytes, fullAttentionChunks, visionPixelBudget } from './vision-budget';

// Qwen2.5-VL-7B's vision_config (scripts/synth-7b.ts preset).
const v7b = {
  numHeads: 16,
  hiddenSize: 1280,
  intermediateSize: 3420,
  patchSize: 14,
  spatialMergeSize: 2,
  windowSize: 112,
};
const GiB = 2 ** 30;

describe('visionPixelBudget', () => {
  it('gives the unchunked 7B encoder 4096 patches (0.8 MP) under a 1 GiB binding', () => {
    // 16 heads * 4096^2 * 4 B = 2^30 exactly.
    expect(visionPixelBudget(v7b, GiB)).toEqual({ maxPatches: 4096, maxPixels: 4096 * 196 });
    expect(visionPixelBudget(v7b, GiB, 1)).toEqual(visionPixelBudget(v7b, GiB));
  });

  it('shrinks with the 128 MiB default binding size, in whole 2x2 merge groups', () => {
    const b = visionPixelBudget(v7b, 128 * 2 ** 20);
    // sqrt(2^27 / 64) = 1448.15; 1448 is a multiple of 4.
    expect(b.maxPatches).toBe(1448);
    expect(16 * b.maxPatches ** 2 * 4).toBeLessThanOrEqual(128 * 2 ** 20);
  });

  it('in 16 chunks the 7B encoder takes 16384 patches (3.2 MP) under 1 GiB', () => {
    // 16 heads * ceil(16384 / 16) = 1024 rows * 16384 keys * 4 B = 2^30; 16388 needs 1025 rows.
    expect(visionPixelBudget(v7b, GiB, 16)).toEqual({ maxPatches: 16384, maxPixels: 16384 * 196 });
  });

  it("in 256 chunks it takes the preprocessor's whole max_pixels (65536 patches) under 1 GiB", () => {
    // 16 * 256 rows * 65536 * 4 B = 2^30; qkv [65536, 3840] fp32 = 0.94 GiB also fits.
    expect(visionPixelBudget(v7b, GiB, 256)).toEqual({ maxPatches: 65536, maxPixels: 12845056 });
  });

  it('once the scores are chunked, the per-patch activations bound N', () => {
    // 128 MiB / (qkv's 3 * 1280 floats * 4 B) = 8738.1 -> 8736 (a multiple of 4); the scores of
    // 8736 patches in 256 chunks are 16 * 35 * 8736 * 4 B = 19.6 MB.
    expect(visionPixelBudget(v7b, 128 * 2 ** 20, 256).maxPatches).toBe(8736);
  });
});

describe('chunkScoreBytes', () => {
  it('is one chunk of ceil(N / K) query rows against all N keys', () => {
    expect(chunkScoreBytes(v7b, 4096, 1)).toBe(GiB);
    expect(chunkScoreBytes(v7b, 100, 7)).toBe(16 * 15 * 100 * 4);
  });
});

describe('fullAttentionChunks', () => {
  it('picks the fewest chunks that fit the target in 1 GiB', () => {
    // 2^30 / (16 heads * 65536 * 4 B) = 256 rows a chunk -> 65536 / 256 = 256 chunks.
    expect(fullAttentionChunks(v7b, 65536)).toBe(256);
    expect(fullAttentionChunks(v7b, 16384)).toBe(16);
    expect(fullAttentionChunks(v7b, 4096)).toBe(1);
    // The golden tiny encoder (4 heads): 1024 rows a chunk -> 64 chunks.
    expect(fullAttentionChunks({ numHeads: 4 }, 65536)).toBe(64);
    // 5000 patches: 3355 rows fit -> 2 chunks; 20000 patches: 838 rows -> 24 chunks.
    expect(fullAttentionChunks(v7b, 5000)).toBe(2);
    expect(fullAttentionChunks(v7b, 20000)).toBe(24);
  });
});
