/**
 * npm run evaluate -- <model-dir> --vstar <dir> | --hrbench <file.tsv> [options]
 * npm run evaluate -- --server URL --model NAME --vstar <dir> [--concurrency N] [options]
 *
 * Runs every benchmark question through the DeepEyes agent (onnxruntime-node, greedy like the
 * official evals), prints a line per question and a summary (accuracy per category and overall,
 * mean tool calls, answers that need an LLM judge), and appends DeepEyes eval records to --out.
 * Run it again with the same --out to resume: ids already there are skipped.
 *
 *   --limit N                only the first N questions of the dataset
 *   --shuffle [--seed S]     shuffle each question's options (seeded per question; V* files
 *                            always list the right answer first)
 *   --out results.jsonl      (default: eval-<dataset>-<time>.jsonl)
 *   --max-crops N  --max-tokens N  --max-total N  --variant q4|fp32|q4f16
 *   --temperature T --top-p P (default greedy)   --rotate (offer the untrained rotate tool)
 *   --server URL --model NAME [--api-key KEY]   an OpenAI-compatible server instead of a folder
 *   --concurrency N          questions in flight at once (server only; default 1)
 *   --judge-model NAME [--judge-server URL]   score answers the rules cannot with an LLM judge
 *                            (default server: --server), as the official evaluation does
 *
 * Beside the results file, <out>.meta.json records the model, server, settings, seed and summary.
 */
import { DeepEyesError } from '../base/errors';
import { resolve } from 'node:path';
import { existsSync } from 'node:fs';
import type { TurnEngine } from '../base/engine';

import type { AgentSettings } from '../agent/types';
import { readHrBench, readVstar } from '../agent/eval/datasets';
import { evaluateDataset, scoreRecord, type EvalRecord } from '../agent/eval/evaluate';
import type { EvalDataset } from '../agent/eval/item';
import { summarize } from '../agent/eval/score';
import { formatItemLine, formatSummary } from '../agent/eval/report';
import { appendResult, readResults, rewriteResults } from '../agent/eval/results-file';
import { agentSettingsFromFlags, numberFlag, parseArgv, stringFlag, type Flags } from './cli-args';
import { completeText } from '../server-engine/complete-text';
import { loadNodeEngine } from './node-engine';
import { connectServer, serverArgsFromFlags, type ServerArgs } from './server-flags';
import { progressLine } from '../agent/eval/progress';
import { summarizeZooms, type ZoomSummary } from '../agent/eval/zoom-iou';
import { writeFile } from 'node:fs/promises';

function formatZoomSummary(z: ZoomSummary): string {
  return (
    `zooms vs V* target boxes: ${z.zoomed}/${z.withTargets} question(s) zoomed; ` +
    `mean best IoU ${z.meanBestIou.toFixed(3)} (over those that zoomed); ` +
    `target centre covered in ${(z.centreCoverage * 100).toFixed(1)}%`
  );
}

import type { Variant } from '../base/types';
export class EvalUsageError extends DeepEyesError {
  constructor(message: string) {
    super(
      'eval_usage',
      `${message}\nusage: npm run evaluate -- <model-dir> --vstar <dir> | --hrbench <file.tsv> [--limit N] [--shuffle --seed S] [--out results.jsonl] [--max-crops N] [--max-tokens N]`,
    );
    this.name = 'EvalUsageError';
  }
}

export interface EvalArgs {
  modelDir: string;
  vstar?: string;
  hrbench?: string;
  limit?: number;
  shuffleSeed?: number;
  out?: string;
  variant?: Variant;
  settings: AgentSettings;
  server?: ServerArgs;
  concurrency: number;
  judge?: ServerArgs;
}

const usage = (m: string) => new EvalUsageError(m);

function judgeArgs(flags: Flags, server: ServerArgs | undefined): { judge?: ServerArgs } {
  const model = stringFlag(flags, 'judge-model');
  if (!model) {
    if (flags.has('judge-server')) throw usage('--judge-server needs --judge-model NAME');
    return {};
  }
  const baseUrl = stringFlag(flags, 'judge-server') ?? server?.baseUrl;
  if (!baseUrl) throw usage('--judge-model needs --judge-server URL (or --server)');
  const apiKey =
    stringFlag(flags, 'judge-api-key') ?? (baseUrl === server?.baseUrl ? server.apiKey : undefined);
  return { judge: { baseUrl, model, ...(apiKey ? { apiKey } : {}) } };
}

export function parseEvalArgs(argv: string[]): EvalArgs {
  const { positional, flags } = parseArgv(argv, ['rotate', 'shuffle'], usage);
  const server = serverArgsFromFlags(flags, usage);
  const [modelDir = '', extra] = positional;
  if (!modelDir && !server) throw usage('missing <model-dir> (or --server URL --model NAME)');
  if (modelDir && server) throw usage('give a <model-dir> or --server, not both');
  if (extra !== undefined) throw usage(`unexpected argument "${extra}"`);
  const concurrency = numberFlag(flags, 'concurrency', 1, usage);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256)
    throw usage(`--concurrency must be a whole number from 1 to 256, got ${concurrency}`);
  if (concurrency > 1 && !server)
    throw usage('--concurrency needs --server (a local model runs one question at a time)');
  const vstar = stringFlag(flags, 'vstar');
  const hrbench = stringFlag(flags, 'hrbench');
  if ((vstar === undefined) === (hrbench === undefined))
    throw usage('give exactly one of --vstar <dir> or --hrbench <tsv>');
  const limit = flags.has('limit') ? numberFlag(flags, 'limit', 0, usage) : undefined;
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1))
    throw usage(`--limit must be a whole number of at least 1, got ${limit}`);
  if (flags.has('seed') && !flags.has('shuffle') && !flags.has('temperature'))
    throw usage('--seed only matters with --shuffle (or --temperature); add --shuffle');
  const shuffleSeed = flags.get('shuffle') === true ? numberFlag(flags, 'seed', 0, usage) : undefined;
  return {
    modelDir,
    ...(vstar !== undefined ? { vstar } : {}),
    ...(hrbench !== undefined ? { hrbench } : {}),
    ...(limit !== undefined ? { limit } : {}),
    ...(shuffleSeed !== undefined ? { shuffleSeed } : {}),
    ...(stringFlag(flags, 'out') !== undefined ? { out: stringFlag(flags, 'out') } : {}),
    ...(flags.has('variant') ? { variant: stringFlag(flags, 'variant') as Variant } : {}),
    settings: agentSettingsFromFlags(flags, usage),
    ...(server ? { server } : {}),
    concurrency,
    ...judgeArgs(flags, server),
  };
}

export interface LoadedEngine {
  engine: TurnEngine;
  /** Engines for parallel questions (the first is `engine`); one when absent. */
  engines?: TurnEngine[];
  dispose(): Promise<void>;
}

export interface EvalDeps {
  /** Tests run the loop on a scripted engine; the CLI loads the model folder. */
  loadEngine?: (
    modelDir: string,
    variant: Variant | undefined,
    log: (s: string) => void,
  ) => Promise<LoadedEngine>;
  /** Seconds clock for the per-item times. */
  clock?: () => number;
  /** Where the progress line goes (default: stderr when it is a terminal). */
  progress?: (line: string) => void;
}

async function defaultLoadEngine(modelDir: string, variant: Variant | undefined, log: (s: string) => void) {
  const { engine } = await loadNodeEngine(modelDir, variant, log);
  return { engine, dispose: () => engine.dispose() };
}

function warnOnMix(
  done: readonly EvalRecord[],
  modelId: string,
  seed: number | undefined,
  write: (s: string) => void,
) {
  const models = new Set(done.map((r) => r.model).filter((m) => m !== undefined && m !== modelId));
  if (models.size > 0)
    write(
      `warning: the results file also holds answers of ${[...models].map((m) => JSON.stringify(m)).join(', ')}; the summary mixes models\n`,
    );
  const seeds = new Set(done.map((r) => r.shuffle_seed ?? null).filter((s) => s !== (seed ?? null)));
  if (seeds.size > 0)
    write(
      `warning: earlier answers were asked with other option orders (${[...seeds].map((x) => (x === null ? 'not shuffled' : `shuffle seed ${x}`)).join(', ')})\n`,
    );
}

export async function main(
  argv: string[],
  write = (s: string) => void process.stdout.write(s),
  deps: EvalDeps = {},
): Promise<number> {
  const args = parseEvalArgs(argv);
  // Open the dataset before the model: a wrong path fails in a second, not after the load.
  const dataset: EvalDataset = args.vstar ? await readVstar(args.vstar) : await readHrBench(args.hrbench!);
  const out = resolve(
    args.out ?? `eval-${dataset.name}-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`,
  );
  const stored = await readResults(out, dataset.kind);
  if (stored.broken > 0) {
    write(
      `dropping ${stored.broken} unreadable line(s) of ${out} (a write cut short); those questions run again\n`,
    );
    await rewriteResults(out, stored.records);
  }
  const done = new Map(stored.records.map((r) => [r.id, r]));
  if (done.size > 0) write(`resuming ${out}: ${done.size} question(s) already answered\n`);
  if (dataset.kind === 'vstar' && args.shuffleSeed === undefined)
    write('note: without --shuffle every V* question has its right answer at A (scores come out inflated)\n');

  let loaded: LoadedEngine;
  if (args.server) {
    const engines = await connectServer(args.server, args.concurrency, write);
    loaded = { engine: engines[0], engines, dispose: async () => {} };
  } else loaded = await (deps.loadEngine ?? defaultLoadEngine)(args.modelDir, args.variant, write);
  warnOnMix(stored.records, loaded.engine.modelId, args.shuffleSeed, write);
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  const progress =
    deps.progress ??
    (process.stderr.isTTY ? (l: string) => void process.stderr.write(`\r${l}\x1b[K`) : undefined);
  const total =
    dataset.size !== undefined
      ? Math.max(0, Math.min(dataset.size, args.limit ?? Infinity) - done.size)
      : args.limit !== undefined
        ? Math.max(0, args.limit - done.size)
        : undefined;
  const started = new Date();
  const t0 = performance.now();
  let finished = 0;
  progress?.(progressLine(0, total, 0));
  let outcome;
  try {
    outcome = await evaluateDataset(loaded.engines ?? loaded.engine, dataset, {
      settings: args.settings,
      ...(args.shuffleSeed !== undefined ? { shuffleSeed: args.shuffleSeed } : {}),
      ...(args.limit !== undefined ? { limit: args.limit } : {}),
      done: new Set(done.keys()),
      signal: controller.signal,
      ...(deps.clock ? { clock: deps.clock } : {}),
      ...(args.judge
        ? {
            judge: (system: string, user: string) =>
              completeText(args.judge!, system, user, 16, controller.signal),
          }
        : {}),
      onItem: async ({ position, record }) => {
        await appendResult(out, record);
        finished++;
        if (progress && process.stderr.isTTY && !deps.progress) process.stderr.write('\r\x1b[K');
        write(formatItemLine(position, record) + '\n');
        progress?.(progressLine(finished, total, (performance.now() - t0) / 1000));
      },
    });
  } finally {
    process.off('SIGINT', onSigint);
    await loaded.dispose();
  }
  const counted = [...outcome.skipped.map((id) => done.get(id)!), ...outcome.results.map((r) => r.record)];
  const summary = summarize(counted.map(scoreRecord), dataset.overallRule, dataset.categories);
  if (progress && !deps.progress) process.stderr.write('\n');
  write('\n' + formatSummary(dataset.name, summary));
  const zooms = summarizeZooms(
    counted.map((r) => ({
      zooms: r.tool_calls,
      match:
        r.best_iou !== undefined
          ? { bestIou: r.best_iou, coversCentre: r.covers_target_centre === true }
          : null,
    })),
  );
  if (zooms.withTargets > 0) write(formatZoomSummary(zooms) + '\n');
  write(`results: ${out}${existsSync(out) ? '' : ' (nothing written)'}\n`);
  await writeFile(
    `${out}.meta.json`,
    JSON.stringify(
      {
        dataset: dataset.name,
        model: loaded.engine.modelId,
        backend: loaded.engine.backend,
        ...(args.server ? { server: args.server.baseUrl } : { model_dir: resolve(args.modelDir) }),
        settings: args.settings,
        shuffle_seed: args.shuffleSeed ?? null,
        seed: args.settings.sampling.kind === 'sample' ? (args.settings.sampling.seed ?? null) : null,
        concurrency: args.concurrency,
        judge: args.judge ? { server: args.judge.baseUrl, model: args.judge.model } : null,
        started: started.toISOString(),
        finished: new Date().toISOString(),
        summary: { ...summary, zooms },
      },
      null,
      2,
    ) + '\n',
  );
  if (outcome.cancelled) {
    write('stopped; run the same command again to go on\n');
    return 130;
  }
  return 0;
}

if (process.argv[1]?.replace(/\\/g, '/').endsWith('cli/eval.ts')) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      console.error(e instanceof Error ? e.message : e);
      process.exit(e instanceof EvalUsageError ? 2 : 1);
    },
  );
}
