/**
 * Writes a Hugging Face model folder whose weights are the deterministic golden weights:
 * config.json plus model.safetensors (or shards + index). Streams tensor by tensor, chunk by
 * chunk, so a 7B-shaped checkpoint is written with a few MB of memory.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseQwenVLConfig } from '../../model/config';
import { DTYPE_BYTES, numel } from '../safetensors/dtypes';
import { SINGLE_FILE } from '../safetensors/reader';
import { type TensorToWrite, writeSafetensors, writeShardedSafetensors } from '../safetensors/writer';
import { qwenVLTensorShapes } from './tensor-list';
import { tensorValueChunks } from './values';

export type CheckpointDtype = 'F32' | 'F16' | 'BF16';

export interface CheckpointProgress {
  tensor: string;
  /** Tensors done so far, and in all. */
  done: number;
  count: number;
  /** Data bytes done so far, and in all. */
  bytes: number;
  totalBytes: number;
}

export interface TinyCheckpointOptions {
  /** Storage dtype (default F32, the golden reference). Values are rounded to nearest even. */
  dtype?: CheckpointDtype;
  /** Shard the weights like save_pretrained(max_shard_size=shardBytes). */
  shardBytes?: number;
  /**
   * Multiplies the named tensors' values (a model whose activations overflow fp16, for the
   * reliability tests); every other tensor keeps its golden values.
   */
  scales?: Readonly<Record<string, number>>;
  /**
   * Replaces the named tensors' values outright (row-major, one value per element): a model whose
   * weights are chosen rather than random, e.g. one that speaks a scripted reply (bigram.ts).
   */
  overrides?: Readonly<Record<string, Float32Array>>;
  onProgress?: (p: CheckpointProgress) => void;
}

export interface TinyCheckpointResult {
  dir: string;
  /** Weight files written, relative to dir. */
  files: string[];
  /** Name of the index file when the weights were sharded. */
  index?: string;
  tensorCount: number;
  /** Sum of tensor data bytes. */
  totalSize: number;
}

/** Float32 chunks of the generator are reused; 1M values keeps memory small and loops long. */
const CHUNK_ELEMENTS = 1 << 20;

export function syntheticTensors(
  config: string | Record<string, unknown>,
  salt: string,
  dtype: CheckpointDtype = 'F32',
  scales: Readonly<Record<string, number>> = {},
  overrides: Readonly<Record<string, Float32Array>> = {},
): TensorToWrite[] {
  const shapes = qwenVLTensorShapes(parseQwenVLConfig(config));
  for (const name of Object.keys(overrides)) {
    const t = shapes.find((s) => s.name === name);
    if (!t) throw new RangeError(`override for ${name}: no such tensor in this config`);
    if (overrides[name].length !== numel(t.shape))
      throw new RangeError(
        `override for ${name}: ${overrides[name].length} values for shape [${t.shape.join(', ')}]`,
      );
  }
  return shapes.map(({ name, shape }) => {
    const scale = Object.hasOwn(scales, name) ? scales[name] : 1;
    const values = Object.hasOwn(overrides, name) ? overrides[name] : undefined;
    const chunks = () => (values ? slices(values) : tensorValueChunks(salt, name, shape, CHUNK_ELEMENTS));
    return { name, shape, dtype, data: () => (scale === 1 ? chunks() : scaled(chunks(), scale)) };
  });
}

function* slices(values: Float32Array): Generator<Float32Array> {
  for (let i = 0; i < values.length; i += CHUNK_ELEMENTS) yield values.subarray(i, i + CHUNK_ELEMENTS);
}

function* scaled(chunks: Iterable<Float32Array>, scale: number): Generator<Float32Array> {
  for (const c of chunks) yield c.map((v) => v * scale);
}

/**
 * `configJson`: config.json text (written verbatim) or object (written as 2-space JSON).
 * With F32 and no sharding, model.safetensors is byte-identical to the golden canonical file.
 */
export async function writeTinyCheckpoint(
  outDir: string,
  configJson: string | Record<string, unknown>,
  salt: string,
  opts: TinyCheckpointOptions = {},
): Promise<TinyCheckpointResult> {
  const tensors = syntheticTensors(configJson, salt, opts.dtype ?? 'F32', opts.scales, opts.overrides);
  await mkdir(outDir, { recursive: true });
  const configText = typeof configJson === 'string' ? configJson : JSON.stringify(configJson, null, 2) + '\n';
  await writeFile(join(outDir, 'config.json'), configText);

  const totalBytes = tensors.reduce((s, t) => s + numel(t.shape) * DTYPE_BYTES[t.dtype], 0);
  const sizes = new Map(tensors.map((t) => [t.name, numel(t.shape) * DTYPE_BYTES[t.dtype]]));
  let done = 0;
  let bytes = 0;
  const onTensor = (name: string) => {
    done++;
    bytes += sizes.get(name) ?? 0;
    opts.onProgress?.({ tensor: name, done, count: tensors.length, bytes, totalBytes });
  };

  if (opts.shardBytes === undefined) {
    await writeSafetensors(join(outDir, SINGLE_FILE), tensors, { onTensor });
    return { dir: outDir, files: [SINGLE_FILE], tensorCount: tensors.length, totalSize: totalBytes };
  }
  const res = await writeShardedSafetensors(outDir, tensors, { maxShardBytes: opts.shardBytes, onTensor });
  return {
    dir: outDir,
    files: res.files,
    index: res.index,
    tensorCount: tensors.length,
    totalSize: res.totalSize,
  };
}
