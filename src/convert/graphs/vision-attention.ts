/**
 * Vision self-attention of Qwen2.5-VL (HF VisionAttention + apply_rotary_pos_emb_vision),
 * with the windows batched so that windowed blocks cost O(N * P) instead of O(N^2).
 *
 *   x [N, C] -> qkv Linear -> [N, 3, H, hd] -> rotary on q,k (float32) ->
 *     windowed: Gather(window_gather) -> [W, P, 3, H, hd] --sdpa(+ window_mask)--> [W*P, C]
 *               -> Gather(window_scatter) -> [N, C]
 *     full:     Reshape [1, N, 3, H, hd] --sdpa--> [N, C]
 *   -> proj Linear -> [N, C]
 */
import type { GraphBuilder } from '../onnx/builder';
import {
  makeApplyRotary,
  makeAttention,
  makeCastIf,
  makeLinear,
  makeReshape,
  makeTranspose,
  type FloatType,
  type LinearWeights,
} from './ops';

/** Graph values shared by every block, prepared once by the encoder. */
export interface AttentionShared {
  /** [N, 1, 1, hd] float32, windowed order. */
  cos: string;
  sin: string;
  /** [W*P] and [N] int64 (see vision.ts for the contract). */
  windowGather: string;
  windowScatter: string;
  /** [W, 1, 1, P] additive float32 mask (scores are float32 in every variant). */
  windowMask: string;
}

export interface AttentionDims {
  hidden: number;
  heads: number;
  /** Patches per full window (P). */
  windowSlots: number;
  act: FloatType;
}

export interface AttentionWeights {
  qkv: LinearWeights;
  proj: LinearWeights;
}

/** [B, S, 3, H, hd] -> [B*S, C]; `mask` broadcasts over the [B, H, S, S] scores. */
function batchedAttention(g: GraphBuilder, qkv5: string, dims: AttentionDims, mask?: string): string {
  const headDim = dims.hidden / dims.heads;
  const part = (i: number) =>
    makeTranspose(
      g,
      g.op1('Gather', [qkv5, g.scalar(i, 'int64', 'qkv_index')], { attrs: { axis: 2 } }),
      [0, 2, 1, 3],
    );
  const out = makeAttention(g, part(0), part(1), part(2), mask, {
    numHeads: dims.heads,
    numKvHeads: dims.heads,
    headDim,
    dtype: dims.act,
  });
  return makeReshape(g, makeTranspose(g, out, [0, 2, 1, 3]), [-1, dims.hidden]);
}

/** One attention sub-layer; `windowed` selects batched windows, else one window of all N rows. */
export function visionAttention(
  g: GraphBuilder,
  x: string,
  w: AttentionWeights,
  shared: AttentionShared,
  dims: AttentionDims,
  windowed: boolean,
): string {
  const headDim = dims.hidden / dims.heads;
  const qkv = g.scope('qkv', () => makeReshape(g, makeLinear(g, x, w.qkv), [-1, 3, dims.heads, headDim]));
  // Rotary touches q and k only, in float32 as HF's apply_rotary_pos_emb_vision.
  const mixed = g.scope('rotary', () => {
    const qk = g.op1('Slice', [qkv, g.ints([0], 'starts'), g.ints([2], 'ends'), g.ints([1], 'axes')]);
    const v = g.op1('Slice', [qkv, g.ints([2], 'starts'), g.ints([3], 'ends'), g.ints([1], 'axes')]);
    const rotated = makeApplyRotary(
      g,
      makeCastIf(g, qk, dims.act, 'float32'),
      shared.cos,
      shared.sin,
      headDim,
    );
    return g.op1('Concat', [makeCastIf(g, rotated, 'float32', dims.act), v], { attrs: { axis: 1 } });
  });
  const attended = windowed
    ? g.scope('windows', () => {
        const rows = g.op1('Gather', [mixed, shared.windowGather], { attrs: { axis: 0 } });
        const qkv5 = makeReshape(g, rows, [-1, dims.windowSlots, 3, dims.heads, headDim]);
        const out = batchedAttention(g, qkv5, dims, shared.windowMask);
        return g.op1('Gather', [out, shared.windowScatter], { attrs: { axis: 0 } });
      })
    : g.scope('full', () =>
        batchedAttention(g, makeReshape(g, mixed, [1, -1, 3, dims.heads, headDim]), dims),
      );
  return g.scope('proj', () => makeLinear(g, attended, w.proj));
}
