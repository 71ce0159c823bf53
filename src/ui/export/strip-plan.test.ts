import { describe, expect, it } from 'vitest';
import { GoldenSet } from '../../../test/support/golden-set';
import { DEFAULT_STRIP, planStrip } from './strip-plan';

const golden = GoldenSet.publicSet();
const [imgH, imgW] = golden.manifest.arrays['image1_uint8_hwc'].shape;
const [cropH, cropW] = golden.manifest.arrays['crop_uint8_hwc'].shape;

describe('planStrip', () => {
  it('lays out the golden image and crop at the panel height, left to right', () => {
    const p = planStrip({
      image: { width: imgW, height: imgH },
      crops: [{ stepIndex: 0, size: { width: cropW, height: cropH } }],
    });
    const H = DEFAULT_STRIP.panelHeight;
    expect(p.original).toEqual({ x: 32, y: 128, width: Math.round((imgW * H) / imgH), height: H });
    expect(p.crops[0].image).toEqual({
      x: p.original.x + p.original.width + 24,
      y: 128,
      width: Math.round((cropW * H) / cropH),
      height: H,
    });
    expect(p.crops[0].caption.y).toBe(128 + H + 8);
    // Six 28 px lines of reasoning under the 64 px caption, as wide as the crop.
    expect(p.crops[0].excerpt).toEqual({
      x: p.crops[0].image.x,
      y: 128 + H + 8 + 64,
      width: p.crops[0].image.width,
      height: 6 * 28,
    });
    expect(p.width).toBe(p.crops[0].image.x + p.crops[0].image.width + 32);
    expect(p.height).toBe(128 + H + 8 + 64 + 6 * 28 + 32);
  });

  it('shrinks very wide crops and centres them vertically', () => {
    const p = planStrip({
      image: { width: 100, height: 100 },
      crops: [{ stepIndex: 3, size: { width: 3000, height: 30 } }],
    });
    const c = p.crops[0].image;
    expect(c.width).toBe(Math.round(480 * 2.2));
    expect(c.height).toBe(Math.round(30 * ((480 * 2.2) / 3000)));
    expect(Math.abs(c.y + c.height / 2 - (128 + 240))).toBeLessThanOrEqual(1);
  });

  it('with no crops is just the original', () => {
    const p = planStrip({ image: { width: 480, height: 480 }, crops: [] });
    expect(p.width).toBe(32 + 480 + 32);
    expect(p.crops).toEqual([]);
    expect(p.notes).toEqual([]);
  });

  it('puts a text panel for each step without a crop after the crops, as tall as a crop and its text', () => {
    const p = planStrip({
      image: { width: 480, height: 480 },
      crops: [{ stepIndex: 0, size: { width: 480, height: 480 } }],
      notes: [{ stepIndex: 1 }],
    });
    // Original and crop 480 wide each, 24 px gaps.
    expect(p.notes).toEqual([
      { stepIndex: 1, rect: { x: 32 + 480 + 24 + 480 + 24, y: 128, width: 520, height: 480 + 8 + 64 + 168 } },
    ]);
    expect(p.width).toBe(32 + 480 + 24 + 480 + 24 + 520 + 32);
  });
});
