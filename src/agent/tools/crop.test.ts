import { describe, expect, it } from 'vitest';
import { GoldenSet } from '../../../test/support/golden-set';
import { cropRgb, resizeForModel, resolveZoomBox, zoomFrame, type ZoomFrame } from './crop';
import { prepareImage } from '../../model/image/prepare-image';
import { firstDiff, goldenRgb } from '../../../test/support/golden-images';
import { resizeBicubic } from '../../model/image/pil-bicubic';
import { smartResizeCrop } from '../../model/image/smart-resize';

const golden = GoldenSet.publicSet();

describe('resizeForModel (the agent resizes, the engine applies only the processor rule)', () => {
  it('gives the golden resized crop, and the processor then feeds the golden crop pixels', () => {
    const crop = goldenRgb(golden, 'crop_uint8_hwc');
    const resized = resizeForModel(crop);
    expect(firstDiff(resized.data, golden.u8('crop_resized_uint8_hwc').data)).toBe('equal');
    const viaEngine = prepareImage(resized, { rule: 'processor' });
    expect(firstDiff(viaEngine.pixelValues, golden.f32('crop_pixel_values').data)).toBe('equal');
    const crop1Step = prepareImage(crop, { rule: 'crop' });
    expect(viaEngine.gridThw).toEqual(crop1Step.gridThw);
    expect(firstDiff(viaEngine.pixelValues, crop1Step.pixelValues)).toBe('equal');
  });

  it('equals the one-step crop rule for a sliver under a small max_pixels', () => {
    const sliver = { width: 20, height: 900, data: new Uint8Array(20 * 900 * 3).fill(200) };
    const limits = { maxPixels: 28 * 28 * 8 };
    const resized = resizeForModel(sliver, limits);
    const a = prepareImage(resized, { ...limits, rule: 'processor' });
    const b = prepareImage(sliver, { ...limits, rule: 'crop' });
    expect([a.resizedWidth, a.resizedHeight]).toEqual([b.resizedWidth, b.resizedHeight]);
    expect(firstDiff(a.pixelValues, b.pixelValues)).toBe('equal');
  });
});

describe('zoom crop (golden case)', () => {
  it('bbox [120,40,220,150] on image1 -> golden crop, then golden resized crop', () => {
    const image = goldenRgb(golden, 'image1_uint8_hwc');
    const frame = zoomFrame(image.width, image.height);
    expect(frame.downscaled).toBe(false);
    const res = resolveZoomBox(golden.case.tool_call.arguments.bbox_2d, frame);
    expect(res).toEqual({ ok: true, box: [120, 40, 220, 150], rect: [120, 40, 220, 150], scaled: false });
    if (!res.ok) return;
    const crop = cropRgb(image, res.rect);
    const want = goldenRgb(golden, 'crop_uint8_hwc');
    expect([crop.width, crop.height]).toEqual([want.width, want.height]);
    expect(firstDiff(crop.data, want.data)).toBe('equal');
    const size = smartResizeCrop(crop.height, crop.width);
    const resized = resizeBicubic(crop, size.width, size.height);
    expect(firstDiff(resized.data, golden.u8('crop_resized_uint8_hwc').data)).toBe('equal');
  });
});

describe('resolveZoomBox rules', () => {
  const frame: ZoomFrame = { width: 250, height: 190, seenWidth: 252, seenHeight: 196, downscaled: false };
  const reason = (b: unknown) => {
    const r = resolveZoomBox(b, frame);
    return r.ok ? 'ok' : r.reason;
  };

  it('rejects malformed boxes without throwing', () => {
    expect(reason([1, 2, 3])).toBe('not_four_numbers');
    expect(reason('[1,2,3,4]')).toBe('not_four_numbers');
    expect(reason([0, 0, '100', 100])).toBe('not_four_numbers');
    expect(reason([0, 0, NaN, 100])).toBe('not_finite');
    expect(reason([0, 0, Infinity, 100])).toBe('not_finite');
  });

  it('clamps first, then checks order, aspect and the > 30 px short side', () => {
    expect(reason([100, 50, 60, 120])).toBe('empty_or_inverted');
    expect(reason([300, 0, 400, 100])).toBe('empty_or_inverted');
    expect(reason([0, 0, 100, 30])).toBe('too_small');
    expect(reason([0, 0, 100, 31])).toBe('ok');
    expect(reason([-50, -20, 40, 40])).toBe('ok');
    const clamped = resolveZoomBox([-50, -20, 400, 300], frame);
    expect(clamped.ok && clamped.box).toEqual([0, 0, 250, 190]);
    const wide = { ...frame, width: 5000, seenWidth: 5040 };
    expect(resolveZoomBox([0, 0, 3100, 31], wide).ok).toBe(true);
    expect(resolveZoomBox([0, 0, 3101, 31], wide)).toMatchObject({ ok: false, reason: 'aspect_ratio' });
  });

  it('rounds fractional boxes half-to-even like PIL crop', () => {
    const r = resolveZoomBox([10.5, 11.5, 60.5, 70.49], frame);
    expect(r.ok && r.rect).toEqual([10, 12, 60, 70]);
  });

  it('scales from the seen image to the original only when smart_resize downscaled it', () => {
    const big = zoomFrame(8000, 6000);
    expect(big).toEqual({ width: 8000, height: 6000, seenWidth: 4116, seenHeight: 3080, downscaled: true });
    const r = resolveZoomBox([411.6, 308, 823.2, 616], big);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.scaled).toBe(true);
      expect(r.rect).toEqual([800, 600, 1600, 1200]);
    }
    const small = zoomFrame(262, 190);
    expect(small.downscaled).toBe(false);
    const s = resolveZoomBox([10, 10, 100, 100], small);
    expect(s.ok && s.rect).toEqual([10, 10, 100, 100]);
  });
});

describe('cropRgb', () => {
  it('pads outside pixels with black like PIL', () => {
    const img = { width: 2, height: 2, data: Uint8Array.from([1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4]) };
    const c = cropRgb(img, [1, -1, 3, 2]);
    expect([c.width, c.height]).toEqual([2, 3]);
    expect(Array.from(c.data)).toEqual([0, 0, 0, 0, 0, 0, 2, 2, 2, 0, 0, 0, 4, 4, 4, 0, 0, 0]);
  });
});
