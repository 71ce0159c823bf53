/**
 * The Qwen2.5-VL vision encoder (HF Qwen2_5_VisionTransformerPretrainedModel.forward) as an
 * ONNX graph. Everything that depends only on the grid (window order, rotary tables, window
 * padding) is computed on the CPU (src/model/vision/plan.ts) and fed as extra inputs, so the
 * graph holds no data-dependent control flow and windowed blocks stay linear in N.
 *
 *   pixel_values [N, 1176] -> MatMul(conv weight as [1176, C]) -> Gather(patch_order)
 *   -> depth x { x += proj(attn(norm1 x));  x += down(silu(gate(norm2 x)) * up(norm2 x)) }
 *   -> ln_q -> Reshape [M, 4C] -> Linear -> GELU -> Linear -> Gather(merge_reverse)
 *   -> image_features [M, out_hidden]
 */
import { GraphBuilder, INLINE_SINK, type WeightSink } from '../onnx/builder';
import { DataType } from '../onnx/proto';
import type { VisionConfig } from '../../model/config';
import { visionAttention, type AttentionDims, type AttentionShared, type AttentionWeights } from './vision-attention';
import { geluErf, linear, rmsNorm, silu, type ActType, type LayerCtx, type LinearWeights } from './vision-ops';

export type VisionDtype = 'fp32' | 'q4' | 'q4f16';

export interface VisionBuildOptions {
  dtype: VisionDtype;
  /** int4 block size along K (default 32). */
  blockSize?: number;
  /** RMSNorm epsilon (default 1e-6, QwenVLConfig.visionEps). */
  eps?: number;
}

/** Where float32 checkpoint tensors come from; SafetensorsReader satisfies it. */
export interface VisionWeightSource {
  readF32(name: string): Promise<Float32Array>;
}

/** Graph input/output names (the contract with src/model/vision/plan.ts and the runtime). */
export const VISION_IO = {
  pixelValues: 'pixel_values',
  gridThw: 'image_grid_thw',
  patchOrder: 'patch_order',
  rotaryCos: 'rotary_cos',
  rotarySin: 'rotary_sin',
  windowGather: 'window_gather',
  windowMask: 'window_mask',
  windowScatter: 'window_scatter',
  mergeReverse: 'merge_reverse',
  output: 'image_features',
} as const;

export class VisionWeightShapeError extends Error {
  constructor(name: string, expected: number, got: number) {
    super(
      `${name}: expected ${expected} float32 values, got ${got}. ` +
        'The checkpoint does not match config.json vision_config; convert with the config shipped beside it.',
    );
    this.name = 'VisionWeightShapeError';
  }
}

export class VisionConfigError extends Error {
  constructor(message: string) {
    super(`${message}. Check vision_config in config.json.`);
    this.name = 'VisionConfigError';
  }
}

/** Patches per full attention window (P): (window_size / patch_size)^2, 64 for Qwen2.5-VL. */
export function visionWindowSlots(cfg: VisionConfig): number {
  const side = cfg.windowSize / cfg.patchSize;
  if (!Number.isInteger(side) || side % cfg.spatialMergeSize !== 0) {
    throw new VisionConfigError(`window_size ${cfg.windowSize} is not a multiple of patch_size * spatial_merge_size`);
  }
  return side * side;
}

/** Values per patch row of pixel_values: in_channels * temporal_patch * patch^2 (1176). */
export function visionPatchDim(cfg: VisionConfig): number {
  return cfg.inChannels * cfg.temporalPatchSize * cfg.patchSize * cfg.patchSize;
}

async function readChecked(src: VisionWeightSource, name: string, count: number): Promise<Float32Array> {
  const data = await src.readF32(name);
  if (data.length !== count) throw new VisionWeightShapeError(name, count, data.length);
  return data;
}

async function readLinear(src: VisionWeightSource, prefix: string, n: number, k: number, bias = true): Promise<LinearWeights> {
  return {
    weight: await readChecked(src, `${prefix}.weight`, n * k),
    bias: bias ? await readChecked(src, `${prefix}.bias`, n) : undefined,
    n,
    k,
  };
}

function toAct(ctx: LayerCtx, x: string): string {
  return ctx.act === 'float32' ? x : ctx.g.op1('Cast', [x], { attrs: { to: DataType.FLOAT16 } });
}

/** Declares the inputs and shapes the per-grid tables once for all blocks. */
function declareInputs(ctx: LayerCtx, cfg: VisionConfig, slots: number): { pixels: string; shared: AttentionShared } {
  const { g } = ctx;
  const headDim = cfg.hiddenSize / cfg.numHeads;
  const pixels = g.input(VISION_IO.pixelValues, 'float32', ['num_patches', visionPatchDim(cfg)]);
  g.input(VISION_IO.gridThw, 'int64', [1, 3]);
  g.input(VISION_IO.patchOrder, 'int64', ['num_patches']);
  const cos = g.input(VISION_IO.rotaryCos, 'float32', ['num_patches', headDim]);
  const sin = g.input(VISION_IO.rotarySin, 'float32', ['num_patches', headDim]);
  const windowGather = g.input(VISION_IO.windowGather, 'int64', ['num_window_slots']);
  const mask = g.input(VISION_IO.windowMask, 'float32', ['num_windows', 1, 1, slots]);
  const windowScatter = g.input(VISION_IO.windowScatter, 'int64', ['num_patches']);
  g.input(VISION_IO.mergeReverse, 'int64', ['num_merged']);
  return g.scope('tables', () => {
    const rope = (t: string) => g.op1('Reshape', [t, g.ints([-1, 1, 1, headDim], 'shape')]);
    // fp16 cannot hold the -1e9 pad value (a Cast would give -inf, or worse on GPUs): clip first.
    const windowMask =
      ctx.act === 'float32'
        ? mask
        : toAct(ctx, g.op1('Clip', [mask, g.scalar(-30000, 'float32', 'mask_floor'), ''], { name: 'ClipMask' }));
    return { pixels, shared: { cos: rope(cos), sin: rope(sin), windowGather, windowScatter, windowMask } };
  });
}

interface BlockWeights {
  norm1: Float32Array;
  norm2: Float32Array;
  attn: AttentionWeights;
  gate: LinearWeights;
  up: LinearWeights;
  down: LinearWeights;
}

async function readBlock(src: VisionWeightSource, p: string, cfg: VisionConfig): Promise<BlockWeights> {
  const c = cfg.hiddenSize;
  const inter = cfg.intermediateSize;
  return {
    norm1: await readChecked(src, `${p}.norm1.weight`, c),
    norm2: await readChecked(src, `${p}.norm2.weight`, c),
    attn: {
      qkv: await readLinear(src, `${p}.attn.qkv`, 3 * c, c),
      proj: await readLinear(src, `${p}.attn.proj`, c, c),
    },
    gate: await readLinear(src, `${p}.mlp.gate_proj`, inter, c),
    up: await readLinear(src, `${p}.mlp.up_proj`, inter, c),
    down: await readLinear(src, `${p}.mlp.down_proj`, c, inter),
  };
}

/**
 *   x -> norm1 -> attn -> (+x) = x1 -> norm2 -> down(silu(gate) * up) -> (+x1)
 */
function visionBlock(
  ctx: LayerCtx,
  p: string,
  x: string,
  w: BlockWeights,
  shared: AttentionShared,
  dims: AttentionDims,
  windowed: boolean,
  eps: number,
): string {
  const { g } = ctx;
  const h = g.scope('norm1', () => rmsNorm(ctx, `${p}.norm1`, x, w.norm1, eps));
  const a = g.scope('attn', () => visionAttention(ctx, `${p}.attn`, h, w.attn, shared, dims, windowed));
  const x1 = g.op1('Add', [x, a], { name: 'attn_residual' });
  const h2 = g.scope('norm2', () => rmsNorm(ctx, `${p}.norm2`, x1, w.norm2, eps));
  const m = g.scope('mlp', () => {
    const gate = g.scope('gate_proj', () => linear(ctx, `${p}.mlp.gate_proj`, h2, w.gate));
    const up = g.scope('up_proj', () => linear(ctx, `${p}.mlp.up_proj`, h2, w.up));
    const prod = g.op1('Mul', [silu(ctx, gate), up]);
    return g.scope('down_proj', () => linear(ctx, `${p}.mlp.down_proj`, prod, w.down));
  });
  return g.op1('Add', [x1, m], { name: 'mlp_residual' });
}

/** Adds the vision encoder to `g` (inputs, weights, nodes, the `image_features` output). */
export async function buildVisionEncoder(
  g: GraphBuilder,
  cfg: VisionConfig,
  weights: VisionWeightSource,
  opts: VisionBuildOptions,
): Promise<void> {
  const act: ActType = opts.dtype === 'q4f16' ? 'float16' : 'float32';
  const ctx: LayerCtx = { g, act, q4: opts.dtype !== 'fp32', blockSize: opts.blockSize ?? 32 };
  const eps = opts.eps ?? 1e-6;
  const c = cfg.hiddenSize;
  if (c % cfg.numHeads !== 0 || (c / cfg.numHeads) % 2 !== 0) {
    throw new VisionConfigError(`hidden_size ${c} does not split into ${cfg.numHeads} heads of even size`);
  }
  const slots = visionWindowSlots(cfg);
  const unit = cfg.spatialMergeSize * cfg.spatialMergeSize;
  const dims: AttentionDims = { hidden: c, heads: cfg.numHeads, windowSlots: slots };
  const full = new Set(cfg.fullattBlockIndexes);

  // Weights are read between synchronous scopes: a scope must not span an await, and reading
  // one block at a time keeps a 7B checkpoint's vision tower out of memory as a whole.
  const visual = <T>(fn: () => T): T => g.scope('visual', fn);
  const patch = await readLinear(weights, 'visual.patch_embed.proj', c, visionPatchDim(cfg), false);
  const { shared, x: embedded } = visual(() => {
    const inputs = declareInputs(ctx, cfg, slots);
    // The conv has stride = kernel, so it is one [N, 1176] x [1176, C] product; it stays float32
    // (K = 1176 is small next to the blocks, and pixel values would lose bits in fp16).
    const x = g.scope('patch_embed', () => {
      const emb = linear({ ...ctx, act: 'float32', q4: false }, 'visual.patch_embed.proj', inputs.pixels, patch);
      return toAct(ctx, g.op1('Gather', [emb, VISION_IO.patchOrder], { attrs: { axis: 0 } }));
    });
    return { shared: inputs.shared, x };
  });

  let x = embedded;
  for (let i = 0; i < cfg.depth; i++) {
    const p = `visual.blocks.${i}`;
    const w = await readBlock(weights, p, cfg);
    x = visual(() => g.scope(`blocks.${i}`, () => visionBlock(ctx, p, x, w, shared, dims, !full.has(i), eps)));
  }

  const merged = unit * c;
  const lnQ = await readChecked(weights, 'visual.merger.ln_q.weight', c);
  const fc1 = await readLinear(weights, 'visual.merger.mlp.0', merged, merged);
  const fc2 = await readLinear(weights, 'visual.merger.mlp.2', cfg.outHiddenSize, merged);
  const last = x;
  visual(() =>
    g.scope('merger', () => {
      const n = g.scope('ln_q', () => rmsNorm(ctx, 'visual.merger.ln_q', last, lnQ, eps));
      const grouped = g.op1('Reshape', [n, g.ints([-1, merged], 'shape')]);
      const h = g.scope('mlp.0', () => linear(ctx, 'visual.merger.mlp.0', grouped, fc1));
      const y = g.scope('mlp.2', () => linear(ctx, 'visual.merger.mlp.2', geluErf(ctx, h), fc2));
      if (ctx.act === 'float32') {
        g.op('Gather', [y, VISION_IO.mergeReverse], { attrs: { axis: 0 }, outputs: [VISION_IO.output] });
      } else {
        const ordered = g.op1('Gather', [y, VISION_IO.mergeReverse], { attrs: { axis: 0 } });
        g.op('Cast', [ordered], { attrs: { to: DataType.FLOAT }, outputs: [VISION_IO.output] });
      }
    }),
  );
  g.output(VISION_IO.output, 'float32', ['num_merged', cfg.outHiddenSize]);
}

/** A standalone vision_encoder.onnx (weights inline unless `sink` places them elsewhere). */
export async function buildVisionEncoderModel(
  cfg: VisionConfig,
  weights: VisionWeightSource,
  opts: VisionBuildOptions,
  sink: WeightSink = INLINE_SINK,
): Promise<Uint8Array> {
  const g = new GraphBuilder('vision_encoder', sink);
  await buildVisionEncoder(g, cfg, weights, opts);
  return g.toBytes({
    doc: 'Qwen2.5-VL vision encoder with batched windowed attention (deepeyes-web)',
    metadata: { 'deepeyes.vision.dtype': opts.dtype, 'deepeyes.vision.window_slots': String(visionWindowSlots(cfg)) },
  });
}
