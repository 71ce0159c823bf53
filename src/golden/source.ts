/**
 * A golden set read asynchronously, so the same checks run in Node (files) and in a browser (fetch).
 * Format: test/golden/public/README.md (manifest.json + raw little-endian C-order arrays).
 */
export interface GoldenManifest {
  scored_positions: string[];
  files: Record<string, { file: string; bytes: number; sha256: string }>;
  arrays: Record<string, { file: string; dtype: string; shape: number[]; sha256: string }>;
}

export interface GoldenSource {
  readonly id: string;
  bytes(file: string): Promise<Uint8Array>;
}

export interface GoldenArrays {
  manifest: GoldenManifest;
  bytes(file: string): Promise<Uint8Array>;
  text(file: string): Promise<string>;
  json<T>(file: string): Promise<T>;
  u8(name: string): Promise<{ data: Uint8Array; shape: number[] }>;
  f32(name: string): Promise<{ data: Float32Array; shape: number[] }>;
  f64(name: string): Promise<{ data: Float64Array; shape: number[] }>;
  i64(name: string): Promise<{ data: number[]; shape: number[] }>;
  has(name: string): boolean;
}

function aligned(b: Uint8Array): ArrayBuffer {
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

export async function openGolden(src: GoldenSource): Promise<GoldenArrays> {
  const dec = new TextDecoder();
  const manifest = JSON.parse(dec.decode(await src.bytes('manifest.json'))) as GoldenManifest;
  const raw = async (name: string) => {
    const info = manifest.arrays[name];
    if (!info) throw new Error(`golden set ${src.id} has no array ${name}`);
    return { buf: aligned(await src.bytes(info.file)), shape: info.shape };
  };
  return {
    manifest,
    bytes: (file) => src.bytes(file),
    text: async (file) => dec.decode(await src.bytes(file)),
    json: async (file) => JSON.parse(dec.decode(await src.bytes(file))),
    u8: async (n) => {
      const r = await raw(n);
      return { data: new Uint8Array(r.buf), shape: r.shape };
    },
    f32: async (n) => {
      const r = await raw(n);
      return { data: new Float32Array(r.buf), shape: r.shape };
    },
    f64: async (n) => {
      const r = await raw(n);
      return { data: new Float64Array(r.buf), shape: r.shape };
    },
    i64: async (n) => {
      const r = await raw(n);
      return { data: Array.from(new BigInt64Array(r.buf), Number), shape: r.shape };
    },
    has: (n) => n in manifest.arrays,
  };
}

export function urlGoldenSource(baseUrl: string): GoldenSource {
  const base = baseUrl.endsWith('/') ? baseUrl : baseUrl + '/';
  return {
    id: baseUrl,
    async bytes(file) {
      const r = await fetch(new URL(file, base));
      if (!r.ok) throw new Error(`golden file ${file}: HTTP ${r.status}`);
      return new Uint8Array(await r.arrayBuffer());
    },
  };
}
