/**
 * Symmetric blockwise int4 quantization in the exact form onnxruntime produces for
 * com.microsoft.MatMulNBits (bits 4, no zero_points input) and GatherBlockQuantized.
 *
 * The rule, read from onnxruntime's MLAS `BlockwiseQuantizer<T, block, 4, Columnwise=true>
 * ::quantizeAndTranspose` and `range2scale` (onnxruntime/core/mlas/lib/q4_dq.cpp; reached from
 * python/tools/quantization/matmul_4bits_quantizer.py -> quantize_matmul_4bits -> MlasQuantizeBlockwise
 * with zero_points = nullptr when is_symmetric), for one block of up to 32 consecutive K values of
 * one output column n:
 *   1. min/max over the block (float32; start at +FLT_MAX / -FLT_MAX).
 *   2. m = |max| > |min| ? max : min   (a tie keeps min, the negative one)
 *      scale = T(-m / 8)                (T = the scale type: float32, or float16 round-to-nearest-even)
 *      The sign is deliberate: the value of largest magnitude lands on nibble 0 (= -8 after the zero
 *      point), so the wider negative half of int4 is the one used. An all-zero block gets scale -0.
 *   3. rs = scale != 0 ? 1.0f / float(scale) : 0
 *      q = clamp(roundf(v * rs + 8), 0, 15)  -- float32 multiply, float32 add of the zero point 8,
 *      then roundf (half away from zero). Adding 8 before rounding matters for ties: v*rs = -0.5
 *      gives roundf(7.5) = 8, not round(-0.5) + 8 = 7.
 *   4. Packing: B[n, block, j] = q[2j] | q[2j+1] << 4 (low nibble first); scales[n, block].
 *      A last partial block (K % 32 != 0) scans only its real values; the bytes past K are left 0
 *      (onnxruntime writes into a zeroed buffer and never touches them).
 *   Dequantization: w = (q - 8) * scale in float32.
 * JS doubles give the float32 results exactly here: for +, -, *, / on float32 inputs, rounding the
 * double result to float32 equals the correctly rounded float32 operation (53 >= 2*24 + 2 bits).
 */
import { f16ToF32, f32BitsToF16Bits } from '../safetensors/dtypes';

export const Q4_BLOCK = 32;
/** Bytes per block: 32 nibbles. */
export const Q4_BLOB = Q4_BLOCK / 2;
const ZERO_POINT = 8;
const FLT_MAX = 3.4028234663852886e38;

export type ScaleType = 'float32' | 'float16';

export interface Q4Tensor {
  /** Rows (MatMulNBits N: output features; GatherBlockQuantized: table rows). */
  n: number;
  /** Quantized length of each row (MatMulNBits K). */
  k: number;
  kBlocks: number;
  /** [n, kBlocks, 16] packed nibbles. */
  data: Uint8Array;
  scaleType: ScaleType;
  /** [n, kBlocks]: float32 values, or float16 bit patterns. */
  scales: Float32Array | Uint16Array;
}

export interface QuantError {
  maxAbs: number;
  /** sqrt(sum (w - dq)^2 / sum w^2); 0 for an all-zero tensor. */
  relRms: number;
}

export function q4Blocks(k: number): number {
  return Math.ceil(k / Q4_BLOCK);
}

function roundHalfAway(x: number): number {
  return x < 0 ? -Math.floor(-x + 0.5) : Math.floor(x + 0.5);
}

const f32Scratch = new Float32Array(1);
const u32Scratch = new Uint32Array(f32Scratch.buffer);
const f16Lut = f16ToF32(Uint16Array.from({ length: 65536 }, (_, i) => i));

/** float32 -> float16 bits, round to nearest even (what MLFloat16(float) does). */
function f16Bits(x: number): number {
  f32Scratch[0] = x;
  return f32BitsToF16Bits(u32Scratch[0]);
}

/** An empty quantized tensor, to be filled row block by row block with quantizeRowsInto(). */
export function allocQ4(n: number, k: number, scaleType: ScaleType = 'float32'): Q4Tensor {
  const kBlocks = q4Blocks(k);
  return {
    n,
    k,
    kBlocks,
    data: new Uint8Array(n * kBlocks * Q4_BLOB),
    scaleType,
    scales: scaleType === 'float16' ? new Uint16Array(n * kBlocks) : new Float32Array(n * kBlocks),
  };
}

/** Running quantization error over the chunks of one tensor. */
export class QuantErrorMeter {
  private maxAbs = 0;
  private err2 = 0;
  private ref2 = 0;

  add(w: number, dq: number): void {
    const d = Math.abs(w - dq);
    if (d > this.maxAbs) this.maxAbs = d;
    this.err2 += d * d;
    this.ref2 += w * w;
  }

  result(): QuantError {
    return { maxAbs: this.maxAbs, relRms: this.ref2 > 0 ? Math.sqrt(this.err2 / this.ref2) : 0 };
  }
}

/**
 * Quantizes whole rows `values` (row-major [rows, k]) into rows rowStart.. of `t`, so a tensor
 * can be streamed from the checkpoint in pieces. `meter` (optional) sees every source value and
 * its dequantized value. With float16 scales the inputs are first rounded to float16, as
 * onnxruntime would see an fp16 model's weights.
 */
export function quantizeRowsInto(
  t: Q4Tensor,
  rowStart: number,
  values: Float32Array,
  meter?: QuantErrorMeter,
): void {
  const { k, kBlocks, data, scales } = t;
  if (values.length % k !== 0)
    throw new RangeError(`quantizeRowsInto: ${values.length} values are not whole rows of ${k}`);
  const rows = values.length / k;
  if (rowStart + rows > t.n) throw new RangeError(`quantizeRowsInto: rows ${rowStart}+${rows} exceed ${t.n}`);
  const half = t.scaleType === 'float16';
  const block = new Float32Array(Q4_BLOCK);
  for (let r = 0; r < rows; r++) {
    for (let b = 0; b < kBlocks; b++) {
      const start = b * Q4_BLOCK;
      const len = Math.min(Q4_BLOCK, k - start);
      let min = FLT_MAX;
      let max = -FLT_MAX;
      for (let i = 0; i < len; i++) {
        const raw = values[r * k + start + i];
        const v = half ? f16Lut[f16Bits(raw)] : raw;
        block[i] = v;
        if (v < min) min = v;
        if (v > max) max = v;
      }
      const m = Math.abs(max) > Math.abs(min) ? max : min;
      const s32 = Math.fround(-m / 8);
      const slot = (rowStart + r) * kBlocks + b;
      let scale: number;
      if (half) {
        const bits = f16Bits(s32);
        scales[slot] = bits;
        scale = f16Lut[bits];
      } else {
        scales[slot] = s32;
        scale = s32;
      }
      const rs = scale !== 0 ? Math.fround(1 / scale) : 0;
      const out = slot * Q4_BLOB;
      for (let i = 0; i < len; i++) {
        const x = Math.fround(Math.fround(block[i] * rs) + ZERO_POINT);
        const q = Math.min(15, Math.max(0, roundHalfAway(x)));
        data[out + (i >> 1)] |= i & 1 ? q << 4 : q;
        if (meter) meter.add(values[r * k + start + i], Math.fround((q - ZERO_POINT) * scale));
      }
    }
  }
}

/**
 * Quantizes `w`, row-major [n, k] (a torch Linear weight [out, in] as stored in the checkpoint,
 * which is exactly MatMulNBits' B transposed), block by block along k.
 */
export function quantizeQ4(
  w: Float32Array,
  n: number,
  k: number,
  scaleType: ScaleType = 'float32',
): Q4Tensor {
  if (w.length !== n * k) throw new RangeError(`quantizeQ4: ${w.length} values do not form [${n}, ${k}]`);
  const t = allocQ4(n, k, scaleType);
  quantizeRowsInto(t, 0, w);
  return t;
}

export function scalesAsF32(t: Q4Tensor): Float32Array {
  return t.scales instanceof Uint16Array ? f16ToF32(t.scales) : t.scales;
}

/** The float32 matrix [n, k] that the quantized tensor stands for: (q - 8) * scale. */
export function dequantizeQ4(t: Q4Tensor): Float32Array {
  const out = new Float32Array(t.n * t.k);
  const scales = scalesAsF32(t);
  for (let r = 0; r < t.n; r++) {
    for (let i = 0; i < t.k; i++) {
      const b = i >> 5;
      const byte = t.data[(r * t.kBlocks + b) * Q4_BLOB + ((i & 31) >> 1)];
      const q = i & 1 ? byte >> 4 : byte & 15;
      out[r * t.k + i] = Math.fround((q - ZERO_POINT) * scales[r * t.kBlocks + b]);
    }
  }
  return out;
}

/** Error of the quantized tensor against the float32 source values it came from. */
export function quantError(w: Float32Array, t: Q4Tensor): QuantError {
  const dq = dequantizeQ4(t);
  const meter = new QuantErrorMeter();
  for (let i = 0; i < w.length; i++) meter.add(w[i], dq[i]);
  return meter.result();
}
