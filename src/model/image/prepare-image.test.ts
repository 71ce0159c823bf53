import { describe, expect, it } from 'vitest';
import { GoldenSet } from '../../../test/support/golden-set';
import { firstDiff, goldenRgb } from '../../../test/support/golden-images';
import { prepareImage } from './prepare-image';

const golden = GoldenSet.publicSet();

describe('prepareImage', () => {
  it('image1 original -> golden pixel_values, grid [1,14,18], 63 tokens', () => {
    const out = prepareImage(goldenRgb(golden, 'image1_uint8_hwc'));
    expect(out.gridThw).toEqual(golden.i64('image1_grid_thw').data);
    expect([out.resizedWidth, out.resizedHeight, out.numImageTokens]).toEqual([252, 196, 63]);
    expect(firstDiff(out.pixelValues, golden.f32('image1_pixel_values').data)).toBe('equal');
  });

  it('crop (DeepEyes rule) -> golden crop pixel_values, grid [1,8,8], 16 tokens', () => {
    const out = prepareImage(goldenRgb(golden, 'crop_uint8_hwc'), { rule: 'crop' });
    expect(out.gridThw).toEqual(golden.i64('crop_grid_thw').data);
    expect([out.resizedWidth, out.resizedHeight, out.numImageTokens]).toEqual([112, 112, 16]);
    expect(firstDiff(out.resized.data, golden.u8('crop_resized_uint8_hwc').data)).toBe('equal');
    expect(firstDiff(out.pixelValues, golden.f32('crop_pixel_values').data)).toBe('equal');
  });
});
