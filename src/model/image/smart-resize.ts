/**
 * smart_resize of Qwen2.5-VL (spec: deepeyes-protocol.md "Image preprocessing") and the DeepEyes
 * crop variant. Integer sizes divisible by `factor`, area within [minPixels, maxPixels], aspect kept.
 */
import { AspectRatioError, ImageSizeError } from './errors';

export interface SmartResizeOptions {
  factor?: number;
  minPixels?: number;
  maxPixels?: number;
}

/** Which rule decided the size: rounding, the max_pixels downscale, or the min_pixels upscale. */
export type SmartResizeBranch = 'round' | 'max' | 'min';

export interface SmartResizeResult {
  height: number;
  width: number;
  branch: SmartResizeBranch;
}

export const SMART_RESIZE_DEFAULTS = { factor: 28, minPixels: 3136, maxPixels: 12845056 } as const;
export const MAX_ASPECT_RATIO = 200;

/** Python 3 `round(x)`: ties go to the even integer (JS Math.round sends them up). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  if (Math.abs(x - Math.trunc(x)) === 0.5) return 2 * Math.round(x / 2);
  return r;
}

function checked(height: number, width: number): void {
  if (!Number.isInteger(height) || !Number.isInteger(width) || height <= 0 || width <= 0) {
    throw new ImageSizeError(`image size ${width}x${height} is not a positive integer size`);
  }
  if (Math.max(height, width) / Math.min(height, width) > MAX_ASPECT_RATIO) {
    throw new AspectRatioError(height, width, MAX_ASPECT_RATIO);
  }
}

function resize(
  height: number,
  width: number,
  opts: SmartResizeOptions,
  floorAtFactor: boolean,
): SmartResizeResult {
  const { factor, minPixels, maxPixels } = { ...SMART_RESIZE_DEFAULTS, ...opts };
  checked(height, width);
  const lift = (v: number) => (floorAtFactor ? Math.max(factor, v) : v);
  let h = lift(roundHalfEven(height / factor) * factor);
  let w = lift(roundHalfEven(width / factor) * factor);
  if (h * w > maxPixels) {
    const beta = Math.sqrt((height * width) / maxPixels);
    h = Math.max(factor, Math.floor(height / beta / factor) * factor);
    w = Math.max(factor, Math.floor(width / beta / factor) * factor);
    return { height: h, width: w, branch: 'max' };
  }
  if (h * w < minPixels) {
    const beta = Math.sqrt(minPixels / (height * width));
    h = Math.ceil((height * beta) / factor) * factor;
    w = Math.ceil((width * beta) / factor) * factor;
    return { height: h, width: w, branch: 'min' };
  }
  return { height: h, width: w, branch: 'round' };
}

/** The processor's smart_resize (transformers Qwen2VLImageProcessor), Python rounding. */
export function smartResize(height: number, width: number, opts: SmartResizeOptions = {}): SmartResizeResult {
  return resize(height, width, opts, false);
}

/**
 * DeepEyes' eval-time resize of a crop (qwen_vl_utils): the rounded side is at least `factor`
 * (`max(28, round(..))`). Symmetric in (height, width), so DeepEyes' swapped call is harmless.
 */
export function smartResizeCrop(
  height: number,
  width: number,
  opts: SmartResizeOptions = {},
): SmartResizeResult {
  return resize(height, width, opts, true);
}
