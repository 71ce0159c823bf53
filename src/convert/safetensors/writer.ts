/**
 * Safetensors writer for Node. Tensors are described up front (name, dtype, shape) and their
 * data is pulled one tensor at a time, in chunks if the producer wants, so checkpoints far
 * larger than memory can be written. Files are written under a temporary name and renamed
 * when complete, so an interrupted run never leaves a file that looks valid.
 */
import { mkdir, open, rename, rm, writeFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { DTYPE_BYTES, type FloatDtype, f32BitsToF16Bits, numel } from './dtypes';
import { TensorDataError } from './errors';
import { buildHeader } from './header';
import { INDEX_FILE, SINGLE_FILE } from './reader';

/** Float32 values (converted to the tensor's dtype) or bytes already in the tensor's dtype. */
export type TensorChunk = Float32Array | Uint8Array;
export type TensorSource = TensorChunk | Iterable<TensorChunk> | AsyncIterable<TensorChunk>;

export interface TensorToWrite {
  name: string;
  dtype: FloatDtype;
  shape: readonly number[];
  /** Called once, when the tensor's turn comes; chunks are consumed before the next is pulled. */
  data: () => TensorSource | Promise<TensorSource>;
}

export interface WriteOptions {
  /** `__metadata__`; defaults to {"format":"pt"} as torch's save_file writes. */
  metadata?: Record<string, string>;
  /** Called after each tensor is written (progress reporting). */
  onTensor?: (name: string, bytesWritten: number) => void;
}

export const DEFAULT_METADATA: Record<string, string> = { format: 'pt' };

const BUFFER_BYTES = 16 << 20;

/** Buffers small writes into large sequential ones. */
class FileSink {
  private readonly buf = new Uint8Array(BUFFER_BYTES);
  private used = 0;
  position = 0;

  constructor(private readonly fh: FileHandle) {}

  async write(bytes: Uint8Array): Promise<void> {
    if (this.used + bytes.byteLength > this.buf.byteLength) await this.flush();
    if (bytes.byteLength >= this.buf.byteLength) {
      await this.writeAll(bytes);
      return;
    }
    this.buf.set(bytes, this.used);
    this.used += bytes.byteLength;
  }

  async flush(): Promise<void> {
    if (this.used === 0) return;
    await this.writeAll(this.buf.subarray(0, this.used));
    this.used = 0;
  }

  private async writeAll(bytes: Uint8Array): Promise<void> {
    let done = 0;
    while (done < bytes.byteLength) {
      const { bytesWritten } = await this.fh.write(bytes, done, bytes.byteLength - done, this.position);
      done += bytesWritten;
      this.position += bytesWritten;
    }
  }
}

/** Converts float32 chunks to the target dtype into a reused scratch buffer. */
class Encoder {
  private scratch = new Uint16Array(0);

  encode(chunk: Float32Array, dtype: FloatDtype): Uint8Array {
    if (dtype === 'F32') return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.scratch.length < chunk.length) this.scratch = new Uint16Array(chunk.length);
    const out = this.scratch;
    const bits = new Uint32Array(chunk.buffer, chunk.byteOffset, chunk.length);
    const n = chunk.length;
    if (dtype === 'BF16') {
      for (let i = 0; i < n; i++) {
        const b = bits[i];
        out[i] = (b & 0x7fffffff) > 0x7f800000 ? (b >>> 16) | 0x40 : (b + 0x7fff + ((b >>> 16) & 1)) >>> 16;
      }
    } else {
      for (let i = 0; i < n; i++) out[i] = f32BitsToF16Bits(bits[i]);
    }
    return new Uint8Array(out.buffer, 0, n * 2);
  }
}

function isAsyncIterable(x: unknown): x is AsyncIterable<TensorChunk> {
  return typeof (x as AsyncIterable<TensorChunk>)[Symbol.asyncIterator] === 'function';
}

async function* chunksOf(src: TensorSource): AsyncGenerator<TensorChunk> {
  if (src instanceof Float32Array || src instanceof Uint8Array) yield src;
  else if (isAsyncIterable(src)) yield* src;
  else yield* src;
}

function byName(a: { name: string }, b: { name: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

async function writeTensorData(
  sink: FileSink,
  path: string,
  t: TensorToWrite,
  encoder: Encoder,
): Promise<number> {
  const expected = numel(t.shape) * DTYPE_BYTES[t.dtype];
  let written = 0;
  for await (const chunk of chunksOf(await t.data())) {
    const bytes = chunk instanceof Float32Array ? encoder.encode(chunk, t.dtype) : chunk;
    if (written + bytes.byteLength > expected) {
      throw new TensorDataError(
        path,
        t.name,
        `the producer gave more than the ${expected} bytes its shape needs`,
      );
    }
    await sink.write(bytes);
    written += bytes.byteLength;
  }
  if (written !== expected) {
    throw new TensorDataError(
      path,
      t.name,
      `the producer gave ${written} bytes, its shape needs ${expected}`,
    );
  }
  return written;
}

/**
 * Writes one safetensors file with the tensors sorted by name (the canonical layout of the
 * golden weights). Returns the file's size in bytes.
 */
export async function writeSafetensors(
  path: string,
  tensors: readonly TensorToWrite[],
  options: WriteOptions = {},
): Promise<number> {
  const sorted = [...tensors].sort(byName);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].name === sorted[i - 1].name) {
      throw new TensorDataError(path, sorted[i].name, 'the name is used twice');
    }
  }
  const header = buildHeader(sorted, options.metadata ?? DEFAULT_METADATA);
  const partial = `${path}.partial`;
  const fh = await open(partial, 'w');
  try {
    const sink = new FileSink(fh);
    const encoder = new Encoder();
    await sink.write(header.bytes);
    let total = header.bytes.byteLength;
    for (const t of sorted) {
      total += await writeTensorData(sink, path, t, encoder);
      options.onTensor?.(t.name, total);
    }
    await sink.flush();
    await fh.close();
    await rename(partial, path);
    return total;
  } catch (e) {
    await fh.close().catch(() => undefined);
    await rm(partial, { force: true });
    throw e;
  }
}

export interface ShardedWriteOptions extends WriteOptions {
  /** Largest data size of one shard; a tensor bigger than this gets a shard of its own. */
  maxShardBytes: number;
  /** Write an index even when everything fits in one file (default false, like save_pretrained). */
  alwaysIndex?: boolean;
}

export interface ShardedWriteResult {
  /** File names (relative to the folder), in order. */
  files: string[];
  /** Sum of tensor data bytes (the index's metadata.total_size). */
  totalSize: number;
  /** Name of the index file, when one was written. */
  index?: string;
}

/** Splits name-sorted tensors greedily into shards of at most `maxShardBytes` data bytes. */
export function planShards<T extends { name: string; dtype: FloatDtype; shape: readonly number[] }>(
  tensors: readonly T[],
  maxShardBytes: number,
): T[][] {
  const shards: T[][] = [];
  let current: T[] = [];
  let size = 0;
  for (const t of [...tensors].sort(byName)) {
    const bytes = numel(t.shape) * DTYPE_BYTES[t.dtype];
    if (current.length > 0 && size + bytes > maxShardBytes) {
      shards.push(current);
      current = [];
      size = 0;
    }
    current.push(t);
    size += bytes;
  }
  if (current.length > 0 || shards.length === 0) shards.push(current);
  return shards;
}

export function shardFileName(i: number, count: number): string {
  const pad = (n: number) => String(n).padStart(5, '0');
  return `model-${pad(i + 1)}-of-${pad(count)}.safetensors`;
}

/**
 * Writes `dir/model.safetensors`, or `model-0000i-of-0000K.safetensors` shards plus
 * model.safetensors.index.json (`{"metadata":{"total_size":N},"weight_map":{name:file}}`, the
 * format save_pretrained writes) when the tensors exceed one shard.
 */
export async function writeShardedSafetensors(
  dir: string,
  tensors: readonly TensorToWrite[],
  options: ShardedWriteOptions,
): Promise<ShardedWriteResult> {
  await mkdir(dir, { recursive: true });
  const shards = planShards(tensors, options.maxShardBytes);
  const totalSize = tensors.reduce((s, t) => s + numel(t.shape) * DTYPE_BYTES[t.dtype], 0);
  if (shards.length === 1 && !options.alwaysIndex) {
    await writeSafetensors(join(dir, SINGLE_FILE), shards[0], options);
    return { files: [SINGLE_FILE], totalSize };
  }
  const files = shards.map((_, i) => shardFileName(i, shards.length));
  const weightMap: Record<string, string> = {};
  for (let i = 0; i < shards.length; i++) {
    await writeSafetensors(join(dir, files[i]), shards[i], options);
    for (const t of shards[i]) weightMap[t.name] = files[i];
  }
  const sortedMap = Object.fromEntries(Object.entries(weightMap).sort(([a], [b]) => (a < b ? -1 : 1)));
  const index = { metadata: { total_size: totalSize }, weight_map: sortedMap };
  await writeFile(join(dir, INDEX_FILE), JSON.stringify(index, null, 2) + '\n');
  return { files, totalSize, index: INDEX_FILE };
}
