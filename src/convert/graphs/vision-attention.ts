/**
 * Vision self-attention of Qwen2.5-VL (HF VisionAttention + apply_rotary_pos_emb_vision),
 * with the windows batched so that windowed blocks cost O(N * P) instead of O(N^2).
 *
 *   x [N, C] -> qkv Linear -> [N, 3, H, hd] -> rotary on q,k (float32) ->
 *     windowed: Gather(window_gather) -> [W, P, 3, H, hd] --core(+ window_mask)--> [W*P, C]
 *               -> Gather(window_scatter) -> [N, C]
 *     full:     Reshape [1, N, 3, H, hd] --core--> [N, C]
 *   -> proj Linear -> [N, C]
 *
 *   core: q,v [B, H, S, hd], k^T [B, H, hd, S]; softmax(q k^T / sqrt(hd) + mask) v
 */
import { DataType } from '../onnx/proto';
import { floatTensor, linear, type LayerCtx, type LinearWeights } from './vision-ops';

/** Graph values shared by every block, prepared once by the encoder. */
export interface AttentionShared {
  /** [N, 1, 1, hd] float32, windowed order. */
  cos: string;
  sin: string;
  /** [W*P] int64 and [N] int64 (see vision.ts for the contract). */
  windowGather: string;
  windowScatter: string;
  /** [W, 1, 1, P] additive mask in the activation type. */
  windowMask: string;
}

export interface AttentionDims {
  hidden: number;
  heads: number;
  /** Patches per full window (P). */
  windowSlots: number;
}

export interface AttentionWeights {
  qkv: LinearWeights;
  proj: LinearWeights;
}

/** rotate_half(x) = concat(-x2, x1) over the last axis; q,k are rotated in float32 as HF does. */
function rotary(ctx: LayerCtx, qk: string, shared: AttentionShared, headDim: number, qScale: number): string {
  const { g } = ctx;
  const half = headDim / 2;
  const x = ctx.act === 'float32' ? qk : g.op1('Cast', [qk], { attrs: { to: DataType.FLOAT } });
  const x1 = g.op1('Slice', [x, g.ints([0]), g.ints([half]), g.ints([-1])]);
  const x2 = g.op1('Slice', [x, g.ints([half]), g.ints([headDim]), g.ints([-1])]);
  const rot = g.op1('Concat', [g.op1('Neg', [x2]), x1], { attrs: { axis: -1 } });
  let y = g.op1('Add', [g.op1('Mul', [x, shared.cos]), g.op1('Mul', [rot, shared.sin])]);
  if (qScale !== 1) {
    // [1, 2, 1, 1]: scales q only (k keeps 1), so fp16 scores stay small.
    const s = g.constant({ dtype: 'float32', dims: [1, 2, 1, 1], data: Float32Array.of(qScale, 1) }, 'q_scale');
    y = g.op1('Mul', [y, s]);
  }
  return ctx.act === 'float32' ? y : g.op1('Cast', [y], { attrs: { to: DataType.FLOAT16 } });
}

/** [B, S, 3, H, hd] -> [B*S, C]; `mask` broadcasts over [B, H, S, S]. */
function attentionCore(ctx: LayerCtx, qkv5: string, dims: AttentionDims, mask?: string): string {
  const { g } = ctx;
  const headDim = dims.hidden / dims.heads;
  const part = (i: number, perm: number[]): string =>
    g.op1('Transpose', [g.op1('Gather', [qkv5, g.scalar(i, 'int64', 'idx')], { attrs: { axis: 2 } })], {
      attrs: { perm },
    });
  const q = part(0, [0, 2, 1, 3]);
  const kT = part(1, [0, 2, 3, 1]);
  const v = part(2, [0, 2, 1, 3]);
  let scores = g.op1('MatMul', [q, kT]);
  if (ctx.act === 'float32') {
    // float32 keeps HF's order (scores / sqrt(hd)); float16 pre-scaled q inside rotary().
    scores = g.op1('Div', [scores, g.constant(floatTensor('float32', [], Float32Array.of(Math.sqrt(headDim))), 'sqrt_hd')]);
  }
  if (mask) scores = g.op1('Add', [scores, mask]);
  const probs = g.op1('Softmax', [scores], { attrs: { axis: -1 } });
  const out = g.op1('Transpose', [g.op1('MatMul', [probs, v])], { attrs: { perm: [0, 2, 1, 3] } });
  return g.op1('Reshape', [out, g.ints([-1, dims.hidden], 'shape')]);
}

/** One attention sub-layer; `windowed` selects batched windows, else one window of all N rows. */
export function visionAttention(
  ctx: LayerCtx,
  prefix: string,
  x: string,
  w: AttentionWeights,
  shared: AttentionShared,
  dims: AttentionDims,
  windowed: boolean,
): string {
  const { g } = ctx;
  const headDim = dims.hidden / dims.heads;
  const qkv = g.scope('qkv', () => linear(ctx, `${prefix}.qkv`, x, w.qkv));
  const qkv4 = g.op1('Reshape', [qkv, g.ints([-1, 3, dims.heads, headDim], 'shape')]);
  const qScale = ctx.act === 'float32' ? 1 : 1 / Math.sqrt(headDim);
  const mixed = g.scope('rotary', () => {
    const qk = g.op1('Slice', [qkv4, g.ints([0]), g.ints([2]), g.ints([1])]);
    const v = g.op1('Slice', [qkv4, g.ints([2]), g.ints([3]), g.ints([1])]);
    return g.op1('Concat', [rotary(ctx, qk, shared, headDim, qScale), v], { attrs: { axis: 1 } });
  });
  const attended = windowed
    ? g.scope('windows', () => {
        const rows = g.op1('Gather', [mixed, shared.windowGather], { attrs: { axis: 0 } });
        const qkv5 = g.op1('Reshape', [rows, g.ints([-1, dims.windowSlots, 3, dims.heads, headDim], 'shape')]);
        const out = attentionCore(ctx, qkv5, dims, shared.windowMask);
        return g.op1('Gather', [out, shared.windowScatter], { attrs: { axis: 0 } });
      })
    : g.scope('full', () => {
        const qkv5 = g.op1('Reshape', [mixed, g.ints([1, -1, 3, dims.heads, headDim], 'shape')]);
        return attentionCore(ctx, qkv5, dims);
      });
  return g.scope('proj', () => linear(ctx, `${prefix}.proj`, attended, w.proj));
}
