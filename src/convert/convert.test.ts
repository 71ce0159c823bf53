import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  writeFileSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GoldenSet } from '../../test/support/golden-set';
import { parseQwenVLConfig } from '../model/config';
import { convertModel, visionChunksFor, type ConvertOptions, type ConvertResult } from './convert';
import { NodeCheckpointFiles } from './safetensors/node-files';
import { JOURNAL_FILE } from './convert-journal';
import {
  cosine,
  goldenScoredRow,
  maxAbsDiff,
  pick,
  relToPeak,
  runGoldenTurn1,
} from '../../test/support/decoder-golden';
import { MANIFEST_FILE, type DeepEyesManifest } from '../base/model-manifest';
import { writeTinyCheckpoint } from './synth';
import { decodeModel } from './onnx/proto';

const golden = GoldenSet.publicSet();
const configText = golden.text('config.json');
const cfg = parseQwenVLConfig(configText);
const root = mkdtempSync(join(tmpdir(), 'deepeyes-convert-'));
const hfDir = join(root, 'hf');
const CHUNK_LIMIT = 32 << 20;

function options(outDir: string): ConvertOptions {
  return { hfDir, outDir, dtypes: ['fp32', 'q4', 'q4f16'], chunkLimit: CHUNK_LIMIT, modelId: 'tiny-golden' };
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else out.push(relative(dir, join(d, e.name)));
    }
  };
  walk(dir);
  return out.sort();
}

let full: ConvertResult;
const fullDir = join(root, 'full');
const events: {
  phase: string;
  tensorsDone: number;
  tensorsTotal: number;
  bytesDone: number;
  bytesTotal: number;
}[] = [];

beforeAll(async () => {
  await writeTinyCheckpoint(hfDir, configText, golden.salt);
  appendFileSync(join(hfDir, 'chat_template.jinja'), golden.text('chat_template.jinja'));
  full = await convertModel({ ...options(fullDir), onProgress: (e) => events.push(e) });
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('convertModel on the tiny golden checkpoint', () => {
  it('writes the transformers.js layout, side files and a manifest that lists them all', () => {
    const files = listFiles(fullDir);
    for (const f of [
      'onnx/embed_tokens.onnx',
      'onnx/embed_tokens_q4.onnx',
      'onnx/decoder_model_merged.onnx',
      'onnx/decoder_model_merged_q4.onnx',
      'onnx/decoder_model_merged_q4f16.onnx',
      'onnx/vision_encoder.onnx',
      'onnx/vision_encoder_q4.onnx',
      'onnx/vision_encoder_q4f16.onnx',
      'config.json',
      'preprocessor_config.json',
      'chat_template.jinja',
      MANIFEST_FILE,
    ]) {
      expect(files).toContain(f);
    }
    expect(files).not.toContain(JOURNAL_FILE);
    const m = JSON.parse(readFileSync(join(fullDir, MANIFEST_FILE), 'utf8')) as DeepEyesManifest;
    expect(m.files.map((f) => f.path)).toEqual(files.filter((f) => f !== MANIFEST_FILE));
    for (const f of m.files) expect(f.bytes).toBe(statSync(join(fullDir, f.path)).size);
    expect(m.variants.q4f16?.required_features).toEqual(['shader-f16']);
    expect(m.variants.q4?.required_features).toEqual([]);
    expect(m.variants.q4?.files).toContain('onnx/embed_tokens_q4.onnx');
    expect(m.variants.q4f16?.files).toContain('onnx/embed_tokens_q4.onnx');
    // fp32 embedding and lm_head: 151936 x 128 x 4 bytes each.
    expect(m.variants.fp32?.max_single_tensor_bytes).toBe(151936 * 128 * 4);
    expect(m.variants.q4?.max_single_tensor_bytes).toBe(151936 * 4 * 16);
    expect(m.source_config.model_type).toBe('qwen2_5_vl');
  });

  it('rolls external data over at the chunk limit, 16-byte aligned, under 2 GB', () => {
    const data = listFiles(join(fullDir, 'onnx')).filter((f) => f.includes('.onnx_data'));
    expect(data).toContain('decoder_model_merged.onnx_data_1');
    for (const f of data) {
      const size = statSync(join(fullDir, 'onnx', f)).size;
      // A chunk passes the limit only when it holds one tensor bigger than the limit.
      if (size > CHUNK_LIMIT) expect(size).toBe(151936 * 128 * 4);
    }
  });

  it('reports progress up to the planned totals and a quantization error per int4 tensor', () => {
    const last = events[events.length - 1];
    expect(last.phase).toBe('done');
    expect(last.tensorsDone).toBe(last.tensorsTotal);
    expect(last.bytesDone).toBe(last.bytesTotal);
    const decoderQ4 = full.quantErrors.filter((r) => r.file === 'onnx/decoder_model_merged_q4.onnx');
    // 7 linears per layer + lm_head
    expect(decoderQ4).toHaveLength(cfg.text.numLayers * 7 + 1);
    for (const r of full.quantErrors) {
      expect(r.relRms).toBeGreaterThan(0);
      expect(r.relRms).toBeLessThan(0.1);
    }
    expect(full.manifest.quantization.summary.map((s) => s.file)).toContain('onnx/embed_tokens_q4.onnx');
  });

  it('converted fp32 graphs reproduce the golden logits; q4 stays close', async () => {
    const open = (f: string) => ort.InferenceSession.create(join(fullDir, 'onnx', f));
    const embed = await open('embed_tokens.onnx');
    const dec = await open('decoder_model_merged.onnx');
    const r = await runGoldenTurn1(golden, embed, dec, cfg.text);
    for (const [row, logits] of [
      [0, r.prefill],
      [1, r.step],
    ] as const) {
      const g = goldenScoredRow(golden, row);
      expect(relToPeak(pick(logits, g.topIds), g.topLogits)).toBeLessThan(1e-4);
      expect(relToPeak(pick(logits, g.probeIds), g.probeLogits)).toBeLessThan(1e-4);
    }
    const embedQ = await open('embed_tokens_q4.onnx');
    const decQ = await open('decoder_model_merged_q4.onnx');
    const q = await runGoldenTurn1(golden, embedQ, decQ, cfg.text);
    const g0 = goldenScoredRow(golden, 0);
    expect(cosine(pick(q.prefill, g0.probeIds), g0.probeLogits)).toBeGreaterThanOrEqual(0.98);
    expect(maxAbsDiff(pick(q.prefill, g0.probeIds), g0.probeLogits)).toBeLessThanOrEqual(0.75);
    const vision = await open('vision_encoder_q4.onnx');
    expect(vision.outputNames).toEqual(['image_features']);
    await Promise.all([embed, dec, embedQ, decQ, vision].map((s) => s.release()));
  });
});

describe('decoder graph options', () => {
  /** accuracy_level of every MatMulNBits node in a converted graph file. */
  function accuracyLevels(file: string): number[] {
    const m = decodeModel(readFileSync(file)) as {
      graph: { node: { op_type: string; attribute: { name: string; i?: number }[] }[] };
    };
    return m.graph.node
      .filter((n) => n.op_type === 'MatMulNBits')
      .map((n) => n.attribute.find((a) => a.name === 'accuracy_level')?.i ?? 0);
  }

  it('accuracy_level 4 reaches every int4 decoder linear and the manifest; the default stays 0', async () => {
    const out = join(root, 'acc4');
    const r = await convertModel({
      ...options(out),
      dtypes: ['q4'],
      components: ['decoder'],
      decoderGraph: { accuracyLevel: 4 },
    });
    const levels = accuracyLevels(join(out, 'onnx/decoder_model_merged_q4.onnx'));
    // 7 linears per layer and the lm_head.
    expect(levels).toEqual(new Array(7 * cfg.text.numLayers + 1).fill(4));
    expect(r.manifest.variants.q4?.matmulnbits_accuracy_level).toBe(4);
    expect(full.manifest.variants.q4?.matmulnbits_accuracy_level).toBe(0);
    expect(full.manifest.variants.fp32?.matmulnbits_accuracy_level).toBeUndefined();
    expect(new Set(accuracyLevels(join(fullDir, 'onnx/decoder_model_merged_q4.onnx')))).toEqual(new Set([0]));
  });

  it('records the vision full-attention chunks: by default 3.2 MP fits 1 GiB, or as asked', async () => {
    // The 3.2 MP target, 16384 patches (below max_pixels' 65536): 1 GiB / (4 heads * 16384 * 4 B)
    // = 4096 rows a chunk, 4 chunks.
    expect(full.manifest.vision_attention_chunks).toBe(4);
    const out = join(root, 'chunks3');
    const r = await convertModel({
      ...options(out),
      dtypes: ['fp32'],
      components: ['vision'],
      visionChunks: 3,
    });
    expect(r.manifest.vision_attention_chunks).toBe(3);
    const nodes = (
      decodeModel(readFileSync(join(out, 'onnx/vision_encoder.onnx'))) as {
        graph: { node: { name: string }[] };
      }
    ).graph.node;
    const scores = nodes.filter((n) => /\/attn\/full\/chunk\d+\/sdpa\/MatMul$/.test(n.name));
    expect(scores).toHaveLength(3 * cfg.vision.fullattBlockIndexes.length);
    // A folder without a vision encoder says nothing about chunks.
    const decoderOnly = await convertModel({
      ...options(join(root, 'nochunks')),
      dtypes: ['q4'],
      components: ['embed'],
    });
    expect(decoderOnly.manifest.vision_attention_chunks).toBeUndefined();
  });

  it("sizes the chunks for the checkpoint's own max_pixels when it is below 3.2 MP", async () => {
    const dir = join(root, 'pre');
    mkdirSync(dir);
    const pre = (maxPixels: number) =>
      writeFileSync(join(dir, 'preprocessor_config.json'), JSON.stringify({ max_pixels: maxPixels }));
    // 7B's 16 heads: 802816 px = 4096 patches -> 4096 rows fit 1 GiB, 1 chunk; 1605632 px = 8192
    // patches -> 2048 rows, 4 chunks; 12845056 px (65536 patches) is held to 16384 -> 16 chunks.
    const v7b = { ...cfg, vision: { ...cfg.vision, numHeads: 16 } };
    const chunksAt = async (px: number) => {
      pre(px);
      return visionChunksFor(v7b, new NodeCheckpointFiles(dir));
    };
    expect(await chunksAt(802816)).toBe(1);
    expect(await chunksAt(1605632)).toBe(4);
    expect(await chunksAt(12845056)).toBe(16);
  });
});

describe('resume', () => {
  it('an aborted conversion resumes to byte-identical files', async () => {
    const dir = join(root, 'resumed');
    const abort = new AbortController();
    let seen = 0;
    await expect(
      convertModel({
        ...options(dir),
        signal: abort.signal,
        onProgress: (e) => {
          // Stop in the middle of the fp32 decoder (after the fp32 embedding and some layers).
          if (e.phase === 'tensor' && ++seen === 14) abort.abort();
        },
      }),
    ).rejects.toThrow(/abort/i);
    expect(listFiles(dir)).toContain(JOURNAL_FILE);
    // A tensor half-written when the process died: the resumed run must cut it off.
    appendFileSync(join(dir, 'onnx', 'decoder_model_merged.onnx_data'), new Uint8Array(1000).fill(7));

    const resumed = await convertModel({ ...options(dir), resume: true });
    expect(resumed.restoredTensors).toBeGreaterThan(0);
    expect(listFiles(dir)).toEqual(listFiles(fullDir));
    for (const f of listFiles(fullDir)) {
      expect(Buffer.compare(readFileSync(join(dir, f)), readFileSync(join(fullDir, f))), f).toBe(0);
    }
  });
});
