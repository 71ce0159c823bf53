import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GoldenSet } from '../../../test/support/golden-set';
import { parseQwenVLConfig } from '../../model/config';
import { ExternalDataSink } from '../external-data';
import {
  buildDecoderGraph,
  decoderInputNames,
  decoderOutputNames,
  mropeSelector,
  type DecoderDtype,
} from './decoder';
import {
  cosine,
  goldenScoredRow,
  maxAbsDiff,
  pick,
  relToPeak,
  runGoldenTurn1,
  type GoldenTurn1Result,
} from '../../../test/support/decoder-golden';
import { buildEmbedGraph, type EmbedDtype } from './embed';
import { WeightStore } from './ops-weights';
import { synthSource } from './ops-synth';

const golden = GoldenSet.publicSet();
const configText = golden.text('config.json');
const cfg = parseQwenVLConfig(configText);
const source = synthSource(configText, golden.salt);
const dir = mkdtempSync(join(tmpdir(), 'deepeyes-decoder-'));

async function save(
  file: string,
  build: (sink: ExternalDataSink) => Promise<Uint8Array>,
): Promise<ort.InferenceSession> {
  const sink = new ExternalDataSink({ dir, modelFile: file });
  const bytes = await build(sink);
  sink.close();
  writeFileSync(join(dir, file), bytes);
  return ort.InferenceSession.create(join(dir, file));
}

async function runVariant(
  embedDtype: EmbedDtype,
  dtype: DecoderDtype,
  debugHidden: boolean,
): Promise<GoldenTurn1Result> {
  const store = new WeightStore(source);
  const embed = await save(`embed_${embedDtype}.onnx`, (sink) =>
    buildEmbedGraph(cfg.text, store, { dtype: embedDtype, sink }),
  );
  const decoder = await save(`decoder_${dtype}.onnx`, (sink) =>
    buildDecoderGraph(cfg.text, store, { dtype, debugHidden, sink }),
  );
  expect(decoder.inputNames).toEqual(decoderInputNames(cfg.text.numLayers));
  expect(decoder.outputNames).toEqual(decoderOutputNames(cfg.text.numLayers, debugHidden));
  const result = await runGoldenTurn1(golden, embed, decoder, cfg.text);
  await Promise.all([embed.release(), decoder.release()]);
  return result;
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('mRoPE selector', () => {
  it('puts inv_freq into the row of its mrope_section chunk', () => {
    const sel = mropeSelector(32, 1e6, [4, 6, 6]);
    const row = (d: number) => [0, 1, 2].filter((r) => sel[r * 16 + d] !== 0);
    expect([0, 3, 4, 9, 10, 15].map((d) => row(d))).toEqual([[0], [0], [1], [1], [2], [2]]);
    expect(sel[0]).toBe(1);
  });
});

describe('fp32 decoder reproduces the golden turn-1 numbers', () => {
  let r: GoldenTurn1Result;
  beforeAll(async () => {
    r = await runVariant('fp32', 'fp32', true);
  });

  it('hidden states at the last 4 prefill positions (turn1_hidden_last4)', () => {
    const want = golden.f32('turn1_hidden_last4');
    const [layers, last, h] = want.shape;
    const names = [
      ...Array.from({ length: layers - 1 }, (_, k) => `hidden_states.${k}`),
      'hidden_states.final',
    ];
    names.forEach((name, k) => {
      const all = r.hidden.get(name);
      expect(all, name).toBeDefined();
      const got = (all as Float32Array).subarray(all!.length - last * h);
      expect(relToPeak(got, want.data.subarray(k * last * h, (k + 1) * last * h)), name).toBeLessThan(1e-4);
    });
  });

  for (const [row, key] of [
    [0, 'prefill'],
    [1, 'step'],
  ] as const) {
    it(`logits at scored row ${row} (${key}): top-64 and probes within 1e-4 of the peak`, () => {
      const g = goldenScoredRow(golden, row);
      expect(relToPeak(pick(r[key], g.topIds), g.topLogits)).toBeLessThan(1e-4);
      expect(relToPeak(pick(r[key], g.probeIds), g.probeLogits)).toBeLessThan(1e-4);
      let arg = 0;
      r[key].forEach((v, i) => (v > r[key][arg] ? (arg = i) : 0));
      expect(arg).toBe(golden.i64('scored_argmax').data[row]);
    });
  }
});

describe.each([
  ['q4', 'q4'],
  ['q4', 'q4f16'],
] as const)('int4 decoder (embed %s, decoder %s) stays close to the golden logits', (embedDtype, dtype) => {
  let r: GoldenTurn1Result;
  beforeAll(async () => {
    r = await runVariant(embedDtype, dtype, false);
  });

  for (const [row, key] of [
    [0, 'prefill'],
    [1, 'step'],
  ] as const) {
    it(`row ${row} (${key}): probe cosine >= 0.98, max abs error <= 0.75`, () => {
      const g = goldenScoredRow(golden, row);
      const got = pick(r[key], g.probeIds);
      expect(cosine(got, g.probeLogits)).toBeGreaterThanOrEqual(0.98);
      expect(maxAbsDiff(got, g.probeLogits)).toBeLessThanOrEqual(0.75);
      expect(maxAbsDiff(pick(r[key], g.topIds), g.topLogits)).toBeLessThanOrEqual(0.75);
    });
  }
});
