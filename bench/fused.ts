/**
 * Bench part "fused": the decoder graph forms side by side, in one run, on the same weights and
 * onnxruntime-node (CPU): unfused (elementary ops, Concat past), fused (SimplifiedLayerNormalization,
 * SkipSimplifiedLayerNormalization, RotaryEmbedding; sdpa attention: the default) and fused with
 * GroupQueryAttention on an in-place KV cache; the fused forms also with MatMulNBits accuracy_level 4. The model is a ~1B Qwen2.5-VL text decoder (the
 * 3B shapes with 12 layers; random weights from the golden generator), q4, built once into
 * .cache/bench/ (a bf16 checkpoint is written, converted three times, and deleted).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { presetConfigText } from '../src/cli/make-checkpoint';
import { convertModel } from '../src/convert/convert';
import type { DecoderGraphOptions } from '../src/convert/graphs/decoder';
import { SINGLE_FILE } from '../src/convert/safetensors/reader';
import { writeSafetensors } from '../src/convert/safetensors/writer';
import { syntheticTensors } from '../src/convert/synth/checkpoint';
import { parseQwenVLConfig, type TextConfig } from '../src/model/config';
import { KvCache, type KvMode } from '../src/model/runtime/kv-cache';
import type { OrtApi } from '../src/model/runtime/ort-api';
import { componentFile } from '../src/model/runtime/sessions';
import { measureNativeBandwidth } from './native-bandwidth';

const SALT = 'deepeyes-bench-1b';
const LAYERS = 12;

export const FORMS = {
  unfused: { fused: false },
  fused: { fused: true, attention: 'sdpa' },
  'fused-gqa': { fused: true, attention: 'gqa' },
  'fused-acc4': { fused: true, attention: 'sdpa', accuracyLevel: 4 },
  'fused-gqa-acc4': { fused: true, attention: 'gqa', accuracyLevel: 4 },
} as const satisfies Record<string, Pick<DecoderGraphOptions, 'fused' | 'attention' | 'accuracyLevel'>>;
export type Form = keyof typeof FORMS;

export interface FormFigures {
  form: Form;
  kvMode: KvMode;
  /** Bytes of the decoder graph and its external data: read once per decode step. */
  weightBytes: number;
  /** Native read bandwidth / weightBytes, and decode as a percentage of it. */
  boundTokPerS?: number;
  decodeBoundPct?: number;
  prefillTokPerS: number;
  decodeMedianMs: number;
  decodeTokPerS: number;
}

export interface FusedFigures {
  model: string;
  /** onnxruntime's native read bandwidth (bench/native-bandwidth.ts), measured after the rounds. */
  nativeReadBytesPerS: number;
  prefillTokens: number;
  decodeSteps: number;
  rows: FormFigures[];
}

/** The 1B-shaped config: Qwen2.5-VL-3B's text decoder with 12 layers. */
export function oneBConfigText(): string {
  const c = JSON.parse(presetConfigText('qwen25vl-3b')) as Record<string, unknown>;
  return JSON.stringify({ ...c, num_hidden_layers: LAYERS }, null, 2) + '\n';
}

function stampOf(configText: string): string {
  const h = createHash('sha256').update(configText).update(SALT);
  for (const f of [
    'convert.ts',
    'graphs/decoder.ts',
    'graphs/ops.ts',
    'graphs/ops-fused.ts',
    'quant/q4.ts',
  ]) {
    h.update(readFileSync(join(import.meta.dirname, '../src/convert', f)));
  }
  return h.digest('hex');
}

/** The cached q4 model folders, one per form (embed_tokens only in the first). */
export async function ensureFormModels(
  cacheDir: string,
  log: (s: string) => void,
): Promise<Record<Form, string>> {
  const configText = oneBConfigText();
  const stamp = stampOf(configText);
  const dirs = Object.fromEntries(
    (Object.keys(FORMS) as Form[]).map((f) => [f, join(cacheDir, `qwen25vl-1b-text-q4-${f}`)]),
  ) as Record<Form, string>;
  const stampFile = join(cacheDir, 'qwen25vl-1b-forms-stamp.txt');
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) return dirs;

  const hfDir = join(cacheDir, 'qwen25vl-1b-text-hf');
  rmSync(hfDir, { recursive: true, force: true });
  await mkdir(hfDir, { recursive: true });
  await writeFile(join(hfDir, 'config.json'), configText);
  const tensors = syntheticTensors(configText, SALT, 'BF16').filter((t) => !t.name.startsWith('visual.'));
  log(`building the 1B bench model: writing a bf16 checkpoint (${tensors.length} tensors) ...`);
  await writeSafetensors(join(hfDir, SINGLE_FILE), tensors);
  for (const [i, form] of (Object.keys(FORMS) as Form[]).entries()) {
    log(`converting it (q4, ${form}) ...`);
    rmSync(dirs[form], { recursive: true, force: true });
    await convertModel({
      hfDir,
      outDir: dirs[form],
      dtypes: ['q4'],
      components: i === 0 ? ['embed', 'decoder'] : ['decoder'],
      modelId: `qwen25vl-1b-text-synth-${form}`,
      decoderGraph: FORMS[form],
    });
  }
  rmSync(hfDir, { recursive: true, force: true });
  writeFileSync(stampFile, stamp);
  return dirs;
}

/** Deterministic token ids spread over the vocabulary (avoiding the special tokens at the end). */
export function promptIds(n: number, vocab: number): number[] {
  return Array.from({ length: n }, (_, i) => (i * 7919 + 13) % Math.min(vocab, 151643));
}

/** A text-only driver of embed + decoder with the runtime's KV cache in the given mode. */
export class TextDecoder {
  readonly cache: KvCache;
  private mask = new BigInt64Array(0);

  constructor(
    cfg: TextConfig,
    private readonly embed: ort.InferenceSession,
    private readonly decoder: ort.InferenceSession,
    mode: KvMode,
  ) {
    this.cache = new KvCache(
      ort as unknown as OrtApi,
      cfg.numLayers,
      cfg.numKvHeads,
      cfg.headDim,
      'float32',
      mode,
    );
  }

  /** Feeds `ids` on top of the cache (text positions: all three mRoPE rows equal). */
  async step(ids: number[]): Promise<void> {
    const s = ids.length;
    this.cache.reserve(s);
    const past = this.cache.length;
    const e = await this.embed.run({
      input_ids: new ort.Tensor(
        'int64',
        BigInt64Array.from(ids, (i) => BigInt(i)),
        [1, s],
      ),
    });
    const embeds = e[this.embed.outputNames[0]];
    const total = past + s;
    if (this.mask.length < total) this.mask = new BigInt64Array(total * 2).fill(1n);
    const pos = new BigInt64Array(3 * s);
    for (let r = 0; r < 3; r++) for (let i = 0; i < s; i++) pos[r * s + i] = BigInt(past + i);
    const feeds = {
      inputs_embeds: embeds,
      attention_mask: new ort.Tensor('int64', this.mask.subarray(0, total), [1, total]),
      position_ids: new ort.Tensor('int64', pos, [3, 1, s]),
      ...(this.cache.feeds() as Record<string, ort.Tensor>),
    };
    const fetches: Record<string, ort.Tensor | null> = { logits: null };
    Object.assign(fetches, this.cache.fetches());
    const out = await this.decoder.run(feeds, fetches as ort.InferenceSession.FetchesType);
    embeds.dispose();
    this.cache.update(out, total);
    out.logits.dispose();
  }
}

export async function measureForm(
  dirs: Record<Form, string>,
  form: Form,
  cfg: TextConfig,
  prefillTokens: number,
  decodeSteps: number,
): Promise<FormFigures> {
  const opts: ort.InferenceSession.SessionOptions = {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
  };
  const embed = await ort.InferenceSession.create(
    join(dirs.unfused, componentFile('embed_tokens', 'q4')),
    opts,
  );
  const decoder = await ort.InferenceSession.create(
    join(dirs[form], componentFile('decoder_model_merged', 'q4')),
    opts,
  );
  const shape: Pick<DecoderGraphOptions, 'fused' | 'attention'> = FORMS[form];
  const kvMode: KvMode = shape.attention === 'gqa' ? 'in-place' : 'concat';
  try {
    const model = new TextDecoder(cfg, embed, decoder, kvMode);
    await model.step(promptIds(8, cfg.vocabSize));
    model.cache.reset();
    const ids = promptIds(prefillTokens + decodeSteps, cfg.vocabSize);
    const tp = performance.now();
    await model.step(ids.slice(0, prefillTokens));
    const prefillMs = performance.now() - tp;
    const steps: number[] = [];
    for (let i = 0; i < decodeSteps; i++) {
      const ts = performance.now();
      await model.step([ids[prefillTokens + i]]);
      steps.push(performance.now() - ts);
    }
    model.cache.dispose();
    const decodeMedianMs = [...steps].sort((a, b) => a - b)[Math.floor(steps.length / 2)];
    return {
      form,
      kvMode,
      weightBytes: readdirSync(join(dirs[form], 'onnx'))
        .filter((f) => f.startsWith('decoder_model_merged_q4.onnx'))
        .reduce((sum, f) => sum + statSync(join(dirs[form], 'onnx', f)).size, 0),
      prefillTokPerS: prefillTokens / (prefillMs / 1000),
      decodeMedianMs,
      decodeTokPerS: 1000 / decodeMedianMs,
    };
  } finally {
    await embed.release();
    await decoder.release();
  }
}

export async function runFusedBench(opts: {
  cacheDir: string;
  prefillTokens?: number;
  decodeSteps?: number;
  rounds?: number;
  log?: (s: string) => void;
}): Promise<FusedFigures> {
  const log = opts.log ?? (() => {});
  const prefillTokens = opts.prefillTokens ?? 128;
  const decodeSteps = opts.decodeSteps ?? 16;
  const dirs = await ensureFormModels(opts.cacheDir, log);
  const cfg = parseQwenVLConfig(oneBConfigText()).text;
  // Forms alternate over rounds (the machine is shared): each form keeps its best round.
  const best = new Map<Form, FormFigures>();
  for (let r = 0; r < (opts.rounds ?? 2); r++) {
    for (const form of Object.keys(FORMS) as Form[]) {
      const f = await measureForm(dirs, form, cfg, prefillTokens, decodeSteps);
      log(
        `round ${r + 1} ${form}: decode ${f.decodeTokPerS.toFixed(2)} tok/s, prefill ${f.prefillTokPerS.toFixed(1)} tok/s`,
      );
      const b = best.get(form);
      if (!b || f.decodeTokPerS > b.decodeTokPerS) best.set(form, f);
    }
  }
  log('measuring read bandwidth (onnxruntime ReduceSum and MatMul) ...');
  const bw = await measureNativeBandwidth();
  for (const f of best.values()) {
    f.boundTokPerS = bw.readBytesPerS / f.weightBytes;
    f.decodeBoundPct = (100 * f.decodeTokPerS) / f.boundTokPerS;
  }
  return {
    nativeReadBytesPerS: bw.readBytesPerS,
    model: `Qwen2.5-VL-3B text decoder shapes with ${LAYERS} layers (~1B), q4 (MatMulNBits block 32), onnxruntime-node cpu`,
    prefillTokens,
    decodeSteps,
    rows: (Object.keys(FORMS) as Form[]).map((f) => best.get(f)!),
  };
}
