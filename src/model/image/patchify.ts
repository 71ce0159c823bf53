/**
 * Cut a resized image into the processor's flattened patches: pixel_values
 * [grid_t * grid_h * grid_w, C * T * P * P]. Rows run over merge groups (block row, block col,
 * row in block, col in block); columns over (channel, frame in the temporal patch, y, x).
 * A still image fills every temporal slot with the same frame.
 */
import type { RgbImage } from '../../agent/types';
import { GridError, ImageSizeError } from './errors';

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
  cols: number;
  /** Byte offset of column k inside the image, relative to the patch's top-left pixel. */
  srcOffset: Int32Array;
  channel: Uint8Array;
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
  const cols = 3 * T * P * P;
  const srcOffset = new Int32Array(cols);
  const channel = new Uint8Array(cols);
  let k = 0;
  for (let c = 0; c < 3; c++) {
    for (let t = 0; t < T; t++) {
      for (let py = 0; py < P; py++) {
        for (let px = 0; px < P; px++) {
          srcOffset[k] = (py * width + px) * 3 + c;
          channel[k++] = c;
        }
      }
    }
  }
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
  return { gridThw, cols, srcOffset, channel, rowBase };
}

/** The uint8 source of every pixel_values element (golden `*_pixel_values_u8`). */
export function patchifyU8(
  image: RgbImage,
  opts: PatchOptions = {},
): { patches: Uint8Array; gridThw: GridThw } {
  const { gridThw, cols, srcOffset, rowBase } = layout(image, opts);
  const data = image.data;
  const patches = new Uint8Array(rowBase.length * cols);
  for (let r = 0; r < rowBase.length; r++) {
    const base = rowBase[r];
    const o = r * cols;
    for (let k = 0; k < cols; k++) patches[o + k] = data[base + srcOffset[k]];
  }
  return { patches, gridThw };
}

/** pixel_values as float32 through a [3, 256] lookup table (see normalize.ts). */
export function patchify(
  image: RgbImage,
  lut: Float32Array,
  opts: PatchOptions = {},
): { pixelValues: Float32Array; gridThw: GridThw } {
  const { gridThw, cols, srcOffset, channel, rowBase } = layout(image, opts);
  const data = image.data;
  const lutOffset = Int32Array.from(channel, (c) => c * 256);
  const pixelValues = new Float32Array(rowBase.length * cols);
  for (let r = 0; r < rowBase.length; r++) {
    const base = rowBase[r];
    const o = r * cols;
    for (let k = 0; k < cols; k++) pixelValues[o + k] = lut[lutOffset[k] + data[base + srcOffset[k]]];
  }
  return { pixelValues, gridThw };
}
