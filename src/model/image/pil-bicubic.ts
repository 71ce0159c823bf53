/**
 * Pillow's 8-bit BICUBIC resize, reproduced bit for bit (facts from Pillow src/libImaging/Resample.c):
 * separable convolution with the a = -0.5 cubic, support widened by the downscale factor,
 * coefficients normalized per output pixel in float64 then rounded to 22-bit fixed point,
 * horizontal pass first (only over the rows the vertical pass reads), each pass rounding
 * to uint8 with clipping. The processor feeds the model exactly this, so any other resize
 * (canvas drawImage, a float cubic) changes what the model sees.
 */

import { ImageSizeError } from './errors';

import type { RgbImage } from '../../base/types';
/** 32 - 8 (result) - 2 (headroom for negative lobes and sums above 1) bits of fraction. */
const PRECISION_BITS = 22;
const ONE = 1 << PRECISION_BITS;
const HALF = 1 << (PRECISION_BITS - 1);
const CUBIC_SUPPORT = 2;

function cubic(x: number): number {
  const a = -0.5;
  if (x < 0) x = -x;
  // Same operation order as Pillow so the float64 weights round identically.
  if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
  if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
  return 0;
}

/** Fixed-point taps of one resampling pass: output i reads `count[i]` inputs from `start[i]`. */
export interface ResampleTaps {
  outSize: number;
  /** Stride between the taps of consecutive outputs in `weights`. */
  ksize: number;
  start: Int32Array;
  count: Int32Array;
  weights: Int32Array;
}

export function bicubicTaps(inSize: number, outSize: number): ResampleTaps {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = CUBIC_SUPPORT * filterScale;
  const ksize = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Int32Array(outSize * ksize);
  const pre = new Float64Array(ksize);
  const inv = 1 / filterScale;
  for (let i = 0; i < outSize; i++) {
    const center = (i + 0.5) * scale;
    // C casts truncate toward zero.
    const lo = Math.max(0, Math.trunc(center - support + 0.5));
    const hi = Math.min(inSize, Math.trunc(center + support + 0.5));
    const n = hi - lo;
    let sum = 0;
    for (let x = 0; x < n; x++) {
      const w = cubic((x + lo - center + 0.5) * inv);
      pre[x] = w;
      sum += w;
    }
    const base = i * ksize;
    for (let x = 0; x < n; x++) {
      const w = sum !== 0 ? pre[x] / sum : pre[x];
      weights[base + x] = w < 0 ? Math.trunc(-0.5 + w * ONE) : Math.trunc(0.5 + w * ONE);
    }
    start[i] = lo;
    count[i] = n;
  }
  return { outSize, ksize, start, count, weights };
}

function horizontal(
  src: Uint8Array,
  inW: number,
  rowFirst: number,
  rows: number,
  taps: ResampleTaps,
): Uint8Array {
  const outW = taps.outSize;
  const out = new Uint8Array(outW * rows * 3);
  // Writing an integer into a clamped view is Pillow's clip8 after the shift.
  const clip = new Uint8ClampedArray(out.buffer);
  const { ksize, start, count, weights } = taps;
  for (let y = 0; y < rows; y++) {
    const rowIn = (y + rowFirst) * inW * 3;
    let o = y * outW * 3;
    for (let i = 0; i < outW; i++) {
      const kb = i * ksize;
      const n = count[i];
      let p = rowIn + start[i] * 3;
      let s0 = HALF;
      let s1 = HALF;
      let s2 = HALF;
      for (let x = 0; x < n; x++) {
        const k = weights[kb + x];
        s0 += src[p] * k;
        s1 += src[p + 1] * k;
        s2 += src[p + 2] * k;
        p += 3;
      }
      clip[o] = s0 >> PRECISION_BITS;
      clip[o + 1] = s1 >> PRECISION_BITS;
      clip[o + 2] = s2 >> PRECISION_BITS;
      o += 3;
    }
  }
  return out;
}

function vertical(src: Uint8Array, width: number, rowShift: number, taps: ResampleTaps): Uint8Array {
  const outH = taps.outSize;
  const stride = width * 3;
  const out = new Uint8Array(outH * stride);
  const clip = new Uint8ClampedArray(out.buffer);
  // One accumulator row, filled tap by tap: every read and write walks memory in order.
  const acc = new Int32Array(stride);
  const { ksize, start, count, weights } = taps;
  for (let j = 0; j < outH; j++) {
    const kb = j * ksize;
    const n = count[j];
    const first = (start[j] - rowShift) * stride;
    acc.fill(HALF);
    for (let y = 0; y < n; y++) {
      const k = weights[kb + y];
      const row = first + y * stride;
      for (let c = 0; c < stride; c++) acc[c] += src[row + c] * k;
    }
    const o = j * stride;
    for (let c = 0; c < stride; c++) clip[o + c] = acc[c] >> PRECISION_BITS;
  }
  return out;
}

/** `PIL.Image.resize((width, height), Image.BICUBIC)` of an RGB image. */
export function resizeBicubic(image: RgbImage, width: number, height: number): RgbImage {
  const { width: inW, height: inH, data } = image;
  if (data.length !== inW * inH * 3) {
    throw new ImageSizeError(
      `RGB data has ${data.length} bytes, expected ${inW}x${inH}x3 = ${inW * inH * 3}`,
    );
  }
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new ImageSizeError(`cannot resize to ${width}x${height}`);
  }
  if (width === inW && height === inH) return { width, height, data: data.slice() };
  const vTaps = height !== inH ? bicubicTaps(inH, height) : null;
  let cur = data;
  let rowShift = 0;
  if (width !== inW) {
    // Like Pillow, resample horizontally only the source rows the vertical pass will read.
    const first = vTaps ? vTaps.start[0] : 0;
    const last = vTaps ? vTaps.start[height - 1] + vTaps.count[height - 1] : inH;
    cur = horizontal(cur, inW, first, last - first, bicubicTaps(inW, width));
    rowShift = first;
  }
  if (vTaps) cur = vertical(cur, width, rowShift, vTaps);
  return { width, height, data: cur };
}
