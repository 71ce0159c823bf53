/**
 * The Qwen2.5-VL vision encoder (HF Qwen2_5_VisionTransformerPretrainedModel.forward) as an
 * ONNX graph taking only pixel_values and image_grid_thw (what transformers.js feeds). Everything
 * that depends only on the grid (window order, rotary tables, window padding) is computed from
 * image_grid_thw inside the graph (vision-plan-graph.ts, the same tables as the CPU reference
 * src/model/vision/plan.ts), with no data-dependent control flow; windowed blocks stay linear in N.
 *
 *   pixel_values [N, 1176] -> Gemm(conv weight as [C, 1176], transB) -> Gather(patch_order)
 *   -> depth x { x += proj(attn(norm1 x));  x += down(silu(gate(norm2 x)) * up(norm2 x)) }
 *   -> ln_q -> Reshape [M, 4C] -> Linear -> GELU (erf) -> Linear -> Gather(merge_reverse)
 *   -> image_features [M, out_hidden]
 */
import { DeepEyesError } from '../../base/errors';
import type { VisionConfig } from '../../model/config';
import { GraphBuilder, type WeightSink } from '../onnx/builder';
import { DataType } from '../onnx/proto';
import { buildVisionPlanGraph, type VisionPlanValues } from './vision-plan-graph';
import { visionAttention, type AttentionDims, type AttentionShared } from './vision-attention';
import {
  makeCastIf,
  makeGeluErf,
  makeLinear,
  makeReshape,
  makeRmsNorm,
  makeSwiGlu,
  type FloatType,
} from './ops';
import { type WeightFormat, WeightStore } from './ops-weights';

export type VisionDtype = 'fp32' | 'q4' | 'q4f16';

export interface VisionBuildOptions {
  dtype: VisionDtype;
  /** RMSNorm epsilon (default 1e-6, QwenVLConfig.visionEps). */
  eps?: number;
  /** Query row chunks of each full-attention block (default 1; the converter picks it). */
  attentionChunks?: number;
}

/** Graph input/output names: the contract with src/model/vision/plan.ts and the runtime. */
export const VISION_IO = {
  pixelValues: 'pixel_values',
  gridThw: 'image_grid_thw',
  output: 'image_features',
} as const;

const FORMAT: Record<VisionDtype, WeightFormat> = { fp32: 'f32', q4: 'q4', q4f16: 'q4f16' };

export class VisionConfigError extends DeepEyesError {
  constructor(message: string) {
    super('vision_config', `${message}. Check vision_config in config.json.`);
    this.name = 'VisionConfigError';
  }
}

/** Patches per full attention window (P): (window_size / patch_size)^2, 64 for Qwen2.5-VL. */
export function visionWindowSlots(cfg: VisionConfig): number {
  const side = cfg.windowSize / cfg.patchSize;
  if (!Number.isInteger(side) || side % cfg.spatialMergeSize !== 0) {
    throw new VisionConfigError(
      `window_size ${cfg.windowSize} is not a multiple of patch_size * spatial_merge_size`,
    );
  }
  return side * side;
}

/** Values per patch row of pixel_values: in_channels * temporal_patch * patch^2 (1176). */
export function visionPatchDim(cfg: VisionConfig): number {
  return cfg.inChannels * cfg.temporalPatchSize * cfg.patchSize * cfg.patchSize;
}

/** Declares the two graph inputs and builds the per-grid tables once for all blocks. */
function declareInputs(g: GraphBuilder, cfg: VisionConfig): AttentionShared & VisionPlanValues {
  const headDim = cfg.hiddenSize / cfg.numHeads;
  g.input(VISION_IO.pixelValues, 'float32', ['num_patches', visionPatchDim(cfg)]);
  g.input(VISION_IO.gridThw, 'int64', [1, 3]);
  const plan = buildVisionPlanGraph(g, VISION_IO.gridThw, cfg);
  return g.scope('rotary_tables', () => ({
    ...plan,
    // [N, hd] -> [N, 1, 1, hd], broadcast over q/k and heads of [N, 2, H, hd].
    cos: makeReshape(g, plan.rotaryCos, [-1, 1, 1, headDim]),
    sin: makeReshape(g, plan.rotarySin, [-1, 1, 1, headDim]),
  }));
}

/**
 *   x -> norm1 -> attn -> (+x) = x1 -> norm2 -> down(silu(gate) * up) -> (+x1)
 */
async function visionBlock(
  g: GraphBuilder,
  store: WeightStore,
  cfg: VisionConfig,
  opts: { format: WeightFormat; act: FloatType; eps: number; chunks: number },
  i: number,
  x: string,
  shared: AttentionShared,
): Promise<string> {
  const p = `visual.blocks.${i}`;
  const { format, act, eps, chunks } = opts;
  // Weights are read before the synchronous scope: a scope must not span an await.
  const norm1 = await store.float(g, `${p}.norm1.weight`, act);
  const attnW = {
    qkv: await store.linear(g, `${p}.attn.qkv`, format, true),
    proj: await store.linear(g, `${p}.attn.proj`, format, true),
  };
  const norm2 = await store.float(g, `${p}.norm2.weight`, act);
  const mlpW = {
    gate: await store.linear(g, `${p}.mlp.gate_proj`, format, true),
    up: await store.linear(g, `${p}.mlp.up_proj`, format, true),
    down: await store.linear(g, `${p}.mlp.down_proj`, format, true),
  };
  const dims: AttentionDims = {
    hidden: cfg.hiddenSize,
    heads: cfg.numHeads,
    windowSlots: visionWindowSlots(cfg),
    act,
    fullChunks: chunks,
  };
  const windowed = !cfg.fullattBlockIndexes.includes(i);
  return g.scope(`visual/blocks.${i}`, () => {
    const h = g.scope('norm1', () => makeRmsNorm(g, x, norm1, eps, act));
    const a = g.scope('attn', () => visionAttention(g, h, attnW, shared, dims, windowed));
    const x1 = g.op1('Add', [x, a], { name: 'residual_attn' });
    const h2 = g.scope('norm2', () => makeRmsNorm(g, x1, norm2, eps, act));
    const m = g.scope('mlp', () => makeSwiGlu(g, h2, mlpW));
    return g.op1('Add', [x1, m], { name: 'residual_mlp' });
  });
}

/** Adds the vision encoder to `g`: its inputs, weights (through `store`), nodes and output. */
export async function buildVisionEncoder(
  g: GraphBuilder,
  cfg: VisionConfig,
  store: WeightStore,
  opts: VisionBuildOptions,
): Promise<void> {
  const format = FORMAT[opts.dtype];
  const act: FloatType = opts.dtype === 'q4f16' ? 'float16' : 'float32';
  const eps = opts.eps ?? 1e-6;
  const chunks = opts.attentionChunks ?? 1;
  if (!Number.isInteger(chunks) || chunks < 1) {
    throw new VisionConfigError(`attention chunks ${chunks} is not a positive integer`);
  }
  const c = cfg.hiddenSize;
  if (c % cfg.numHeads !== 0 || (c / cfg.numHeads) % 4 !== 0) {
    throw new VisionConfigError(
      `hidden_size ${c} does not split into ${cfg.numHeads} heads with a multiple-of-4 size`,
    );
  }
  visionWindowSlots(cfg);
  const shared = g.scope('visual', () => declareInputs(g, cfg));

  // The conv has stride = kernel: one [N, 1176] x [1176, C] product. It stays float32 in every
  // variant (K = 1176 is small next to the blocks, and pixel values would lose bits in fp16).
  const patchW = await store.float(g, 'visual.patch_embed.proj.weight', 'float32');
  let x = g.scope('visual/patch_embed', () => {
    const w2d = makeReshape(g, patchW, [c, -1]);
    const emb = g.op1('Gemm', [VISION_IO.pixelValues, w2d], { attrs: { transB: 1 } });
    const windowed = g.op1('Gather', [emb, shared.patchOrder], { attrs: { axis: 0 } });
    return makeCastIf(g, windowed, 'float32', act);
  });

  for (let i = 0; i < cfg.depth; i++)
    x = await visionBlock(g, store, cfg, { format, act, eps, chunks }, i, x, shared);

  const merged = cfg.spatialMergeSize * cfg.spatialMergeSize * c;
  const lnQ = await store.float(g, 'visual.merger.ln_q.weight', act);
  const fc1 = await store.linear(g, 'visual.merger.mlp.0', format, true);
  const fc2 = await store.linear(g, 'visual.merger.mlp.2', format, true);
  const last = x;
  g.scope('visual/merger', () => {
    const n = g.scope('ln_q', () => makeRmsNorm(g, last, lnQ, eps, act));
    const grouped = makeReshape(g, n, [-1, merged]);
    const h = g.scope('mlp.0', () => makeLinear(g, grouped, fc1));
    const y = g.scope('mlp.2', () => makeLinear(g, makeGeluErf(g, h, act), fc2));
    // The last node writes the output itself: Identity has no WebGPU kernel (it would run on the CPU).
    const gather = { attrs: { axis: 0 } };
    if (act === 'float32') {
      g.op('Gather', [y, shared.mergeReverse], { ...gather, outputs: [VISION_IO.output] });
    } else {
      const ordered = g.op1('Gather', [y, shared.mergeReverse], gather);
      g.op('Cast', [ordered], { attrs: { to: DataType.FLOAT }, outputs: [VISION_IO.output] });
    }
  });
  g.output(VISION_IO.output, 'float32', ['num_merged', cfg.outHiddenSize]);
}

/** A standalone vision_encoder.onnx; weights stream through `store` into `sink` (inline by default). */
export async function buildVisionGraph(
  cfg: VisionConfig,
  store: WeightStore,
  opts: VisionBuildOptions & { sink?: WeightSink },
): Promise<Uint8Array> {
  const g = new GraphBuilder('vision_encoder', opts.sink);
  await buildVisionEncoder(g, cfg, store, opts);
  return g.toBytes({
    doc: `Qwen2.5-VL vision encoder (${opts.dtype}) with batched windowed attention`,
    metadata: {
      'deepeyes.dtype': opts.dtype,
      'deepeyes.vision.window_slots': String(visionWindowSlots(cfg)),
      'deepeyes.vision.attention_chunks': String(opts.attentionChunks ?? 1),
    },
  });
}
