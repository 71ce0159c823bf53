import { describe, expect, it } from 'vitest';
import { GoldenSet } from '../../../test/support/golden-set';
import { AspectRatioError } from './errors';
import { roundHalfEven, smartResize, smartResizeCrop } from './smart-resize';

const golden = GoldenSet.publicSet();

describe('roundHalfEven', () => {
  it('rounds ties to even like Python round', () => {
    expect([0.5, 1.5, 2.5, 3.5, -0.5, -1.5, -2.5, 2.4999, 2.5001, 7].map(roundHalfEven)).toEqual([
      0, 2, 2, 4, -0, -2, -2, 2, 3, 7,
    ]);
  });
});

describe('smartResize', () => {
  it('image1 (golden): 250x190 -> 252x196, grid [1,14,18]', () => {
    const [t, gh, gw] = golden.i64('image1_grid_thw').data;
    const { shape } = golden.u8('image1_resized_uint8_hwc');
    const r = smartResize(190, 250);
    expect([r.height, r.width, r.branch]).toEqual([shape[0], shape[1], 'round']);
    expect([t, gh, gw]).toEqual([1, r.height / 14, r.width / 14]);
  });

  it('crop (golden): DeepEyes variant 100x110 -> 112x112, and the processor keeps it', () => {
    const { shape } = golden.u8('crop_resized_uint8_hwc');
    const c = smartResizeCrop(110, 100);
    expect([c.height, c.width, c.branch]).toEqual([shape[0], shape[1], 'round']);
    const p = smartResize(c.height, c.width);
    expect([p.height, p.width]).toEqual([c.height, c.width]);
  });

  // Expected values from Python's smart_resize (transformers / qwen_vl_utils formulas).
  it.each([
    [70, 1000, 56, 1008, 56, 1008, 'round'],
    [126, 126, 112, 112, 112, 112, 'round'],
    [4000, 5000, 3192, 4004, 3192, 4004, 'max'],
    [6000, 8000, 3080, 4116, 3080, 4116, 'max'],
    [3000, 4000, 2996, 4004, 2996, 4004, 'round'],
    [20, 30, 56, 84, 56, 84, 'min'],
    [13, 2000, 28, 700, 28, 1988, 'min'],
    [1, 200, 28, 812, 28, 196, 'min'],
  ] as const)('%ix%i -> processor %ix%i, crop %ix%i', (h, w, ph, pw, ch, cw, branch) => {
    const p = smartResize(h, w);
    expect([p.height, p.width, p.branch]).toEqual([ph, pw, branch]);
    const c = smartResizeCrop(h, w);
    expect([c.height, c.width]).toEqual([ch, cw]);
  });

  it('refuses aspect ratios over 200 with a typed error, accepts exactly 200', () => {
    expect(() => smartResize(10, 2001)).toThrow(AspectRatioError);
    expect(() => smartResizeCrop(3000, 14)).toThrow(AspectRatioError);
    expect(smartResize(10, 2000).height).toBe(28);
  });
});
