/**
 * Node-only: an image file's bytes to RGB, for the command-line tools. The format comes from the
 * bytes (sniffImage), never the file name; JPEG EXIF orientation is applied like a browser does.
 */
import jpeg from 'jpeg-js';
import exifr from 'exifr';

import { decodePng } from './png';
import { applyOrientation } from './orientation';
import { inspectImage, formatName } from './sniff';
import { UnsupportedFormatError } from './image-errors';

import type { RgbImage } from '../base/types';
export async function decodeImageFile(bytes: Uint8Array): Promise<RgbImage> {
  const info = inspectImage(bytes);
  if (info.format === 'png') return decodePng(bytes);
  if (info.format === 'jpeg') {
    const raw = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false, maxMemoryUsageInMB: 2048 });
    const rgb = {
      width: raw.width,
      height: raw.height,
      data: new Uint8Array(raw.data.buffer, raw.data.byteOffset, raw.data.length),
    };
    const orientation = (await exifr.orientation(Buffer.from(bytes)).catch(() => undefined)) as
      number | undefined;
    return applyOrientation(rgb, orientation);
  }
  throw new UnsupportedFormatError(
    formatName(info.format),
    'the command-line tools read PNG and JPEG; convert it first',
  );
}
