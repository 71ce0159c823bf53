import { describe, expect, it } from 'vitest';
import { GoldenSet, type GoldenCase } from '../../../test/support/golden-set';

import { parseTrace, pngBytesToDataUrl, serializeTrace } from '../../agent/trace';
import {
  buildSampleTrace,
  cropInfoFor,
  LADYBIRD,
  sampleCropBoxes,
  sampleImageInfo,
  SAMPLE_TRACES,
  TWO_WINGS,
} from './sample-trace';

import type { Box } from '../../base/types';
const golden = GoldenSet.publicSet();

function build(spec: typeof LADYBIRD) {
  const image = sampleImageInfo(spec, 'data:image/png;base64,', 'abc');
  const crops = sampleCropBoxes(spec).map((b) => cropInfoFor(b, 'data:image/png;base64,'));
  return buildSampleTrace(spec, image, crops);
}

describe('cropInfoFor', () => {
  it('sizes the golden crop as the golden reference does (100x110 -> 112x112, 16 tokens)', () => {
    const box = golden.json<GoldenCase>('case.json').tool_call.arguments.bbox_2d as Box;
    const [cropH, cropW] = golden.manifest.arrays['crop_uint8_hwc'].shape;
    const [rh, rw] = golden.manifest.arrays['crop_resized_uint8_hwc'].shape;
    const grid = Array.from(golden.i64('crop_grid_thw').data, Number);
    const info = cropInfoFor(box, 'x');
    expect([info.width, info.height]).toEqual([cropW, cropH]);
    expect([info.resizedWidth, info.resizedHeight]).toEqual([rw, rh]);
    expect(info.imageTokens).toBe((grid[0] * grid[1] * grid[2]) / 4);
  });
});

describe('sample traces', () => {
  it('the ladybird trace zooms three times, then answers', () => {
    const t = build(LADYBIRD);
    expect(t.steps.map((s) => s.action.kind)).toEqual(['tool_call', 'tool_call', 'tool_call', 'answer']);
    expect(t.finalAnswer).toBe('A');
    expect(t.endReason).toBe('answer');
    expect(t.image).toMatchObject({ width: 2560, height: 1600, resizedWidth: 2548, resizedHeight: 1596 });
  });

  it('the dandelion trace shows a rejected tool call', () => {
    const t = build(TWO_WINGS);
    const err = t.steps[1].action;
    expect(err.kind).toBe('tool_error');
    if (err.kind === 'tool_error') expect(err.message).toBe('ZOOM IN ARGUMENTS ARE INVALID');
  });

  for (const spec of SAMPLE_TRACES) {
    it(`${spec.id}: tool calls are valid DeepEyes calls in the model's pixel space`, () => {
      const t = build(spec);
      for (const s of t.steps) {
        const m = /<tool_call>\n(.*)\n<\/tool_call>$/.exec(s.text);
        if (s.action.kind !== 'tool_call') continue;
        const call = JSON.parse(m![1]);
        expect(call.name).toBe('image_zoom_in_tool');
        expect(call.arguments.bbox_2d).toEqual(s.action.call.bboxModel);
        const [x1, y1, x2, y2] = s.action.call.bboxOriginal!;
        // Training's validity rules: inside the image, ordered, shorter side > 30, aspect <= 100.
        expect(x1 >= 0 && y1 >= 0 && x2 <= spec.width && y2 <= spec.height && x1 < x2 && y1 < y2).toBe(true);
        expect(Math.min(x2 - x1, y2 - y1)).toBeGreaterThan(30);
        // 2560x1600 is under smart_resize's max_pixels (12845056), so the runtime takes bbox_2d as
        // original pixels, unscaled (DeepEyes' VisualToolBoxV2): the sample's box must land there.
        expect(spec.width * spec.height).toBeLessThan(12845056);
        expect(s.action.call.bboxOriginal).toEqual(s.action.call.bboxModel);
        expect([s.action.crop.width, s.action.crop.height]).toEqual([x2 - x1, y2 - y1]);
        expect(s.text.startsWith(`<think>${s.think}</think>`)).toBe(true);
      }
    });
  }

  it('claims no timings: nothing was measured, and the trace says it is hand-written', () => {
    for (const spec of SAMPLE_TRACES) {
      const t = build(spec);
      expect(t.modelId).toMatch(/hand-written/);
      for (const s of t.steps) {
        expect([s.timings.ttftMs, s.timings.prefillMs, s.timings.decodeMs, s.timings.visionMs]).toEqual([
          0, 0, 0, 0,
        ]);
      }
    }
  });

  it('passes the trace schema: exportable, importable and autosavable as built', () => {
    // Any real PNG stands in for the photo and its crops; the schema checks PNG-ness, not content.
    const png = pngBytesToDataUrl(golden.bytes('image1.png'));
    for (const spec of SAMPLE_TRACES) {
      const image = sampleImageInfo(spec, png, 'ab'.repeat(32));
      const t = buildSampleTrace(
        spec,
        image,
        sampleCropBoxes(spec).map((b) => cropInfoFor(b, png)),
      );
      expect(parseTrace(serializeTrace(t))).toEqual(t);
    }
  });

  it('refuses to build without a crop for every zoom', () => {
    const image = sampleImageInfo(LADYBIRD, '', '');
    expect(() => buildSampleTrace(LADYBIRD, image, [])).toThrow(/no crop/);
  });
});
