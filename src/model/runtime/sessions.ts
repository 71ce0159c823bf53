/**
 * Creates the three onnxruntime sessions of a converted model (vision_encoder, embed_tokens,
 * decoder_model_merged; the transformers.js file layout) for one variant and execution target.
 * The sessions are created and released here and nowhere else.
 */
import type { InferenceSession } from 'onnxruntime-common';
import type { ModelFiles } from './model-files';
import type { ExecutionTarget, OrtApi, OrtSession } from './ort-api';
import { ACCURACY_LEVEL, setMatMulNBitsAccuracyLevel } from './accuracy-level';

import type { Variant } from '../../base/types';
export const VARIANT_SUFFIX: Record<Variant, string> = {
  fp32: '',
  fp16: '_fp16',
  q4: '_q4',
  q4f16: '_q4f16',
};

export type Component = 'vision_encoder' | 'embed_tokens' | 'decoder_model_merged';

export interface SessionChoice {
  variant: Variant;
  /** Per-component override (published exports mix them, e.g. an fp16 vision encoder with a q4 decoder). */
  perComponent?: Partial<Record<Component, Variant>>;
  target: ExecutionTarget;
  /** onnxruntime intra-op threads (CPU); unset: its default, one per physical core. */
  threads?: number;
  /**
   * The GPUDevice the WebGPU sessions run on. onnxruntime-web 1.30 (native WebGPU EP) takes a
   * caller's device only through this EP option; without it, it opens a device of its own that
   * the caller can neither watch (lost, out-of-memory) nor destroy.
   */
  gpuDevice?: GpuDeviceOption;
}

type GpuDeviceOption = NonNullable<InferenceSession.WebGpuExecutionProviderOption['device']>;

export interface LoadProgress {
  component: Component;
  phase: 'read' | 'create';
  file?: string;
}

export interface ModelSessions {
  vision: OrtSession;
  embed: OrtSession;
  decoder: OrtSession;
  choice: SessionChoice;
  release(): Promise<void>;
}

export function componentFile(component: Component, variant: Variant): string {
  return `onnx/${component}${VARIANT_SUFFIX[variant]}.onnx`;
}

/** External-data chunk names for a model file: X.onnx_data, X.onnx_data_1, … (probed in order). */
async function externalDataFiles(files: ModelFiles, modelPath: string): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; ; i++) {
    const p = `${modelPath}_data${i === 0 ? '' : `_${i}`}`;
    if (!(await files.exists(p))) return out;
    out.push(p);
  }
}

function sessionOptions(choice: SessionChoice, component: Component): InferenceSession.SessionOptions {
  const { target, gpuDevice } = choice;
  const ep: InferenceSession.ExecutionProviderConfig =
    target === 'webgpu' && gpuDevice ? { name: 'webgpu', device: gpuDevice } : target;
  const opts: InferenceSession.SessionOptions = {
    executionProviders: [ep],
    graphOptimizationLevel: 'all',
    // 3 = errors only: onnxruntime-web prints its warnings through console.error.
    logSeverityLevel: 3,
  };
  // Keep the KV cache on the GPU between steps, and a decode step's embedding row on the GPU for
  // the decoder (decode-step.ts); logits, and a prefill's embeddings (image rows are written into
  // them), are downloaded.
  if (target === 'webgpu' && component !== 'vision_encoder') opts.preferredOutputLocation = 'gpu-buffer';
  return opts;
}

async function createSession(
  ort: OrtApi,
  files: ModelFiles,
  component: Component,
  choice: SessionChoice,
  onProgress?: (p: LoadProgress) => void,
): Promise<OrtSession> {
  const variant = choice.perComponent?.[component] ?? choice.variant;
  const path = componentFile(component, variant);
  const opts = sessionOptions(choice, component);
  if (choice.threads) opts.intraOpNumThreads = choice.threads;
  // The int4 decoder at the target's accuracy level (accuracy-level.ts): its graph is read and
  // patched here, its weights stay in the external data files.
  const level =
    component === 'decoder_model_merged' && variant !== 'fp32' ? ACCURACY_LEVEL[choice.target] : undefined;
  if (files.localPath) {
    onProgress?.({ component, phase: 'create', file: path });
    if (!(await files.exists(path))) await files.readBytes(path); // throws the typed missing-file error
    const local = files.localPath(path);
    if (level === undefined) return ort.InferenceSession.create(local, opts);
    const graph = await files.readBytes(path);
    setMatMulNBitsAccuracyLevel(graph, level);
    // A graph given as bytes finds its external data only in a folder named to onnxruntime.
    const folder = local.slice(0, Math.max(local.lastIndexOf('/'), local.lastIndexOf('\\')));
    return ort.InferenceSession.create(graph, {
      ...opts,
      extra: { session: { model_external_initializers_file_folder_path: folder } },
    });
  }
  onProgress?.({ component, phase: 'read', file: path });
  const model = await files.readBytes(path);
  if (level !== undefined) setMatMulNBitsAccuracyLevel(model, level);
  const external = [];
  for (const p of await externalDataFiles(files, path)) {
    onProgress?.({ component, phase: 'read', file: p });
    external.push({ path: p.slice(p.lastIndexOf('/') + 1), data: await files.readBytes(p) });
  }
  onProgress?.({ component, phase: 'create', file: path });
  return ort.InferenceSession.create(model, { ...opts, externalData: external });
}

/** The vision encoder alone (its memory and time against image size: diagnostics, benches). */
export function loadVisionSession(
  ort: OrtApi,
  files: ModelFiles,
  choice: SessionChoice,
  onProgress?: (p: LoadProgress) => void,
): Promise<OrtSession> {
  return createSession(ort, files, 'vision_encoder', choice, onProgress);
}

export async function loadSessions(
  ort: OrtApi,
  files: ModelFiles,
  choice: SessionChoice,
  onProgress?: (p: LoadProgress) => void,
): Promise<ModelSessions> {
  const created: OrtSession[] = [];
  try {
    const vision = await createSession(ort, files, 'vision_encoder', choice, onProgress);
    created.push(vision);
    const embed = await createSession(ort, files, 'embed_tokens', choice, onProgress);
    created.push(embed);
    const decoder = await createSession(ort, files, 'decoder_model_merged', choice, onProgress);
    created.push(decoder);
    return {
      vision,
      embed,
      decoder,
      choice,
      release: async () => {
        await Promise.all([vision.release(), embed.release(), decoder.release()]);
      },
    };
  } catch (e) {
    await Promise.all(created.map((s) => s.release()));
    throw e;
  }
}
