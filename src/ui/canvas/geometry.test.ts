import { describe, expect, it } from 'vitest';
import { GoldenSet, type GoldenCase } from '../../../test/support/golden-set';

import {
  boxToStageRect,
  farthestCorner,
  fitTransform,
  hitTestBoxes,
  imageToStage,
  labelAnchor,
  panBy,
  stageToImage,
  viewForBox,
  viewTransform,
  zoomAt,
  ZOOM_LIMITS,
} from './geometry';

import type { Box } from '../../base/types';
const golden = GoldenSet.publicSet();
const arrays = golden.manifest.arrays;
// The golden scene and its crop: image1 is [H, W, 3], the crop is cut at the case's bbox.
const [imgH, imgW] = arrays['image1_uint8_hwc'].shape;
const [cropH, cropW] = arrays['crop_uint8_hwc'].shape;
const box = golden.json<GoldenCase>('case.json').tool_call.arguments.bbox_2d as Box;
const stage = { width: 800, height: 600 };
const FIT = { zoom: 1, panX: 0, panY: 0 };

describe('fit and box mapping on the golden image', () => {
  it('fits 250x190 into 800x600 by height, centred horizontally', () => {
    expect([imgW, imgH]).toEqual([250, 190]);
    const t = fitTransform({ width: imgW, height: imgH }, stage);
    expect(t.scale).toBeCloseTo(600 / 190, 12);
    expect(t.y).toBeCloseTo(0, 12);
    expect(t.x).toBeCloseTo((800 - 250 * (600 / 190)) / 2, 12);
  });

  it('maps the golden crop box to a stage rect the size of the crop times the scale', () => {
    const t = fitTransform({ width: imgW, height: imgH }, stage);
    const r = boxToStageRect(t, box);
    expect(r.width).toBeCloseTo(cropW * t.scale, 9);
    expect(r.height).toBeCloseTo(cropH * t.scale, 9);
    expect(r.x).toBeCloseTo(box[0] * t.scale + t.x, 9);
    // Reversed corners describe the same rect.
    expect(boxToStageRect(t, [box[2], box[3], box[0], box[1]])).toEqual(r);
  });

  it('honours padding', () => {
    const t = fitTransform({ width: 100, height: 100 }, { width: 300, height: 200 }, 20);
    expect(t).toEqual({ scale: 1.6, x: 70, y: 20 });
  });
});

describe('zoom and pan', () => {
  const fit = fitTransform({ width: imgW, height: imgH }, stage);

  it('the fitted view is the fit transform', () => {
    expect(viewTransform(fit, FIT, stage)).toEqual(fit);
  });

  it('keeps the image point under the cursor fixed while zooming', () => {
    const at = { x: 500, y: 120 };
    const before = stageToImage(viewTransform(fit, FIT, stage), at);
    const v = zoomAt(FIT, fit, stage, at, 2.5);
    const t = viewTransform(fit, v, stage);
    expect(t.scale).toBeCloseTo(fit.scale * 2.5, 12);
    const after = imageToStage(t, before);
    expect(after.x).toBeCloseTo(at.x, 9);
    expect(after.y).toBeCloseTo(at.y, 9);
  });

  it('clamps zoom and pans in stage pixels', () => {
    expect(zoomAt(FIT, fit, stage, { x: 0, y: 0 }, 1000).zoom).toBe(ZOOM_LIMITS.max);
    expect(zoomAt(FIT, fit, stage, { x: 0, y: 0 }, 0.001).zoom).toBe(ZOOM_LIMITS.min);
    const t = viewTransform(fit, panBy(FIT, 30, -10), stage);
    expect(t.x).toBeCloseTo(fit.x + 30, 12);
    expect(t.y).toBeCloseTo(fit.y - 10, 12);
  });

  it('centres a box when focusing a step', () => {
    const v = viewForBox(box, fit, stage);
    const r = boxToStageRect(viewTransform(fit, v, stage), box);
    expect(r.x + r.width / 2).toBeCloseTo(400, 9);
    expect(r.y + r.height / 2).toBeCloseTo(300, 9);
    expect(Math.max(r.width / stage.width, r.height / stage.height)).toBeCloseTo(0.6, 9);
  });

  it('round-trips points', () => {
    const t = { scale: 0.37, x: 12, y: -40 };
    const p = stageToImage(t, imageToStage(t, { x: 1234.5, y: 77 }));
    expect(p.x).toBeCloseTo(1234.5, 9);
    expect(p.y).toBeCloseTo(77, 9);
  });
});

describe('hit-testing', () => {
  const boxes = [
    { key: 0, box: [0, 0, 200, 200] as Box },
    { key: 1, box: [50, 50, 100, 100] as Box },
    { key: 2, box: [150, 150, 300, 300] as Box },
  ];
  it('prefers the smallest box containing the point', () => {
    expect(hitTestBoxes(boxes, { x: 60, y: 60 })).toBe(1);
    expect(hitTestBoxes(boxes, { x: 10, y: 10 })).toBe(0);
    expect(hitTestBoxes(boxes, { x: 180, y: 180 })).toBe(2);
    expect(hitTestBoxes(boxes, { x: 400, y: 10 })).toBeNull();
  });
  it('breaks ties toward the later step and accepts a tolerance', () => {
    expect(
      hitTestBoxes(
        [
          { key: 'a', box: [0, 0, 10, 10] },
          { key: 'b', box: [0, 0, 10, 10] },
        ],
        { x: 5, y: 5 },
      ),
    ).toBe('b');
    expect(hitTestBoxes(boxes, { x: 302, y: 302 }, 3)).toBe(2);
  });
});

describe('overlay placement', () => {
  it('puts the crop preview in the corner away from the box', () => {
    expect(farthestCorner({ x: 10, y: 10, width: 50, height: 50 }, stage)).toBe('bottom-right');
    expect(farthestCorner({ x: 700, y: 500, width: 50, height: 50 }, stage)).toBe('top-left');
  });
  it('puts labels above boxes unless they touch the top', () => {
    expect(labelAnchor({ x: 5, y: 40, width: 10, height: 10 }, 20)).toEqual({ x: 5, y: 20, inside: false });
    expect(labelAnchor({ x: 5, y: 10, width: 10, height: 10 }, 20)).toEqual({ x: 5, y: 10, inside: true });
  });
});
