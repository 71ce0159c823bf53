/**
 * Browser side of image input: sniff and vet the bytes, then decode with EXIF orientation applied
 * and big photos downscaled during decode (no full-size canvas; a big JPEG never at full size at
 * all where the browser has WebCodecs' ImageDecoder), then flatten onto white into an RgbImage.
 */

import { UndecodableImageError } from '../../image-io/image-errors';
import { downscaleSize, jpegScaledSize, orientedSize, readOrientation, rgbaToRgbOnWhite } from './plan';
import { formatName, inspectImage, type ImageFormat } from '../../image-io/sniff';

import type { RgbImage } from '../../base/types';
export interface DecodedImage {
  rgb: RgbImage;
  /** The same pixels for the canvas (flattened onto white, as the model sees them). */
  bitmap: ImageBitmap;
  format: ImageFormat;
  /** Size of the picture as given (after orientation), before any downscale. */
  sourceWidth: number;
  sourceHeight: number;
  notices: string[];
}

function undecodableAdvice(format: ImageFormat): string {
  if (format === 'heic')
    return 'HEIC photos decode only in Safari; export or share the photo as JPEG (iPhone: Settings > Camera > Formats > Most Compatible)';
  if (format === 'avif') return 'update the browser, or convert the picture to JPEG or PNG';
  return 'the file may be damaged; open it in an image viewer and save it again as PNG or JPEG';
}

async function bitmapOf(
  blob: Blob,
  format: ImageFormat,
  resize: { width: number; height: number } | null,
): Promise<ImageBitmap> {
  try {
    return await createImageBitmap(blob, {
      imageOrientation: 'from-image',
      premultiplyAlpha: 'none',
      ...(resize
        ? { resizeWidth: resize.width, resizeHeight: resize.height, resizeQuality: 'high' as const }
        : {}),
    });
  } catch {
    throw new UndecodableImageError(formatName(format), undecodableAdvice(format));
  }
}

/**
 * A big JPEG shrunk while it decodes: WebCodecs' ImageDecoder asked for a k/8 size scales in the
 * inverse DCT, so a 200 MP photo is never held at full size (800 MB as RGBA), as it is inside
 * createImageBitmap even with a resize (`npm run bench -- big-photo`, 200 MP: renderer peak
 * +1.5 GB for createImageBitmap alone, +0.56 GB for the app's whole open this way). Null when the browser has no ImageDecoder, the decode
 * fails, the frame is smaller than asked, or the file is rotated and the frame does not say so
 * (then createImageBitmap would not turn it): the caller decodes with createImageBitmap instead.
 */
async function scaledJpegBitmap(
  blob: Blob,
  stored: { width: number; height: number },
  target: { width: number; height: number },
  orientation: number,
): Promise<ImageBitmap | null> {
  if (typeof ImageDecoder === 'undefined') return null;
  const storedTarget = orientedSize(target.width, target.height, orientation);
  const size = jpegScaledSize(stored, storedTarget);
  if (!size) return null;
  let decoder: ImageDecoder | undefined;
  let frame: VideoFrame | undefined;
  try {
    decoder = new ImageDecoder({
      data: blob.stream(),
      type: 'image/jpeg',
      desiredWidth: size.width,
      desiredHeight: size.height,
    });
    frame = (await decoder.decode()).image;
    if (frame.codedWidth < storedTarget.width || frame.codedHeight < storedTarget.height) return null;
    // Chromium's frames carry the EXIF turn as `rotation` (not in TypeScript's types yet).
    if (orientation !== 1 && typeof (frame as { rotation?: number }).rotation !== 'number') return null;
    const bitmap = await createImageBitmap(frame, {
      resizeWidth: target.width,
      resizeHeight: target.height,
      resizeQuality: 'high',
    });
    if (bitmap.width === target.width && bitmap.height === target.height) return bitmap;
    bitmap.close();
    return null;
  } catch {
    return null;
  } finally {
    frame?.close();
    decoder?.close();
  }
}

/**
 * The picture flattened onto white: its RGB for the model, and the same pixels as a bitmap for the
 * canvas, so that a transparent picture looks on screen as the model sees it (not on the dark panel).
 */
function flatten(bitmap: ImageBitmap): { rgb: RgbImage; shown: ImageBitmap } {
  const { width, height } = bitmap;
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx)
    throw new UndecodableImageError(
      'decoded',
      'the browser refused a 2D canvas (too many open tabs?); reload the page',
    );
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  ctx.drawImage(bitmap, 0, 0);
  const rgb = rgbaToRgbOnWhite(ctx.getImageData(0, 0, width, height).data, width, height);
  return { rgb, shown: canvas.transferToImageBitmap() };
}

export async function decodeImageBlob(blob: Blob, name = 'the file'): Promise<DecodedImage> {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  const info = inspectImage(bytes, undefined, name);
  const orientation = await readOrientation(bytes, info.format);
  const source = orientedSize(info.width!, info.height!, orientation);
  const target = downscaleSize(source.width, source.height);
  // The sniffed type, not the one the name or the clipboard claimed.
  const typed = new Blob([bytes], { type: info.mime });
  let bitmap =
    (target && info.format === 'jpeg'
      ? await scaledJpegBitmap(typed, { width: info.width!, height: info.height! }, target, orientation)
      : null) ?? (await bitmapOf(typed, info.format, target));
  if (target && (bitmap.width !== target.width || bitmap.height !== target.height)) {
    // A browser that applies the resize before the EXIF rotation hands back a squashed picture.
    bitmap.close();
    bitmap = await bitmapOf(typed, info.format, { width: target.height, height: target.width });
  }
  const notices: string[] = [];
  if (info.animated) notices.push(`Animated ${formatName(info.format)}: using its first frame.`);
  if (target)
    notices.push(
      `Large picture (${source.width}x${source.height}) downscaled to ${bitmap.width}x${bitmap.height}.`,
    );
  const { rgb, shown } = flatten(bitmap);
  bitmap.close();
  return {
    rgb,
    bitmap: shown,
    format: info.format,
    sourceWidth: source.width,
    sourceHeight: source.height,
    notices,
  };
}
