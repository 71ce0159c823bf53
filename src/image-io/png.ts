/**
 * PNG in and out without a canvas (works in workers and Node alike), via fast-png. Decoding
 * flattens every PNG flavour to 8-bit RGB: grey (1 to 16 bits), palette and 16-bit are converted, and alpha is
 * composited on white, so a transparent logo reads as it looks in a viewer.
 */
import { DeepEyesError } from '../base/errors';
import { decode, encode, convertIndexedToRgb } from 'fast-png';

import type { RgbImage } from '../base/types';
export class PngDecodeError extends DeepEyesError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('png_decode', `${message}; the file may be truncated or not a PNG`, { cause: options?.cause });
    this.name = 'PngDecodeError';
  }
}

export function encodePng(image: RgbImage): Uint8Array {
  return encode({ width: image.width, height: image.height, data: image.data, channels: 3, depth: 8 });
}

export function decodePng(bytes: Uint8Array): RgbImage {
  let png;
  try {
    png = decode(bytes);
  } catch (e) {
    throw new PngDecodeError(`PNG decode failed: ${e instanceof Error ? e.message : String(e)}`, {
      cause: e,
    });
  }
  const { width, height } = png;
  let src: ArrayLike<number> = png.data;
  let channels = png.channels;
  if (png.palette) {
    src = convertIndexedToRgb(png);
    channels = png.palette[0]?.length ?? 3;
  } else if (png.depth < 8) {
    // fast-png hands 1-, 2- and 4-bit greyscale back still packed, rows byte-aligned.
    src = unpackGrey(png.data as Uint8Array, width, height, png.depth);
  }
  const shift = png.depth === 16 ? 8 : 0;
  const out = new Uint8Array(width * height * 3);
  const hasAlpha = channels === 2 || channels === 4;
  const colour = channels >= 3;
  for (let p = 0; p < width * height; p++) {
    const base = p * channels;
    let r = src[base] >> shift;
    let g = colour ? src[base + 1] >> shift : r;
    let b = colour ? src[base + 2] >> shift : r;
    if (hasAlpha) {
      const a = src[base + channels - 1] >> shift;
      // Composite over white: c*a + 255*(1-a), rounded.
      r = Math.round((r * a + 255 * (255 - a)) / 255);
      g = Math.round((g * a + 255 * (255 - a)) / 255);
      b = Math.round((b * a + 255 * (255 - a)) / 255);
    }
    out[3 * p] = r;
    out[3 * p + 1] = g;
    out[3 * p + 2] = b;
  }
  return { width, height, data: out };
}

/** Packed 1/2/4-bit grey levels (leftmost pixel in the high bits) to 8-bit, full scale. */
export function unpackGrey(packed: Uint8Array, width: number, height: number, depth: number): Uint8Array {
  const out = new Uint8Array(width * height);
  const rowBytes = Math.ceil((width * depth) / 8);
  const top = (1 << depth) - 1;
  const scale = 255 / top; // exact: 255, 85 or 17
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const bit = x * depth;
      const byte = packed[y * rowBytes + (bit >> 3)];
      out[y * width + x] = ((byte >> (8 - depth - (bit & 7))) & top) * scale;
    }
  }
  return out;
}

export function pngDataUrl(image: RgbImage): string {
  const bytes = encodePng(image);
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return 'data:image/png;base64,' + btoa(s);
}
