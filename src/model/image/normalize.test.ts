import { describe, expect, it } from 'vitest';
import { GoldenSet } from '../../../test/support/golden-set';
import { pixelLut } from './normalize';
import { firstDiff } from '../../../test/support/golden-images';

describe('pixelLut', () => {
  it('equals the golden [3,256] table exactly', () => {
    const want = GoldenSet.publicSet().f32('pixel_lut');
    expect(want.shape).toEqual([3, 256]);
    expect(firstDiff(pixelLut(), want.data)).toBe('equal');
  });
});
