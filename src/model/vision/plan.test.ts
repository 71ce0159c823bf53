import { describe, expect, it } from 'vitest';
import { parseQwenVLConfig } from '../config';
import { GoldenSet } from '../../../test/support/golden-set';
import type { GridThw } from '../image/patchify';
import { visionPlan, WINDOW_MASK_PAD, type VisionPlan } from './plan';
import { visionInvFreq } from './rotary';

const golden = GoldenSet.publicSet();
const vision = parseQwenVLConfig(golden.json('config.json')).vision;
const grid = (name: string) => golden.i64(`${name}_grid_thw`).data as GridThw;

/** gather/scatter/mask/merge_reverse invariants that any grid must satisfy. */
function checkConsistency(plan: VisionPlan): void {
  const { N, M, P, W } = plan;
  const gather = Array.from(plan.window_gather, Number);
  const scatter = Array.from(plan.window_scatter, Number);
  expect(gather.length).toBe(W * P);
  expect(plan.window_mask.length).toBe(W * P);
  // Scatter then gather is the identity on the windowed rows.
  for (let k = 0; k < N; k++) expect(gather[scatter[k]]).toBe(k);
  // Every real slot is hit by exactly one row; every other slot is padding.
  const hits = new Int32Array(W * P);
  for (const s of scatter) hits[s]++;
  for (let s = 0; s < W * P; s++) {
    expect(hits[s]).toBe(plan.window_mask[s] === 0 ? 1 : 0);
    if (plan.window_mask[s] !== 0) {
      expect(plan.window_mask[s]).toBe(WINDOW_MASK_PAD);
      const w = Math.floor(s / P);
      expect(gather[s]).toBe(plan.cuWindowSeqlens[w]);
    }
  }
  // Each window's real slots come first and match its cu_window_seqlens length.
  for (let w = 0; w < W; w++) {
    const len = plan.cuWindowSeqlens[w + 1] - plan.cuWindowSeqlens[w];
    for (let j = 0; j < P; j++) expect(plan.window_mask[w * P + j]).toBe(j < len ? 0 : WINDOW_MASK_PAD);
  }
  // patch_order is a permutation built from windowIndex; merge_reverse inverts windowIndex.
  const order = Array.from(plan.patch_order, Number);
  expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: N }, (_, i) => i));
  for (let k = 0; k < N; k++) expect(order[k]).toBe(4 * plan.windowIndex[k >> 2] + (k % 4));
  for (let i = 0; i < M; i++) expect(plan.windowIndex[Number(plan.merge_reverse[i])]).toBe(i);
  expect(plan.rotary_cos.length).toBe(N * plan.headDim);
  expect(plan.rotary_sin.length).toBe(N * plan.headDim);
}

describe('visionPlan (golden grids)', () => {
  it.each(['image1', 'crop'])('%s: window_index and cu_window_seqlens equal transformers', (name) => {
    const plan = visionPlan(grid(name), vision);
    expect(Array.from(plan.windowIndex)).toEqual(golden.i64(`${name}_window_index`).data);
    expect(Array.from(plan.cuWindowSeqlens)).toEqual(golden.i64(`${name}_cu_window_seqlens`).data);
    expect(plan.P).toBe(64);
    expect(plan.W).toBe(plan.cuWindowSeqlens.length - 1);
    checkConsistency(plan);
  });

  it('image1 sizes: N 252, M 63, 6 windows', () => {
    const p = visionPlan(grid('image1'), vision);
    expect([p.N, p.M, p.P, p.W, p.headDim]).toEqual([252, 63, 64, 6, 16]);
  });
});

describe('visionPlan (partial and empty windows)', () => {
  // Expected values from a NumPy port of transformers' get_window_index (pad with -100, drop,
  // cumsum * 4, unique_consecutive).
  it.each([
    [
      [1, 10, 22],
      [0, 64, 128, 176, 192, 208, 220],
      32,
      [8, 9, 10, 19, 20, 21, 30, 31, 32, 41, 42, 43, 44, 45, 46],
    ],
    [[1, 16, 16], [0, 64, 128, 192, 256], 32, [32, 33, 34, 35, 40, 41, 42, 43, 48, 49, 50, 51, 56, 57, 58]],
    [[2, 6, 10], [0, 48, 60, 108, 120], 11, [13, 4, 9, 14, 15, 16, 17, 18, 20, 21, 22, 23, 25, 26, 27]],
  ] as const)('grid %j', (g, cu, from, windowIndexSlice) => {
    const plan = visionPlan([...g] as GridThw, vision);
    expect(Array.from(plan.cuWindowSeqlens)).toEqual(cu);
    expect(Array.from(plan.windowIndex.subarray(from, from + 15))).toEqual(windowIndexSlice);
    checkConsistency(plan);
  });
});

describe('vision rotary table', () => {
  it('inv_freq of the tiny model (head_dim 16) is 10000^(-i/4) in float32', () => {
    expect(Array.from(visionInvFreq(16))).toEqual([1, 0.1, 0.01, 0.001].map(Math.fround));
    expect(visionInvFreq(80).length).toBe(20);
  });

  it('rows follow patch_order: windowed row 64 of image1 is patch 16 at (row 0, col 8)', () => {
    const plan = visionPlan(grid('image1'), vision);
    const row = (k: number, t: Float32Array) => Array.from(t.subarray(k * 16, k * 16 + 16));
    expect(row(0, plan.rotary_cos)).toEqual(new Array(16).fill(1));
    expect(row(0, plan.rotary_sin)).toEqual(new Array(16).fill(0));
    expect(Number(plan.patch_order[64])).toBe(16);
    const inv = [1, 0.1, 0.01, 0.001].map(Math.fround);
    const half = [1, 1, 1, 1, ...inv.map((f) => Math.fround(Math.cos(Math.fround(8 * f))))];
    expect(row(64, plan.rotary_cos)).toEqual([...half, ...half]);
    // Patch 19 is the bottom-right of that 2x2 group: (row 1, col 9).
    expect(Number(plan.patch_order[67])).toBe(19);
    const s = [...inv, ...inv].map((f, j) => Math.fround(Math.sin(Math.fround((j < 4 ? 1 : 9) * f))));
    expect(row(67, plan.rotary_sin)).toEqual([...s, ...s]);
  });
});
