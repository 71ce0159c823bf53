/**
 * A WeightSink that appends initializers to `X.onnx_data`, `X.onnx_data_1`, … beside `X.onnx`.
 * Browsers cap an ArrayBuffer near 2 GB, so a chunk rolls over before it would pass the limit
 * (default 1 GiB); offsets are 16-byte aligned; tensors under 1 KB stay inside the .onnx file.
 * Writes are synchronous (the GraphBuilder's sink interface is), one tensor at a time.
 *
 * Resume: constructed with the pieces a previous run recorded, the sink answers their
 * locations without writing, truncates the last chunk to the end of the last recorded piece
 * (dropping a half-written tensor) and appends after it, so the files come out byte-identical
 * to an uninterrupted run.
 */
import { DeepEyesError } from '../base/errors';
import type { ExternalLocation, WeightSink } from './onnx/builder';
import { NodeOutputFolder } from './node-output';
import { joinPath, type ByteFile, type OutputFolder } from './output';

export const DEFAULT_CHUNK_LIMIT = 1 << 30;
/** A chunk must stay below 2 GB (2^31 bytes): ArrayBuffer and protobuf limits. */
export const HARD_CHUNK_LIMIT = 2 ** 31 - 1;
export const DEFAULT_INLINE_BELOW = 1024;
export const EXTERNAL_ALIGN = 16;

export interface PlacedPiece extends ExternalLocation {
  name: string;
}

export interface ExternalDataOptions {
  /** Folder of the .onnx file (the external files go beside it): within `folder`, else a local path. */
  dir: string;
  /** Where files go (Node files or OPFS); default: the local file system. */
  folder?: OutputFolder;
  /** The .onnx file name, e.g. `decoder_model_merged_q4.onnx`. */
  modelFile: string;
  chunkLimit?: number;
  inlineBelow?: number;
  /** Pieces written by an interrupted run, in the order they were written. */
  restored?: PlacedPiece[];
}

export class TensorTooLargeError extends DeepEyesError {
  constructor(name: string, bytes: number) {
    super(
      'tensor_too_large',
      `tensor ${name} needs ${bytes} bytes, more than one external-data chunk may hold (< 2 GB). ` +
        `Convert with a smaller dtype (q4 / q4f16) for this model.`,
    );
    this.name = 'TensorTooLargeError';
  }
}

export class ChunkLimitError extends DeepEyesError {
  constructor(limit: number) {
    super(
      'chunk_limit',
      `external-data chunk limit ${limit} must be positive and below 2^31 bytes; use the default (1 GiB).`,
    );
    this.name = 'ChunkLimitError';
  }
}

/** `X.onnx_data` for chunk 0, `X.onnx_data_N` after. */
export function chunkFileName(modelFile: string, index: number): string {
  return index === 0 ? `${modelFile}_data` : `${modelFile}_data_${index}`;
}

function chunkIndex(modelFile: string, location: string): number {
  if (location === `${modelFile}_data`) return 0;
  const m = location.slice(`${modelFile}_data_`.length);
  return Number(m);
}

export class ExternalDataSink implements WeightSink {
  private readonly placedMap = new Map<string, PlacedPiece>();
  private readonly restored = new Map<string, PlacedPiece>();
  private readonly limit: number;
  private readonly inlineBelow: number;
  private index = 0;
  private offset = 0;
  private fd: ByteFile | undefined;
  private maxPiece = 0;
  private readonly folder: OutputFolder;

  constructor(private readonly opts: ExternalDataOptions) {
    this.limit = opts.chunkLimit ?? DEFAULT_CHUNK_LIMIT;
    if (!(this.limit > 0 && this.limit <= HARD_CHUNK_LIMIT)) throw new ChunkLimitError(this.limit);
    this.inlineBelow = opts.inlineBelow ?? DEFAULT_INLINE_BELOW;
    this.folder = opts.folder ?? new NodeOutputFolder('/');
    for (const p of opts.restored ?? []) this.restored.set(p.name, p);
    this.prepareFiles(opts.restored ?? []);
  }

  /** Removes stale chunks, or (resume) cuts the last chunk back to the last recorded piece. */
  private prepareFiles(restored: PlacedPiece[]): void {
    let lastIndex = -1;
    for (const p of restored) lastIndex = Math.max(lastIndex, chunkIndex(this.opts.modelFile, p.location));
    let end = 0;
    for (const p of restored) {
      if (chunkIndex(this.opts.modelFile, p.location) === lastIndex) end = Math.max(end, p.offset + p.length);
    }
    const prefix = `${this.opts.modelFile}_data`;
    for (const f of this.folder.list(this.opts.dir)) {
      if (f !== prefix && !f.startsWith(`${prefix}_`)) continue;
      if (chunkIndex(this.opts.modelFile, f) > lastIndex) this.folder.remove(joinPath(this.opts.dir, f));
    }
    if (lastIndex >= 0) {
      this.index = lastIndex;
      this.fd = this.folder.open(
        joinPath(this.opts.dir, chunkFileName(this.opts.modelFile, lastIndex)),
        'keep',
      );
      this.fd.truncate(end);
      this.offset = end;
    }
  }

  place(name: string, bytes: Uint8Array): ExternalLocation | undefined {
    const known = this.restored.get(name);
    if (known) {
      if (known.length !== bytes.byteLength) {
        throw new Error(
          `resume: ${name} was ${known.length} bytes, now ${bytes.byteLength}; delete the output folder`,
        );
      }
      this.record(known);
      return { location: known.location, offset: known.offset, length: known.length };
    }
    if (bytes.byteLength < this.inlineBelow) return undefined;
    if (bytes.byteLength > HARD_CHUNK_LIMIT) throw new TensorTooLargeError(name, bytes.byteLength);
    let at = Math.ceil(this.offset / EXTERNAL_ALIGN) * EXTERNAL_ALIGN;
    if (this.fd !== undefined && at > 0 && at + bytes.byteLength > this.limit) {
      this.roll();
      at = 0;
    }
    if (this.fd === undefined)
      this.fd = this.folder.open(joinPath(this.opts.dir, this.currentFile), 'create');
    if (at > this.offset) this.fd.write(new Uint8Array(at - this.offset), this.offset);
    this.fd.write(bytes, at);
    this.offset = at + bytes.byteLength;
    const p: PlacedPiece = { name, location: this.currentFile, offset: at, length: bytes.byteLength };
    this.record(p);
    return { location: p.location, offset: p.offset, length: p.length };
  }

  private record(p: PlacedPiece): void {
    this.placedMap.set(p.name, p);
    this.maxPiece = Math.max(this.maxPiece, p.length);
  }

  private get currentFile(): string {
    return chunkFileName(this.opts.modelFile, this.index);
  }

  private roll(): void {
    this.fd?.close();
    this.fd = undefined;
    this.index++;
    this.offset = 0;
  }

  /** Where `name` went, when it went to external data. */
  location(name: string): PlacedPiece | undefined {
    return this.placedMap.get(name);
  }

  /** The largest external piece, in bytes. */
  get largestPiece(): number {
    return this.maxPiece;
  }

  /** External files in use (names relative to the .onnx folder). */
  files(): string[] {
    const used = new Set([...this.placedMap.values()].map((p) => p.location));
    return [...used].sort((a, b) => chunkIndex(this.opts.modelFile, a) - chunkIndex(this.opts.modelFile, b));
  }

  close(): void {
    this.fd?.close();
    this.fd = undefined;
  }
}
