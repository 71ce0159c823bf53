/**
 * What a validated tool call gives the model: the crop (or the rotated picture) cut from the
 * ORIGINAL image, resized as DeepEyes resizes a tool's image, and the CropInfo the trace keeps.
 * One place for the live run (executor.ts) and for an imported eval record, so both draw the same
 * box and show the same crop.
 */
import type { ImageLimits } from '../base/engine';
import type { Box, RgbImage } from '../base/types';
import { smartResize } from '../model/image/smart-resize';
import { cropRgb, resizeForModel, resolveZoomBox, type ZoomFrame } from './tools/crop';
import { rotateRgb } from './tools/rotate';
import { cropDataUrl } from './trace/trace-images';
import type { CropInfo, ToolCallInfo } from './types';

export interface ToolImage {
  /** A zoom's box in original pixels (absent for a rotate). */
  bboxOriginal?: Box;
  /** The image sent to the engine. */
  forModel: RgbImage;
  crop: CropInfo;
}

export async function toolImage(
  image: RgbImage,
  call: ToolCallInfo,
  frame: ZoomFrame,
  limits: ImageLimits,
): Promise<ToolImage> {
  let bboxOriginal = call.bboxOriginal;
  let raw: RgbImage;
  if (call.name === 'image_rotate_tool') {
    raw = rotateRgb(image, call.angle ?? 0);
  } else {
    const r = resolveZoomBox(call.bboxModel, frame);
    if (!r.ok) throw new Error(`validated box failed to resolve: ${r.message}`);
    bboxOriginal = r.box;
    raw = cropRgb(image, r.rect);
  }
  const forModel = resizeForModel(raw, limits);
  // What the engine's processor feeds (it keeps forModel's size unless max_pixels is below it).
  const fed = smartResize(forModel.height, forModel.width, limits);
  const crop: CropInfo = {
    dataUrl: await cropDataUrl(forModel, fed),
    width: raw.width,
    height: raw.height,
    resizedWidth: fed.width,
    resizedHeight: fed.height,
    // One token per merged 28x28 patch.
    imageTokens: (fed.width * fed.height) / (28 * 28),
  };
  return { ...(bboxOriginal ? { bboxOriginal } : {}), forModel, crop };
}
