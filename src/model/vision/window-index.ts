/**
 * transformers' Qwen2.5-VL `get_window_index` for one image: the order in which merged tokens
 * (2x2 patch groups) are regrouped into attention windows, and the window boundaries.
 *
 *   merged grid 7x9, 4x4 tokens per window:      window order (row-major), tokens row-major inside:
 *   +----+----+--+                                0 | 1 | 2      window 2 is 4x1, window 5 is 3x1
 *   | w0 | w1 |w2|                                3 | 4 | 5
 *   +----+----+--+
 *   | w3 | w4 |w5|
 *   +----+----+--+
 */
import { GridError } from '../image/errors';
import type { GridThw } from '../image/patchify';

export interface WindowIndex {
  /** windowIndex[k] = merged token (original order) placed at windowed position k. */
  windowIndex: Int32Array;
  /**
   * Cumulative window lengths in PATCH units starting at 0, with the repeats from empty
   * windows removed (torch.unique_consecutive), so windows = length - 1.
   */
  cuWindowSeqlens: Int32Array;
}

export interface WindowGeometry {
  patchSize: number;
  spatialMergeSize: number;
  windowSize: number;
}

export function windowIndexFor(gridThw: GridThw, geo: WindowGeometry): WindowIndex {
  const [t, gh, gw] = gridThw;
  const m = geo.spatialMergeSize;
  const span = geo.windowSize / m / geo.patchSize;
  if (!Number.isInteger(span) || span <= 0) {
    throw new GridError(
      `window_size ${geo.windowSize} is not a multiple of patch ${geo.patchSize} x merge ${m}`,
    );
  }
  if (![t, gh, gw].every((v) => Number.isInteger(v) && v > 0) || gh % m !== 0 || gw % m !== 0) {
    throw new GridError(`grid_thw [${gridThw.join(', ')}] does not split into ${m}x${m} merge groups`);
  }
  const lh = gh / m;
  const lw = gw / m;
  const unit = m * m;
  const windowIndex = new Int32Array(t * lh * lw);
  const cu: number[] = [0];
  let k = 0;
  for (let f = 0; f < t; f++) {
    for (let wy = 0; wy < lh; wy += span) {
      for (let wx = 0; wx < lw; wx += span) {
        const yEnd = Math.min(wy + span, lh);
        const xEnd = Math.min(wx + span, lw);
        for (let y = wy; y < yEnd; y++) {
          for (let x = wx; x < xEnd; x++) windowIndex[k++] = (f * lh + y) * lw + x;
        }
        // Only non-empty windows are visited, so no repeated boundary can arise.
        cu.push(k * unit);
      }
    }
  }
  return { windowIndex, cuWindowSeqlens: Int32Array.from(cu) };
}
