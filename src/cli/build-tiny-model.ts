/**
 * Builds the playground's bundled pipeline-check model: a Qwen2.5-VL of the real architecture with
 * tiny sizes and RANDOM weights from the golden weight formula, converted to q4 (int4 weights,
 * fp32 activations: runs on any WebGPU adapter and on WASM). It answers nonsense; it exists to
 * prove the whole pipeline runs on a machine. Skipped when its inputs have not changed.
 *
 * usage: tsx src/cli/build-tiny-model.ts <out-dir>
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeTinyCheckpoint } from '../convert/synth/checkpoint';
import { convertModel, type ConvertDtype, type ConvertOptions } from '../convert/convert';
import { qwen25vlTestTokenizerConfig, qwen25vlTestTokenizerJson } from '../convert/synth/test-tokenizer';
import { DEFAULT_PREPROCESSOR_CONFIG } from '../convert/convert';

export const TINY_SALT = 'deepeyes-pipeline-check-1';

/** Real Qwen2.5-VL structure (windows, full-attention blocks, mRoPE, GQA), small sizes. */
export const TINY_CONFIG = {
  architectures: ['Qwen2_5_VLForConditionalGeneration'],
  model_type: 'qwen2_5_vl',
  bos_token_id: 151643,
  eos_token_id: 151645,
  hidden_act: 'silu',
  hidden_size: 64,
  image_token_id: 151655,
  intermediate_size: 128,
  max_position_embeddings: 32768,
  num_attention_heads: 4,
  num_hidden_layers: 2,
  num_key_value_heads: 2,
  rms_norm_eps: 1e-6,
  rope_scaling: { mrope_section: [2, 3, 3], rope_type: 'default', type: 'default' },
  rope_theta: 1000000.0,
  tie_word_embeddings: false,
  torch_dtype: 'float32',
  video_token_id: 151656,
  vision_end_token_id: 151653,
  vision_start_token_id: 151652,
  vision_token_id: 151654,
  vocab_size: 151936,
  vision_config: {
    depth: 2,
    fullatt_block_indexes: [1],
    hidden_act: 'silu',
    hidden_size: 32,
    in_channels: 3,
    intermediate_size: 64,
    model_type: 'qwen2_5_vl',
    num_heads: 2,
    out_hidden_size: 64,
    patch_size: 14,
    spatial_merge_size: 2,
    temporal_patch_size: 2,
    tokens_per_second: 2,
    window_size: 112,
  },
};

/** Software WebGPU runs ~1 GFLOP/s: cap the image at 256 merged tokens for the check model. */
const TINY_MAX_PIXELS = 256 * 28 * 28;

function sourceStamp(): string {
  const h = createHash('sha256');
  h.update(JSON.stringify(TINY_CONFIG) + TINY_SALT + TINY_MAX_PIXELS);
  const root = resolve(import.meta.dirname, '..', 'convert');
  const walk = (d: string) => {
    for (const f of readdirSync(d).sort()) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (f.endsWith('.ts') && !f.endsWith('.test.ts')) h.update(readFileSync(p));
    }
  };
  walk(root);
  return h.digest('hex');
}

export async function buildTinyModel(
  outDir: string,
  log: (s: string) => void = console.log,
): Promise<boolean> {
  const stampFile = join(outDir, '.build-stamp');
  const stamp = sourceStamp();
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) {
    log(`tiny model: up to date in ${outDir}`);
    return false;
  }
  await rm(outDir, { recursive: true, force: true });
  const t0 = performance.now();
  await writeTinyModel(outDir, { dtypes: ['q4'], modelId: 'tiny-random (pipeline check, random weights)' });
  await writeFile(stampFile, stamp);
  log(`tiny model: built in ${((performance.now() - t0) / 1000).toFixed(1)} s -> ${outDir}`);
  return true;
}

export interface TinyModelOptions {
  dtypes: ConvertDtype[];
  modelId: string;
  /** Multiplies the named weights (see writeTinyCheckpoint): e.g. a model that overflows fp16. */
  scales?: Readonly<Record<string, number>>;
  /** Replaces the named weights outright (see writeTinyCheckpoint): e.g. a scripted bigram model. */
  overrides?: Readonly<Record<string, Float32Array>>;
  /**
   * Text-model sizes that replace the tiny ones (e.g. a wider MLP: a model too big for a memory
   * budget). The vision merger's output follows hidden_size; head_dim (hidden / heads) must stay 16,
   * the width mrope_section [2, 3, 3] covers.
   */
  sizes?: Readonly<
    Partial<
      Pick<
        typeof TINY_CONFIG,
        | 'intermediate_size'
        | 'num_hidden_layers'
        | 'hidden_size'
        | 'num_attention_heads'
        | 'num_key_value_heads'
      >
    >
  >;
  /** Decoder graph form (default: the converter's, fused). */
  decoderGraph?: ConvertOptions['decoderGraph'];
}

/** Converts the tiny random-weights checkpoint into `outDir` (a model folder the app loads). */
export async function writeTinyModel(outDir: string, opts: TinyModelOptions): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'tiny-model-'));
  try {
    const hf = join(work, 'hf');
    await mkdir(hf, { recursive: true });
    const hidden = opts.sizes?.hidden_size ?? TINY_CONFIG.hidden_size;
    const config = {
      ...TINY_CONFIG,
      ...opts.sizes,
      vision_config: { ...TINY_CONFIG.vision_config, out_hidden_size: hidden },
    };
    await writeTinyCheckpoint(hf, config, TINY_SALT, {
      scales: opts.scales,
      overrides: opts.overrides,
    });
    await writeFile(join(hf, 'tokenizer.json'), JSON.stringify(qwen25vlTestTokenizerJson()));
    await writeFile(join(hf, 'tokenizer_config.json'), JSON.stringify(qwen25vlTestTokenizerConfig()));
    await writeFile(
      join(hf, 'preprocessor_config.json'),
      JSON.stringify(
        {
          ...DEFAULT_PREPROCESSOR_CONFIG,
          max_pixels: TINY_MAX_PIXELS,
          size: { shortest_edge: 3136, longest_edge: TINY_MAX_PIXELS },
        },
        null,
        2,
      ),
    );
    await convertModel({
      hfDir: hf,
      outDir,
      dtypes: opts.dtypes,
      modelId: opts.modelId,
      decoderGraph: opts.decoderGraph,
    });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('build-tiny-model.ts')) {
  const out = process.argv[2];
  if (!out) {
    console.error('usage: tsx src/cli/build-tiny-model.ts <out-dir>');
    process.exit(2);
  }
  buildTinyModel(resolve(out)).catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
