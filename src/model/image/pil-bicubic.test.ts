import { describe, expect, it } from 'vitest';
import { GoldenSet } from '../../../test/support/golden-set';
import { bicubicTaps, resizeBicubic } from './pil-bicubic';
import { firstDiff, goldenRgb } from '../../../test/support/golden-images';

const golden = GoldenSet.publicSet();

describe('resizeBicubic (Pillow 8-bit BICUBIC)', () => {
  it('image1 250x190 -> 252x196 matches the processor output byte for byte', () => {
    const src = goldenRgb(golden, 'image1_uint8_hwc');
    const want = goldenRgb(golden, 'image1_resized_uint8_hwc');
    const got = resizeBicubic(src, want.width, want.height);
    expect([got.width, got.height]).toEqual([252, 196]);
    expect(firstDiff(got.data, want.data)).toBe('equal');
  });

  it('crop 100x110 -> 112x112 matches byte for byte', () => {
    const src = goldenRgb(golden, 'crop_uint8_hwc');
    const want = goldenRgb(golden, 'crop_resized_uint8_hwc');
    const got = resizeBicubic(src, 112, 112);
    expect(firstDiff(got.data, want.data)).toBe('equal');
  });

  it('same size is a copy; taps of an identity pass pick one pixel', () => {
    const src = goldenRgb(golden, 'crop_uint8_hwc');
    const same = resizeBicubic(src, src.width, src.height);
    expect(firstDiff(same.data, src.data)).toBe('equal');
    expect(same.data === src.data).toBe(false);
    const taps = bicubicTaps(10, 10);
    for (let i = 0; i < 10; i++) {
      const row = Array.from(taps.weights.subarray(i * taps.ksize, i * taps.ksize + taps.count[i]));
      expect(row.filter((w) => w !== 0)).toEqual([1 << 22]);
    }
  });

  it('downscale taps widen with the scale and each row sums to about 1.0 in fixed point', () => {
    const taps = bicubicTaps(1000, 100);
    expect(taps.ksize).toBe(41);
    for (let i = 0; i < 100; i++) {
      let s = 0;
      for (let x = 0; x < taps.count[i]; x++) s += taps.weights[i * taps.ksize + x];
      expect(Math.abs(s - (1 << 22))).toBeLessThan(taps.count[i]);
    }
  });

  it('flat images stay flat in both directions (no drift from rounding)', () => {
    const data = new Uint8Array(37 * 23 * 3).fill(200);
    for (const [w, h] of [
      [80, 51],
      [9, 5],
      [37, 60],
    ]) {
      const out = resizeBicubic({ width: 37, height: 23, data }, w, h);
      expect(out.data.every((v) => v === 200)).toBe(true);
    }
  });
});
