/**
 * The load-time accuracy_level patch against the converter's own level-4 graph: a q4 decoder
 * written at level 0 and patched must hold the same nodes as the same decoder written at level 4
 * (read back by the converter's protobufjs decoder, an independent reader), change one byte per
 * MatMulNBits node and nothing else, and give onnxruntime-node the level-4 graph's logits exactly.
 */
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { GoldenSet } from '../../../test/support/golden-set';
import { buildDecoderGraph } from '../../convert/graphs/decoder';
import { WeightStore } from '../../convert/graphs/ops-weights';
import { synthSource } from '../../convert/graphs/ops-synth';
import { decodeModel } from '../../convert/onnx/proto';
import { parseQwenVLConfig } from '../config';
import { ACCURACY_LEVEL, setMatMulNBitsAccuracyLevel } from './accuracy-level';

const golden = GoldenSet.publicSet();
const raw = JSON.parse(golden.text('config.json')) as Record<string, unknown>;
const config = { ...raw, num_hidden_layers: 2, vocab_size: 256 };
const t = parseQwenVLConfig(config).text;

interface Node {
  op_type: string;
  attribute?: { name: string; i?: number }[];
}
const nodesOf = (bytes: Uint8Array) => (decodeModel(bytes).graph as { node: Node[] }).node;
const levels = (nodes: Node[]) =>
  nodes
    .filter((n) => n.op_type === 'MatMulNBits')
    .map((n) => n.attribute?.find((a) => a.name === 'accuracy_level')?.i);

// The converter hands back Node Buffers, whose slice() is a view: copies go through new Uint8Array.
let level0: Uint8Array;
let level4: Uint8Array;
beforeAll(async () => {
  const store = () => new WeightStore(synthSource(config, 'accuracy-level-test'));
  level0 = await buildDecoderGraph(t, store(), { dtype: 'q4' });
  level4 = await buildDecoderGraph(t, store(), { dtype: 'q4', accuracyLevel: 4 });
});

describe('setMatMulNBitsAccuracyLevel', () => {
  it('turns the level-0 graph into the converter level-4 graph, one byte per MatMulNBits node', () => {
    const patched = new Uint8Array(level0);
    const set = setMatMulNBitsAccuracyLevel(patched, 4);
    // 7 linears per layer and the lm_head.
    expect(set).toBe(7 * t.numLayers + 1);
    expect(levels(nodesOf(level0))).toEqual(Array<number>(set).fill(0));
    expect(nodesOf(patched)).toEqual(nodesOf(level4));
    let changed = 0;
    for (let i = 0; i < patched.length; i++) if (patched[i] !== level0[i]) changed++;
    expect(changed).toBe(set);
  });

  it('leaves a graph without MatMulNBits as it is and refuses a level that is not one byte', async () => {
    const fp32 = await buildDecoderGraph(t, new WeightStore(synthSource(config, 'accuracy-level-test')), {
      dtype: 'fp32',
    });
    const copy = new Uint8Array(fp32);
    expect(setMatMulNBitsAccuracyLevel(copy, 4)).toBe(0);
    expect(copy).toEqual(new Uint8Array(fp32));
    expect(() => setMatMulNBitsAccuracyLevel(new Uint8Array(level0), 128)).toThrow();
  });

  it('runs on onnxruntime-node as the level-4 file does (bit-equal logits)', async () => {
    expect(ACCURACY_LEVEL.cpu).toBe(4);
    const patched = new Uint8Array(level0);
    setMatMulNBitsAccuracyLevel(patched, 4);
    const run = async (bytes: Uint8Array) => {
      const s = await ort.InferenceSession.create(bytes);
      const n = 5;
      const feeds: Record<string, ort.Tensor> = {
        inputs_embeds: new ort.Tensor(
          'float32',
          Float32Array.from({ length: n * t.hiddenSize }, (_, i) => Math.sin(i * 0.37)),
          [1, n, t.hiddenSize],
        ),
        attention_mask: new ort.Tensor('int64', new BigInt64Array(n).fill(1n), [1, n]),
        position_ids: new ort.Tensor(
          'int64',
          BigInt64Array.from({ length: 3 * n }, (_, i) => BigInt(i % n)),
          [3, 1, n],
        ),
      };
      for (let l = 0; l < t.numLayers; l++) {
        for (const kv of ['key', 'value']) {
          feeds[`past_key_values.${l}.${kv}`] = new ort.Tensor('float32', new Float32Array(0), [
            1,
            t.numKvHeads,
            0,
            t.headDim,
          ]);
        }
      }
      const out = await s.run(feeds);
      const logits = Float32Array.from(out.logits.data as Float32Array);
      await s.release();
      return logits;
    };
    const [want, got, base] = [await run(level4), await run(patched), await run(level0)];
    expect(got).toEqual(want);
    // The level matters to the kernel (int8 activations), so the test could fail.
    expect(base).not.toEqual(want);
  });
});
