/**
 * JPEG data URLs for the pictures a trace keeps (a photo as PNG is 5-10x larger). In a browser or
 * worker the platform's encoder (OffscreenCanvas.convertToBlob) does it natively; in Node,
 * jpeg-js (pure JS, maintained), loaded only there.
 */
import type { RgbImage } from '../base/types';

export const JPEG_DATA_URL_PREFIX = 'data:image/jpeg;base64,';

/** Quality 0..100: 85 keeps a photo's detail for a reader at about a tenth of its PNG size. */
export const TRACE_JPEG_QUALITY = 85;

function rgba(image: RgbImage): Uint8ClampedArray<ArrayBuffer> {
  const n = image.width * image.height;
  const out = new Uint8ClampedArray(n * 4);
  for (let i = 0, j = 0; i < n; i++, j += 3) {
    out[i * 4] = image.data[j];
    out[i * 4 + 1] = image.data[j + 1];
    out[i * 4 + 2] = image.data[j + 2];
    out[i * 4 + 3] = 255;
  }
  return out;
}

function base64(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

export async function encodeJpeg(image: RgbImage, quality = TRACE_JPEG_QUALITY): Promise<Uint8Array> {
  if (typeof OffscreenCanvas !== 'undefined') {
    const canvas = new OffscreenCanvas(image.width, image.height);
    const ctx = canvas.getContext('2d');
    if (ctx) {
      ctx.putImageData(new ImageData(rgba(image), image.width, image.height), 0, 0);
      const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: quality / 100 });
      return new Uint8Array(await blob.arrayBuffer());
    }
  }
  const { encode } = await import('jpeg-js');
  const out = encode({ data: rgba(image), width: image.width, height: image.height }, quality);
  return new Uint8Array(out.data.buffer, out.data.byteOffset, out.data.byteLength);
}

export async function jpegDataUrl(image: RgbImage, quality = TRACE_JPEG_QUALITY): Promise<string> {
  return JPEG_DATA_URL_PREFIX + base64(await encodeJpeg(image, quality));
}
