/**
 * npx tsx bench/vision-scaling.ts --model DIR --grid HxW [--variant q4]
 *
 * Runs the converted vision encoder alone on one image of grid [1, H, W] patches (N = H*W, random
 * pixels) and reports time and this process's memory: RSS after the session loads, and the peak
 * while it runs. Its full-attention blocks hold [heads, N, N] float32 scores (and the softmax of
 * them), or [heads, ceil(N / K), N] per chunk in a folder converted with K chunks (manifest
 * vision_attention_chunks), so memory grows with N^2 / K: run one grid per process to read each
 * peak cleanly.
 * Prints one `VISION_RESULT {json}` line.
 */
import { visionFeeds } from '../src/model/runtime/vision-feeds';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { parseQwenVLConfig } from '../src/model/config';
import { componentFile } from '../src/model/runtime/sessions';
import { visionPlan } from '../src/model/vision/plan';
import type { GridThw } from '../src/model/image/patchify';
import { procMemory } from './proc-stats';
import { visionAttentionChunks } from '../src/model/load-engine';
import { DirModelFiles } from '../src/model/runtime/node-files';
import { chunkScoreBytes } from '../src/model/runtime/vision-budget';

import type { Variant } from '../src/base/types';
export interface VisionResult {
  grid: GridThw;
  patches: number;
  mergedTokens: number;
  /** Bytes of one full-attention block's float32 scores [heads, N, N]. */
  scoresBytes: number;
  /** The folder's query row chunks, and the bytes of one chunk's scores [heads, ceil(N / K), N]. */
  chunks: number;
  chunkScoresBytes: number;
  loadMs: number;
  runMs: number;
  rssAfterLoad: number;
  peakRss: number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      model: { type: 'string' },
      grid: { type: 'string' },
      variant: { type: 'string', default: 'q4' },
    },
  });
  const m = /^(\d+)x(\d+)$/.exec(values.grid ?? '');
  if (!values.model || !m) throw new Error('usage: npx tsx bench/vision-scaling.ts --model DIR --grid HxW');
  const grid: GridThw = [1, Number(m[1]), Number(m[2])];
  const config = parseQwenVLConfig(readFileSync(join(values.model, 'config.json'), 'utf8'));
  const v = config.vision;
  const chunks = await visionAttentionChunks(new DirModelFiles(values.model));

  const t0 = performance.now();
  const session = await ort.InferenceSession.create(
    join(values.model, componentFile('vision_encoder', values.variant as Variant)),
    { executionProviders: ['cpu'], graphOptimizationLevel: 'all' },
  );
  const loadMs = performance.now() - t0;
  const rssAfterLoad = procMemory()?.rss ?? NaN;

  const plan = visionPlan(grid, v);
  const patchDim = v.inChannels * v.temporalPatchSize * v.patchSize * v.patchSize;
  const pixels = new Float32Array(plan.N * patchDim);
  for (let i = 0; i < pixels.length; i++) pixels[i] = Math.sin(i * 0.37) * 1.5;
  const feeds = visionFeeds(ort.Tensor, plan, pixels, grid, session.inputNames);
  const t1 = performance.now();
  const out = await session.run(feeds);
  const runMs = performance.now() - t1;
  const features = out[session.outputNames[0]];
  if (features.dims[0] !== plan.M) throw new Error(`expected ${plan.M} merged tokens, got ${features.dims}`);
  await session.release();
  const result: VisionResult = {
    grid,
    patches: plan.N,
    mergedTokens: plan.M,
    scoresBytes: v.numHeads * plan.N * plan.N * 4,
    chunks,
    chunkScoresBytes: chunkScoreBytes(v, plan.N, chunks),
    loadMs,
    runMs,
    rssAfterLoad,
    peakRss: procMemory()?.hwm ?? NaN,
  };
  console.log(`VISION_RESULT ${JSON.stringify(result)}`);
}

await main();
