/**
 * npx tsx bench/run-7b.ts --model DIR [--variant q4] [--tokens 8]
 *
 * Loads a converted model folder in onnxruntime-node (CPU) through QwenVLEngine and generates a
 * few greedy tokens (at most; it stops at <|im_end|>) twice: from a text-only prompt and from a small image (the golden 250x190
 * picture). Prints load time, prefill and decode speed, and the process's peak RSS, then one
 * `RUN7B_RESULT {json}` line. Used by bench/convert-7b.ts; works on any converted folder.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { DirModelFiles } from '../src/model/runtime/node-files';
import type { QwenVLEngine } from '../src/model/runtime/qwen-vl-engine';
import { loadEngine } from '../src/model/load-engine';

import { prepareImage } from '../src/model/image/prepare-image';
import { decodePng } from '../src/image-io/png';
import { firstTurn } from '../src/agent/kernel';
import type { Message } from '../src/base/engine';
import { procMemory } from './proc-stats';

import type { Variant } from '../src/base/types';
const GOLDEN_IMAGE = resolve(import.meta.dirname, '../test/golden/public/image1.png');

export interface GenerationFigures {
  promptTokens: number;
  imageTokens: number;
  visionMs: number;
  prefillMs: number;
  prefillTokPerS: number;
  generated: number;
  decodeMs: number;
  decodeTokPerS: number;
  text: string;
}

export interface Run7bResult {
  loadMs: number;
  rssAfterLoad: number;
  textOnly: GenerationFigures;
  withImage: GenerationFigures;
  peakRss: number;
}

async function once(
  engine: QwenVLEngine,
  messages: Message[],
  imageTokens: number,
  tokens: number,
): Promise<GenerationFigures> {
  engine.reset();
  const r = await engine.turn(messages, { maxNewTokens: tokens, sampling: { kind: 'greedy' } });
  const t = r.timings;
  // The last generated id is never fed: generatedTokens - 1 decode steps were timed.
  const steps = Math.max(1, t.decodeTokens);
  return {
    promptTokens: r.promptTokens,
    imageTokens,
    visionMs: t.visionMs,
    prefillMs: t.prefillMs,
    prefillTokPerS: r.promptTokens / (t.prefillMs / 1000),
    generated: r.generatedTokens,
    decodeMs: t.decodeMs,
    decodeTokPerS: steps / (t.decodeMs / 1000),
    text: r.text,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      model: { type: 'string' },
      variant: { type: 'string', default: 'q4' },
      tokens: { type: 'string', default: '8' },
    },
  });
  if (!values.model)
    throw new Error('usage: npx tsx bench/run-7b.ts --model DIR [--variant q4] [--tokens 8]');
  const tokens = Number(values.tokens);
  const t0 = performance.now();
  const { engine } = await loadEngine(new DirModelFiles(values.model), {
    ort,
    target: 'cpu',
    variant: values.variant as Variant,
  });
  const loadMs = performance.now() - t0;
  const rssAfterLoad = procMemory()?.rss ?? NaN;
  console.error(`loaded in ${(loadMs / 1000).toFixed(1)} s, RSS ${(rssAfterLoad / 2 ** 30).toFixed(2)} GiB`);

  const textOnly = await once(
    engine,
    [{ role: 'user', content: 'Describe a red stop sign in one sentence.' }],
    0,
    tokens,
  );
  console.error(`text-only: ${JSON.stringify(textOnly)}`);

  const image = decodePng(new Uint8Array(readFileSync(GOLDEN_IMAGE)));
  const { numImageTokens } = prepareImage(image, { ...engine.imageLimits, rule: 'processor' });
  const withImage = await once(
    engine,
    firstTurn({ question: 'What color is the sign?' }, image),
    numImageTokens,
    tokens,
  );
  console.error(`with image: ${JSON.stringify(withImage)}`);

  await engine.dispose();
  const result: Run7bResult = {
    loadMs,
    rssAfterLoad,
    textOnly,
    withImage,
    peakRss: procMemory()?.hwm ?? NaN,
  };
  console.log(`RUN7B_RESULT ${JSON.stringify(result)}`);
}

await main();
