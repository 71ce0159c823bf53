/**
 * npx tsx bench/run-7b.ts --model DIR [--variant q4] [--tokens 8]
 *
 * Loads a converted model folder in onnxruntime-node (CPU) through QwenVLEngine and generates a
 * few greedy tokens twice: from a text-only prompt and from a small image (the golden 250x190
 * picture). Prints load time, prefill and decode speed, and the process's peak RSS, then one
 * `RUN7B_RESULT {json}` line. Used by bench/convert-7b.ts; works on any converted folder.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { DirModelFiles } from '../src/model/runtime/node-files';
import { QwenVLEngine } from '../src/model/runtime/qwen-vl-engine';

import { prepareImage } from '../src/model/image/prepare-image';
import { decodePng } from '../src/image-io/png';
import { turn1Text } from '../src/agent/protocol/prompts';
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
  ids: number[],
  images: ReturnType<typeof prepareImage>[],
  tokens: number,
): Promise<GenerationFigures> {
  engine.reset();
  const { logits, stats } = await engine.prefill(ids, images);
  const gen = await engine.generate(logits, {
    maxNewTokens: tokens,
    stopIds: [],
    sampling: { kind: 'greedy' },
  });
  // generate() feeds every id but the last: ids.length - 1 decode steps were timed.
  const steps = Math.max(1, gen.ids.length - 1);
  return {
    promptTokens: ids.length,
    imageTokens: images.reduce((s, im) => s + im.numImageTokens, 0),
    visionMs: stats.visionMs,
    prefillMs: stats.prefillMs,
    prefillTokPerS: ids.length / (stats.prefillMs / 1000),
    generated: gen.ids.length,
    decodeMs: gen.decodeMs,
    decodeTokPerS: steps / (gen.decodeMs / 1000),
    text: engine.tokenizer.decode(gen.ids, { skipSpecial: false }),
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
  const engine = await QwenVLEngine.load(ort, new DirModelFiles(values.model), {
    variant: values.variant as Variant,
    target: 'cpu',
  });
  const loadMs = performance.now() - t0;
  const rssAfterLoad = procMemory()?.rss ?? NaN;
  console.error(`loaded in ${(loadMs / 1000).toFixed(1)} s, RSS ${(rssAfterLoad / 2 ** 30).toFixed(2)} GiB`);

  const textIds = engine.tokenizer.encode(
    engine.template.render([{ role: 'user', content: 'Describe a red stop sign in one sentence.' }]),
  );
  const textOnly = await once(engine, textIds, [], tokens);
  console.error(`text-only: ${JSON.stringify(textOnly)}`);

  const image = decodePng(new Uint8Array(readFileSync(GOLDEN_IMAGE)));
  const prepared = prepareImage(image, { ...engine.imageOptions, rule: 'processor' });
  const imageIds = engine.tokenizer.encode(
    turn1Text(engine.template, { question: 'What color is the sign?' }, prepared.numImageTokens),
  );
  const withImage = await once(engine, imageIds, [prepared], tokens);
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
