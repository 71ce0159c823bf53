/**
 * Hugging Face Qwen2.5-VL / DeepEyes checkpoint -> ONNX folder in the transformers.js layout:
 *
 *   <out>/onnx/embed_tokens[_q4].onnx            (+ .onnx_data, .onnx_data_1, …)
 *   <out>/onnx/decoder_model_merged[_q4|_q4f16].onnx
 *   <out>/onnx/vision_encoder[_q4|_q4f16].onnx
 *   <out>/config.json, preprocessor_config.json, tokenizer files, deepeyes-manifest.json
 *
 * Tensors stream one at a time (read -> quantize -> write -> drop), so a 16 GB checkpoint
 * converts with memory for one tensor. A journal lets an interrupted run resume (`resume`).
 */
import { DeepEyesError } from '../base/errors';
import { parseQwenVLConfig, type QwenVLConfig } from '../model/config';
import { ConvertJournal, JOURNAL_FILE } from './convert-journal';
import { DEFAULT_CHUNK_LIMIT, ExternalDataSink, chunkFileName } from './external-data';
import { NodeOutputFolder } from './node-output';
import type { OutputFolder } from './output';
import { buildDecoderGraph, type DecoderGraphOptions } from './graphs/decoder';
import { buildEmbedGraph, EMBED_TABLE } from './graphs/embed';
import { WeightStore, type TensorReport, type TensorSource } from './graphs/ops-weights';
import { buildVisionGraph } from './graphs/vision';
import { publishedConfig } from './published-config';
import { describeFile, summarizeQuantErrors, type QuantErrorRow } from './manifest';
import {
  MANIFEST_FILE,
  MANIFEST_FORMAT_VERSION,
  type DeepEyesManifest,
  type ManifestVariant,
  type VariantName,
} from '../base/model-manifest';
import { SafetensorsReader } from './safetensors/reader';
import { NodeCheckpointFiles } from './safetensors/node-files';
import { readText, type CheckpointFiles } from './safetensors/source';
import { sha256Hex } from '../base/sha256';
import { CHUNK_TARGET_PATCHES, fullAttentionChunks } from '../model/runtime/vision-budget';

export type ConvertDtype = VariantName;
export type ConvertComponent = 'embed' | 'decoder' | 'vision';

export interface ConvertProgress {
  /** tensor: one checkpoint tensor converted (or restored); file: one .onnx written; done: all. */
  phase: 'tensor' | 'file' | 'done';
  /** The .onnx file being built, relative to outDir. */
  file?: string;
  tensor?: string;
  restored?: boolean;
  tensorsDone: number;
  tensorsTotal: number;
  /** float32 bytes of the source tensors, done and planned (a tensor used by two files counts twice). */
  bytesDone: number;
  bytesTotal: number;
}

export interface ConvertOptions {
  /** Folder with config.json and model.safetensors (or shards + index). */
  hfDir?: string;
  /** The checkpoint's files from elsewhere (a hub repo over HTTP); used instead of hfDir. Closed at the end. */
  source?: CheckpointFiles;
  /** Local output folder (Node). */
  outDir?: string;
  /** Where the output goes instead of outDir (OPFS in a browser worker). Closed at the end. */
  output?: OutputFolder;
  dtypes: ConvertDtype[];
  /** Default: all three. */
  components?: ConvertComponent[];
  onProgress?: (evt: ConvertProgress) => void;
  /** Every converted tensor with its quantization error (int4 formats). */
  onTensor?: (report: TensorReport & { file: string }) => void;
  /** Continue an interrupted conversion of the same inputs and settings into the same outDir. */
  resume?: boolean;
  /** Decoder graphs also output hidden_states.* (for comparing with reference activations). */
  debugHidden?: boolean;
  signal?: AbortSignal;
  /** External-data chunk size limit (default 1 GiB). */
  chunkLimit?: number;
  /** Written into the manifest (default: the checkpoint folder's name). */
  modelId?: string;
  /** Decoder graph form (default: fused norms and rotary, sdpa attention; see DecoderGraphOptions). */
  decoderGraph?: Pick<DecoderGraphOptions, 'fused' | 'attention' | 'accuracyLevel'>;
  /**
   * Query row chunks of the vision encoder's full-attention blocks (1: unchunked). Default: the
   * fewest with which the preprocessor's max_pixels, at most 3.2 MP, fits a 1 GiB GPU binding.
   */
  visionChunks?: number;
}

export interface ConvertResult {
  manifest: DeepEyesManifest;
  quantErrors: QuantErrorRow[];
  /** Tensors taken from a previous run's journal instead of being converted again. */
  restoredTensors: number;
}

export class MissingConfigError extends DeepEyesError {
  constructor(dir: string) {
    super(
      'missing_config',
      `${dir} has no config.json. Point the converter at a Hugging Face model folder (config.json + *.safetensors).`,
    );
    this.name = 'MissingConfigError';
  }
}

export class NoVariantError extends DeepEyesError {
  constructor() {
    super(
      'no_variant',
      'nothing to convert: pass at least one dtype (fp32, q4, q4f16) and one component (embed, decoder, vision).',
    );
    this.name = 'NoVariantError';
  }
}

const CONVERTER_VERSION = 'deepeyes-convert-1';
const SUFFIX: Record<ConvertDtype, string> = { fp32: '', q4: '_q4', q4f16: '_q4f16' };
const REQUIRED_FEATURES: Record<ConvertDtype, string[]> = { fp32: [], q4: [], q4f16: ['shader-f16'] };

/** Side files copied when the checkpoint has them (tokenizer, chat template, generation defaults). */
export const COPIED_FILES = [
  'generation_config.json',
  'tokenizer.json',
  'tokenizer_config.json',
  'vocab.json',
  'merges.txt',
  'special_tokens_map.json',
  'added_tokens.json',
  'chat_template.json',
  'chat_template.jinja',
];

/** Qwen2.5-VL's image processor settings, written when the checkpoint lacks the file. */
export const DEFAULT_PREPROCESSOR_CONFIG = {
  do_convert_rgb: true,
  do_normalize: true,
  do_rescale: true,
  do_resize: true,
  image_mean: [0.48145466, 0.4578275, 0.40821073],
  image_processor_type: 'Qwen2VLImageProcessor',
  image_std: [0.26862954, 0.26130258, 0.27577711],
  max_pixels: 12845056,
  merge_size: 2,
  min_pixels: 3136,
  patch_size: 14,
  processor_class: 'Qwen2_5_VLProcessor',
  resample: 3,
  rescale_factor: 0.00392156862745098,
  temporal_patch_size: 2,
};

interface GraphJob {
  component: ConvertComponent;
  /** Relative to outDir. */
  file: string;
  variants: ConvertDtype[];
  /** Checkpoint tensors the graph reads (for progress totals). */
  tensors: string[];
  build(store: WeightStore, sink: ExternalDataSink): Promise<Uint8Array>;
}

/** The graph files to write, in order. Embeddings: fp32 for fp32, int4 (float32 out) for q4 and q4f16. */
export function planGraphs(
  cfg: QwenVLConfig,
  names: string[],
  dtypes: ConvertDtype[],
  components: ConvertComponent[],
  debugHidden = false,
  decoderGraph: Pick<DecoderGraphOptions, 'fused' | 'attention' | 'accuracyLevel'> = {},
  visionChunks = 1,
): GraphJob[] {
  const jobs: GraphJob[] = [];
  const order: ConvertDtype[] = (['fp32', 'q4', 'q4f16'] as const).filter((d) => dtypes.includes(d));
  if (components.includes('embed')) {
    if (order.includes('fp32')) {
      jobs.push({
        component: 'embed',
        file: 'onnx/embed_tokens.onnx',
        variants: ['fp32'],
        tensors: [EMBED_TABLE],
        build: (store, sink) => buildEmbedGraph(cfg.text, store, { dtype: 'fp32', sink }),
      });
    }
    const int4 = order.filter((d) => d !== 'fp32');
    if (int4.length) {
      jobs.push({
        component: 'embed',
        file: 'onnx/embed_tokens_q4.onnx',
        variants: int4,
        tensors: [EMBED_TABLE],
        build: (store, sink) => buildEmbedGraph(cfg.text, store, { dtype: 'q4', sink }),
      });
    }
  }
  const head = names.includes('lm_head.weight') ? 'lm_head.weight' : EMBED_TABLE;
  const text = names.filter((n) => n.startsWith('model.layers.') || n === 'model.norm.weight').concat(head);
  const vision = names.filter((n) => n.startsWith('visual.'));
  for (const dtype of order) {
    if (components.includes('decoder')) {
      jobs.push({
        component: 'decoder',
        file: `onnx/decoder_model_merged${SUFFIX[dtype]}.onnx`,
        variants: [dtype],
        tensors: text,
        build: (store, sink) =>
          buildDecoderGraph(cfg.text, store, { ...decoderGraph, dtype, debugHidden, sink }),
      });
    }
    if (components.includes('vision')) {
      jobs.push({
        component: 'vision',
        file: `onnx/vision_encoder${SUFFIX[dtype]}.onnx`,
        variants: [dtype],
        tensors: vision,
        build: (store, sink) =>
          buildVisionGraph(cfg.vision, store, {
            dtype,
            eps: cfg.visionEps,
            attentionChunks: visionChunks,
            sink,
          }),
      });
    }
  }
  return jobs;
}

/**
 * The default chunk count: the preprocessor's max_pixels, at most CHUNK_TARGET_PATCHES (3.2 MP),
 * fits a 1 GiB binding; 16 chunks for the 7B encoder's 16 heads.
 */
export async function visionChunksFor(cfg: QwenVLConfig, input: CheckpointFiles): Promise<number> {
  const pre = 'preprocessor_config.json';
  const own = (await input.exists(pre))
    ? (JSON.parse(await readText(input, pre)) as { max_pixels?: unknown }).max_pixels
    : undefined;
  const maxPixels = typeof own === 'number' && own > 0 ? own : DEFAULT_PREPROCESSOR_CONFIG.max_pixels;
  const patches = Math.floor(maxPixels / (cfg.vision.patchSize * cfg.vision.patchSize));
  return fullAttentionChunks(cfg.vision, Math.max(1, Math.min(patches, CHUNK_TARGET_PATCHES)));
}

const baseName = (p: string) => p.slice(p.lastIndexOf('/') + 1);

/**
 * Every external-data file a job could write (what OPFS must open beforehand): the float32
 * source size bounds the output, and two consecutive chunks always hold more than one limit.
 */
function chunkCandidates(
  job: GraphJob,
  modelFile: string,
  shapeBytes: (n: string) => number,
  chunkLimit = DEFAULT_CHUNK_LIMIT,
): string[] {
  const total = job.tensors.reduce((s, n) => s + shapeBytes(n), 0);
  const count = 2 * Math.ceil(total / chunkLimit) + 2;
  return Array.from({ length: count }, (_, i) => `onnx/${chunkFileName(modelFile, i)}`);
}

function readerSource(reader: SafetensorsReader): TensorSource {
  const names = reader.tensors().map((t) => t.name);
  return {
    names: () => names,
    shape: (n) => reader.info(n).shape,
    readF32: (n) => reader.readF32(n),
    readF32Chunks: (n, max) => reader.readF32Chunks(n, max),
  };
}

function fingerprint(
  configText: string,
  reader: SafetensorsReader,
  o: ConvertOptions,
  components: ConvertComponent[],
  visionChunks: number,
): Promise<string> {
  return sha256Hex(
    new TextEncoder().encode(
      JSON.stringify({
        v: CONVERTER_VERSION,
        config: configText,
        dtypes: [...o.dtypes].sort(),
        components: [...components].sort(),
        debugHidden: Boolean(o.debugHidden),
        decoderGraph: o.decoderGraph ?? {},
        chunkLimit: o.chunkLimit ?? null,
        visionChunks,
        tensors: reader
          .tensors()
          .map((t) => [t.name, t.dtype, t.shape, baseName(t.shard), t.byteOffset, t.byteLength]),
      }),
    ),
  );
}

export async function convertModel(opts: ConvertOptions): Promise<ConvertResult> {
  const input = opts.source ?? new NodeCheckpointFiles(opts.hfDir ?? '.');
  const output = opts.output ?? new NodeOutputFolder(opts.outDir ?? '.');
  const components = opts.components ?? ['embed', 'decoder', 'vision'];
  let reader: SafetensorsReader | undefined;
  try {
    if (!opts.dtypes.length || !components.length) throw new NoVariantError();
    if (!(await input.exists('config.json'))) throw new MissingConfigError(input.label);
    const configText = await readText(input, 'config.json');
    const cfg = parseQwenVLConfig(configText);
    // Read only for a vision conversion: a hub source pays a request for preprocessor_config.json.
    const visionChunks = components.includes('vision')
      ? (opts.visionChunks ?? (await visionChunksFor(cfg, input)))
      : 1;
    reader = await SafetensorsReader.openFiles(input);
    const source = readerSource(reader);
    const jobs = planGraphs(
      cfg,
      source.names(),
      opts.dtypes,
      components,
      opts.debugHidden,
      opts.decoderGraph,
      visionChunks,
    );
    await output.prepare([JOURNAL_FILE, 'onnx/']);
    const journal = await ConvertJournal.open(
      output,
      await fingerprint(configText, reader, opts, components, visionChunks),
      Boolean(opts.resume),
    );

    const shapeBytes = (n: string) => source.shape(n).reduce((a, b) => a * b, 1) * 4;
    const progress: ConvertProgress = {
      phase: 'tensor',
      tensorsDone: 0,
      tensorsTotal: jobs.reduce((s, j) => s + j.tensors.length, 0),
      bytesDone: 0,
      bytesTotal: jobs.reduce((s, j) => s + j.tensors.reduce((b, n) => b + shapeBytes(n), 0), 0),
    };
    const quantErrors: QuantErrorRow[] = [];
    const largest = new Map<string, number>();
    const dataFiles = new Map<string, string[]>();
    let restoredTensors = 0;

    for (const job of jobs) {
      opts.signal?.throwIfAborted();
      const modelFile = baseName(job.file);
      await output.prepare(chunkCandidates(job, modelFile, shapeBytes, opts.chunkLimit));
      const sink = new ExternalDataSink({
        dir: 'onnx',
        folder: output,
        modelFile,
        chunkLimit: opts.chunkLimit,
        restored: journal.piecesOf(job.file),
      });
      const store = new WeightStore(source, {
        signal: opts.signal,
        restore: (tensor) => journal.completed(job.file, tensor),
        onTensor: (r) => {
          if (!r.restored) {
            const pieces = r.pieces.flatMap((p) => sink.location(p.name) ?? []);
            journal.append({
              kind: 'tensor',
              file: job.file,
              tensor: r.name,
              pieces,
              complete: pieces.length === r.pieces.length,
              error: r.error,
            });
          } else restoredTensors++;
          if (r.error) quantErrors.push({ file: job.file, tensor: r.name, format: r.format, ...r.error });
          opts.onTensor?.({ ...r, file: job.file });
          progress.tensorsDone++;
          progress.bytesDone += r.sourceBytes;
          opts.onProgress?.({
            ...progress,
            phase: 'tensor',
            file: job.file,
            tensor: r.name,
            restored: r.restored,
          });
        },
      });
      let bytes: Uint8Array;
      try {
        bytes = await job.build(store, sink);
      } finally {
        sink.close();
      }
      await output.writeWhole(job.file, bytes);
      largest.set(job.file, sink.largestPiece);
      dataFiles.set(
        job.file,
        sink.files().map((f) => `onnx/${f}`),
      );
      opts.onProgress?.({ ...progress, phase: 'file', file: job.file });
    }

    const chunks = new Map([...dataFiles].map(([file, data]) => [file, data.length]));
    const shared = await copySideFiles(input, output, publishedConfig(configText, chunks));
    const manifest = await writeManifest(
      output,
      opts.modelId ?? baseName(input.label),
      configText,
      jobs,
      shared,
      dataFiles,
      largest,
      quantErrors,
      opts.decoderGraph?.accuracyLevel ?? 0,
      components.includes('vision') ? visionChunks : undefined,
    );
    journal.remove();
    opts.onProgress?.({ ...progress, phase: 'done' });
    return { manifest, quantErrors, restoredTensors };
  } finally {
    // The reader owns the files once open; before that they are closed here.
    await (reader ?? input).close();
    await output.close();
  }
}

/** config.json (published-config.ts), preprocessor_config.json (default if absent), tokenizer and template files. */
async function copySideFiles(
  input: CheckpointFiles,
  output: OutputFolder,
  configText: string,
): Promise<string[]> {
  const text = (t: string) => new TextEncoder().encode(t);
  await output.writeWhole('config.json', text(configText));
  const pre = 'preprocessor_config.json';
  if (await input.exists(pre)) await output.writeWhole(pre, await input.readBytes(pre));
  else await output.writeWhole(pre, text(JSON.stringify(DEFAULT_PREPROCESSOR_CONFIG, null, 2) + '\n'));
  const copied = ['config.json', 'preprocessor_config.json'];
  for (const f of COPIED_FILES) {
    if (!(await input.exists(f))) continue;
    await output.writeWhole(f, await input.readBytes(f));
    copied.push(f);
  }
  return copied;
}

async function writeManifest(
  output: OutputFolder,
  modelId: string,
  configText: string,
  jobs: GraphJob[],
  shared: string[],
  dataFiles: Map<string, string[]>,
  largest: Map<string, number>,
  quantErrors: QuantErrorRow[],
  accuracyLevel: 0 | 4 = 0,
  visionChunks?: number,
): Promise<DeepEyesManifest> {
  const paths = [...shared, ...jobs.flatMap((j) => [j.file, ...(dataFiles.get(j.file) ?? [])])].sort();
  const files: DeepEyesManifest['files'] = [];
  for (const p of paths) files.push(await describeFile(output, p));
  const size = new Map(files.map((f) => [f.path, f.bytes]));
  const variants: DeepEyesManifest['variants'] = {};
  for (const v of ['fp32', 'q4', 'q4f16'] as const) {
    const own = jobs.filter((j) => j.variants.includes(v));
    if (!own.length) continue;
    const list = [...shared, ...own.flatMap((j) => [j.file, ...(dataFiles.get(j.file) ?? [])])].sort();
    const entry: ManifestVariant = {
      files: list,
      required_features: REQUIRED_FEATURES[v],
      max_single_tensor_bytes: Math.max(0, ...own.map((j) => largest.get(j.file) ?? 0)),
      total_bytes: list.reduce((s, p) => s + (size.get(p) ?? 0), 0),
    };
    if (v !== 'fp32') entry.matmulnbits_accuracy_level = accuracyLevel;
    variants[v] = entry;
  }
  const manifest: DeepEyesManifest = {
    format_version: MANIFEST_FORMAT_VERSION,
    model_id: modelId,
    source_config: JSON.parse(configText) as Record<string, unknown>,
    files,
    variants,
    ...(visionChunks !== undefined ? { vision_attention_chunks: visionChunks } : {}),
    quantization: {
      method:
        'int4 symmetric blockwise (onnxruntime MatMulNBits / GatherBlockQuantized layout, zero point 8)',
      block_size: 32,
      summary: summarizeQuantErrors(quantErrors),
    },
  };
  await output.writeWhole(MANIFEST_FILE, new TextEncoder().encode(JSON.stringify(manifest, null, 2) + '\n'));
  return manifest;
}
