/**
 * Everything the vision-encoder graph needs for one image, computed on the CPU.
 * CONTRACT with the graph builder: names and meanings below are fixed.
 *
 *   N patches (t*h*w), M = N / 4 merged tokens, P = (window_size / patch_size)^2 slots per
 *   window, W non-empty windows.
 *
 *   pixel rows (processor order) --patch_order--> windowed order (window after window)
 *        windowed rows --window_gather--> [W, P] padded windows (+ window_mask) -> attention
 *        padded windows --window_scatter--> windowed rows
 *   full-attention blocks run on the windowed rows directly; after the merger,
 *   merged tokens (windowed order) --merge_reverse--> original token order.
 */
import type { VisionConfig } from '../config';
import { GridError } from '../image/errors';
import type { GridThw } from '../image/patchify';
import { visionRotary } from './rotary';
import { windowIndexFor } from './window-index';

/** Additive mask value of a padding slot (finite, so fully padded rows cannot make NaN). */
export const WINDOW_MASK_PAD = -1e9;

export interface VisionPlan {
  gridThw: GridThw;
  /** Patches t*h*w. */
  N: number;
  /** Merged tokens N / mergeSize^2. */
  M: number;
  /** Padded slots per window: (window_size / patch_size)^2 (64). */
  P: number;
  /** Non-empty windows. */
  W: number;
  headDim: number;
  /** [M] transformers get_window_index: merged token at windowed position k. */
  windowIndex: Int32Array;
  /** [W + 1] window boundaries in patch units (repeats removed, as transformers uses them). */
  cuWindowSeqlens: Int32Array;
  /** [N] patch_order[k] = 4 * windowIndex[k / 4] + k % 4: patch at windowed row k. */
  patch_order: BigInt64Array;
  /** [N, headDim] rotary cos, rows already in windowed order. */
  rotary_cos: Float32Array;
  /** [N, headDim] rotary sin, rows already in windowed order. */
  rotary_sin: Float32Array;
  /** [W * P] windowed row read by each padded slot; padding slots read their window's first row. */
  window_gather: BigInt64Array;
  /** [W, 1, 1, P] additive attention mask: 0 for real slots, -1e9 for padding. */
  window_mask: Float32Array;
  /** [N] padded slot w * P + j that holds windowed row k. */
  window_scatter: BigInt64Array;
  /** [M] argsort(windowIndex): windowed position of each merged token in original order. */
  merge_reverse: BigInt64Array;
}

export type VisionPlanConfig = Pick<
  VisionConfig,
  'hiddenSize' | 'numHeads' | 'patchSize' | 'spatialMergeSize' | 'windowSize'
>;

export function visionPlan(gridThw: GridThw, config: VisionPlanConfig): VisionPlan {
  const m = config.spatialMergeSize;
  const unit = m * m;
  const headDim = config.hiddenSize / config.numHeads;
  if (!Number.isInteger(headDim) || headDim % 4 !== 0) {
    throw new GridError(`vision head_dim ${headDim} must be an integer multiple of 4 for the 2D rotary`);
  }
  const { windowIndex, cuWindowSeqlens } = windowIndexFor(gridThw, config);
  const N = gridThw[0] * gridThw[1] * gridThw[2];
  const M = N / unit;
  const side = config.windowSize / config.patchSize;
  const P = side * side;
  const W = cuWindowSeqlens.length - 1;

  const order = new Int32Array(N);
  for (let k = 0; k < N; k++) order[k] = unit * windowIndex[Math.floor(k / unit)] + (k % unit);
  const { cos, sin } = visionRotary(order, gridThw, headDim, m);

  const gather = new BigInt64Array(W * P);
  const mask = new Float32Array(W * P);
  const scatter = new BigInt64Array(N);
  for (let w = 0; w < W; w++) {
    const start = cuWindowSeqlens[w];
    const len = cuWindowSeqlens[w + 1] - start;
    if (len > P) throw new GridError(`window ${w} holds ${len} patches, more than its ${P} slots`);
    for (let j = 0; j < P; j++) {
      const slot = w * P + j;
      if (j < len) {
        gather[slot] = BigInt(start + j);
        scatter[start + j] = BigInt(slot);
      } else {
        gather[slot] = BigInt(start);
        mask[slot] = WINDOW_MASK_PAD;
      }
    }
  }
  const reverse = new BigInt64Array(M);
  for (let k = 0; k < M; k++) reverse[windowIndex[k]] = BigInt(k);

  return {
    gridThw,
    N,
    M,
    P,
    W,
    headDim,
    windowIndex,
    cuWindowSeqlens,
    patch_order: BigInt64Array.from(order, (v) => BigInt(v)),
    rotary_cos: cos,
    rotary_sin: sin,
    window_gather: gather,
    window_mask: mask,
    window_scatter: scatter,
    merge_reverse: reverse,
  };
}
