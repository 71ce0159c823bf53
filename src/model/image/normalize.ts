/**
 * The processor's rescale + normalize as a [3, 256] float32 lookup table: every uint8 value
 * maps to one float, so pixel_values can be filled by indexing instead of arithmetic.
 * Values are formed as the processor does them: float32(v * (1/255)), then (x - mean) / std
 * with float32 operands and a float32 result at each step (README 'pixel_lut').
 */

export const CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073] as const;
export const CLIP_STD = [0.26862954, 0.26130258, 0.27577711] as const;
/** preprocessor_config rescale_factor: the float64 nearest 1/255. */
export const RESCALE_FACTOR = 1 / 255;

export interface NormalizeOptions {
  mean?: readonly number[];
  std?: readonly number[];
  rescaleFactor?: number;
}

/** lut[c * 256 + v] = normalized value of uint8 v in channel c. */
export function pixelLut(opts: NormalizeOptions = {}): Float32Array {
  const mean = opts.mean ?? CLIP_MEAN;
  const std = opts.std ?? CLIP_STD;
  const scale = opts.rescaleFactor ?? RESCALE_FACTOR;
  const f = Math.fround;
  const lut = new Float32Array(3 * 256);
  for (let c = 0; c < 3; c++) {
    const m = f(mean[c]);
    const s = f(std[c]);
    for (let v = 0; v < 256; v++) lut[c * 256 + v] = f(f(f(v * scale) - m) / s);
  }
  return lut;
}
