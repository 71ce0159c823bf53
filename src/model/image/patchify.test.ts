import { describe, expect, it } from 'vitest';
import { GoldenSet } from '../../../test/support/golden-set';
import { GridError } from './errors';
import { firstDiff, goldenRgb } from '../../../test/support/golden-images';
import { pixelLut } from './normalize';
import { gridThwFor, patchify, patchifyU8 } from './patchify';

const golden = GoldenSet.publicSet();

describe('patchify', () => {
  it.each([
    ['image1_resized_uint8_hwc', 'image1'],
    ['crop_resized_uint8_hwc', 'crop'],
  ])('%s -> %s pixel_values_u8, pixel_values and grid_thw exactly', (src, name) => {
    const img = goldenRgb(golden, src);
    const u8 = patchifyU8(img);
    const wantU8 = golden.u8(`${name}_pixel_values_u8`);
    expect(u8.gridThw).toEqual(golden.i64(`${name}_grid_thw`).data);
    expect(firstDiff(u8.patches, wantU8.data)).toBe('equal');
    const f = patchify(img, pixelLut());
    const want = golden.f32(`${name}_pixel_values`);
    expect(f.pixelValues.length).toBe(want.shape[0] * want.shape[1]);
    expect(firstDiff(f.pixelValues, want.data)).toBe('equal');
  });

  it('refuses sizes that are not multiples of patch * merge', () => {
    expect(() => gridThwFor(252, 182)).toThrow(GridError);
    expect(() => patchifyU8({ width: 14, height: 28, data: new Uint8Array(14 * 28 * 3) })).toThrow(GridError);
  });
});
