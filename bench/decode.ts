/**
 * Bench part "decode": prefill and decode speed of a q4 model with the text decoder of
 * Qwen2.5-VL-3B (random weights from the golden generator) on onnxruntime-node (CPU), next to
 * the bound memory bandwidth sets: every decode step reads every decoder weight once, so
 * tokens/s <= bandwidth / weight bytes.
 *
 * The model is built once and cached under .cache/bench/: a text-only bf16 checkpoint is
 * written, converted (components embed + decoder, q4) and deleted; only the ONNX folder stays.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { presetConfigText } from '../src/cli/make-checkpoint';
import { convertModel } from '../src/convert/convert';
import { SINGLE_FILE } from '../src/convert/safetensors/reader';
import { writeSafetensors } from '../src/convert/safetensors/writer';
import { syntheticTensors } from '../src/convert/synth/checkpoint';
import { parseQwenVLConfig } from '../src/model/config';
import { componentFile } from '../src/model/runtime/sessions';
import { measureBandwidth, type Bandwidth } from './bandwidth';
import { measureNativeBandwidth, type NativeBandwidth } from './native-bandwidth';
import { TextDecoder, promptIds } from './fused';

const PRESET = 'qwen25vl-3b';
const SALT = 'deepeyes-bench-3b';
const STAMP = 'bench-stamp.json';

export interface DecodeOptions {
  cacheDir: string;
  prefillTokens?: number;
  decodeSteps?: number;
  log?: (s: string) => void;
}

export interface DecodeFigures {
  model: string;
  /** Bytes of decoder weights (the .onnx and its external data): read once per decode step. */
  decoderWeightBytes: number;
  buildSeconds?: number;
  loadMs: number;
  prefillTokens: number;
  prefillMs: number;
  prefillTokPerS: number;
  decodeSteps: number;
  decodeMedianMs: number;
  decodeTokPerS: number;
  /** The JavaScript loops' figures (for comparison; a summing loop falls short of the hardware). */
  bandwidth: Bandwidth;
  /** onnxruntime's own readers (ReduceSum, one-row MatMul) over a 1 GiB buffer: the bound decode is held to. */
  nativeBandwidth: NativeBandwidth;
  /** nativeBandwidth.readBytesPerS / decoderWeightBytes. */
  boundTokPerS: number;
  /** decodeTokPerS / boundTokPerS. */
  ratio: number;
  /** 100 * ratio, the figure the issue steers by. */
  decodeBoundPct: number;
  /** False when decode measured faster than the bound allows (then the bound is wrong). */
  withinBound: boolean;
}

function stampOf(configText: string): string {
  const h = createHash('sha256').update(configText).update(SALT);
  // The converter's own sources: a change to them rebuilds the cached model.
  for (const f of ['convert.ts', 'graphs/decoder.ts', 'graphs/embed.ts', 'graphs/ops.ts', 'quant/q4.ts']) {
    h.update(readFileSync(join(import.meta.dirname, '../src/convert', f)));
  }
  return h.digest('hex');
}

/** The cached q4 text-only 3B model folder, built when missing or stale. */
export async function ensureTextModel(
  cacheDir: string,
  log: (s: string) => void,
): Promise<{ dir: string; buildSeconds?: number }> {
  const configText = presetConfigText(PRESET);
  const dir = join(cacheDir, `${PRESET}-text-q4`);
  const stamp = stampOf(configText);
  if (existsSync(join(dir, STAMP)) && readFileSync(join(dir, STAMP), 'utf8') === stamp) return { dir };

  const t0 = performance.now();
  const hfDir = join(cacheDir, `${PRESET}-text-hf`);
  rmSync(dir, { recursive: true, force: true });
  rmSync(hfDir, { recursive: true, force: true });
  await mkdir(hfDir, { recursive: true });
  await writeFile(join(hfDir, 'config.json'), configText);
  const tensors = syntheticTensors(configText, SALT, 'BF16').filter((t) => !t.name.startsWith('visual.'));
  log(
    `building the bench model: writing a text-only ${PRESET} checkpoint (${tensors.length} tensors, bf16) ...`,
  );
  let n = 0;
  await writeSafetensors(join(hfDir, SINGLE_FILE), tensors, {
    onTensor: () => {
      if (++n % 50 === 0) log(`  ${n}/${tensors.length} tensors written`);
    },
  });
  log('converting it (embed + decoder, q4) ...');
  let last = 0;
  await convertModel({
    hfDir,
    outDir: dir,
    dtypes: ['q4'],
    components: ['embed', 'decoder'],
    modelId: `${PRESET}-text-synth`,
    onProgress: (p) => {
      const pct = Math.floor((100 * p.bytesDone) / Math.max(1, p.bytesTotal));
      if (pct >= last + 10) {
        last = pct;
        log(`  ${pct}% converted`);
      }
    },
  });
  rmSync(hfDir, { recursive: true, force: true });
  writeFileSync(join(dir, STAMP), stamp);
  return { dir, buildSeconds: (performance.now() - t0) / 1000 };
}

function decoderBytes(dir: string): number {
  const onnxDir = join(dir, 'onnx');
  return readdirSync(onnxDir)
    .filter((f) => f.startsWith('decoder_model_merged_q4.onnx'))
    .reduce((s, f) => s + statSync(join(onnxDir, f)).size, 0);
}

export async function runDecodeBench(opts: DecodeOptions): Promise<DecodeFigures> {
  const log = opts.log ?? (() => {});
  const prefillTokens = opts.prefillTokens ?? 128;
  const decodeSteps = opts.decodeSteps ?? 16;
  const { dir, buildSeconds } = await ensureTextModel(opts.cacheDir, log);
  const cfg = parseQwenVLConfig(readFileSync(join(dir, 'config.json'), 'utf8')).text;

  const t0 = performance.now();
  const sessionOpts: ort.InferenceSession.SessionOptions = {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
  };
  const embed = await ort.InferenceSession.create(
    join(dir, componentFile('embed_tokens', 'q4')),
    sessionOpts,
  );
  const decoder = await ort.InferenceSession.create(
    join(dir, componentFile('decoder_model_merged', 'q4')),
    sessionOpts,
  );
  const loadMs = performance.now() - t0;
  try {
    const model = new TextDecoder(cfg, embed, decoder, 'concat');
    // One short warm-up chunk (first-run allocations), then a clean cache.
    await model.step(promptIds(8, cfg.vocabSize));
    model.cache.reset();

    const ids = promptIds(prefillTokens + decodeSteps, cfg.vocabSize);
    const tp = performance.now();
    await model.step(ids.slice(0, prefillTokens));
    const prefillMs = performance.now() - tp;
    log(`prefill ${prefillTokens} tokens: ${prefillMs.toFixed(0)} ms`);

    const steps: number[] = [];
    for (let i = 0; i < decodeSteps; i++) {
      const ts = performance.now();
      await model.step([ids[prefillTokens + i]]);
      steps.push(performance.now() - ts);
    }
    model.cache.dispose();
    const sorted = [...steps].sort((a, b) => a - b);
    const decodeMedianMs = sorted[Math.floor(sorted.length / 2)];
    log(`decode ${decodeSteps} steps: median ${decodeMedianMs.toFixed(0)} ms`);

    log('measuring memory bandwidth (JavaScript loops, then onnxruntime ReduceSum and MatMul) ...');
    const bandwidth = await measureBandwidth();
    const nativeBandwidth = await measureNativeBandwidth();
    const weightBytes = decoderBytes(dir);
    const boundTokPerS = nativeBandwidth.readBytesPerS / weightBytes;
    const decodeTokPerS = 1000 / decodeMedianMs;
    return {
      model: `${PRESET} text decoder, q4 (MatMulNBits, block 32), onnxruntime-node cpu`,
      decoderWeightBytes: weightBytes,
      buildSeconds,
      loadMs,
      prefillTokens,
      prefillMs,
      prefillTokPerS: prefillTokens / (prefillMs / 1000),
      decodeSteps,
      decodeMedianMs,
      decodeTokPerS,
      bandwidth,
      nativeBandwidth,
      boundTokPerS,
      ratio: decodeTokPerS / boundTokPerS,
      decodeBoundPct: (100 * decodeTokPerS) / boundTokPerS,
      withinBound: decodeTokPerS <= boundTokPerS,
    };
  } finally {
    await embed.release();
    await decoder.release();
  }
}
