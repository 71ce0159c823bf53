/**
 * Properties of the decoder graph the golden set does not cover: a multi-token chunk on top of
 * a cache (a new image mid-conversation), 4 query heads per KV head, and a left-padded batch.
 * The fused graphs (sdpa and GroupQueryAttention) are checked against the unfused full prefill.
 * The reference is the same graph run without the cache / without padding (float32 reorders
 * sums, hence the 1e-5 tolerance on logits of magnitude ~1).
 */
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { GoldenSet } from '../../../test/support/golden-set';
import { parseQwenVLConfig } from '../../model/config';
import { buildDecoderGraph } from './decoder';
import { WeightStore } from './ops-weights';
import { synthSource } from './ops-synth';

const golden = GoldenSet.publicSet();
const raw = JSON.parse(golden.text('config.json')) as Record<string, unknown>;
const config = {
  ...raw,
  num_attention_heads: 8,
  num_key_value_heads: 2,
  num_hidden_layers: 2,
  vocab_size: 512,
  rope_scaling: { type: 'default', mrope_section: [2, 3, 3] },
};
const t = parseQwenVLConfig(config).text;
const H = t.hiddenSize;

function embeds(n: number, seed: number): Float32Array {
  let a = seed;
  return Float32Array.from({ length: n * H }, () => {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    return Math.fround(a / 2 ** 32 - 0.5);
  });
}

/** Image-like positions: 3 text tokens, a 2x3 image grid at t=3, then text from 6. */
function positions(n: number): number[][] {
  const rows: number[][] = [[], [], []];
  for (let i = 0; i < n; i++) {
    if (i < 3) [0, 1, 2].forEach((r) => rows[r].push(i));
    else if (i < 9) {
      const k = i - 3;
      rows[0].push(3);
      rows[1].push(3 + Math.floor(k / 3));
      rows[2].push(3 + (k % 3));
    } else [0, 1, 2].forEach((r) => rows[r].push(i - 3));
  }
  return rows;
}

let session: ort.InferenceSession;
let fused: ort.InferenceSession;
let gqa: ort.InferenceSession;
beforeAll(async () => {
  const store = () => new WeightStore(synthSource(config, 'cache-test'));
  session = await ort.InferenceSession.create(
    await buildDecoderGraph(t, store(), { dtype: 'fp32', fused: false }),
  );
  fused = await ort.InferenceSession.create(await buildDecoderGraph(t, store(), { dtype: 'fp32' }));
  gqa = await ort.InferenceSession.create(
    await buildDecoderGraph(t, store(), { dtype: 'fp32', attention: 'gqa' }),
  );
});

interface Call {
  x: Float32Array;
  batch: number;
  seq: number;
  mask: number[];
  pos: number[][][]; // [batch][3][seq]
  past?: Record<string, ort.Tensor>;
  graph?: ort.InferenceSession;
}

async function run(c: Call) {
  const pastLen = c.past ? (c.past['past_key_values.0.key'].dims[2] as number) : 0;
  const feeds: Record<string, ort.Tensor> = {
    inputs_embeds: new ort.Tensor('float32', c.x, [c.batch, c.seq, H]),
    attention_mask: new ort.Tensor('int64', BigInt64Array.from(c.mask.map(BigInt)), [
      c.batch,
      pastLen + c.seq,
    ]),
    position_ids: new ort.Tensor(
      'int64',
      BigInt64Array.from([0, 1, 2].flatMap((r) => c.pos.flatMap((b) => b[r])).map(BigInt)),
      [3, c.batch, c.seq],
    ),
  };
  for (let l = 0; l < t.numLayers; l++) {
    for (const kv of ['key', 'value']) {
      feeds[`past_key_values.${l}.${kv}`] =
        c.past?.[`past_key_values.${l}.${kv}`] ??
        new ort.Tensor('float32', new Float32Array(0), [c.batch, t.numKvHeads, 0, t.headDim]);
    }
  }
  const out = await (c.graph ?? session).run(feeds);
  const present: Record<string, ort.Tensor> = {};
  for (let l = 0; l < t.numLayers; l++) {
    for (const kv of ['key', 'value']) present[`past_key_values.${l}.${kv}`] = out[`present.${l}.${kv}`];
  }
  return { logits: out.logits.data as Float32Array, dims: out.logits.dims, present };
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('decoder graph with a cache and padding', () => {
  it.each(['unfused', 'fused', 'gqa'] as const)(
    '%s: prefill of 7 + a 5-token chunk on the cache = unfused prefill of all 12',
    async (kind) => {
      const graph = { unfused: session, fused, gqa }[kind];
      const n = 12;
      const x = embeds(n, 1);
      const pos = positions(n);
      const whole = await run({ x, batch: 1, seq: n, mask: new Array(n).fill(1), pos: [pos] });
      expect(whole.dims).toEqual([1, 1, 512]);
      const head = await run({
        x: x.slice(0, 7 * H),
        batch: 1,
        seq: 7,
        mask: new Array(7).fill(1),
        pos: [pos.map((r) => r.slice(0, 7))],
        graph,
      });
      const chunk = await run({
        x: x.slice(7 * H),
        batch: 1,
        seq: 5,
        mask: new Array(n).fill(1),
        pos: [pos.map((r) => r.slice(7))],
        past: head.present,
        graph,
      });
      expect(maxDiff(chunk.logits, whole.logits)).toBeLessThan(1e-5);
      const k = whole.present['past_key_values.1.key'].data as Float32Array;
      expect(maxDiff(chunk.present['past_key_values.1.key'].data as Float32Array, k)).toBeLessThan(1e-5);
    },
  );

  // Unfused only: GroupQueryAttention reads each row's length from seqlens_k and so models right
  // padding, not left; the runtime feeds one unpadded row.
  it('unfused: a left-padded row of a batch gives the logits of the same sequence alone', async () => {
    const n = 12;
    const pad = 3;
    const a = embeds(n, 2);
    const b = embeds(n - pad, 3);
    const posA = positions(n);
    const posB = positions(n - pad).map((r) => [...new Array(pad).fill(1), ...r]);
    const x = new Float32Array(2 * n * H);
    x.set(a);
    x.set(b, (n + pad) * H);
    const mask = [...new Array(n).fill(1), ...new Array(pad).fill(0), ...new Array(n - pad).fill(1)];
    const batch = await run({ x, batch: 2, seq: n, mask, pos: [posA, posB] });
    const aloneA = await run({ x: a, batch: 1, seq: n, mask: new Array(n).fill(1), pos: [posA] });
    const aloneB = await run({
      x: b,
      batch: 1,
      seq: n - pad,
      mask: new Array(n - pad).fill(1),
      pos: [positions(n - pad)],
    });
    expect(maxDiff(batch.logits.subarray(0, 512), aloneA.logits)).toBeLessThan(1e-5);
    expect(maxDiff(batch.logits.subarray(512), aloneB.logits)).toBeLessThan(1e-5);

    // One decode step for both rows on the batched cache.
    const step = await run({
      x: embeds(2, 4),
      batch: 2,
      seq: 1,
      mask: [...mask.slice(0, n), 1, ...mask.slice(n), 1],
      pos: [
        [[9], [9], [9]],
        [[6], [6], [6]],
      ],
      past: batch.present,
    });
    const stepB = await run({
      x: embeds(2, 4).slice(H),
      batch: 1,
      seq: 1,
      mask: new Array(n - pad + 1).fill(1),
      pos: [[[6], [6], [6]]],
      past: aloneB.present,
    });
    expect(maxDiff(step.logits.subarray(512), stepB.logits)).toBeLessThan(1e-5);
  });
});
