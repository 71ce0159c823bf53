/**
 * writeTinyModel's sizes and decoderGraph options (used by bench/browser-fused.ts): a wider text
 * model converted in both decoder forms. The forms are two independent constructions of the same
 * maths (fused contrib ops against elementary ops), so each is the other's reference.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ortNode from 'onnxruntime-node';
import { decodeModel } from '../convert/onnx/proto';
import { cosine } from '../golden/metrics';
import { DirModelFiles } from '../model/runtime/node-files';
import { QwenVLRuntime } from '../model/runtime/qwen-vl-runtime';
import { writeTinyModel } from './build-tiny-model';

const SIZES = { hidden_size: 128, num_attention_heads: 8, num_key_value_heads: 2, num_hidden_layers: 1 };
const FUSED_OPS = ['SimplifiedLayerNormalization', 'SkipSimplifiedLayerNormalization', 'RotaryEmbedding'];

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'tiny-forms-'));
  for (const fused of [true, false]) {
    await writeTinyModel(join(work, String(fused)), {
      dtypes: ['fp32'],
      modelId: 'tiny forms',
      sizes: SIZES,
      decoderGraph: { fused },
    });
  }
}, 180_000);
afterAll(() => rm(work, { recursive: true, force: true }));

function opTypes(folder: string): Set<string> {
  const m = decodeModel(readFileSync(join(work, folder, 'onnx/decoder_model_merged.onnx'))) as {
    graph: { node: { op_type: string }[] };
  };
  return new Set(m.graph.node.map((n) => n.op_type));
}

async function logits(folder: string, ids: number[]): Promise<Float32Array[]> {
  const rt = await QwenVLRuntime.load(ortNode, new DirModelFiles(join(work, folder)), {
    variant: 'fp32',
    target: 'cpu',
  });
  try {
    return [(await rt.append(ids)).logits, (await rt.append([1000])).logits];
  } finally {
    await rt.dispose();
  }
}

describe('writeTinyModel sizes and decoder form', () => {
  it('takes the wider text sizes, with the vision merger following hidden_size', () => {
    const cfg = JSON.parse(readFileSync(join(work, 'true', 'config.json'), 'utf8'));
    expect(cfg.hidden_size).toBe(128);
    expect(cfg.num_attention_heads).toBe(8);
    expect(cfg.vision_config.out_hidden_size).toBe(128);
  });

  it('writes the fused ops only in the fused form', () => {
    const fused = opTypes('true');
    const unfused = opTypes('false');
    for (const op of FUSED_OPS) {
      expect(fused.has(op), op).toBe(true);
      expect(unfused.has(op), op).toBe(false);
    }
  });

  it('both forms give the same logits for a prefill and a decode step', async () => {
    const ids = [151644, 872, 198, 9707, 11, 1879, 13];
    const [a, b] = [await logits('true', ids), await logits('false', ids)];
    for (let i = 0; i < a.length; i++) {
      expect(a[i].length).toBe(151936);
      expect(cosine(a[i], b[i])).toBeGreaterThan(0.99999);
    }
  });
});
