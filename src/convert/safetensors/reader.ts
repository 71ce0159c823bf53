/**
 * Streaming safetensors reader: only headers are parsed up front; tensor bytes are read on demand
 * as byte ranges from a CheckpointFiles (a local folder in Node, a hub repo over HTTP), so a 16 GB
 * checkpoint is never held or copied. Opens one `.safetensors` file, a folder with
 * `model.safetensors`, or a sharded checkpoint with `model.safetensors.index.json`.
 */
import { DTYPE_BYTES, type SafetensorsDtype, bf16ToF32, f16ToF32, numel } from './dtypes';
import {
  CheckpointNotFoundError,
  DuplicateTensorError,
  MissingShardError,
  NotAFloatTensorError,
  ReaderClosedError,
  SafetensorsIndexError,
  TensorNotFoundError,
} from './errors';
import { parseHeaderJson, parseHeaderLength } from './header';
import { normalizeTensorKey } from './keys';
import { readText, type CheckpointFiles } from './source';

export const INDEX_FILE = 'model.safetensors.index.json';
export const SINGLE_FILE = 'model.safetensors';

export interface TensorInfo {
  /** Name in the transformers 4.50 layout (see keys.ts). */
  name: string;
  /** Key as stored in the file. */
  key: string;
  dtype: SafetensorsDtype;
  shape: number[];
  /** Where the file holding the tensor lives (absolute path or URL). */
  file: string;
  /** That file's name within the checkpoint. */
  shard: string;
  /** Absolute byte range in that file. */
  byteOffset: number;
  byteLength: number;
}

export interface OpenOptions {
  /** Map `model.visual.*` / `model.language_model.*` to `visual.*` / `model.*` (default true). */
  normalizeKeys?: boolean;
}

interface OpenFile {
  metadata: Record<string, string>;
  tensors: TensorInfo[];
}

async function openOne(files: CheckpointFiles, name: string, normalize: boolean): Promise<OpenFile> {
  const path = files.location(name);
  const size = await files.size(name);
  const prefix = new Uint8Array(8);
  if (size >= 8) await files.readRange(name, 0, prefix);
  const n = parseHeaderLength(path, prefix, size);
  const json = new Uint8Array(n);
  await files.readRange(name, 8, json);
  const header = parseHeaderJson(path, json, size - 8 - n);
  const tensors = header.entries.map((e) => ({
    name: normalize ? normalizeTensorKey(e.key) : e.key,
    key: e.key,
    dtype: e.dtype,
    shape: e.shape,
    file: path,
    shard: name,
    byteOffset: 8 + n + e.begin,
    byteLength: e.end - e.begin,
  }));
  return { metadata: header.metadata, tensors };
}

async function readIndex(files: CheckpointFiles, name: string): Promise<Map<string, string>> {
  const indexPath = files.location(name);
  let raw: unknown;
  try {
    raw = JSON.parse(await readText(files, name));
  } catch (e) {
    throw new SafetensorsIndexError(indexPath, `it is not JSON (${(e as Error).message})`);
  }
  const map = (raw as { weight_map?: unknown } | null)?.weight_map;
  if (!map || typeof map !== 'object')
    throw new SafetensorsIndexError(indexPath, 'it has no weight_map object');
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(map)) {
    if (typeof v !== 'string')
      throw new SafetensorsIndexError(indexPath, `weight_map[${k}] is not a file name`);
    out.set(k, v);
  }
  return out;
}

export class SafetensorsReader {
  private closed = false;

  private constructor(
    /** The file or index that was opened. */
    readonly source: string,
    private readonly files: CheckpointFiles,
    private readonly byName: Map<string, TensorInfo>,
    /** `__metadata__` of the first file (shards of one checkpoint share it). */
    readonly metadata: Record<string, string>,
  ) {}

  /**
   * The checkpoint in `files`: `entry` (an index .json or one .safetensors), else the index when
   * there is one, else model.safetensors. The reader owns `files` and closes it.
   */
  static async openFiles(
    files: CheckpointFiles,
    options: OpenOptions = {},
    entry?: string,
  ): Promise<SafetensorsReader> {
    const normalize = options.normalizeKeys ?? true;
    let index: string | undefined;
    let single: string | undefined;
    if (entry) {
      if (entry.endsWith('.json')) index = entry;
      else single = entry;
    } else if (await files.exists(INDEX_FILE)) index = INDEX_FILE;
    else if (await files.exists(SINGLE_FILE)) single = SINGLE_FILE;
    else throw new CheckpointNotFoundError(files.label);

    const names: string[] = [];
    let weightMap: Map<string, string> | undefined;
    if (index) {
      weightMap = await readIndex(files, index);
      const dir = index.includes('/') ? index.slice(0, index.lastIndexOf('/') + 1) : '';
      for (const shard of new Set(weightMap.values())) {
        if (!(await files.exists(dir + shard))) throw new MissingShardError(files.location(index), shard);
        names.push(dir + shard);
      }
    } else names.push(single as string);

    const byName = new Map<string, TensorInfo>();
    let metadata: Record<string, string> = {};
    for (const [i, f] of names.entries()) {
      const one = await openOne(files, f, normalize);
      if (i === 0) metadata = one.metadata;
      for (const t of one.tensors) {
        if (byName.has(t.name)) throw new DuplicateTensorError(files.location(f), t.name);
        byName.set(t.name, t);
      }
    }
    if (weightMap && index) checkIndexAgainstShards(files.location(index), weightMap, byName);
    return new SafetensorsReader(files.location(index ?? (single as string)), files, byName, metadata);
  }

  /** Every tensor, sorted by name. */
  tensors(): TensorInfo[] {
    return [...this.byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  info(name: string): TensorInfo {
    const t = this.byName.get(name);
    if (!t) throw new TensorNotFoundError(this.source, name);
    return t;
  }

  /** The tensor's bytes exactly as stored (little-endian). */
  async readRaw(name: string): Promise<Uint8Array> {
    const t = this.info(name);
    const out = new Uint8Array(t.byteLength);
    await this.read(t, t.byteOffset, out);
    return out;
  }

  /** The tensor as float32; F16 and BF16 widen exactly. */
  async readF32(name: string): Promise<Float32Array> {
    const t = this.info(name);
    const n = numel(t.shape);
    const out = new Float32Array(n);
    await this.readF32Range(t, 0, out);
    return out;
  }

  /**
   * The tensor as float32 in pieces of at most `maxElements` (row-major order), for tensors
   * too big to hold whole. The yielded array is reused: copy it if it must outlive the step.
   */
  async *readF32Chunks(name: string, maxElements = 1 << 22): AsyncGenerator<Float32Array> {
    const t = this.info(name);
    const n = numel(t.shape);
    const buf = new Float32Array(Math.max(1, Math.min(n, maxElements)));
    for (let start = 0; start < n; start += buf.length) {
      const view = buf.subarray(0, Math.min(buf.length, n - start));
      await this.readF32Range(t, start, view);
      yield view;
    }
  }

  private async readF32Range(t: TensorInfo, start: number, out: Float32Array): Promise<void> {
    const width = DTYPE_BYTES[t.dtype];
    const pos = t.byteOffset + start * width;
    switch (t.dtype) {
      case 'F32':
        await this.read(t, pos, new Uint8Array(out.buffer, out.byteOffset, out.byteLength));
        return;
      case 'F16':
      case 'BF16': {
        const h = new Uint16Array(out.length);
        await this.read(t, pos, new Uint8Array(h.buffer));
        if (t.dtype === 'BF16') bf16ToF32(h, out);
        else f16ToF32(h, out);
        return;
      }
      case 'F64': {
        const d = new Float64Array(out.length);
        await this.read(t, pos, new Uint8Array(d.buffer));
        out.set(d);
        return;
      }
      default:
        throw new NotAFloatTensorError(t.file, t.name, t.dtype);
    }
  }

  private read(t: TensorInfo, position: number, into: Uint8Array): Promise<void> {
    if (this.closed) throw new ReaderClosedError(this.source);
    return this.files.readRange(t.shard, position, into);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.files.close();
  }
}

const baseName = (p: string) => p.slice(p.lastIndexOf('/') + 1);

function checkIndexAgainstShards(
  indexPath: string,
  weightMap: Map<string, string>,
  byName: Map<string, TensorInfo>,
): void {
  const byKey = new Map<string, TensorInfo>();
  for (const t of byName.values()) byKey.set(t.key, t);
  for (const [key, shard] of weightMap) {
    const t = byKey.get(key);
    if (!t || baseName(t.shard) !== baseName(shard)) {
      throw new SafetensorsIndexError(
        indexPath,
        `it places ${key} in ${shard}, but that shard does not hold it`,
      );
    }
  }
}
