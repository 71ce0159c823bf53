/**
 * The one way to load a model as a TurnEngine, for the worker, the Node tools and the benches:
 * pick the variant (asked, else the folder's best for the target), load runtime + tokenizer +
 * template + image limits, and bound the images so the vision encoder's attention scores fit the
 * device's largest buffer.
 */
import { DeepEyesError } from '../base/errors';
import { MANIFEST_FILE, type VariantName } from '../base/model-manifest';
import type { Variant } from '../base/types';
import type { ModelFiles } from './runtime/model-files';
import type { ExecutionTarget, OrtApi } from './runtime/ort-api';
import { QwenVLEngine } from './runtime/qwen-vl-engine';
import { componentFile, type Component, type LoadProgress, type SessionChoice } from './runtime/sessions';
import { visionPixelBudget } from './runtime/vision-budget';
import { VARIANT_PREFERENCE, variantsToTry } from './variant-order';

export interface LoadEngineOptions {
  ort: OrtApi;
  target: ExecutionTarget;
  /** The variant to load; without it, the best the folder offers for `target`. */
  variant?: Variant;
  /**
   * Bytes one vision attention score tensor ([heads, ceil(N / chunks), N] fp32) may take: the
   * GPU's maxStorageBufferBindingSize, or the RAM allowed on the CPU. Images are downscaled to fit.
   */
  maxScoreBytes?: number;
  /** The GPUDevice onnxruntime's WebGPU sessions run on (the worker's); unset: one of its own. */
  gpuDevice?: SessionChoice['gpuDevice'];
  onProgress?: (p: LoadProgress) => void;
}

export interface LoadedEngine {
  engine: QwenVLEngine;
  variant: Variant;
  /** Set when images above this many pixels are downscaled more than the processor would. */
  cappedPixels?: number;
}

export class NoModelVariantError extends DeepEyesError {
  constructor(folder: string, target: ExecutionTarget) {
    super('model_missing', `${folder} has no model variant that runs on ${target}`, {
      advice: `convert the model with one of: ${VARIANT_PREFERENCE[target].join(', ')} (npm run convert)`,
    });
  }
}

/** The folder's manifest as raw JSON (the fields are read defensively), or undefined without one. */
async function readManifest(files: ModelFiles): Promise<
  | {
      variants?: Record<string, { files?: unknown } | undefined>;
      vision_attention_chunks?: unknown;
    }
  | undefined
> {
  if (!(await files.exists(MANIFEST_FILE))) return undefined;
  return JSON.parse(await files.readText(MANIFEST_FILE)) as object;
}

/** The variants a folder holds: its manifest's, else the decoder files present. */
async function offeredVariants(files: ModelFiles): Promise<Partial<Record<VariantName, true>>> {
  const offered: Partial<Record<VariantName, true>> = {};
  const m = await readManifest(files);
  if (m) {
    for (const v of Object.keys(m.variants ?? {})) offered[v as VariantName] = true;
    return offered;
  }
  for (const v of ['fp32', 'q4', 'q4f16'] as const) {
    if (await files.exists(componentFile('decoder_model_merged', v))) offered[v] = true;
  }
  return offered;
}

/**
 * Components a manifest variant takes from another variant's file: a converted q4f16 keeps the
 * int4 embedding with float32 output (onnx/embed_tokens_q4.onnx), so there is no
 * embed_tokens_q4f16.onnx to open. Without a manifest, every component has the variant's own file.
 */
export async function manifestComponents(
  files: ModelFiles,
  variant: Variant,
): Promise<SessionChoice['perComponent']> {
  const listed = (await readManifest(files))?.variants?.[variant]?.files;
  if (!Array.isArray(listed)) return undefined;
  const out: NonNullable<SessionChoice['perComponent']> = {};
  for (const c of COMPONENTS) {
    if (listed.includes(componentFile(c, variant))) continue;
    const other = VARIANTS.find((v) => listed.includes(componentFile(c, v)));
    if (other) out[c] = other;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * Query row chunks of the folder's vision full-attention blocks (manifest vision_attention_chunks);
 * 1 for folders without it (converted before chunking, or not by this converter).
 */
export async function visionAttentionChunks(files: ModelFiles): Promise<number> {
  const k = (await readManifest(files))?.vision_attention_chunks;
  return typeof k === 'number' && Number.isInteger(k) && k >= 1 ? k : 1;
}

const COMPONENTS: readonly Component[] = ['vision_encoder', 'embed_tokens', 'decoder_model_merged'];
const VARIANTS: readonly Variant[] = ['fp32', 'fp16', 'q4', 'q4f16'];

/** The variant to load: the one asked for, else the best the folder offers for `target`. */
export async function pickVariant(
  files: ModelFiles,
  target: ExecutionTarget,
  asked?: Variant,
): Promise<Variant> {
  if (asked) return asked;
  const best = variantsToTry(await offeredVariants(files), target)[0];
  if (!best) throw new NoModelVariantError(files.id, target);
  return best;
}

export async function loadEngine(files: ModelFiles, options: LoadEngineOptions): Promise<LoadedEngine> {
  const variant = await pickVariant(files, options.target, options.variant);
  const perComponent = await manifestComponents(files, variant);
  const engine = await QwenVLEngine.load(
    options.ort,
    files,
    {
      variant,
      target: options.target,
      ...(perComponent ? { perComponent } : {}),
      ...(options.gpuDevice ? { gpuDevice: options.gpuDevice } : {}),
    },
    options.onProgress,
  );
  if (options.maxScoreBytes === undefined) return { engine, variant };
  const budget = visionPixelBudget(
    engine.runtime.config.vision,
    options.maxScoreBytes,
    await visionAttentionChunks(files),
  );
  const capped = engine.limitImagePixels(budget.maxPixels);
  return { engine, variant, ...(capped ? { cappedPixels: budget.maxPixels } : {}) };
}
