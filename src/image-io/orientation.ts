import type { RgbImage } from '../base/types';
/**
 * EXIF orientation (tag 0x0112, values 1-8) applied to pixels, so what the model sees and where
 * boxes land match what a viewer shows. Browsers do this in createImageBitmap; Node callers use
 * this function, and a test holds both to the same corners.
 */

/** Where output pixel (x, y) reads from, for a source of size w x h. */
function sourceOf(o: number, x: number, y: number, w: number, h: number): [number, number] {
  switch (o) {
    case 2:
      return [w - 1 - x, y]; // mirrored left-right
    case 3:
      return [w - 1 - x, h - 1 - y]; // rotated 180
    case 4:
      return [x, h - 1 - y]; // mirrored top-bottom
    case 5:
      return [y, x]; // transposed
    case 6:
      return [y, h - 1 - x]; // rotated 90 clockwise
    case 7:
      return [w - 1 - y, h - 1 - x]; // transversed
    case 8:
      return [w - 1 - y, x]; // rotated 90 counter-clockwise
    default:
      return [x, y];
  }
}

export function orientedSize(o: number, width: number, height: number): { width: number; height: number } {
  return o >= 5 && o <= 8 ? { width: height, height: width } : { width, height };
}

export function applyOrientation(image: RgbImage, orientation: number | undefined): RgbImage {
  const o = orientation ?? 1;
  if (o <= 1 || o > 8) return image;
  const { width: w, height: h, data } = image;
  const size = orientedSize(o, w, h);
  const out = new Uint8Array(size.width * size.height * 3);
  for (let y = 0; y < size.height; y++) {
    for (let x = 0; x < size.width; x++) {
      const [sx, sy] = sourceOf(o, x, y, w, h);
      const s = (sy * w + sx) * 3;
      const d = (y * size.width + x) * 3;
      out[d] = data[s];
      out[d + 1] = data[s + 1];
      out[d + 2] = data[s + 2];
    }
  }
  return { ...size, data: out };
}
