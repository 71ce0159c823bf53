/**
 * Vision self-attention of Qwen2.5-VL (HF VisionAttention + apply_rotary_pos_emb_vision),
 * with the windows batched so that windowed blocks cost O(N * P) instead of O(N^2).
 *
 *   x [N, C] -> qkv Linear -> [N, 3, H, hd] -> rotary on q,k (float32) ->
 *     windowed: Gather(window_gather) -> [W, P, 3, H, hd] --sdpa(+ window_mask)--> [W*P, C]
 *               -> Gather(window_scatter) -> [N, C]
 *     full:     Reshape [1, N, 3, H, hd] --sdpa--> [N, C]
 *   -> proj Linear -> [N, C]
 *
 * Full attention in K > 1 chunks (K fixed by the converter, N known only at run time): q [1, H, N, hd]
 * is padded with zero rows to K * ceil(N / K), each chunk of ceil(N / K) query rows attends to all
 * N keys as its own ops (so its [H, ceil(N / K), N] scores are their own buffer, never empty even
 * when N < K), and the padded rows are cut off after the Concat. A query row's output depends only
 * on that row and all keys, so chunking changes no value.
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
  /** Query row chunks of a full-attention block (1: one [H, N, N] scores buffer). */
  fullChunks: number;
}

export interface AttentionWeights {
  qkv: LinearWeights;
  proj: LinearWeights;
}

/**
 * [B, S, 3, H, hd] -> [B*S, C]; `mask` broadcasts over the [B, H, S, S] scores. `chunked` (full
 * attention, B = 1) splits the query rows into dims.fullChunks chunks.
 */
function batchedAttention(
  g: GraphBuilder,
  qkv5: string,
  dims: AttentionDims,
  mask?: string,
  chunked = false,
): string {
  const headDim = dims.hidden / dims.heads;
  const part = (i: number) =>
    makeTranspose(
      g,
      g.op1('Gather', [qkv5, g.scalar(i, 'int64', 'qkv_index')], { attrs: { axis: 2 } }),
      [0, 2, 1, 3],
    );
  const out =
    chunked && dims.fullChunks > 1
      ? chunkedAttention(g, part(0), part(1), part(2), dims)
      : makeAttention(g, part(0), part(1), part(2), mask, {
          numHeads: dims.heads,
          numKvHeads: dims.heads,
          headDim,
          dtype: dims.act,
        });
  return makeReshape(g, makeTranspose(g, out, [0, 2, 1, 3]), [-1, dims.hidden]);
}

/** q, k, v [1, H, N, hd] -> [1, H, N, hd] in dims.fullChunks query chunks (see the file comment). */
function chunkedAttention(g: GraphBuilder, q: string, k: string, v: string, dims: AttentionDims): string {
  const chunks = dims.fullChunks;
  const n = g.op1('Shape', [q], { attrs: { start: 2, end: 3 } });
  const rows = g.op1('Div', [
    g.op1('Add', [n, g.ints([chunks - 1], 'round_up')]),
    g.ints([chunks], 'chunks'),
  ]);
  const extra = g.op1('Sub', [g.op1('Mul', [rows, g.ints([chunks], 'chunks')]), n]);
  const pads = g.op1('Concat', [g.ints([0, 0, 0, 0, 0, 0], 'pads_head'), extra, g.ints([0], 'pads_tail')], {
    attrs: { axis: 0 },
  });
  const padded = g.op1('Pad', [q, pads]);
  const kt = makeTranspose(g, k, [0, 1, 3, 2]);
  const shape = {
    numHeads: dims.heads,
    numKvHeads: dims.heads,
    headDim: dims.hidden / dims.heads,
    dtype: dims.act,
    keysTransposed: true,
  };
  const outs: string[] = [];
  for (let i = 0; i < chunks; i++) {
    outs.push(
      g.scope(`chunk${i}`, () => {
        const start = i === 0 ? g.ints([0], 'start') : g.op1('Mul', [rows, g.ints([i], 'index')]);
        const end = g.op1('Mul', [rows, g.ints([i + 1], 'index')]);
        const qi = g.op1('Slice', [padded, start, end, g.ints([2], 'axes')]);
        return makeAttention(g, qi, kt, v, undefined, shape);
      }),
    );
  }
  const all = g.op1('Concat', outs, { attrs: { axis: 2 } });
  return g.op1('Slice', [all, g.ints([0], 'starts'), n, g.ints([2], 'axes')]);
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
        batchedAttention(g, makeReshape(g, mixed, [1, -1, 3, dims.heads, headDim]), dims, undefined, true),
      );
  return g.scope('proj', () => makeLinear(g, attended, w.proj));
}
