/**
 * Pure planning for turning a sniffed file into the RgbImage the agent gets: the size after
 * EXIF orientation, how far to downscale big photos, and alpha over white.
 */
import { orientation as exifOrientation } from 'exifr';

import type { ImageFormat } from '../../image-io/sniff';

import type { RgbImage } from '../../base/types';
/**
 * Working-size cap (4096 x 4096 = 16.8 MP, 50 MB as RGB). The model itself sees at most 12.8 MP,
 * but crops are cut from this image, so it stays well above that; a 48 MP phone photo shrinks
 * about 1.7x per side instead of taking 144 MB.
 */
export const MAX_WORKING_PIXELS = 4096 * 4096;

/** EXIF orientations 5-8 rotate by 90 degrees, swapping width and height. */
export function orientedSize(
  width: number,
  height: number,
  orientation: number,
): { width: number; height: number } {
  return orientation >= 5 && orientation <= 8 ? { width: height, height: width } : { width, height };
}

/** The size to decode at (aspect kept, each side >= 1), or null when the image is small enough. */
export function downscaleSize(
  width: number,
  height: number,
  maxPixels = MAX_WORKING_PIXELS,
): { width: number; height: number } | null {
  if (width * height <= maxPixels) return null;
  const f = Math.sqrt(maxPixels / (width * height));
  return { width: Math.max(1, Math.floor(width * f)), height: Math.max(1, Math.floor(height * f)) };
}

/**
 * The size a JPEG decoder that scales by k/8 in its inverse DCT (libjpeg-turbo, as Chromium uses it
 * through WebCodecs' ImageDecoder) should decode `stored` at, to reach `target` on both sides: the
 * smallest k/8 that does (a 200 MP photo shrunk to the cap decodes at 3/8, 28 MP instead of 200),
 * sides rounded up as libjpeg does. Null when only a full decode (k = 8) is big enough. Both sizes
 * are in the file's stored orientation.
 */
export function jpegScaledSize(
  stored: { width: number; height: number },
  target: { width: number; height: number },
): { width: number; height: number } | null {
  const k = Math.ceil(8 * Math.max(target.width / stored.width, target.height / stored.height));
  if (k >= 8) return null;
  return { width: Math.ceil((stored.width * k) / 8), height: Math.ceil((stored.height * k) / 8) };
}

const EXIF_FORMATS: ReadonlySet<ImageFormat> = new Set(['jpeg', 'heic', 'avif', 'png', 'webp']);

/** The EXIF orientation (1-8), 1 when absent or unreadable. */
export async function readOrientation(bytes: Uint8Array, format: ImageFormat): Promise<number> {
  if (!EXIF_FORMATS.has(format)) return 1;
  try {
    const o = await exifOrientation(bytes);
    return typeof o === 'number' && o >= 1 && o <= 8 ? o : 1;
  } catch {
    return 1;
  }
}

/** RGBA (straight alpha, as getImageData returns) composited over white, alpha dropped. */
export function rgbaToRgbOnWhite(rgba: ArrayLike<number>, width: number, height: number): RgbImage {
  const n = width * height;
  if (rgba.length !== n * 4)
    throw new RangeError(`expected ${n * 4} RGBA bytes for ${width}x${height}, got ${rgba.length}`);
  const data = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    const a = rgba[i * 4 + 3];
    for (let c = 0; c < 3; c++) {
      const v = rgba[i * 4 + c];
      data[i * 3 + c] = a === 255 ? v : Math.round((v * a + 255 * (255 - a)) / 255);
    }
  }
  return { width, height, data };
}
