/**
 * Files others can load: transformers.js v4 loads a folder our converter wrote, as it is, from
 * the local disk, and its greedy ids for the golden image + question prompt equal the golden
 * reference's (Hugging Face transformers, float32) and our runtime's on the same files.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  env,
  Qwen2_5_VLForConditionalGeneration,
  Tensor,
  type PreTrainedModel,
} from '@huggingface/transformers';
import * as ortNode from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertModel } from '../src/convert/convert';
import { writeTinyCheckpoint } from '../src/convert/synth';
import { decodePng } from '../src/image-io/png';
import { prepareImage, type PreparedImage } from '../src/model/image/prepare-image';
import { DirModelFiles } from '../src/model/runtime/node-files';
import type { OrtApi } from '../src/model/runtime/ort-api';
import { QwenVLRuntime } from '../src/model/runtime/qwen-vl-runtime';
import { argmax } from '../src/model/runtime/sampling';
import { GoldenSet } from './support/golden-set';

const golden = GoldenSet.publicSet();
const root = mkdtempSync(join(tmpdir(), 'deepeyes-tjs-'));
const MODEL = 'converted';
const outDir = join(root, MODEL);
const promptIds = golden.i64('turn1_input_ids').data;
const reference = golden.i64('turn1_generated_ids').data;
let image: PreparedImage;

beforeAll(async () => {
  const hfDir = join(root, 'hf');
  await writeTinyCheckpoint(hfDir, golden.text('config.json'), golden.salt);
  await convertModel({ hfDir, outDir, dtypes: ['fp32', 'q4'], modelId: 'tiny-golden' });
  image = prepareImage(decodePng(golden.bytes('image1.png')), { rule: 'processor' });
}, 120_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

async function ourGreedy(variant: 'fp32' | 'q4', steps: number): Promise<number[]> {
  const rt = await QwenVLRuntime.load(ortNode as unknown as OrtApi, new DirModelFiles(outDir), {
    variant,
    target: 'cpu',
  });
  const ids: number[] = [];
  let logits = (await rt.append(promptIds, [image])).logits;
  for (let s = 0; s < steps; s++) {
    ids.push(argmax(logits));
    if (s < steps - 1) logits = await rt.step(ids[s]);
  }
  return ids;
}

async function theirGreedy(dtype: 'fp32' | 'q4', steps: number): Promise<number[]> {
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = root;
  const model: PreTrainedModel = await Qwen2_5_VLForConditionalGeneration.from_pretrained(MODEL, {
    dtype,
    device: 'cpu',
  });
  try {
    const n = promptIds.length;
    const out = (await model.generate({
      input_ids: new Tensor('int64', BigInt64Array.from(promptIds.map(BigInt)), [1, n]),
      attention_mask: new Tensor('int64', new BigInt64Array(n).fill(1n), [1, n]),
      pixel_values: new Tensor('float32', image.pixelValues, [image.pixelValues.length / 1176, 1176]),
      image_grid_thw: new Tensor('int64', BigInt64Array.from(image.gridThw.map(BigInt)), [1, 3]),
      max_new_tokens: steps,
      min_new_tokens: steps,
      do_sample: false,
    })) as Tensor;
    return Array.from(out.data as BigInt64Array, Number).slice(n);
  } finally {
    await model.dispose();
  }
}

describe('transformers.js loads the converted folder', () => {
  it('writes the config fields transformers.js reads', () => {
    const cfg = JSON.parse(readFileSync(join(outDir, 'config.json'), 'utf8'));
    expect(cfg.text_config).toMatchObject({ model_type: 'qwen2_5_vl_text', num_hidden_layers: 3 });
    expect(cfg['transformers.js_config'].use_external_data_format).toMatchObject({
      'decoder_model_merged_q4.onnx': 1,
    });
    const pre = JSON.parse(readFileSync(join(outDir, 'preprocessor_config.json'), 'utf8'));
    expect(pre.processor_class).toBe('Qwen2_5_VLProcessor');
  });

  it('fp32: its greedy ids equal the golden reference and our runtime', async () => {
    const steps = reference.length;
    const theirs = await theirGreedy('fp32', steps);
    expect(theirs).toEqual(reference);
    expect(await ourGreedy('fp32', steps)).toEqual(theirs);
  }, 120_000);

  it('q4: its greedy ids equal our runtime on the same int4 files', async () => {
    const steps = reference.length;
    expect(await theirGreedy('q4', steps)).toEqual(await ourGreedy('q4', steps));
  }, 120_000);
});
