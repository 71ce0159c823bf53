/**
 * One image -> the vision encoder's inputs, as the Qwen2.5-VL processor makes them:
 * smart_resize, Pillow BICUBIC, rescale + normalize, patchify.
 */

import { pixelLut, type NormalizeOptions } from './normalize';
import { patchify, type GridThw, type PatchOptions } from './patchify';
import { resizeBicubic } from './pil-bicubic';
import { smartResize, smartResizeCrop, type SmartResizeOptions } from './smart-resize';

import type { RgbImage } from '../../base/types';
export interface PrepareImageOptions extends SmartResizeOptions, PatchOptions, NormalizeOptions {
  /**
   * 'processor': the image processor's smart_resize (the user's image).
   * 'crop': DeepEyes' resize of a zoom crop (`max(28, round(..))`) before the processor,
   * whose own smart_resize then keeps the size.
   */
  rule?: 'processor' | 'crop';
}

export interface PreparedImage {
  /** [gridT * gridH * gridW, 3 * temporal * patch * patch] float32, row-major. */
  pixelValues: Float32Array;
  gridThw: GridThw;
  resizedWidth: number;
  resizedHeight: number;
  /** Merged tokens = `<|image_pad|>` count in the prompt: t * h * w / mergeSize^2. */
  numImageTokens: number;
  /** The resized pixels that were patchified (HWC uint8). */
  resized: RgbImage;
}

let defaultLut: Float32Array | undefined;

export function prepareImage(rgb: RgbImage, opts: PrepareImageOptions = {}): PreparedImage {
  const patchSize = opts.patchSize ?? 14;
  const mergeSize = opts.mergeSize ?? 2;
  const sizing = { ...opts, factor: opts.factor ?? patchSize * mergeSize };
  let resized = rgb;
  if (opts.rule === 'crop') {
    const r = smartResizeCrop(rgb.height, rgb.width, sizing);
    resized = resizeBicubic(resized, r.width, r.height);
  }
  const p = smartResize(resized.height, resized.width, sizing);
  if (p.width !== resized.width || p.height !== resized.height)
    resized = resizeBicubic(resized, p.width, p.height);
  const custom = opts.mean !== undefined || opts.std !== undefined || opts.rescaleFactor !== undefined;
  const lut = custom ? pixelLut(opts) : (defaultLut ??= pixelLut());
  const { pixelValues, gridThw } = patchify(resized, lut, opts);
  return {
    pixelValues,
    gridThw,
    resizedWidth: resized.width,
    resizedHeight: resized.height,
    numImageTokens: (gridThw[0] * gridThw[1] * gridThw[2]) / (mergeSize * mergeSize),
    resized,
  };
}
