/**
 * Reader for a directory in the golden format (see test/golden/public/README.md):
 * raw little-endian C-order arrays described by manifest.json, plus text/JSON side files.
 * Used by the golden CLI and by tests; Node only.
 */
import { readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export type GoldenDtype = 'uint8' | 'int64' | 'float32' | 'float64';

export interface GoldenArrayInfo {
  file: string;
  dtype: GoldenDtype;
  shape: number[];
  sha256: string;
  note?: string;
}

export interface GoldenArray<T> {
  data: T;
  shape: number[];
}

export interface GoldenCase {
  question: string;
  options?: string[];
  assistant_text: string;
  tool_call: { name: string; arguments: { bbox_2d: number[]; label?: string } };
  greedy_tokens_per_turn: number;
}

export class GoldenSet {
  readonly manifest: {
    scored_positions: string[];
    files: Record<string, { file: string; bytes: number; sha256: string }>;
    arrays: Record<string, GoldenArrayInfo>;
  };

  constructor(readonly dir: string) {
    if (!existsSync(join(dir, 'manifest.json'))) {
      throw new Error(`${dir} is not a golden set: it has no manifest.json`);
    }
    this.manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  }

  /** The public set, copied into the repository from the reference implementation's outputs. */
  static publicSet(): GoldenSet {
    return new GoldenSet(resolve(import.meta.dirname, '../golden/public'));
  }

  text(name: string): string {
    return readFileSync(join(this.dir, name), 'utf8');
  }

  json<T = unknown>(name: string): T {
    return JSON.parse(this.text(name)) as T;
  }

  bytes(name: string): Uint8Array {
    return new Uint8Array(readFileSync(join(this.dir, name)));
  }

  get salt(): string {
    return this.text('salt.txt').trim();
  }

  get case(): GoldenCase {
    return this.json<GoldenCase>('case.json');
  }

  info(name: string): GoldenArrayInfo {
    const info = this.manifest.arrays[name];
    if (!info) throw new Error(`golden array ${name} is not in ${this.dir}/manifest.json`);
    return info;
  }

  private raw(name: string): { buf: ArrayBuffer; info: GoldenArrayInfo } {
    const info = this.info(name);
    const b = readFileSync(join(this.dir, info.file));
    const buf = b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
    return { buf, info };
  }

  u8(name: string): GoldenArray<Uint8Array> {
    const { buf, info } = this.raw(name);
    return { data: new Uint8Array(buf), shape: info.shape };
  }

  f32(name: string): GoldenArray<Float32Array> {
    const { buf, info } = this.raw(name);
    return { data: new Float32Array(buf), shape: info.shape };
  }

  f64(name: string): GoldenArray<Float64Array> {
    const { buf, info } = this.raw(name);
    return { data: new Float64Array(buf), shape: info.shape };
  }

  /** int64 arrays as plain numbers (every value in these sets fits in 2^53). */
  i64(name: string): GoldenArray<number[]> {
    const { buf, info } = this.raw(name);
    return { data: Array.from(new BigInt64Array(buf), Number), shape: info.shape };
  }
}
