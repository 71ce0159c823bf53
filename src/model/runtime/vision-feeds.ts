/**
 * The vision encoder's inputs for one image, filled by name from the session's input list: our
 * current graphs and published exports take only pixel_values and image_grid_thw (the window
 * plan is computed in the graph); folders converted before that take the CPU-side plan too.
 */
import type { GridThw } from '../image/patchify';
import type { VisionPlan } from '../vision/plan';
import type { OrtApi, OrtTensor } from './ort-api';

export function visionFeeds(
  T: OrtApi['Tensor'],
  plan: VisionPlan,
  pixelValues: Float32Array,
  gridThw: GridThw,
  inputNames: readonly string[],
): Record<string, OrtTensor> {
  const available: Record<string, () => OrtTensor> = {
    pixel_values: () => new T('float32', pixelValues, [plan.N, pixelValues.length / plan.N]),
    image_grid_thw: () => new T('int64', BigInt64Array.from(gridThw.map(BigInt)), [1, 3]),
    patch_order: () => new T('int64', plan.patch_order, [plan.N]),
    rotary_cos: () => new T('float32', plan.rotary_cos, [plan.N, plan.headDim]),
    rotary_sin: () => new T('float32', plan.rotary_sin, [plan.N, plan.headDim]),
    window_gather: () => new T('int64', plan.window_gather, [plan.W * plan.P]),
    window_mask: () => new T('float32', plan.window_mask, [plan.W, 1, 1, plan.P]),
    window_scatter: () => new T('int64', plan.window_scatter, [plan.N]),
    merge_reverse: () => new T('int64', plan.merge_reverse, [plan.M]),
  };
  const feeds: Record<string, OrtTensor> = {};
  for (const name of inputNames) {
    const make = available[name];
    if (!make) throw new Error(`vision_encoder input ${name} is not one this runtime knows how to fill`);
    feeds[name] = make();
  }
  return feeds;
}
