/**
 * Geometry of the zoom-in tool (DeepEyes VisualToolBoxV2 rules). The model writes
 * `bbox_2d` = [x1, y1, x2, y2] in pixels of the image it saw; the crop is always cut from the
 * ORIGINAL image. A bad box is an ordinary outcome of generation, so it comes back as a value,
 * never as an exception.
 */

import { ImageSizeError } from '../../model/image/errors';
import {
  roundHalfEven,
  smartResize,
  smartResizeCrop,
  type SmartResizeOptions,
} from '../../model/image/smart-resize';
import { resizeBicubic } from '../../model/image/pil-bicubic';

import type { Box, RgbImage } from '../../base/types';
/** How the model's pixel space relates to the original image. */
export interface ZoomFrame {
  /** Original image size: crops are cut from it. */
  width: number;
  height: number;
  /** Size of the image the model saw (after smart_resize). */
  seenWidth: number;
  seenHeight: number;
  /**
   * True when smart_resize shrank the original (max_pixels branch): the box is then in the
   * seen image's pixels and is scaled by original/seen. Otherwise it is taken as original
   * pixels, as DeepEyes was trained (the small rounding to multiples of 28 is ignored).
   */
  downscaled: boolean;
}

export function zoomFrame(width: number, height: number, opts: SmartResizeOptions = {}): ZoomFrame {
  const r = smartResize(height, width, opts);
  return { width, height, seenWidth: r.width, seenHeight: r.height, downscaled: r.branch === 'max' };
}

export type ZoomRejectReason =
  'not_four_numbers' | 'not_finite' | 'empty_or_inverted' | 'aspect_ratio' | 'too_small';

export type ZoomBoxResult =
  | {
      ok: true;
      /** Clamped box in original pixels (may be fractional). */
      box: Box;
      /** Integer rectangle PIL's crop uses for `box` (Python round of each side). */
      rect: Box;
      /** Whether the model's box was scaled from the seen image to the original. */
      scaled: boolean;
    }
  | { ok: false; reason: ZoomRejectReason; message: string };

/** Training rules: x1 < x2, y1 < y2, long/short side <= 100, short side > 30 px. */
export const ZOOM_MAX_ASPECT = 100;
export const ZOOM_MIN_SIDE_EXCLUSIVE = 30;

function reject(reason: ZoomRejectReason, message: string): ZoomBoxResult {
  return { ok: false, reason, message };
}

/** Validates the model's `bbox_2d`, maps it to the original image, clamps it and checks the training rules. */
export function resolveZoomBox(bbox: unknown, frame: ZoomFrame): ZoomBoxResult {
  if (!Array.isArray(bbox) || bbox.length !== 4 || !bbox.every((v) => typeof v === 'number')) {
    return reject(
      'not_four_numbers',
      `bbox_2d must be [x1, y1, x2, y2] numbers, got ${JSON.stringify(bbox)}`,
    );
  }
  const raw = bbox as number[];
  if (!raw.every(Number.isFinite))
    return reject('not_finite', `bbox_2d has a non-finite value: ${raw.join(', ')}`);
  const sx = frame.downscaled ? frame.width / frame.seenWidth : 1;
  const sy = frame.downscaled ? frame.height / frame.seenHeight : 1;
  const x1 = Math.max(0, raw[0] * sx);
  const y1 = Math.max(0, raw[1] * sy);
  const x2 = Math.min(frame.width, raw[2] * sx);
  const y2 = Math.min(frame.height, raw[3] * sy);
  const box: Box = [x1, y1, x2, y2];
  if (!(x1 < x2 && y1 < y2)) {
    return reject('empty_or_inverted', `box [${box.join(', ')}] (clamped to the image) is empty or inverted`);
  }
  const w = x2 - x1;
  const h = y2 - y1;
  if (Math.max(w, h) / Math.min(w, h) > ZOOM_MAX_ASPECT) {
    return reject('aspect_ratio', `box ${w}x${h} is more elongated than ${ZOOM_MAX_ASPECT}:1`);
  }
  if (Math.min(w, h) <= ZOOM_MIN_SIDE_EXCLUSIVE) {
    return reject('too_small', `box ${w}x${h} has a side of ${ZOOM_MIN_SIDE_EXCLUSIVE} px or less`);
  }
  const rect: Box = [roundHalfEven(x1), roundHalfEven(y1), roundHalfEven(x2), roundHalfEven(y2)];
  return { ok: true, box, rect, scaled: frame.downscaled };
}

/** `PIL.Image.crop(box)`: coordinates rounded half-to-even; pixels outside the image are black. */
export function cropRgb(image: RgbImage, box: Box): RgbImage {
  const [x0, y0, x1, y1] = box.map(roundHalfEven);
  const width = x1 - x0;
  const height = y1 - y0;
  if (!(width > 0 && height > 0)) throw new ImageSizeError(`crop box [${box.join(', ')}] is empty`);
  const src = image.data;
  if (src.length !== image.width * image.height * 3) {
    throw new ImageSizeError(`RGB data has ${src.length} bytes, expected ${image.width}x${image.height}x3`);
  }
  const data = new Uint8Array(width * height * 3);
  const cx0 = Math.max(0, x0);
  const cx1 = Math.min(image.width, x1);
  for (let y = Math.max(0, y0); y < Math.min(image.height, y1); y++) {
    if (cx1 <= cx0) break;
    const from = (y * image.width + cx0) * 3;
    data.set(src.subarray(from, from + (cx1 - cx0) * 3), ((y - y0) * width + (cx0 - x0)) * 3);
  }
  return { width, height, data };
}

/**
 * DeepEyes resizes a tool's image before the processor sees it (qwen_vl_utils: sides
 * `max(28, round(..))`, Pillow BICUBIC), so a 20-pixel crop still becomes one 28x28 patch. The
 * engine then applies only the processor's own smart_resize, which keeps this size.
 */
export function resizeForModel(image: RgbImage, opts: SmartResizeOptions = {}): RgbImage {
  const r = smartResizeCrop(image.height, image.width, opts);
  return resizeBicubic(image, r.width, r.height);
}
