/**
 * `PIL.Image.rotate(angle, expand=True)` for the opt-in rotate tool: counter-clockwise degrees.
 * Quarter turns are exact pixel moves; other angles sample bilinearly at output pixel centres
 * and fill the uncovered corners with black. Not bit-exact with Pillow for free angles.
 */

import { ImageSizeError } from '../../model/image/errors';

import type { RgbImage } from '../../base/types';
/** Python's round(x, 15), which Pillow applies to the rotation matrix (cos 90 becomes 0). */
function round15(v: number): number {
  return Math.round(v * 1e15) / 1e15;
}

function quarterTurn(image: RgbImage, turns: 1 | 2 | 3): RgbImage {
  const { width: w, height: h, data: src } = image;
  const ow = turns === 2 ? w : h;
  const oh = turns === 2 ? h : w;
  const data = new Uint8Array(ow * oh * 3);
  let o = 0;
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      // Source pixel of output (x, y): 90 CCW reads (w-1-y, x), 180 reads (w-1-x, h-1-y), 270 reads (y, h-1-x).
      const sx = turns === 1 ? w - 1 - y : turns === 2 ? w - 1 - x : y;
      const sy = turns === 1 ? x : turns === 2 ? h - 1 - y : h - 1 - x;
      const s = (sy * w + sx) * 3;
      data[o++] = src[s];
      data[o++] = src[s + 1];
      data[o++] = src[s + 2];
    }
  }
  return { width: ow, height: oh, data };
}

export function rotateRgb(image: RgbImage, angleDegrees: number): RgbImage {
  if (!Number.isFinite(angleDegrees))
    throw new ImageSizeError(`rotation angle ${angleDegrees} is not a finite number`);
  const { width: w, height: h, data: src } = image;
  if (src.length !== w * h * 3)
    throw new ImageSizeError(`RGB data has ${src.length} bytes, expected ${w}x${h}x3`);
  const angle = ((angleDegrees % 360) + 360) % 360;
  if (angle === 0) return { width: w, height: h, data: src.slice() };
  if (angle === 90) return quarterTurn(image, 1);
  if (angle === 180) return quarterTurn(image, 2);
  if (angle === 270) return quarterTurn(image, 3);

  // Output -> input map as Pillow builds it: rotate by -angle about the centres.
  const phi = (-angle * Math.PI) / 180;
  const a = round15(Math.cos(phi));
  const b = round15(Math.sin(phi));
  const d = -b;
  const e = a;
  const xs: number[] = [];
  const ys: number[] = [];
  for (const [x, y] of [
    [0, 0],
    [w, 0],
    [w, h],
    [0, h],
  ]) {
    // Pillow sizes the canvas from the corners under its own matrix, centre offset included
    // (the offset matters to ceil/floor when a side is odd).
    const rx = x - w / 2;
    const ry = y - h / 2;
    xs.push(a * rx + b * ry + w / 2);
    ys.push(d * rx + e * ry + h / 2);
  }
  const ow = Math.ceil(Math.max(...xs)) - Math.floor(Math.min(...xs));
  const oh = Math.ceil(Math.max(...ys)) - Math.floor(Math.min(...ys));
  const data = new Uint8Array(ow * oh * 3);
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      const ox = x + 0.5 - ow / 2;
      const oy = y + 0.5 - oh / 2;
      const xin = a * ox + b * oy + w / 2;
      const yin = d * ox + e * oy + h / 2;
      if (xin < 0 || xin >= w || yin < 0 || yin >= h) continue;
      const fx = xin - 0.5;
      const fy = yin - 0.5;
      const x0 = Math.floor(fx);
      const y0 = Math.floor(fy);
      const tx = fx - x0;
      const ty = fy - y0;
      const xa = Math.max(0, x0);
      const xb = Math.min(w - 1, x0 + 1);
      const ya = Math.max(0, y0);
      const yb = Math.min(h - 1, y0 + 1);
      const o = (y * ow + x) * 3;
      for (let c = 0; c < 3; c++) {
        const top = src[(ya * w + xa) * 3 + c] * (1 - tx) + src[(ya * w + xb) * 3 + c] * tx;
        const bot = src[(yb * w + xa) * 3 + c] * (1 - tx) + src[(yb * w + xb) * 3 + c] * tx;
        data[o + c] = Math.round(top * (1 - ty) + bot * ty);
      }
    }
  }
  return { width: ow, height: oh, data };
}
