/**
 * Safetensors element types and the exact float conversions between them.
 * Pure functions (no Node APIs) so the browser can decode tensors too.
 */

/** Every dtype a safetensors header may name. Only the float ones can be read as float32 or written. */
export const DTYPE_BYTES = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U8: 1,
  BOOL: 1,
} as const;

export type SafetensorsDtype = keyof typeof DTYPE_BYTES;
/** The dtypes the writer can produce from float32 data. */
export type FloatDtype = 'F32' | 'F16' | 'BF16';

export function isSafetensorsDtype(s: unknown): s is SafetensorsDtype {
  return typeof s === 'string' && Object.prototype.hasOwnProperty.call(DTYPE_BYTES, s);
}

export function isFloatDtype(s: string): s is FloatDtype {
  return s === 'F32' || s === 'F16' || s === 'BF16';
}

export function numel(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

// f16 has only 65536 values: a table makes decoding exact and branch-free.
let f16Table: Float32Array | undefined;

function buildF16Table(): Float32Array {
  const t = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = h & 0x8000 ? -1 : 1;
    const exp = (h >> 10) & 0x1f;
    const frac = h & 0x3ff;
    if (exp === 0) t[h] = sign * frac * 2 ** -24;
    else if (exp === 31) t[h] = frac ? NaN : sign * Infinity;
    else t[h] = sign * (1 + frac / 1024) * 2 ** (exp - 15);
  }
  return t;
}

/** Decodes `count` little-endian f16 values (exact: every f16 is representable in f32). */
export function f16ToF32(src: Uint16Array, out: Float32Array = new Float32Array(src.length)): Float32Array {
  const t = (f16Table ??= buildF16Table());
  for (let i = 0; i < src.length; i++) out[i] = t[src[i]];
  return out;
}

/** bf16 is the top half of an f32, so widening is a shift. */
export function bf16ToF32(src: Uint16Array, out: Float32Array = new Float32Array(src.length)): Float32Array {
  const bits = new Uint32Array(out.buffer, out.byteOffset, out.length);
  for (let i = 0; i < src.length; i++) bits[i] = src[i] << 16;
  return out;
}

/** f32 -> bf16, round to nearest even (what torch's .to(bfloat16) does); NaN stays a quiet NaN. */
export function f32ToBf16(src: Float32Array, out: Uint16Array = new Uint16Array(src.length)): Uint16Array {
  const bits = new Uint32Array(src.buffer, src.byteOffset, src.length);
  for (let i = 0; i < src.length; i++) {
    const b = bits[i];
    if ((b & 0x7fffffff) > 0x7f800000) out[i] = (b >>> 16) | 0x40;
    else out[i] = (b + 0x7fff + ((b >>> 16) & 1)) >>> 16;
  }
  return out;
}

/** One f32 bit pattern -> f16 bits, round to nearest even, with subnormals and overflow to infinity. */
export function f32BitsToF16Bits(b: number): number {
  const sign = (b >>> 16) & 0x8000;
  const exp = (b >>> 23) & 0xff;
  const mant = b & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 | (mant >>> 13) : 0);
  const e = exp - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    // Subnormal f16 (or zero): shift the full significand, rounding at the dropped bits.
    if (e < -10) return sign;
    const m = mant | 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    const rest = m & ((1 << shift) - 1);
    let h = m >>> shift;
    if (rest > half || (rest === half && h & 1)) h++;
    return sign | h;
  }
  let h = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  // A carry out of the mantissa correctly bumps the exponent (and may reach infinity).
  if (rest > 0x1000 || (rest === 0x1000 && h & 1)) h++;
  return sign | h;
}

export function f32ToF16(src: Float32Array, out: Uint16Array = new Uint16Array(src.length)): Uint16Array {
  const bits = new Uint32Array(src.buffer, src.byteOffset, src.length);
  for (let i = 0; i < src.length; i++) out[i] = f32BitsToF16Bits(bits[i]);
  return out;
}

/** Little-endian bytes of float32 data encoded as `dtype` (a view when dtype is F32). */
export function encodeF32(src: Float32Array, dtype: FloatDtype): Uint8Array {
  if (dtype === 'F32') return new Uint8Array(src.buffer, src.byteOffset, src.byteLength);
  const h = dtype === 'BF16' ? f32ToBf16(src) : f32ToF16(src);
  return new Uint8Array(h.buffer, h.byteOffset, h.byteLength);
}

/** Decodes little-endian bytes of a float dtype to float32 (a copy; input alignment does not matter). */
export function decodeToF32(bytes: Uint8Array, dtype: FloatDtype | 'F64'): Float32Array {
  const width = DTYPE_BYTES[dtype];
  const n = bytes.byteLength / width;
  if (dtype === 'F32') return new Float32Array(bytes.slice().buffer, 0, n);
  // Typed-array views need aligned offsets; copy when the bytes sit at an odd place.
  const a = bytes.byteOffset % width === 0 ? bytes : bytes.slice();
  if (dtype === 'F64') return Float32Array.from(new Float64Array(a.buffer, a.byteOffset, n));
  const h = new Uint16Array(a.buffer, a.byteOffset, n);
  return dtype === 'BF16' ? bf16ToF32(h) : f16ToF32(h);
}
