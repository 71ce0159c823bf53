/**
 * Shared `make_*` subgraph helpers over GraphBuilder (after onnxruntime-genai's model builder):
 * each takes value names and returns the name of its result. They emit standard ONNX ops
 * (opset 17) except MatMulNBits for int4 weights, so the graphs run on the CPU, WASM and WebGPU
 * EPs alike. Node names follow the builder's scope, e.g. /model/layers.3/attn/q_proj/MatMulNBits.
 */
import type { ElemType, GraphBuilder } from '../onnx/builder';
import { f32ToF16 } from '../safetensors/dtypes';

export type FloatType = 'float32' | 'float16';

/** How a Linear layer's weight is stored in a graph. */
export type LinearWeights =
  | {
      kind: 'float';
      /** Initializer [K, N] (the torch weight transposed), float32 or float16 like the activations. */
      weight: string;
      bias?: string;
    }
  | {
      kind: 'q4';
      /** MatMulNBits B: uint8 [N, ceil(K/32), 16]. */
      packed: string;
      /** [N * ceil(K/32)], the activation type (float32 for q4, float16 for q4f16). */
      scales: string;
      k: number;
      n: number;
      bias?: string;
      /**
       * MatMulNBits accuracy_level: 0 keeps activations float; 4 lets the CPU EP quantize them to
       * int8 per block (faster decode, a small logits change); EPs without such a kernel ignore it.
       */
      accuracyLevel?: 0 | 4;
    };

const FLOAT32_LOWEST = -3.4028234663852886e38;

export function makeCast(g: GraphBuilder, x: string, to: ElemType): string {
  const code = { float32: 1, uint8: 2, int8: 3, int32: 6, int64: 7, bool: 9, float16: 10 }[to];
  return g.op1('Cast', [x], { attrs: { to: code } });
}

/** Cast only when the types differ (keeps fp32 graphs free of no-op casts). */
export function makeCastIf(g: GraphBuilder, x: string, from: ElemType, to: ElemType): string {
  return from === to ? x : makeCast(g, x, to);
}

/** Reshape with ONNX semantics: 0 copies the input dim, -1 is inferred. */
export function makeReshape(g: GraphBuilder, x: string, shape: number[]): string {
  return g.op1('Reshape', [x, g.ints(shape, 'shape')]);
}

export function makeTranspose(g: GraphBuilder, x: string, perm: number[]): string {
  return g.op1('Transpose', [x], { attrs: { perm } });
}

export function makeUnsqueeze(g: GraphBuilder, x: string, axes: number[]): string {
  return g.op1('Unsqueeze', [x, g.ints(axes, 'axes')]);
}

/** A scalar constant of a float type (float16: rounded to nearest even). */
export function makeFloatScalar(g: GraphBuilder, value: number, dtype: FloatType, hint = 'scalar'): string {
  if (dtype === 'float32') return g.scalar(value, 'float32', hint);
  return g.constant({ dtype: 'float16', dims: [], data: f32ToF16(Float32Array.of(value)) }, hint);
}

/**
 * RMSNorm as torch's Qwen2RMSNorm does it: in float32 whatever the activation type,
 * then cast back and scaled by the weight in the activation type.
 *
 *   x --Cast f32--> x*x --ReduceMean(-1)--> +eps --Sqrt--> 1/. --> x * . --Cast--> * weight
 */
export function makeRmsNorm(
  g: GraphBuilder,
  x: string,
  weight: string,
  eps: number,
  dtype: FloatType = 'float32',
): string {
  return g.scope('RMSNorm', () => {
    const x32 = makeCastIf(g, x, dtype, 'float32');
    const sq = g.op1('Mul', [x32, x32]);
    const mean = g.op1('ReduceMean', [sq], { attrs: { axes: [-1], keepdims: 1 } });
    const inv = g.op1('Reciprocal', [g.op1('Sqrt', [g.op1('Add', [mean, g.scalar(eps, 'float32', 'eps')])])]);
    const normed = makeCastIf(g, g.op1('Mul', [x32, inv]), 'float32', dtype);
    return g.op1('Mul', [weight, normed]);
  });
}

/** y = x @ W (+ b): MatMul for float weights, com.microsoft MatMulNBits (4 bit, block 32) for int4. */
export function makeLinear(g: GraphBuilder, x: string, w: LinearWeights): string {
  let y: string;
  if (w.kind === 'float') {
    y = g.op1('MatMul', [x, w.weight]);
  } else {
    y = g.op1('MatMulNBits', [x, w.packed, w.scales], {
      domain: 'com.microsoft',
      attrs: { K: w.k, N: w.n, bits: 4, block_size: 32, accuracy_level: w.accuracyLevel ?? 0 },
    });
  }
  return w.bias ? g.op1('Add', [y, w.bias]) : y;
}

export function makeSilu(g: GraphBuilder, x: string): string {
  return g.op1('Mul', [x, g.op1('Sigmoid', [x])]);
}

/** GELU, exact (erf) form: 0.5 * x * (1 + erf(x / sqrt(2))). */
export function makeGeluErf(g: GraphBuilder, x: string, dtype: FloatType = 'float32'): string {
  return g.scope('Gelu', () => {
    const e = g.op1('Erf', [g.op1('Div', [x, makeFloatScalar(g, Math.SQRT2, dtype, 'sqrt2')])]);
    const onePlus = g.op1('Add', [e, makeFloatScalar(g, 1, dtype, 'one')]);
    return g.op1('Mul', [g.op1('Mul', [x, makeFloatScalar(g, 0.5, dtype, 'half')]), onePlus]);
  });
}

/** down(silu(gate(x)) * up(x)), the Qwen2 MLP. */
export function makeSwiGlu(
  g: GraphBuilder,
  x: string,
  w: { gate: LinearWeights; up: LinearWeights; down: LinearWeights },
): string {
  const gate = g.scope('gate_proj', () => makeLinear(g, x, w.gate));
  const up = g.scope('up_proj', () => makeLinear(g, x, w.up));
  const act = g.scope('act_fn', () => makeSilu(g, gate));
  const prod = g.op1('Mul', [act, up]);
  return g.scope('down_proj', () => makeLinear(g, prod, w.down));
}

/** rotate_half: concat(-x2, x1) over the last axis of size `dim`. */
export function makeRotateHalf(g: GraphBuilder, x: string, dim: number): string {
  return g.scope('rotate_half', () => {
    const [x1, x2] = g.op('Split', [x, g.ints([dim / 2, dim / 2], 'split')], {
      attrs: { axis: -1 },
      outputs: 2,
    });
    return g.op1('Concat', [g.op1('Neg', [x2]), x1], { attrs: { axis: -1 } });
  });
}

/** x * cos + rotate_half(x) * sin (cos/sin broadcast against x). */
export function makeApplyRotary(g: GraphBuilder, x: string, cos: string, sin: string, dim: number): string {
  return g.scope('rotary', () =>
    g.op1('Add', [g.op1('Mul', [x, cos]), g.op1('Mul', [makeRotateHalf(g, x, dim), sin])]),
  );
}

/** [b, s, heads*dim] -> [b, heads, s, dim]. */
export function makeSplitHeads(g: GraphBuilder, x: string, heads: number, dim: number): string {
  return makeTranspose(g, makeReshape(g, x, [0, 0, heads, dim]), [0, 2, 1, 3]);
}

/** [b, heads, s, dim] -> [b, s, heads*dim]. */
export function makeMergeHeads(g: GraphBuilder, x: string, heads: number, dim: number): string {
  return makeReshape(g, makeTranspose(g, x, [0, 2, 1, 3]), [0, 0, heads * dim]);
}

export interface AttentionShape {
  numHeads: number;
  numKvHeads: number;
  headDim: number;
  /** Activation type of q/k/v; scores and softmax are always float32. */
  dtype?: FloatType;
  /** `k` is already k^T [b,KV,d,T] (one transpose shared by several query chunks). */
  keysTransposed?: boolean;
}

/**
 * Scaled dot-product attention with grouped KV heads and an additive float32 mask.
 * GQA without copying K/V: the query heads that share a KV head are folded into the row axis,
 * so one batched MatMul per KV head does the work (head h uses KV head h / (heads/kv_heads),
 * as torch's repeat_kv).
 *
 *   q [b,H,s,d] -> [b,KV,(H/KV)*s,d] @ k^T [b,KV,d,T] -> /sqrt(d) -> [b,H,s,T] + mask [b|1,1|H,s,T]
 *   -> softmax (f32) -> [b,KV,(H/KV)*s,T] @ v [b,KV,T,d] -> [b,H,s,d]
 */
export function makeAttention(
  g: GraphBuilder,
  q: string,
  k: string,
  v: string,
  mask: string | undefined,
  shape: AttentionShape,
): string {
  const { numHeads, numKvHeads, headDim } = shape;
  const dtype = shape.dtype ?? 'float32';
  return g.scope('sdpa', () => {
    const grouped = numKvHeads === numHeads ? q : makeReshape(g, q, [0, numKvHeads, -1, headDim]);
    const kt = shape.keysTransposed ? k : makeTranspose(g, k, [0, 1, 3, 2]);
    let scores = makeCastIf(g, g.op1('MatMul', [grouped, kt]), dtype, 'float32');
    scores = g.op1('Div', [scores, g.scalar(Math.fround(Math.sqrt(headDim)), 'float32', 'sqrt_head_dim')]);
    if (numKvHeads !== numHeads) scores = makeReshape(g, scores, [0, numHeads, -1, 0]);
    if (mask) scores = g.op1('Add', [scores, mask]);
    let probs = makeCastIf(g, g.op1('Softmax', [scores], { attrs: { axis: -1 } }), 'float32', dtype);
    if (numKvHeads !== numHeads) probs = makeReshape(g, probs, [0, numKvHeads, -1, 0]);
    const ctx = g.op1('MatMul', [probs, v]);
    return numKvHeads === numHeads ? ctx : makeReshape(g, ctx, [0, numHeads, -1, headDim]);
  });
}

/** float32 additive mask value for "may not attend": the lowest float, as torch's finfo.min. */
export const MASK_NEG = FLOAT32_LOWEST;

/** Shape(x)[start:end] as an int64 1-D tensor. */
export function makeShapeSlice(g: GraphBuilder, x: string, start: number, end: number): string {
  return g.op1('Shape', [x], { attrs: { start, end } });
}
