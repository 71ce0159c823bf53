/**
 * Streaming safetensors reader for Node: only headers are parsed up front; tensor bytes are
 * read on demand with positional reads, so a 16 GB checkpoint never sits in memory.
 * Opens one `.safetensors` file, a folder with `model.safetensors`, or a sharded folder with
 * `model.safetensors.index.json`.
 */
import { open, readFile, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { DTYPE_BYTES, type SafetensorsDtype, bf16ToF32, f16ToF32, numel } from './dtypes';
import {
  CheckpointNotFoundError,
  DuplicateTensorError,
  MissingShardError,
  NotAFloatTensorError,
  ReaderClosedError,
  SafetensorsIndexError,
  TensorNotFoundError,
  TruncatedSafetensorsError,
} from './errors';
import { parseHeaderJson, parseHeaderLength } from './header';
import { normalizeTensorKey } from './keys';

export const INDEX_FILE = 'model.safetensors.index.json';
export const SINGLE_FILE = 'model.safetensors';

export interface TensorInfo {
  /** Name in the transformers 4.50 layout (see keys.ts). */
  name: string;
  /** Key as stored in the file. */
  key: string;
  dtype: SafetensorsDtype;
  shape: number[];
  /** Absolute path of the file holding the tensor. */
  file: string;
  /** Absolute byte range in that file. */
  byteOffset: number;
  byteLength: number;
}

export interface OpenOptions {
  /** Map `model.visual.*` / `model.language_model.*` to `visual.*` / `model.*` (default true). */
  normalizeKeys?: boolean;
}

// Keeps each read call well under Node's 2 GiB limit per read().
const MAX_READ = 1 << 30;

async function readFully(fh: FileHandle, into: Uint8Array, position: number, file: string): Promise<void> {
  let done = 0;
  while (done < into.byteLength) {
    const len = Math.min(MAX_READ, into.byteLength - done);
    const { bytesRead } = await fh.read(into, done, len, position + done);
    if (bytesRead === 0)
      throw new TruncatedSafetensorsError(file, `reading stopped at byte ${position + done}`);
    done += bytesRead;
  }
}

interface OpenFile {
  fh: FileHandle;
  metadata: Record<string, string>;
  tensors: TensorInfo[];
}

async function openOne(path: string, normalize: boolean): Promise<OpenFile> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    const prefix = new Uint8Array(8);
    if (size >= 8) await readFully(fh, prefix, 0, path);
    const n = parseHeaderLength(path, prefix, size);
    const json = new Uint8Array(n);
    await readFully(fh, json, 8, path);
    const header = parseHeaderJson(path, json, size - 8 - n);
    const tensors = header.entries.map((e) => ({
      name: normalize ? normalizeTensorKey(e.key) : e.key,
      key: e.key,
      dtype: e.dtype,
      shape: e.shape,
      file: path,
      byteOffset: 8 + n + e.begin,
      byteLength: e.end - e.begin,
    }));
    return { fh, metadata: header.metadata, tensors };
  } catch (e) {
    await fh.close();
    throw e;
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function readIndex(indexPath: string): Promise<Map<string, string>> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(indexPath, 'utf8'));
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
  private constructor(
    /** The file or index that was opened. */
    readonly source: string,
    private readonly handles: Map<string, FileHandle>,
    private readonly byName: Map<string, TensorInfo>,
    /** `__metadata__` of the first file (shards of one checkpoint share it). */
    readonly metadata: Record<string, string>,
  ) {}

  /** `path`: a .safetensors file, an index .json, or a model folder. */
  static async open(path: string, options: OpenOptions = {}): Promise<SafetensorsReader> {
    const normalize = options.normalizeKeys ?? true;
    const abs = resolve(path);
    const st = await stat(abs).catch(() => undefined);
    if (!st) throw new CheckpointNotFoundError(abs);
    let indexPath: string | undefined;
    let single: string | undefined;
    if (st.isDirectory()) {
      if (await exists(join(abs, INDEX_FILE))) indexPath = join(abs, INDEX_FILE);
      else if (await exists(join(abs, SINGLE_FILE))) single = join(abs, SINGLE_FILE);
      else throw new CheckpointNotFoundError(abs);
    } else if (abs.endsWith('.json')) indexPath = abs;
    else single = abs;

    const files: string[] = [];
    let weightMap: Map<string, string> | undefined;
    if (indexPath) {
      weightMap = await readIndex(indexPath);
      const dir = dirname(indexPath);
      for (const shard of new Set(weightMap.values())) {
        const p = join(dir, shard);
        if (!(await exists(p))) throw new MissingShardError(indexPath, shard);
        files.push(p);
      }
    } else files.push(single as string);

    const handles = new Map<string, FileHandle>();
    const byName = new Map<string, TensorInfo>();
    let metadata: Record<string, string> = {};
    try {
      for (const f of files) {
        const one = await openOne(f, normalize);
        handles.set(f, one.fh);
        if (handles.size === 1) metadata = one.metadata;
        for (const t of one.tensors) {
          if (byName.has(t.name)) throw new DuplicateTensorError(f, t.name);
          byName.set(t.name, t);
        }
      }
      if (weightMap && indexPath) checkIndexAgainstShards(indexPath, weightMap, byName);
    } catch (e) {
      await Promise.all([...handles.values()].map((h) => h.close()));
      throw e;
    }
    return new SafetensorsReader(indexPath ?? (single as string), handles, byName, metadata);
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
    await readFully(this.handle(t), out, t.byteOffset, t.file);
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
    const fh = this.handle(t);
    const width = DTYPE_BYTES[t.dtype];
    const pos = t.byteOffset + start * width;
    switch (t.dtype) {
      case 'F32':
        await readFully(fh, new Uint8Array(out.buffer, out.byteOffset, out.byteLength), pos, t.file);
        return;
      case 'F16':
      case 'BF16': {
        const h = new Uint16Array(out.length);
        await readFully(fh, new Uint8Array(h.buffer), pos, t.file);
        if (t.dtype === 'BF16') bf16ToF32(h, out);
        else f16ToF32(h, out);
        return;
      }
      case 'F64': {
        const d = new Float64Array(out.length);
        await readFully(fh, new Uint8Array(d.buffer), pos, t.file);
        out.set(d);
        return;
      }
      default:
        throw new NotAFloatTensorError(t.file, t.name, t.dtype);
    }
  }

  private handle(t: TensorInfo): FileHandle {
    const fh = this.handles.get(t.file);
    if (!fh) throw new ReaderClosedError(this.source);
    return fh;
  }

  async close(): Promise<void> {
    const hs = [...this.handles.values()];
    this.handles.clear();
    await Promise.all(hs.map((h) => h.close()));
  }
}

function checkIndexAgainstShards(
  indexPath: string,
  weightMap: Map<string, string>,
  byName: Map<string, TensorInfo>,
): void {
  const byKey = new Map<string, TensorInfo>();
  for (const t of byName.values()) byKey.set(t.key, t);
  for (const [key, shard] of weightMap) {
    const t = byKey.get(key);
    if (!t || basename(t.file) !== basename(shard)) {
      throw new SafetensorsIndexError(
        indexPath,
        `it places ${key} in ${shard}, but that shard does not hold it`,
      );
    }
  }
}
