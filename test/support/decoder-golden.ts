/**
 * Drives converted embed/decoder graphs through the golden turn-1 scenario (golden README
 * sections 5-6): prefill of turn1_input_ids with image1's vision embeddings scattered into the
 * <|image_pad|> positions, then one decode step of token 6581 at position 387 on the returned
 * cache. Test support for the graph and converter tests (Node only).
 */
import * as ort from 'onnxruntime-node';
import type { TextConfig } from '../../src/model/config';
import { GoldenSet } from './golden-set';
import { f16ToF32 } from '../../src/convert/safetensors/dtypes';

export interface GoldenTurn1Result {
  /** [V] logits of the last prefill position (golden row turn1_prefill_last). */
  prefill: Float32Array;
  /** [V] logits of the decode step (golden row turn1_step1). */
  step: Float32Array;
  /** Debug outputs of the prefill (hidden_states.*), when the graph has them. */
  hidden: Map<string, Float32Array>;
}

export const IMAGE_PAD = 151655;

function i64(values: number[], dims: number[]): ort.Tensor {
  return new ort.Tensor('int64', BigInt64Array.from(values.map(BigInt)), dims);
}

function asF32(t: ort.Tensor): Float32Array {
  return t.type === 'float16' ? f16ToF32(t.data as Uint16Array) : (t.data as Float32Array);
}

/** embed_tokens(turn1 ids) with the image rows replaced by golden image1_vision_embeds. */
export async function goldenTurn1Embeds(
  golden: GoldenSet,
  embed: ort.InferenceSession,
  hidden: number,
): Promise<Float32Array> {
  const ids = golden.i64('turn1_input_ids').data;
  const { inputs_embeds } = await embed.run({ input_ids: i64(ids, [1, ids.length]) });
  const x = new Float32Array(inputs_embeds.data as Float32Array);
  const vision = golden.f32('image1_vision_embeds');
  let row = 0;
  ids.forEach((id, pos) => {
    if (id !== IMAGE_PAD) return;
    x.set(vision.data.subarray(row * hidden, (row + 1) * hidden), pos * hidden);
    row++;
  });
  if (row !== vision.shape[0])
    throw new Error(`golden: ${row} image pads for ${vision.shape[0]} vision rows`);
  return x;
}

export async function runGoldenTurn1(
  golden: GoldenSet,
  embed: ort.InferenceSession,
  decoder: ort.InferenceSession,
  t: TextConfig,
): Promise<GoldenTurn1Result> {
  const ids = golden.i64('turn1_input_ids').data;
  const n = ids.length;
  const kvType = decoder.inputMetadata.find((m) => m.name === 'past_key_values.0.key');
  const half = kvType && 'type' in kvType && kvType.type === 'float16';
  const emptyKv = () =>
    half
      ? new ort.Tensor('float16', new Uint16Array(0), [1, t.numKvHeads, 0, t.headDim])
      : new ort.Tensor('float32', new Float32Array(0), [1, t.numKvHeads, 0, t.headDim]);

  const feeds: Record<string, ort.Tensor> = {
    inputs_embeds: new ort.Tensor('float32', await goldenTurn1Embeds(golden, embed, t.hiddenSize), [
      1,
      n,
      t.hiddenSize,
    ]),
    attention_mask: i64(new Array(n).fill(1), [1, n]),
    position_ids: i64(golden.i64('turn1_position_ids').data, [3, 1, n]),
  };
  for (let l = 0; l < t.numLayers; l++) {
    feeds[`past_key_values.${l}.key`] = emptyKv();
    feeds[`past_key_values.${l}.value`] = emptyKv();
  }
  const out1 = await decoder.run(feeds);
  const hidden = new Map<string, Float32Array>();
  for (const [name, v] of Object.entries(out1))
    if (name.startsWith('hidden_states.')) hidden.set(name, asF32(v));

  const generated = golden.i64('turn1_generated_ids').data[0];
  const stepPos = Math.max(...golden.i64('turn1_position_ids').data) + 1;
  const { inputs_embeds } = await embed.run({ input_ids: i64([generated], [1, 1]) });
  const step: Record<string, ort.Tensor> = {
    inputs_embeds: inputs_embeds,
    attention_mask: i64(new Array(n + 1).fill(1), [1, n + 1]),
    position_ids: i64([stepPos, stepPos, stepPos], [3, 1, 1]),
  };
  for (let l = 0; l < t.numLayers; l++) {
    step[`past_key_values.${l}.key`] = out1[`present.${l}.key`];
    step[`past_key_values.${l}.value`] = out1[`present.${l}.value`];
  }
  const out2 = await decoder.run(step);
  return { prefill: asF32(out1.logits), step: asF32(out2.logits), hidden };
}

/** Golden logits of one scored row, at the top-64 ids and at the probe ids. */
export function goldenScoredRow(golden: GoldenSet, row: number) {
  const topIds = golden.i64('scored_top64_ids').data.slice(row * 64, (row + 1) * 64);
  const topLogits = golden.f32('scored_top64_logits').data.slice(row * 64, (row + 1) * 64);
  const probeIds = golden.i64('probe_ids').data;
  const probeLogits = golden.f32('scored_probe_logits').data.slice(row * 256, (row + 1) * 256);
  return { topIds, topLogits, probeIds, probeLogits };
}

export function pick(logits: Float32Array, ids: number[]): Float32Array {
  return Float32Array.from(ids, (id) => logits[id]);
}

// The golden error measures live in src/golden/metrics.ts; re-exported for the graph tests.
export { relToPeak, maxAbsDiff, cosine } from '../../src/golden/metrics';
