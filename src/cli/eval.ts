/**
 * npm run evaluate -- <model-dir> --vstar <dir> | --hrbench <file.tsv> [options]
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
import { agentSettingsFromFlags, numberFlag, parseArgv, stringFlag } from './cli-args';
import { loadNodeEngine } from './node-engine';

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
}

const usage = (m: string) => new EvalUsageError(m);

export function parseEvalArgs(argv: string[]): EvalArgs {
  const { positional, flags } = parseArgv(argv, ['rotate', 'shuffle'], usage);
  const [modelDir, extra] = positional;
  if (!modelDir) throw usage('missing <model-dir>');
  if (extra !== undefined) throw usage(`unexpected argument "${extra}"`);
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
  };
}

export interface LoadedEngine {
  engine: TurnEngine;
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

  const loaded = await (deps.loadEngine ?? defaultLoadEngine)(args.modelDir, args.variant, write);
  warnOnMix(stored.records, loaded.engine.modelId, args.shuffleSeed, write);
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  let outcome;
  try {
    outcome = await evaluateDataset(loaded.engine, dataset, {
      settings: args.settings,
      ...(args.shuffleSeed !== undefined ? { shuffleSeed: args.shuffleSeed } : {}),
      ...(args.limit !== undefined ? { limit: args.limit } : {}),
      done: new Set(done.keys()),
      signal: controller.signal,
      ...(deps.clock ? { clock: deps.clock } : {}),
      onItem: async ({ position, record }) => {
        await appendResult(out, record);
        write(formatItemLine(position, record) + '\n');
      },
    });
  } finally {
    process.off('SIGINT', onSigint);
    await loaded.dispose();
  }
  const counted = [...outcome.skipped.map((id) => done.get(id)!), ...outcome.results.map((r) => r.record)];
  const summary = summarize(counted.map(scoreRecord), dataset.overallRule, dataset.categories);
  write('\n' + formatSummary(dataset.name, summary));
  write(`results: ${out}${existsSync(out) ? '' : ' (nothing written)'}\n`);
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
