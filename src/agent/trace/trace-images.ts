/**
 * The pictures a trace keeps, each once and small whatever the photo: the original bounded to
 * TRACE_IMAGE_MAX_SIDE (its declared width/height stay the full size, which boxes refer to; the
 * viewer scales), each crop at the size the model saw it, both as JPEG. A 48 MP photo with four
 * large zooms then makes a trace of a few MiB instead of more than the 50 MiB import cap.
 */
import type { ImageLimits } from '../../base/engine';
import { sha256Hex } from '../../base/sha256';
import type { RgbImage } from '../../base/types';
import { jpegDataUrl } from '../../image-io/jpeg';
import { resizeBicubic } from '../../model/image/pil-bicubic';
import { smartResize } from '../../model/image/smart-resize';
import type { TraceImageInfo } from '../types';

/** Longest side of the original as kept in a trace: enough to read it on any screen. */
export const TRACE_IMAGE_MAX_SIDE = 2048;

export function boundedSize(width: number, height: number, maxSide = TRACE_IMAGE_MAX_SIDE) {
  const s = Math.min(1, maxSide / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * s)), height: Math.max(1, Math.round(height * s)) };
}

/** The original as a trace keeps it. */
export function originalDataUrl(image: RgbImage): Promise<string> {
  const b = boundedSize(image.width, image.height);
  const kept =
    b.width === image.width && b.height === image.height ? image : resizeBicubic(image, b.width, b.height);
  return jpegDataUrl(kept);
}

/** A crop as the model saw it: `forModel` brought to the processor's size when that differs. */
export function cropDataUrl(forModel: RgbImage, fed: { width: number; height: number }): Promise<string> {
  const seen =
    forModel.width === fed.width && forModel.height === fed.height
      ? forModel
      : resizeBicubic(forModel, fed.width, fed.height);
  return jpegDataUrl(seen);
}

/** A trace's record of its picture: digest, full size, the kept copy and the size the model saw. */
export async function traceImageInfo(image: RgbImage, limits: ImageLimits): Promise<TraceImageInfo> {
  const seen = smartResize(image.height, image.width, limits);
  return {
    sha256: await sha256Hex(image.data),
    width: image.width,
    height: image.height,
    dataUrl: await originalDataUrl(image),
    resizedWidth: seen.width,
    resizedHeight: seen.height,
  };
}
