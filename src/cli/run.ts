/**
 * npm run run-model -- <model-dir> <image> "<question>" [options]
 * npm run run-model -- --server URL --model NAME <image> "<question>" [options]
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
 *   --server URL --model NAME [--api-key KEY]   an OpenAI-compatible server (vLLM, SGLang, serve)
 */
import { DeepEyesError } from '../base/errors';
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';

import { decodeImageFile } from '../image-io/node-image';
import { runDeepEyes } from '../agent/executor';
import type { AgentEvent, AgentSettings } from '../agent/types';
import { serializeTrace } from '../agent/trace/trace-io';
import { toDeepEyesJsonl } from '../agent/trace/deepeyes-jsonl';
import { agentSettingsFromFlags, parseArgv, stringFlag } from './cli-args';
import { loadNodeEngine } from './node-engine';
import { connectServer, serverArgsFromFlags, type ServerArgs } from './server-flags';
import type { TurnEngine } from '../base/engine';

import type { Variant } from '../base/types';
export class RunUsageError extends DeepEyesError {
  constructor(message: string) {
    super(
      'run_usage',
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
  server?: ServerArgs;
}

const usage = (m: string) => new RunUsageError(m);

export function parseRunArgs(argv: string[]): RunArgs {
  const { positional, flags } = parseArgv(argv, ['rotate'], usage);
  const server = serverArgsFromFlags(flags, usage);
  const [modelDir, image, question] = server ? ['', ...positional] : positional;
  if (!image || !question || (!server && !modelDir))
    throw new RunUsageError('missing <model-dir> (or --server URL --model NAME), <image> or <question>');
  if (server && positional.length > 2) throw new RunUsageError(`unexpected argument "${positional[2]}"`);
  const opt = stringFlag(flags, 'options');
  return {
    modelDir,
    image,
    question,
    options:
      opt !== undefined
        ? opt
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : undefined,
    trace: stringFlag(flags, 'trace'),
    jsonl: stringFlag(flags, 'jsonl'),
    variant: stringFlag(flags, 'variant') as Variant | undefined,
    settings: agentSettingsFromFlags(flags, usage),
    ...(server ? { server } : {}),
  };
}

function printer(write: (s: string) => void, serverRun = false): (e: AgentEvent) => void {
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
        if (serverRun) {
          write(
            `\n   (ttft ${t.ttftMs.toFixed(0)} ms, prefilled ${e.step.promptTokens} new tokens, generated ${e.step.generatedTokens})\n`,
          );
          break;
        }
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

export async function main(
  argv: string[],
  write = (s: string) => void process.stdout.write(s),
): Promise<number> {
  const args = parseRunArgs(argv);
  const image = await decodeImageFile(new Uint8Array(await readFile(resolve(args.image))));
  let engine: TurnEngine;
  let dispose = async () => {};
  if (args.server) [engine] = await connectServer(args.server, 1, write);
  else {
    const local = (await loadNodeEngine(args.modelDir, args.variant, write)).engine;
    engine = local;
    dispose = () => local.dispose();
  }
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
      onEvent: printer(write, args.server !== undefined),
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
    await dispose();
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
