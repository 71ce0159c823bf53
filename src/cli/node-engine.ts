/**
 * Loads a converted model folder as an agent Engine on onnxruntime-node (CPU), for the Node
 * command-line tools. The variant defaults to q4 when the folder has it.
 */
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { DirModelFiles } from '../model/runtime/node-files';
import { QwenVLEngine } from '../model/runtime/qwen-vl-engine';

import { visionPixelBudget } from '../model/runtime/vision-budget';

import type { Variant } from '../base/types';
/** Memory allowed for one vision attention score tensor on the CPU. */
const CPU_SCORE_BYTES = 4 * 2 ** 30;

export async function chooseVariant(dir: string, asked?: Variant): Promise<Variant> {
  if (asked) return asked;
  const manifest = join(dir, 'deepeyes-manifest.json');
  if (existsSync(manifest)) {
    const m = JSON.parse(await readFile(manifest, 'utf8')) as { variants?: Record<string, unknown> };
    if (m.variants?.q4) return 'q4';
    if (m.variants?.fp32) return 'fp32';
  }
  return existsSync(join(dir, 'onnx', 'decoder_model_merged_q4.onnx')) ? 'q4' : 'fp32';
}

export interface LoadedNodeEngine {
  engine: QwenVLEngine;
  dir: string;
  variant: Variant;
}

export async function loadNodeEngine(
  modelDir: string,
  asked: Variant | undefined,
  log: (s: string) => void,
): Promise<LoadedNodeEngine> {
  const dir = resolve(modelDir);
  const variant = await chooseVariant(dir, asked);
  log(`loading ${dir} (${variant}, onnxruntime-node CPU)\n`);
  const engine = await QwenVLEngine.load(ort, new DirModelFiles(dir), { variant, target: 'cpu' });
  // The full-attention vision blocks hold [heads, N, N] scores: at the processor's 12.8 MP default a
  // 7B encoder would need 256 GiB. Keep them within a few GiB of RAM (1.6 MP for 7B).
  const budget = visionPixelBudget(engine.runtime.config.vision, CPU_SCORE_BYTES);
  if (engine.limitImagePixels(budget.maxPixels)) {
    log(
      `images above ${(budget.maxPixels / 1e6).toFixed(2)} MP are downscaled for the vision encoder (crops still come from the original)\n`,
    );
  }
  return { engine, dir, variant };
}
