import { describe, expect, it } from 'vitest';
import { GoldenSet } from '../../../test/support/golden-set';
import { firstDiff, goldenRgb } from '../../../test/support/golden-images';
import { rotateRgb } from './rotate';

// 3x2 image, pixel value = 10 * (row * 3 + col + 1) in every channel.
const img = {
  width: 3,
  height: 2,
  data: Uint8Array.from([10, 20, 30, 40, 50, 60].flatMap((v) => [v, v, v])),
};
const gray = (i: { data: Uint8Array }) => Array.from(i.data.filter((_, k) => k % 3 === 0));

describe('rotateRgb', () => {
  it('quarter turns are counter-clockwise pixel moves', () => {
    const r90 = rotateRgb(img, 90);
    expect([r90.width, r90.height]).toEqual([2, 3]);
    expect(gray(r90)).toEqual([30, 60, 20, 50, 10, 40]);
    expect(gray(rotateRgb(img, 180))).toEqual([60, 50, 40, 30, 20, 10]);
    expect(gray(rotateRgb(img, -90))).toEqual([40, 10, 50, 20, 60, 30]);
    expect(gray(rotateRgb(img, 450))).toEqual(gray(r90));
  });

  it('four quarter turns and 360 degrees give the image back', () => {
    const image = goldenRgb(GoldenSet.publicSet(), 'crop_uint8_hwc');
    let r = image;
    for (let i = 0; i < 4; i++) r = rotateRgb(r, 90);
    expect(firstDiff(r.data, image.data)).toBe('equal');
    expect(firstDiff(rotateRgb(image, 360).data, image.data)).toBe('equal');
  });

  it('free angles expand the canvas as Pillow does and fill corners with black', () => {
    // Sizes from Pillow's expand formula (Image.rotate).
    const flat = (w: number, h: number) => ({
      width: w,
      height: h,
      data: new Uint8Array(w * h * 3).fill(200),
    });
    for (const [w, h, a, ow, oh] of [
      [4, 2, 45, 6, 6],
      [5, 3, 30, 7, 7],
      [101, 37, -17, 109, 65],
      [250, 190, 10, 280, 232],
    ]) {
      const r = rotateRgb(flat(w, h), a);
      expect([r.width, r.height]).toEqual([ow, oh]);
    }
    const r = rotateRgb(flat(101, 37), -17);
    expect(Array.from(r.data.subarray(0, 3))).toEqual([0, 0, 0]);
    const centre = ((32 * 109 + 54) * 3) | 0;
    expect(r.data[centre]).toBe(200);
  });
});
