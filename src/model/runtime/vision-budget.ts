/**
 * The largest image the vision encoder can take on a GPU, and how many row chunks the converter
 * splits its full-attention blocks into. A full-attention block over N patches splits its queries
 * into K chunks of ceil(N / K) rows (vision-attention.ts), so its largest buffer is one chunk's
 * float32 scores [heads, ceil(N / K), N]; that must fit the adapter's maxStorageBufferBindingSize.
 * Unchunked (K = 1, folders converted before chunking) the 7B encoder (16 heads) stops at
 * N = 4096 under 1 GiB, about 0.8 megapixels. Once the scores are chunked, the per-patch
 * activations (qkv [N, 3C], the MLP's [N, I], windowed scores [N, heads * P]) become the bound.
 */
import type { VisionConfig } from '../config';

export interface PixelBudget {
  maxPatches: number;
  /** Pixels of the resized image: patches * patch_size^2. */
  maxPixels: number;
}

export type BudgetVision = Pick<
  VisionConfig,
  'numHeads' | 'patchSize' | 'spatialMergeSize' | 'hiddenSize' | 'intermediateSize' | 'windowSize'
>;

/** The 1 GiB binding of the GPUs the converter sizes chunks for (most desktop adapters). */
export const CHUNK_TARGET_BINDING_BYTES = 2 ** 30;

/**
 * The image the converter sizes chunks for, unless the preprocessor's max_pixels is smaller:
 * 16384 patches (3.2 MP, 4096 image tokens), 16 chunks for 7B. Not max_pixels' 65536 patches:
 * each chunk adds about 9 small ops per full-attention block (256 chunks: ~9000 more GPU dispatches
 * on every image, however small), and 12.8 MP would take ~9e13 FLOPs of full attention alone.
 */
export const CHUNK_TARGET_PATCHES = 16384;

/** Bytes of one full-attention chunk's float32 scores for N patches in K chunks. */
export function chunkScoreBytes(v: Pick<VisionConfig, 'numHeads'>, patches: number, chunks: number): number {
  return v.numHeads * Math.ceil(patches / chunks) * patches * 4;
}

/** float32 values per patch of the largest per-patch activation (see the file comment). */
function rowFloats(v: BudgetVision): number {
  const windowSlots = (v.windowSize / v.patchSize) ** 2;
  return Math.max(3 * v.hiddenSize, v.intermediateSize, v.numHeads * windowSlots);
}

export function visionPixelBudget(v: BudgetVision, maxBindingBytes: number, chunks = 1): PixelBudget {
  const group = v.spatialMergeSize * v.spatialMergeSize;
  // Scores grow as N^2 / K (N^2 exactly when K = 1): start from the continuous bound, then step
  // down while the rounded-up chunk does not fit.
  let n = Math.floor(Math.sqrt((maxBindingBytes * chunks) / (v.numHeads * 4)));
  n = Math.min(n, Math.floor(maxBindingBytes / (rowFloats(v) * 4)));
  n = Math.floor(n / group) * group;
  while (n > 0 && chunkScoreBytes(v, n, chunks) > maxBindingBytes) n -= group;
  return { maxPatches: n, maxPixels: n * v.patchSize * v.patchSize };
}

/**
 * The fewest chunks K with which `targetPatches` (the preprocessor's max_pixels / patch^2) fits
 * `bindingBytes`: every chunk of ceil(N / K) <= rows rows, rows = bytes / (heads * N * 4).
 */
export function fullAttentionChunks(
  v: Pick<VisionConfig, 'numHeads'>,
  targetPatches: number,
  bindingBytes = CHUNK_TARGET_BINDING_BYTES,
): number {
  const rows = Math.max(1, Math.floor(bindingBytes / (v.numHeads * targetPatches * 4)));
  return Math.max(1, Math.ceil(targetPatches / rows));
}
