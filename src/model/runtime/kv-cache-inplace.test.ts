/**
 * The in-place KV cache on real onnxruntime-node: the fused decoder graph with GroupQueryAttention, its present.* bound
 * to the past buffers, across a capacity growth (1000 + 100 rows > INITIAL_CAPACITY), gives the
 * logits of the unfused graph (elementary ops, Concat past) run with a concatenating cache.
 * float32 sums are ordered differently by the fused kernels, hence 1e-5 relative to the peak.
 */
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { GoldenSet } from '../../../test/support/golden-set';
import { buildDecoderGraph } from '../../convert/graphs/decoder';
import { WeightStore } from '../../convert/graphs/ops-weights';
import { synthSource } from '../../convert/graphs/ops-synth';
import { parseQwenVLConfig } from '../config';
import { INITIAL_CAPACITY, KvCache, type KvMode } from './kv-cache';
import type { OrtApi } from './ort-api';
import { relToPeak } from '../../golden/metrics';

const golden = GoldenSet.publicSet();
const raw = JSON.parse(golden.text('config.json')) as Record<string, unknown>;
const config = { ...raw, num_hidden_layers: 2, vocab_size: 256 };
const t = parseQwenVLConfig(config).text;

function embeds(n: number, seed: number): Float32Array {
  let a = seed;
  return Float32Array.from({ length: n * t.hiddenSize }, () => {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    return Math.fround(a / 2 ** 32 - 0.5);
  });
}

/** Runs chunks of `sizes` tokens through one graph and cache; returns each chunk's last logits. */
async function runChunks(session: ort.InferenceSession, mode: KvMode, sizes: number[]) {
  const cache = new KvCache(ort as unknown as OrtApi, t.numLayers, t.numKvHeads, t.headDim, 'float32', mode);
  const logits: Float32Array[] = [];
  const rows: number[] = [];
  for (const [k, n] of sizes.entries()) {
    cache.reserve(n);
    const past = cache.length;
    const total = past + n;
    const feeds: Record<string, ort.Tensor> = {
      inputs_embeds: new ort.Tensor('float32', embeds(n, k + 1), [1, n, t.hiddenSize]),
      attention_mask: new ort.Tensor('int64', new BigInt64Array(total).fill(1n), [1, total]),
      position_ids: new ort.Tensor(
        'int64',
        BigInt64Array.from({ length: 3 * n }, (_, i) => BigInt(past + (i % n))),
        [3, 1, n],
      ),
      ...(cache.feeds() as Record<string, ort.Tensor>),
    };
    const fetches: Record<string, ort.Tensor | null> = { logits: null };
    Object.assign(fetches, cache.fetches());
    const out = await session.run(feeds, fetches as ort.InferenceSession.FetchesType);
    cache.update(out, total);
    logits.push(out.logits.data as Float32Array);
    rows.push(cache.rows);
  }
  cache.dispose();
  return { logits, rows };
}

let fused: ort.InferenceSession;
let unfused: ort.InferenceSession;
beforeAll(async () => {
  const store = () => new WeightStore(synthSource(config, 'kv-inplace-test'));
  fused = await ort.InferenceSession.create(
    await buildDecoderGraph(t, store(), { dtype: 'fp32', attention: 'gqa' }),
  );
  unfused = await ort.InferenceSession.create(
    await buildDecoderGraph(t, store(), { dtype: 'fp32', fused: false }),
  );
});

describe('in-place KV cache with the fused decoder', () => {
  it('matches the unfused graph with a concatenated cache across a capacity growth', async () => {
    const sizes = [1000, 100, 1, 1];
    const want = await runChunks(unfused, 'concat', sizes);
    const got = await runChunks(fused, 'in-place', sizes);
    expect(got.rows).toEqual([INITIAL_CAPACITY, 2 * INITIAL_CAPACITY, 2048, 2048]);
    expect(want.rows).toEqual([1000, 1100, 1101, 1102]);
    got.logits.forEach((l, i) => expect(relToPeak(l, want.logits[i]), `chunk ${i}`).toBeLessThan(1e-5));
  });
});
