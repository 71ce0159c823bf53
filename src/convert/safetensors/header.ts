/**
 * The safetensors header: an 8-byte little-endian length N, then N bytes of JSON
 * `{"__metadata__":{...}, NAME: {"dtype", "shape", "data_offsets": [begin, end]}}` with offsets
 * relative to the data that follows. Pure functions, shared by the Node reader and writer.
 */
import { DTYPE_BYTES, type SafetensorsDtype, isSafetensorsDtype, numel } from './dtypes';
import {
  SafetensorsHeaderError,
  TensorOffsetsError,
  TruncatedSafetensorsError,
  UnknownDtypeError,
} from './errors';

/** The reference implementation refuses headers above 100 MB; a larger prefix means "not safetensors". */
export const MAX_HEADER_BYTES = 100_000_000;

export interface HeaderEntry {
  /** The key exactly as stored in the file. */
  key: string;
  dtype: SafetensorsDtype;
  shape: number[];
  /** Offsets relative to the first data byte (8 + header length). */
  begin: number;
  end: number;
}

export interface ParsedHeader {
  headerBytes: number;
  metadata: Record<string, string>;
  entries: HeaderEntry[];
}

/** Reads the length prefix; `fileBytes` is the whole file's size. */
export function parseHeaderLength(file: string, prefix: Uint8Array, fileBytes: number): number {
  if (fileBytes < 8 || prefix.byteLength < 8) {
    throw new TruncatedSafetensorsError(
      file,
      `it has ${fileBytes} bytes, fewer than the 8-byte header length`,
    );
  }
  const n = new DataView(prefix.buffer, prefix.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER_BYTES)) {
    throw new SafetensorsHeaderError(
      file,
      `the length prefix says ${n} header bytes (limit ${MAX_HEADER_BYTES})`,
    );
  }
  const len = Number(n);
  if (8 + len > fileBytes) {
    throw new TruncatedSafetensorsError(
      file,
      `the header needs ${len} bytes after the prefix but the file has only ${fileBytes - 8}`,
    );
  }
  return len;
}

function isNonNegInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/**
 * Parses and checks the header JSON. `dataBytes` is the number of bytes after the header;
 * offsets beyond it mean the file was cut short.
 */
export function parseHeaderJson(file: string, json: Uint8Array, dataBytes: number): ParsedHeader {
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(json));
  } catch (e) {
    throw new SafetensorsHeaderError(file, `the header is not UTF-8 JSON (${(e as Error).message})`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new SafetensorsHeaderError(file, 'the header JSON is not an object');
  }
  const metadata: Record<string, string> = {};
  const entries: HeaderEntry[] = [];
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (key === '__metadata__') {
      if (value === null || typeof value !== 'object') {
        throw new SafetensorsHeaderError(file, '__metadata__ is not an object');
      }
      for (const [k, v] of Object.entries(value)) metadata[k] = String(v);
      continue;
    }
    entries.push(parseEntry(file, key, value));
  }
  checkOffsets(file, entries, dataBytes);
  return { headerBytes: json.byteLength, metadata, entries };
}

function parseEntry(file: string, key: string, value: unknown): HeaderEntry {
  if (value === null || typeof value !== 'object') {
    throw new SafetensorsHeaderError(file, `entry ${key} is not an object`);
  }
  const { dtype, shape, data_offsets: offsets } = value as Record<string, unknown>;
  if (!isSafetensorsDtype(dtype)) throw new UnknownDtypeError(file, key, String(dtype));
  if (!Array.isArray(shape) || !shape.every(isNonNegInt)) {
    throw new SafetensorsHeaderError(file, `entry ${key} has shape ${JSON.stringify(shape)}`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isNonNegInt)) {
    throw new TensorOffsetsError(file, key, `expected [begin, end], got ${JSON.stringify(offsets)}`);
  }
  const [begin, end] = offsets as [number, number];
  const expected = numel(shape) * DTYPE_BYTES[dtype];
  if (end < begin || end - begin !== expected) {
    throw new TensorOffsetsError(
      file,
      key,
      `[${begin}, ${end}] spans ${end - begin} bytes but ${dtype} ${JSON.stringify(shape)} needs ${expected}`,
    );
  }
  return { key, dtype, shape: shape as number[], begin, end };
}

function checkOffsets(file: string, entries: HeaderEntry[], dataBytes: number): void {
  const byBegin = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let prev: HeaderEntry | undefined;
  for (const e of byBegin) {
    if (prev && e.begin < prev.end) {
      throw new TensorOffsetsError(file, e.key, `its bytes overlap those of ${prev.key}`);
    }
    prev = e;
  }
  const last = byBegin[byBegin.length - 1];
  if (last && last.end > dataBytes) {
    throw new TruncatedSafetensorsError(
      file,
      `tensor ${last.key} ends at data byte ${last.end} but only ${dataBytes} data bytes follow the header`,
    );
  }
}

export interface HeaderTensor {
  name: string;
  dtype: SafetensorsDtype;
  shape: readonly number[];
}

/**
 * Builds the header the way safetensors' `serialize` does for same-dtype tensors: metadata
 * first, tensors in the given order laid out back to back, compact JSON, padded with spaces
 * so that the data starts at a multiple of 8. Returns the prefix + JSON bytes and each
 * tensor's [begin, end).
 */
export function buildHeader(
  tensors: readonly HeaderTensor[],
  metadata: Record<string, string> | undefined,
): { bytes: Uint8Array; offsets: [number, number][]; dataBytes: number } {
  const obj: Record<string, unknown> = {};
  if (metadata) obj.__metadata__ = metadata;
  const offsets: [number, number][] = [];
  let pos = 0;
  for (const t of tensors) {
    const len = numel(t.shape) * DTYPE_BYTES[t.dtype];
    offsets.push([pos, pos + len]);
    obj[t.name] = { dtype: t.dtype, shape: [...t.shape], data_offsets: [pos, pos + len] };
    pos += len;
  }
  const json = new TextEncoder().encode(JSON.stringify(obj));
  const padded = Math.ceil(json.byteLength / 8) * 8;
  const bytes = new Uint8Array(8 + padded).fill(0x20, 8);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(padded), true);
  bytes.set(json, 8);
  return { bytes, offsets, dataBytes: pos };
}
