import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { GoldenSet } from '../../../test/support/golden-set';
import { parseQwenVLConfig } from '../../model/config';
import type { GridThw } from '../../model/image/patchify';
import { visionPlan } from '../../model/vision/plan';
import { GraphBuilder } from '../onnx/builder';
import { buildVisionPlanGraph, type VisionPlanValues } from './vision-plan-graph';

const golden = GoldenSet.publicSet();
const base = parseQwenVLConfig(golden.json<Record<string, unknown>>('config.json')).vision;

/** The plan subgraph alone, every table a graph output. */
async function planSession(cfg: typeof base): Promise<ort.InferenceSession> {
  const g = new GraphBuilder('plan');
  g.input('image_grid_thw', 'int64', [1, 3]);
  const v = buildVisionPlanGraph(g, 'image_grid_thw', cfg);
  for (const [key, name] of Object.entries(v)) {
    g.op('Identity', [name], { outputs: [key] });
    const float = /rotary|Mask/.test(key);
    const rank = key === 'windowMask' ? 4 : key.startsWith('rotary') ? 2 : 1;
    g.output(
      key,
      float ? 'float32' : 'int64',
      Array.from({ length: rank }, (_, i) => `d${i}`),
    );
  }
  return ort.InferenceSession.create(g.toBytes());
}

const FIELDS: [keyof VisionPlanValues, keyof ReturnType<typeof visionPlan>][] = [
  ['patchOrder', 'patch_order'],
  ['windowGather', 'window_gather'],
  ['windowMask', 'window_mask'],
  ['windowScatter', 'window_scatter'],
  ['mergeReverse', 'merge_reverse'],
];

describe('the in-graph vision window plan', () => {
  // Golden grids, partial windows on both edges, two frames, a single window, a larger window span.
  const cases: { grid: GridThw; windowSize?: number }[] = [
    { grid: [1, 14, 18] },
    { grid: [1, 8, 8] },
    { grid: [1, 10, 22] },
    { grid: [2, 6, 10] },
    { grid: [1, 2, 2] },
    { grid: [1, 30, 14], windowSize: 224 },
  ];
  it.each(cases)('grid $grid (window $windowSize) equals the CPU plan', async ({ grid, windowSize }) => {
    const cfg = { ...base, windowSize: windowSize ?? base.windowSize };
    const want = visionPlan(grid, cfg);
    const got = await (
      await planSession(cfg)
    ).run({
      image_grid_thw: new ort.Tensor('int64', BigInt64Array.from(grid.map(BigInt)), [1, 3]),
    });
    for (const [key, ref] of FIELDS)
      expect([key, Array.from(got[key].data as ArrayLike<unknown>)]).toEqual([
        key,
        Array.from(want[ref] as ArrayLike<unknown>),
      ]);
    // The rotary tables too, to the bit: rows of a table computed as the CPU plan computes it.
    expect(Array.from(got.rotaryCos.data as Float32Array)).toEqual(Array.from(want.rotary_cos));
    expect(Array.from(got.rotarySin.data as Float32Array)).toEqual(Array.from(want.rotary_sin));
  });
});
