/**
 * Graph helpers the vision encoder needs: linear layers (float MatMul or int4 MatMulNBits),
 * RMSNorm, exact GELU, SiLU. Local to the vision graph until the shared make_* helpers
 * (graphs/ops*.ts) and the shared int4 quantizer (quant/q4.ts) land; the signatures are
 * kept small so swapping them in is a one-line change per call site.
 */
import type { GraphBuilder, TensorData } from '../onnx/builder';
import { f32ToF16 } from '../safetensors/dtypes';

export type ActType = 'float32' | 'float16';

/** How weights are stored and in which float type activations flow. */
export interface LayerCtx {
  g: GraphBuilder;
  act: ActType;
  /** int4 (MatMulNBits) for linear layers, else plain MatMul in `act`. */
  q4: boolean;
  /** K elements per int4 block (32 unless a caller chooses otherwise). */
  blockSize: number;
}

/** A float tensor in the activation type (fp16 bits when act is float16). */
export function floatTensor(act: ActType, dims: number[], data: Float32Array): TensorData {
  return act === 'float32' ? { dtype: 'float32', dims, data } : { dtype: 'float16', dims, data: f32ToF16(data) };
}

/** A scalar constant in the activation type. */
export function actScalar(ctx: LayerCtx, value: number, hint = 'scalar'): string {
  return ctx.g.constant(floatTensor(ctx.act, [], Float32Array.of(value)), hint);
}

export interface Q4Weight {
  /** [N, blocks, blockSize/2] nibbles, element k in the low nibble when k is even. */
  packed: Uint8Array;
  /** [N * blocks] */
  scales: Float32Array;
  blocks: number;
}

/**
 * Symmetric block int4 with MatMulNBits' implicit zero point 8: the value of largest
 * magnitude in a block maps exactly to code 0 (-8 * scale), which uses all 16 levels.
 * `w` is a torch Linear weight, [N, K] row-major; K is zero-padded up to whole blocks.
 */
export function quantizeQ4(w: Float32Array, n: number, k: number, blockSize: number): Q4Weight {
  const blocks = Math.ceil(k / blockSize);
  const half = blockSize / 2;
  const packed = new Uint8Array(n * blocks * half);
  const scales = new Float32Array(n * blocks);
  for (let row = 0; row < n; row++) {
    for (let b = 0; b < blocks; b++) {
      const start = b * blockSize;
      const end = Math.min(start + blockSize, k);
      let peak = 0;
      for (let i = start; i < end; i++) {
        const v = w[row * k + i];
        if (Math.abs(v) > Math.abs(peak)) peak = v;
      }
      const scale = Math.fround(peak / -8);
      scales[row * blocks + b] = scale;
      const inv = scale === 0 ? 0 : 1 / scale;
      const base = (row * blocks + b) * half;
      for (let i = 0; i < blockSize; i++) {
        const v = start + i < end ? w[row * k + start + i] : 0;
        const q = Math.min(15, Math.max(0, Math.round(v * inv) + 8));
        packed[base + (i >> 1)] |= i & 1 ? q << 4 : q;
      }
    }
  }
  return { packed, scales, blocks };
}

/** The float weights of one torch Linear: weight [N, K], bias [N] or none. */
export interface LinearWeights {
  weight: Float32Array;
  bias?: Float32Array;
  n: number;
  k: number;
}

/**
 *   x [.., K] --MatMul(W^T) or MatMulNBits(W)--> [.., N] --Add(bias)--> y
 * Initializers are named after `name` (the checkpoint prefix, e.g. `visual.blocks.0.attn.qkv`).
 */
export function linear(ctx: LayerCtx, name: string, x: string, w: LinearWeights): string {
  const { g } = ctx;
  let y: string;
  if (ctx.q4) {
    const q = quantizeQ4(w.weight, w.n, w.k, ctx.blockSize);
    const qw = g.weight(`${name}.weight_q4`, {
      dtype: 'uint8',
      dims: [w.n, q.blocks, ctx.blockSize / 2],
      data: q.packed,
    });
    const sc = g.weight(`${name}.weight_scales`, floatTensor(ctx.act, [w.n * q.blocks], q.scales));
    y = g.op1('MatMulNBits', [x, qw, sc], {
      domain: 'com.microsoft',
      attrs: { K: w.k, N: w.n, bits: 4, block_size: ctx.blockSize },
    });
  } else {
    const wt = new Float32Array(w.k * w.n);
    for (let r = 0; r < w.n; r++) for (let c = 0; c < w.k; c++) wt[c * w.n + r] = w.weight[r * w.k + c];
    y = g.op1('MatMul', [x, g.weight(`${name}.weight_t`, floatTensor(ctx.act, [w.k, w.n], wt))]);
  }
  if (w.bias) y = g.op1('Add', [y, g.weight(`${name}.bias`, floatTensor(ctx.act, [w.n], w.bias))]);
  return y;
}

/** HF Qwen2RMSNorm: x * rsqrt(mean(x^2) + eps) * weight, as ORT's SimplifiedLayerNormalization. */
export function rmsNorm(ctx: LayerCtx, name: string, x: string, weight: Float32Array, eps: number): string {
  const w = ctx.g.weight(`${name}.weight`, floatTensor(ctx.act, [weight.length], weight));
  return ctx.g.op1('SimplifiedLayerNormalization', [x, w], { attrs: { axis: -1, epsilon: { f: eps }, stash_type: 1 } });
}

/** Exact GELU, 0.5 * x * (1 + erf(x / sqrt 2)): plain ops that every EP runs (ORT fuses them). */
export function geluErf(ctx: LayerCtx, x: string): string {
  const { g } = ctx;
  const e = g.op1('Erf', [g.op1('Mul', [x, actScalar(ctx, Math.SQRT1_2, 'inv_sqrt2')])]);
  const onePlus = g.op1('Add', [e, actScalar(ctx, 1, 'one')]);
  return g.op1('Mul', [g.op1('Mul', [x, actScalar(ctx, 0.5, 'half')]), onePlus]);
}

export function silu(ctx: LayerCtx, x: string): string {
  return ctx.g.op1('Mul', [x, ctx.g.op1('Sigmoid', [x])]);
}
