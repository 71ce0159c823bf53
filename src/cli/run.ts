/**
 * npm run run-model -- <model-dir> <image> "<question>" [options]
 *
 * Runs the DeepEyes agent in Node (onnxruntime-node) on any converted model folder: the reasoning
 * streams to the terminal, each zoom is announced with its box, and the trace is written as JSON
 * (and optionally DeepEyes eval JSONL).
 *
 *   --options "red,white"    multiple-choice options (A, B, ...)
 *   --trace out.json         where to write the trace (default: trace-<time>.json)
 *   --jsonl out.jsonl        also write the DeepEyes eval record
 *   --variant q4|fp32|q4f16  (default: q4 when converted, else fp32)
 *   --max-crops N  --max-tokens N  --max-total N
 *   --temperature T --top-p P --seed S   (default greedy)
 *   --rotate                 offer the untrained rotate tool
 */
import { readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { DirModelFiles } from '../model/runtime/node-files';
import { QwenVLEngine } from '../model/runtime/qwen-vl-engine';
import type { Variant } from '../model/runtime/sessions';
import { decodeImageFile } from '../model/codec/node-image';
import { runDeepEyes } from '../agent/loop';
import { DEFAULT_SETTINGS, type AgentEvent, type AgentSettings } from '../agent/types';
import { serializeTrace } from '../agent/trace/trace-io';
import { toDeepEyesJsonl } from '../agent/trace/deepeyes-jsonl';

export class RunUsageError extends Error {
  constructor(message: string) {
    super(
      `${message}\nusage: npm run run-model -- <model-dir> <image> "<question>" [--options a,b] [--trace out.json]`,
    );
    this.name = 'RunUsageError';
  }
}

export interface RunArgs {
  modelDir: string;
  image: string;
  question: string;
  options?: string[];
  trace?: string;
  jsonl?: string;
  variant?: Variant;
  settings: AgentSettings;
}

export function parseRunArgs(argv: string[]): RunArgs {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) positional.push(a);
    else if (a === '--rotate') flags.set('rotate', true);
    else {
      const v = argv[++i];
      if (v === undefined) throw new RunUsageError(`${a} needs a value`);
      flags.set(a.slice(2), v);
    }
  }
  const [modelDir, image, question] = positional;
  if (!modelDir || !image || !question) throw new RunUsageError('missing <model-dir>, <image> or <question>');
  const num = (k: string, fallback: number) => {
    const v = flags.get(k);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isFinite(n)) throw new RunUsageError(`--${k} must be a number, got ${String(v)}`);
    return n;
  };
  const temperature = num('temperature', 0);
  const settings: AgentSettings = {
    maxCrops: num('max-crops', DEFAULT_SETTINGS.maxCrops),
    maxTokensPerTurn: num('max-tokens', DEFAULT_SETTINGS.maxTokensPerTurn),
    maxTotalTokens: num('max-total', DEFAULT_SETTINGS.maxTotalTokens),
    sampling:
      temperature > 0
        ? { kind: 'sample', temperature, topP: num('top-p', 1), seed: num('seed', 0) }
        : { kind: 'greedy' },
    rotateTool: flags.get('rotate') === true,
  };
  const opt = flags.get('options');
  return {
    modelDir,
    image,
    question,
    options:
      typeof opt === 'string'
        ? opt
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : undefined,
    trace: flags.get('trace') as string | undefined,
    jsonl: flags.get('jsonl') as string | undefined,
    variant: flags.get('variant') as Variant | undefined,
    settings,
  };
}

function printer(write: (s: string) => void): (e: AgentEvent) => void {
  return (e) => {
    switch (e.type) {
      case 'run_start':
        write(
          `image ${e.image.width}x${e.image.height} (model sees ${e.image.resizedWidth}x${e.image.resizedHeight})\n`,
        );
        break;
      case 'turn_start':
        write(`\n── turn ${e.turn + 1} (prefill ${e.promptTokens} tokens)\n`);
        break;
      case 'token':
        write(e.text);
        break;
      case 'segment':
        if (e.segment.kind === 'tool_result') {
          const b = e.segment.bboxOriginal.map((v) => Math.round(v)).join(', ');
          write(
            `\n[zoom] crop [${b}] -> ${e.segment.crop.resizedWidth}x${e.segment.crop.resizedHeight}, ${e.segment.crop.imageTokens} image tokens\n`,
          );
        } else if (e.segment.kind === 'error') write(`\n[tool error] ${e.segment.message}\n`);
        break;
      case 'turn_end': {
        const t = e.step.timings;
        const dec = t.decodeMs > 0 ? (t.decodeTokens / (t.decodeMs / 1000)).toFixed(1) : '-';
        const pre = t.prefillMs > 0 ? (t.prefillTokens / (t.prefillMs / 1000)).toFixed(0) : '-';
        write(`\n   (ttft ${t.ttftMs.toFixed(0)} ms, prefill ${pre} tok/s, decode ${dec} tok/s)\n`);
        break;
      }
      case 'run_end':
        write(
          `\n── ${e.trace.endReason}${e.trace.finalAnswer !== undefined ? `: ${e.trace.finalAnswer}` : ''}\n`,
        );
        if (e.trace.error) write(`error: ${e.trace.error.message}\n`);
        break;
    }
  };
}

async function chooseVariant(dir: string, asked?: Variant): Promise<Variant> {
  if (asked) return asked;
  const manifest = join(dir, 'deepeyes-manifest.json');
  if (existsSync(manifest)) {
    const m = JSON.parse(await readFile(manifest, 'utf8')) as { variants?: Record<string, unknown> };
    if (m.variants?.q4) return 'q4';
    if (m.variants?.fp32) return 'fp32';
  }
  return existsSync(join(dir, 'onnx', 'decoder_model_merged_q4.onnx')) ? 'q4' : 'fp32';
}

export async function main(
  argv: string[],
  write = (s: string) => void process.stdout.write(s),
): Promise<number> {
  const args = parseRunArgs(argv);
  const dir = resolve(args.modelDir);
  const image = await decodeImageFile(new Uint8Array(await readFile(resolve(args.image))));
  const variant = await chooseVariant(dir, args.variant);
  write(`loading ${dir} (${variant}, onnxruntime-node CPU)\n`);
  const engine = await QwenVLEngine.load(ort, new DirModelFiles(dir), { variant, target: 'cpu' });
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  try {
    const trace = await runDeepEyes(engine, {
      image,
      question: args.question,
      options: args.options,
      settings: args.settings,
      signal: controller.signal,
      onEvent: printer(write),
    });
    const out = resolve(args.trace ?? `trace-${trace.createdAt.replace(/[:.]/g, '-')}.json`);
    await writeFile(out, serializeTrace(trace, { pretty: true }));
    write(`trace: ${out}\n`);
    if (args.jsonl) {
      await writeFile(resolve(args.jsonl), toDeepEyesJsonl(trace) + '\n');
      write(`jsonl: ${resolve(args.jsonl)}\n`);
    }
    return trace.endReason === 'error' ? 1 : 0;
  } finally {
    process.off('SIGINT', onSigint);
    await engine.dispose();
  }
}

if (process.argv[1]?.endsWith('run.ts')) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      console.error(e instanceof Error ? e.message : e);
      process.exit(e instanceof RunUsageError ? 2 : 1);
    },
  );
}
