/**
 * Cut a resized image into the processor's flattened patches: pixel_values
 * [grid_t * grid_h * grid_w, C * T * P * P]. Rows run over merge groups (block row, block col,
 * row in block, col in block); columns over (channel, frame in the temporal patch, y, x).
 * A still image fills every temporal slot with the same frame.
 */

import { GridError, ImageSizeError } from './errors';

import type { RgbImage } from '../../base/types';
export type GridThw = [number, number, number];

export interface PatchOptions {
  patchSize?: number;
  temporalPatchSize?: number;
  mergeSize?: number;
}

const DEFAULTS = { patchSize: 14, temporalPatchSize: 2, mergeSize: 2 } as const;

export function gridThwFor(width: number, height: number, opts: PatchOptions = {}): GridThw {
  const { patchSize, mergeSize } = { ...DEFAULTS, ...opts };
  const unit = patchSize * mergeSize;
  if (!(width > 0 && height > 0 && width % unit === 0 && height % unit === 0)) {
    throw new GridError(`image ${width}x${height} is not a positive multiple of ${unit} in both sides`);
  }
  return [1, height / patchSize, width / patchSize];
}

interface Layout {
  gridThw: GridThw;
  P: number;
  T: number;
  cols: number;
  /** Byte offset of each row's patch top-left pixel. */
  rowBase: Int32Array;
}

function layout(image: RgbImage, opts: PatchOptions): Layout {
  const { patchSize: P, temporalPatchSize: T, mergeSize: m } = { ...DEFAULTS, ...opts };
  const { width, height, data } = image;
  if (data.length !== width * height * 3) {
    throw new ImageSizeError(`RGB data has ${data.length} bytes, expected ${width}x${height}x3`);
  }
  const gridThw = gridThwFor(width, height, opts);
  const [, gh, gw] = gridThw;
  const rowBase = new Int32Array(gh * gw);
  let row = 0;
  for (let bh = 0; bh < gh / m; bh++) {
    for (let bw = 0; bw < gw / m; bw++) {
      for (let mh = 0; mh < m; mh++) {
        for (let mw = 0; mw < m; mw++) {
          rowBase[row++] = ((bh * m + mh) * P * width + (bw * m + mw) * P) * 3;
        }
      }
    }
  }
  return { gridThw, P, T, cols: 3 * T * P * P, rowBase };
}

/**
 * Fills frame 0 of every (row, channel) block through `put`, then copies it into the other
 * temporal slots (a still image repeats its frame).
 */
function fill<A extends Uint8Array | Float32Array>(
  image: RgbImage,
  opts: PatchOptions,
  make: (n: number) => A,
  put: (out: A, dst: number, src: number, channel: number, n: number) => void,
): { out: A; gridThw: GridThw } {
  const { gridThw, P, T, cols, rowBase } = layout(image, opts);
  const out = make(rowBase.length * cols);
  const line = image.width * 3;
  const block = P * P;
  for (let r = 0; r < rowBase.length; r++) {
    for (let c = 0; c < 3; c++) {
      const dst = r * cols + c * T * block;
      for (let py = 0; py < P; py++) put(out, dst + py * P, rowBase[r] + py * line + c, c, P);
      for (let t = 1; t < T; t++) out.copyWithin(dst + t * block, dst, dst + block);
    }
  }
  return { out, gridThw };
}

/** The uint8 source of every pixel_values element (golden `*_pixel_values_u8`). */
export function patchifyU8(
  image: RgbImage,
  opts: PatchOptions = {},
): { patches: Uint8Array; gridThw: GridThw } {
  const data = image.data;
  const { out, gridThw } = fill(
    image,
    opts,
    (n) => new Uint8Array(n),
    (o, dst, src, _c, n) => {
      for (let x = 0; x < n; x++) o[dst + x] = data[src + 3 * x];
    },
  );
  return { patches: out, gridThw };
}

/** pixel_values as float32 through a [3, 256] lookup table (see normalize.ts). */
export function patchify(
  image: RgbImage,
  lut: Float32Array,
  opts: PatchOptions = {},
): { pixelValues: Float32Array; gridThw: GridThw } {
  const data = image.data;
  const { out, gridThw } = fill(
    image,
    opts,
    (n) => new Float32Array(n),
    (o, dst, src, c, n) => {
      const base = c * 256;
      for (let x = 0; x < n; x++) o[dst + x] = lut[base + data[src + 3 * x]];
    },
  );
  return { pixelValues: out, gridThw };
}
