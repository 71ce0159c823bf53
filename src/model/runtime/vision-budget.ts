/**
 * The largest image the vision encoder can take on a GPU. Its full-attention blocks hold
 * [heads, N, N] float32 scores for N patches in one buffer, so N is bounded by the adapter's
 * maxStorageBufferBindingSize (measured on the 7B encoder: 16 heads, 1 GiB -> N = 4096, about
 * 0.8 megapixels). Windowed blocks are linear in N and never the limit.
 */
import type { VisionConfig } from '../config';

export interface PixelBudget {
  maxPatches: number;
  /** Pixels of the resized image: patches * patch_size^2. */
  maxPixels: number;
}

export function visionPixelBudget(
  v: Pick<VisionConfig, 'numHeads' | 'patchSize' | 'spatialMergeSize'>,
  maxBindingBytes: number,
): PixelBudget {
  const group = v.spatialMergeSize * v.spatialMergeSize;
  const raw = Math.floor(Math.sqrt(maxBindingBytes / (v.numHeads * 4)));
  const maxPatches = Math.floor(raw / group) * group;
  return { maxPatches, maxPixels: maxPatches * v.patchSize * v.patchSize };
}
