/**
 * The Node tools' model: a converted folder through loadEngine on onnxruntime-node (CPU), the
 * variant the folder's best for the CPU unless one is asked for.
 */
import { resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { DirModelFiles } from '../model/runtime/node-files';
import { loadEngine, pickVariant, type LoadedEngine } from '../model/load-engine';

import type { Variant } from '../base/types';
/**
 * Memory allowed for one vision attention score tensor on the CPU: the full-attention blocks hold
 * [heads, N, N] scores, 256 GiB for a 7B encoder at the processor's 12.8 MP default, or
 * [heads, ceil(N / K), N] per chunk in a folder converted with K chunks. This keeps them within a
 * few GiB of RAM: 1.6 MP for an unchunked 7B folder (peak RSS 9.2 GiB measured on a 2-block tower,
 * bench/vision-chunks.md), 6.4 MP with the converter's 16 chunks.
 */
const CPU_SCORE_BYTES = 4 * 2 ** 30;

export async function loadNodeEngine(
  modelDir: string,
  asked: Variant | undefined,
  log: (s: string) => void,
): Promise<LoadedEngine & { dir: string }> {
  const dir = resolve(modelDir);
  const files = new DirModelFiles(dir);
  const variant = await pickVariant(files, 'cpu', asked);
  log(`loading ${dir} (${variant}, onnxruntime-node CPU)\n`);
  const loaded = await loadEngine(files, { ort, target: 'cpu', variant, maxScoreBytes: CPU_SCORE_BYTES });
  if (loaded.cappedPixels !== undefined) {
    log(
      `images above ${(loaded.cappedPixels / 1e6).toFixed(2)} MP are downscaled for the vision encoder (crops still come from the original)\n`,
    );
  }
  return { ...loaded, dir };
}
