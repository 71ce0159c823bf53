/**
 * `make_*` helpers over onnxruntime's fused contrib ops that both its CPU and its WebGPU
 * execution providers implement (checked against onnxruntime 1.30: the CPU kernel registry and
 * onnxruntime-web's JSEP op table): SimplifiedLayerNormalization (RMSNorm),
 * SkipSimplifiedLayerNormalization (residual add + RMSNorm), RotaryEmbedding and
 * GroupQueryAttention. Each replaces a chain of elementary ops and, for attention, the
 * per-step Concat of the whole KV cache.
 */
import type { GraphBuilder } from '../onnx/builder';

const MS = 'com.microsoft';

/** RMSNorm(x) * weight, computed in float32 inside the kernel (stash_type 1). */
export function makeSimplifiedNorm(g: GraphBuilder, x: string, weight: string, eps: number): string {
  return g.op1('SimplifiedLayerNormalization', [x, weight], {
    attrs: { axis: -1, epsilon: { f: eps }, stash_type: 1 },
  });
}

/**
 * The residual add fused with the next RMSNorm:
 *
 *   delta ─┐
 *          Add ──► sum (the new residual stream) ──► RMSNorm * weight ──► normed
 *   skip ──┘
 */
export function makeSkipSimplifiedNorm(
  g: GraphBuilder,
  delta: string,
  skip: string,
  weight: string,
  eps: number,
): { normed: string; sum: string } {
  const [normed, , , sum] = g.op('SkipSimplifiedLayerNormalization', [delta, skip, weight], {
    domain: MS,
    attrs: { epsilon: { f: eps } },
    outputs: [`${g.path}/SkipSimplifiedLayerNormalization/normed`, '', '', `${g.path}/residual`],
  });
  return { normed, sum };
}

/**
 * Rotary embedding (rotate_half form) of x [b, s, heads*hd] by rows of per-call cos/sin
 * caches [b*s, hd/2]: `rows` [b, s] says which row each token uses. Building the cache per call
 * from the token's own positions keeps mRoPE exact (each frequency driven by its t, h or w row)
 * while the op itself only ever sees 1-D indices.
 */
export function makeRotary(
  g: GraphBuilder,
  x: string,
  rows: string,
  cos: string,
  sin: string,
  heads: number,
): string {
  return g.op1('RotaryEmbedding', [x, rows, cos, sin], {
    domain: MS,
    attrs: { interleaved: 0, num_heads: heads },
  });
}

export interface GqaShape {
  numHeads: number;
  numKvHeads: number;
}

/**
 * Causal grouped-query attention with the KV cache.
 *
 *   q [b,s,H*hd], k/v [b,s,KV*hd] ──┐
 *   past_key/value [b,KV,P,hd] ─────┼─► GroupQueryAttention ──► out [b,s,H*hd]
 *   seqlens_k [b] (total-1), total ─┘                       └─► present_key/value [b,KV,max(P,total),hd]
 *
 * When the past is a buffer of fixed capacity (P >= total) and the caller binds present to the
 * same buffer, onnxruntime writes the new rows in place: no copy of the cache per step. With an
 * exact-length past (P = total - s) it behaves like Concat (what transformers.js feeds).
 */
export function makeGroupQueryAttention(
  g: GraphBuilder,
  qkv: { q: string; k: string; v: string },
  past: { key: string; value: string },
  lengths: { seqlensK: string; total: string },
  present: { key: string; value: string },
  shape: GqaShape,
): string {
  const [out] = g.op(
    'GroupQueryAttention',
    [qkv.q, qkv.k, qkv.v, past.key, past.value, lengths.seqlensK, lengths.total],
    {
      domain: MS,
      attrs: { num_heads: shape.numHeads, kv_num_heads: shape.numKvHeads },
      outputs: [`${g.path}/GroupQueryAttention/output_0`, present.key, present.value],
    },
  );
  return out;
}
