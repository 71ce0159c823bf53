/**
 * The Qwen2.5-VL text decoder as one ONNX graph, `decoder_model_merged` (the transformers.js
 * layout: the same graph serves prefill and decode; the past may be empty).
 *
 *   inputs_embeds [b,s,H] ──► layers.0 … layers.L-1 ──► norm ──► last position ──► lm_head ──► logits [b,1,V]
 *   position_ids [3,b,s] ──► mRoPE cos/sin [b,1,s,hd] ─┘ (every layer)
 *   attention_mask [b,T], past length P ──► additive mask [b,1,s,T] ─┘
 *   past_key_values.i.key/value [b,kv,P,hd] ──► Concat ──► present.i.key/value [b,kv,T,hd]
 *
 *   layer: x += o_proj(attn(rope(q(n1(x))), rope(k(n1(x))), v(n1(x))));  x += down(silu(gate(n2(x))) * up(n2(x)))
 *
 * Only the last position's logits are computed: a 1000-token prefill with a 152k vocabulary
 * would otherwise produce 600 MB of logits nobody reads.
 */
import type { TextConfig } from '../../model/config';
import { PRESENT_ROWS_FUSED } from '../../model/runtime/kv-cache';
import { GraphBuilder, type WeightSink } from '../onnx/builder';
import { type WeightFormat, WeightStore } from './ops-weights';
import {
  MASK_NEG,
  makeApplyRotary,
  makeAttention,
  makeCast,
  makeCastIf,
  makeLinear,
  makeMergeHeads,
  makeRmsNorm,
  makeShapeSlice,
  makeSplitHeads,
  makeSwiGlu,
  makeTranspose,
  makeUnsqueeze,
  type FloatType,
  type LinearWeights,
} from './ops';
import { makeGroupQueryAttention, makeRotary, makeSimplifiedNorm, makeSkipSimplifiedNorm } from './ops-fused';

export type DecoderDtype = 'fp32' | 'q4' | 'q4f16';

export interface DecoderGraphOptions {
  dtype: DecoderDtype;
  /**
   * onnxruntime's fused contrib ops (default): GroupQueryAttention on a KV cache that may be a
   * fixed-capacity buffer updated in place, RotaryEmbedding, (Skip)SimplifiedLayerNormalization.
   * false: the same maths in elementary ONNX ops with Concat on the past (any runtime; batches
   * with left padding, which GroupQueryAttention does not model).
   */
  fused?: boolean;
  /**
   * Attention in the fused graph. 'gqa': GroupQueryAttention, whose past may be a fixed-capacity
   * buffer the runtime updates in place on the CPU. 'sdpa' (default): the elementary attention
   * with Concat on the past, because onnxruntime-web 1.30's WebGPU EP computes
   * GroupQueryAttention wrongly for chunks of more than 17 tokens (measured on Chromium's
   * WebGPU: every row of a 32-, 133- or 441-token prefill off by 3-20% of the peak, while 1-17
   * token chunks and the CPU/WASM kernels agree to 1e-7), and the same file serves both.
   */
  attention?: 'gqa' | 'sdpa';
  /** MatMulNBits accuracy_level of the int4 linears (default 0; see LinearWeights). */
  accuracyLevel?: 0 | 4;
  /** Adds `hidden_states.{0..L}` (residual stream) and `hidden_states.final` [b,s,H] outputs, float32. */
  debugHidden?: boolean;
  sink?: WeightSink;
}

const FORMAT: Record<DecoderDtype, WeightFormat> = { fp32: 'f32', q4: 'q4', q4f16: 'q4f16' };

/** The inv_freq of rotary embeddings, in float32 as torch computes it: 1 / base^(2i/dim). */
export function ropeInvFreq(headDim: number, theta: number): Float32Array {
  return Float32Array.from({ length: headDim / 2 }, (_, i) =>
    Math.fround(1 / Math.fround(Math.pow(theta, Math.fround((2 * i) / headDim)))),
  );
}

/**
 * mRoPE row selector [3, hd/2]: inv_freq[d] sits in the row (t, h or w) whose mrope_section
 * chunk holds d, zeros elsewhere. positions [b,s,3] @ this = theta [b,s,hd/2] with every
 * frequency driven by its own position row; concat(theta, theta) then reproduces the doubled
 * sections of apply_multimodal_rotary_pos_emb (chunk i of [s0,s1,s2,s0,s1,s2] from row i % 3).
 */
export function mropeSelector(
  headDim: number,
  theta: number,
  section: readonly [number, number, number],
): Float32Array {
  const half = headDim / 2;
  const inv = ropeInvFreq(headDim, theta);
  const sel = new Float32Array(3 * half);
  let d = 0;
  section.forEach((len, row) => {
    for (let i = 0; i < len; i++, d++) sel[row * half + d] = inv[d];
  });
  return sel;
}

export function decoderInputNames(numLayers: number): string[] {
  const past = Array.from({ length: numLayers }, (_, i) => [
    `past_key_values.${i}.key`,
    `past_key_values.${i}.value`,
  ]);
  return ['inputs_embeds', 'attention_mask', 'position_ids', ...past.flat()];
}

export function decoderOutputNames(numLayers: number, debugHidden = false): string[] {
  const present = Array.from({ length: numLayers }, (_, i) => [`present.${i}.key`, `present.${i}.value`]);
  const hidden = debugHidden
    ? [...Array.from({ length: numLayers + 1 }, (_, k) => `hidden_states.${k}`), 'hidden_states.final']
    : [];
  return ['logits', ...present.flat(), ...hidden];
}

/** store.linear with the graph's MatMulNBits accuracy level on int4 weights. */
async function leveled(
  store: WeightStore,
  level: 0 | 4,
  g: GraphBuilder,
  prefix: string,
  format: WeightFormat,
  bias: boolean,
): Promise<LinearWeights> {
  const w = await store.linear(g, prefix, format, bias);
  return w.kind === 'q4' && level !== 0 ? { ...w, accuracyLevel: level } : w;
}

interface Shared {
  cos: string;
  sin: string;
  mask: string;
}

/** The causal + padding mask [b,1,s,T], additive float32 (0 or the lowest float). Under scope 'model'. */
/**
 * One decoder layer's weights, read in the checkpoint's order (the order fixes the initializers'
 * places in the external data, so both graph forms keep it).
 */
async function layerWeights(
  store: WeightStore,
  g: GraphBuilder,
  p: string,
  format: WeightFormat,
  act: FloatType,
  level: 0 | 4,
) {
  const linear = (name: string, bias: boolean) => leveled(store, level, g, `${p}.${name}`, format, bias);
  const n1 = await store.float(g, `${p}.input_layernorm.weight`, act);
  const wq = await linear('self_attn.q_proj', true);
  const wk = await linear('self_attn.k_proj', true);
  const wv = await linear('self_attn.v_proj', true);
  const wo = await linear('self_attn.o_proj', false);
  const n2 = await store.float(g, `${p}.post_attention_layernorm.weight`, act);
  const gate = await linear('mlp.gate_proj', false);
  const up = await linear('mlp.up_proj', false);
  const down = await linear('mlp.down_proj', false);
  return { n1, wq, wk, wv, wo, n2, gate, up, down };
}

function makeCausalMask(g: GraphBuilder): string {
  return g.scope('attn_mask', () => {
    // Query i sits at absolute position past + i; it may see key j iff j <= past + i and
    // attention_mask[b, j] == 1.
    const past = g.op1('Squeeze', [makeShapeSlice(g, 'past_key_values.0.key', 2, 3)]);
    const seq = g.op1('Squeeze', [makeShapeSlice(g, 'inputs_embeds', 1, 2)]);
    const total = g.op1('Squeeze', [makeShapeSlice(g, 'attention_mask', 1, 2)]);
    const one = g.scalar(1, 'int64', 'one');
    const keys = g.op1('Range', [g.scalar(0, 'int64', 'zero'), total, one]);
    const queries = makeUnsqueeze(g, g.op1('Range', [past, g.op1('Add', [past, seq]), one]), [1]);
    const causal = g.op1('LessOrEqual', [keys, queries]);
    const padding = makeUnsqueeze(g, makeCast(g, 'attention_mask', 'bool'), [1, 2]);
    const allowed = g.op1('And', [causal, padding]);
    return g.op1('Where', [allowed, g.scalar(0, 'float32', 'zero'), g.scalar(MASK_NEG, 'float32', 'neg')]);
  });
}

/** Rotary angles [b,s,hd/2] of each token from its three mRoPE positions (position_ids [3,b,s]). */
function makeMropeFreqs(g: GraphBuilder, t: TextConfig): string {
  const pos = makeTranspose(g, makeCast(g, 'position_ids', 'float32'), [1, 2, 0]);
  const sel = g.constant(
    {
      dtype: 'float32',
      dims: [3, t.headDim / 2],
      data: mropeSelector(t.headDim, t.ropeTheta, t.mropeSection),
    },
    'mrope_inv_freq',
  );
  return g.op1('MatMul', [pos, sel]);
}

/** cos/sin [b,1,s,hd] from position_ids [3,b,s], and the causal + padding mask [b,1,s,T]. */
function makePreamble(g: GraphBuilder, t: TextConfig, act: FloatType): Shared {
  return g.scope('model', () => {
    const rope = g.scope('rotary_emb', () => {
      const freqs = makeMropeFreqs(g, t);
      const emb = makeUnsqueeze(g, g.op1('Concat', [freqs, freqs], { attrs: { axis: -1 } }), [1]);
      return {
        cos: makeCastIf(g, g.op1('Cos', [emb]), 'float32', act),
        sin: makeCastIf(g, g.op1('Sin', [emb]), 'float32', act),
      };
    });
    const mask = makeCausalMask(g);
    return { ...rope, mask };
  });
}

async function makeLayer(
  g: GraphBuilder,
  store: WeightStore,
  t: TextConfig,
  format: WeightFormat,
  act: FloatType,
  l: number,
  x: string,
  shared: Shared,
  level: 0 | 4,
): Promise<string> {
  const p = `model.layers.${l}`;
  const hd = t.headDim;
  const { n1, wq, wk, wv, wo, n2, gate, up, down } = await layerWeights(store, g, p, format, act, level);

  return g.scope(`model/layers.${l}`, () => {
    const h = g.scope('input_layernorm', () => makeRmsNorm(g, x, n1, t.rmsNormEps, act));
    const attnOut = g.scope('attn', () => {
      const q = g.scope('q_proj', () => makeSplitHeads(g, makeLinear(g, h, wq), t.numHeads, hd));
      const k = g.scope('k_proj', () => makeSplitHeads(g, makeLinear(g, h, wk), t.numKvHeads, hd));
      const v = g.scope('v_proj', () => makeSplitHeads(g, makeLinear(g, h, wv), t.numKvHeads, hd));
      const qr = g.scope('q_rotary', () => makeApplyRotary(g, q, shared.cos, shared.sin, hd));
      const kr = g.scope('k_rotary', () => makeApplyRotary(g, k, shared.cos, shared.sin, hd));
      const key = g.op1('Concat', [`past_key_values.${l}.key`, kr], {
        attrs: { axis: 2 },
        outputs: [`present.${l}.key`],
      });
      const value = g.op1('Concat', [`past_key_values.${l}.value`, v], {
        attrs: { axis: 2 },
        outputs: [`present.${l}.value`],
      });
      const ctx = makeAttention(g, qr, key, value, shared.mask, {
        numHeads: t.numHeads,
        numKvHeads: t.numKvHeads,
        headDim: hd,
        dtype: act,
      });
      return g.scope('o_proj', () => makeLinear(g, makeMergeHeads(g, ctx, t.numHeads, hd), wo));
    });
    const x1 = g.op1('Add', [x, attnOut], { name: 'residual_attn' });
    const h2 = g.scope('post_attention_layernorm', () => makeRmsNorm(g, x1, n2, t.rmsNormEps, act));
    const mlp = g.scope('mlp', () => makeSwiGlu(g, h2, { gate, up, down }));
    return g.op1('Add', [x1, mlp], { name: 'residual_mlp' });
  });
}

interface FusedShared {
  /** Per-call rotary caches [b*s, hd/2] and the row each token reads, [b, s]. */
  cos: string;
  sin: string;
  rows: string;
  /** GroupQueryAttention's lengths: seqlens_k [b] int32 (attended keys - 1) and the total, scalar int32. */
  seqlensK: string;
  total: string;
  /** The additive causal mask [b,1,s,T], for 'sdpa' attention only. */
  mask?: string;
}

/**
 * The fused graph's shared inputs. mRoPE stays exact: the angle of every (token, frequency) is
 * computed from that token's own t/h/w positions, as in the unfused graph, and laid out as a
 * cos/sin cache with one row per token, so RotaryEmbedding only indexes row i for token i.
 *
 *   position_ids [3,b,s] ──► [b,s,3] @ selector [3,hd/2] ──► [b*s, hd/2] ──► Cos, Sin (caches)
 *   Range(b*s) ──► [b,s] (rows);  attention_mask [b,T] ──► ReduceSum - 1 (seqlens_k), T (total)
 */
function makeFusedPreamble(
  g: GraphBuilder,
  t: TextConfig,
  act: FloatType,
  attention: 'gqa' | 'sdpa',
): FusedShared {
  return g.scope('model', () => {
    const rope = g.scope('rotary_emb', () => {
      const freqs = g.op1('Reshape', [makeMropeFreqs(g, t), g.ints([-1, t.headDim / 2], 'shape')]);
      const bs = makeShapeSlice(g, 'inputs_embeds', 0, 2);
      const n = g.op1('ReduceProd', [bs], { attrs: { keepdims: 0 } });
      const flat = g.op1('Range', [g.scalar(0, 'int64', 'zero'), n, g.scalar(1, 'int64', 'one')]);
      return {
        cos: makeCastIf(g, g.op1('Cos', [freqs]), 'float32', act),
        sin: makeCastIf(g, g.op1('Sin', [freqs]), 'float32', act),
        rows: g.op1('Reshape', [flat, bs]),
      };
    });
    const lengths = g.scope('attn_lengths', () => {
      const ones = g.op1('ReduceSum', ['attention_mask', g.ints([1], 'axes')], { attrs: { keepdims: 0 } });
      const seqlensK = makeCast(g, g.op1('Sub', [ones, g.scalar(1, 'int64', 'one')]), 'int32');
      const total = makeCast(g, g.op1('Squeeze', [makeShapeSlice(g, 'attention_mask', 1, 2)]), 'int32');
      return { seqlensK, total };
    });
    return { ...rope, ...lengths, mask: attention === 'sdpa' ? makeCausalMask(g) : undefined };
  });
}

/** The residual stream between fused layers: `res` plus a pending `delta` the next norm adds. */
interface Stream {
  res: string;
  delta?: string;
}

async function makeFusedLayer(
  g: GraphBuilder,
  store: WeightStore,
  t: TextConfig,
  format: WeightFormat,
  act: FloatType,
  l: number,
  x: Stream,
  shared: FusedShared,
  expose: (x: string, name: string) => void,
  level: 0 | 4,
): Promise<Stream> {
  const p = `model.layers.${l}`;
  const hd = t.headDim;
  const eps = t.rmsNormEps;
  const { n1, wq, wk, wv, wo, n2, gate, up, down } = await layerWeights(store, g, p, format, act, level);

  return g.scope(`model/layers.${l}`, () => {
    let res = x.res;
    let h: string;
    if (x.delta) {
      const n = g.scope('input_layernorm', () => makeSkipSimplifiedNorm(g, x.delta!, x.res, n1, eps));
      res = n.sum;
      h = n.normed;
      expose(res, `hidden_states.${l}`);
    } else {
      h = g.scope('input_layernorm', () => makeSimplifiedNorm(g, x.res, n1, eps));
    }
    const ctx = g.scope('attn', () => {
      const q = g.scope('q_proj', () => makeLinear(g, h, wq));
      const k = g.scope('k_proj', () => makeLinear(g, h, wk));
      const v = g.scope('v_proj', () => makeLinear(g, h, wv));
      const qr = g.scope('q_rotary', () => makeRotary(g, q, shared.rows, shared.cos, shared.sin, t.numHeads));
      const kr = g.scope('k_rotary', () =>
        makeRotary(g, k, shared.rows, shared.cos, shared.sin, t.numKvHeads),
      );
      const past = { key: `past_key_values.${l}.key`, value: `past_key_values.${l}.value` };
      const present = { key: `present.${l}.key`, value: `present.${l}.value` };
      if (!shared.mask) {
        return makeGroupQueryAttention(g, { q: qr, k: kr, v }, past, shared, present, {
          numHeads: t.numHeads,
          numKvHeads: t.numKvHeads,
        });
      }
      const key = g.op1('Concat', [past.key, makeSplitHeads(g, kr, t.numKvHeads, hd)], {
        attrs: { axis: 2 },
        outputs: [present.key],
      });
      const value = g.op1('Concat', [past.value, makeSplitHeads(g, v, t.numKvHeads, hd)], {
        attrs: { axis: 2 },
        outputs: [present.value],
      });
      const ctx = makeAttention(g, makeSplitHeads(g, qr, t.numHeads, hd), key, value, shared.mask, {
        numHeads: t.numHeads,
        numKvHeads: t.numKvHeads,
        headDim: hd,
        dtype: act,
      });
      return makeMergeHeads(g, ctx, t.numHeads, hd);
    });
    const attnOut = g.scope('attn/o_proj', () => makeLinear(g, ctx, wo));
    const n = g.scope('post_attention_layernorm', () => makeSkipSimplifiedNorm(g, attnOut, res, n2, eps));
    const mlp = g.scope('mlp', () => makeSwiGlu(g, n.normed, { gate, up, down }));
    return { res: n.sum, delta: mlp };
  });
}

/** Builds the decoder graph; weights stream through `store` into `opts.sink` as they are added. */
export async function buildDecoderGraph(
  t: TextConfig,
  store: WeightStore,
  opts: DecoderGraphOptions,
): Promise<Uint8Array> {
  const g = new GraphBuilder('decoder_model_merged', opts.sink);
  const format = FORMAT[opts.dtype];
  const act: FloatType = opts.dtype === 'q4f16' ? 'float16' : 'float32';
  const kvShape = ['batch_size', t.numKvHeads, 'past_sequence_length', t.headDim];
  g.input('inputs_embeds', 'float32', ['batch_size', 'sequence_length', t.hiddenSize]);
  g.input('attention_mask', 'int64', ['batch_size', 'total_sequence_length']);
  g.input('position_ids', 'int64', [3, 'batch_size', 'sequence_length']);
  for (let l = 0; l < t.numLayers; l++) {
    g.input(`past_key_values.${l}.key`, act, kvShape);
    g.input(`past_key_values.${l}.value`, act, kvShape);
  }

  const debug: string[] = [];
  const exposeHidden = (x: string, name: string) => {
    if (!opts.debugHidden) return;
    g.scope('debug', () => g.op('Identity', [makeCastIf(g, x, act, 'float32')], { outputs: [name] }));
    debug.push(name);
  };
  exposeHidden('inputs_embeds', 'hidden_states.0');
  const x0 = g.scope('model', () => makeCastIf(g, 'inputs_embeds', 'float32', act));
  const normW = async () => store.float(g, 'model.norm.weight', act);
  let xn: string;
  const fused = opts.fused ?? true;
  const attention = opts.attention ?? 'sdpa';
  const level = opts.accuracyLevel ?? 0;
  if (fused) {
    const shared = makeFusedPreamble(g, t, act, attention);
    let x: Stream = { res: x0 };
    for (let l = 0; l < t.numLayers; l++) {
      x = await makeFusedLayer(g, store, t, format, act, l, x, shared, exposeHidden, level);
    }
    const w = await normW();
    const n = g.scope('model/norm', () => makeSkipSimplifiedNorm(g, x.delta!, x.res, w, t.rmsNormEps));
    exposeHidden(n.sum, `hidden_states.${t.numLayers}`);
    xn = n.normed;
  } else {
    const shared = makePreamble(g, t, act);
    let x = x0;
    for (let l = 0; l < t.numLayers; l++) {
      x = await makeLayer(g, store, t, format, act, l, x, shared, level);
      exposeHidden(x, `hidden_states.${l + 1}`);
    }
    const w = await normW();
    xn = g.scope('model/norm', () => makeRmsNorm(g, x, w, t.rmsNormEps, act));
  }

  const headPrefix = store.has('lm_head.weight') ? 'lm_head' : 'model.embed_tokens';
  const head = await leveled(store, level, g, headPrefix, format, false);
  exposeHidden(xn, 'hidden_states.final');
  g.scope('lm_head', () => {
    const last = g.op1('Slice', [
      xn,
      g.ints([-1], 'starts'),
      g.ints([Number.MAX_SAFE_INTEGER], 'ends'),
      g.ints([1], 'axes'),
    ]);
    const logits = makeCastIf(g, makeLinear(g, last, head), act, 'float32');
    g.op('Identity', [logits], { outputs: ['logits'] });
  });

  // GroupQueryAttention's present has max(past rows, total) rows: a fixed-capacity past comes
  // back at its capacity. The runtime reads this dim name to pick its KV-cache mode.
  const presentRows = fused && attention === 'gqa' ? PRESENT_ROWS_FUSED : 'total_sequence_length';
  const totalShape = ['batch_size', t.numKvHeads, presentRows, t.headDim];
  g.output('logits', 'float32', ['batch_size', 1, t.vocabSize]);
  for (let l = 0; l < t.numLayers; l++) {
    g.output(`present.${l}.key`, act, totalShape);
    g.output(`present.${l}.value`, act, totalShape);
  }
  for (const name of debug) g.output(name, 'float32', ['batch_size', 'sequence_length', t.hiddenSize]);
  return g.toBytes({
    doc: `Qwen2.5-VL text decoder (${opts.dtype}), logits of the last position only`,
    metadata: {
      'deepeyes.logits': 'last_position',
      'deepeyes.dtype': opts.dtype,
      'deepeyes.fused': String(fused),
      'deepeyes.matmulnbits_accuracy_level': String(level),
      'deepeyes.attention': fused ? attention : 'sdpa',
    },
  });
}
