/**
 * Reliability case 13 with a real model and the real runtime: the tiny random-weights model with
 * its embedding scaled by 1e7 (values ~1e5-1e6, past fp16's 65504) converted to q4f16 and q4.
 * With fp16 activations the decoder's hidden state overflows to Inf and its RMSNorm turns it into
 * NaN, so the run ends with the typed invalid_logits error and its advice; the q4 variant (fp32
 * activations) of the same weights runs. The unscaled model's q4f16 runs too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { runDeepEyes } from '../src/agent/executor';
import { DEFAULT_SETTINGS } from '../src/agent/types';
import type { RgbImage, Variant } from '../src/base/types';
import { writeTinyModel } from '../src/cli/build-tiny-model';
import { loadEngine } from '../src/model/load-engine';
import { DirModelFiles } from '../src/model/runtime/node-files';
import type { OrtApi } from '../src/model/runtime/ort-api';

const OVERFLOW_SCALES = { 'model.embed_tokens.weight': 1e7 };

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'fp16-overflow-'));
  await writeTinyModel(join(work, 'overflow'), {
    dtypes: ['q4', 'q4f16'],
    modelId: 'tiny overflow',
    scales: OVERFLOW_SCALES,
  });
  await writeTinyModel(join(work, 'plain'), { dtypes: ['q4', 'q4f16'], modelId: 'tiny plain' });
}, 120_000);
afterAll(() => rm(work, { recursive: true, force: true }));

const grey: RgbImage = { width: 56, height: 56, data: new Uint8Array(56 * 56 * 3).fill(120) };

async function runOnce(folder: string, variant: Variant) {
  const { engine } = await loadEngine(new DirModelFiles(join(work, folder)), {
    ort: ort as unknown as OrtApi,
    target: 'cpu',
    variant,
  });
  try {
    return await runDeepEyes(engine, {
      image: grey,
      question: 'What is in the picture?',
      settings: { ...DEFAULT_SETTINGS, maxTokensPerTurn: 2 },
    });
  } finally {
    await engine.dispose();
  }
}

describe('a model whose weights overflow fp16', () => {
  it('q4f16 (fp16 activations): NaN logits, reported as invalid_logits with the fp32 advice', async () => {
    const trace = await runOnce('overflow', 'q4f16');
    expect(trace.endReason).toBe('error');
    expect(trace.error?.code).toBe('invalid_logits');
    expect(trace.error?.message).toMatch(/NaN/);
  }, 120_000);

  it('q4 (fp32 activations) of the same weights runs to its token budget', async () => {
    const trace = await runOnce('overflow', 'q4');
    expect(trace.error).toBeUndefined();
    expect(trace.endReason).toBe('budget');
  }, 120_000);

  it('the unscaled model runs as q4f16 (its embedding comes from embed_tokens_q4, as the manifest says)', async () => {
    const trace = await runOnce('plain', 'q4f16');
    expect(trace.error).toBeUndefined();
    expect(trace.endReason).toBe('budget');
  }, 120_000);
});
