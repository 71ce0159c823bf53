/**
 * Bench part "profile": where a decode token's time goes inside the decoder session, ours against
 * transformers.js on the same converted files (bench/compare-model.ts), from onnxruntime's own
 * profiler (`enableProfiling`): per op type, kernel milliseconds per decode token, next to the
 * whole session run and the wall time of a token.
 *
 * Both runtimes prefill the same text prompt and decode `steps` greedy tokens; only the decoder
 * runs after the first (the prefill) are counted. The profiler adds its own cost to every node
 * (about 2 timestamps each), so the totals rank the ops; the compare part gives the speeds.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  env,
  Qwen2_5_VLForConditionalGeneration,
  Tensor,
  type PreTrainedModel,
} from '@huggingface/transformers';
import * as ortNode from 'onnxruntime-node';
import type { InferenceSession } from 'onnxruntime-common';
import { DirModelFiles } from '../src/model/runtime/node-files';
import type { OrtApi } from '../src/model/runtime/ort-api';
import { QwenVLRuntime } from '../src/model/runtime/qwen-vl-runtime';
import { argmax } from '../src/model/runtime/sampling';
import { COMPARE_MODEL, ensureCompareModel } from './compare-model';
import { promptIds } from './fused';

export interface OpTotal {
  op: string;
  /** Kernel time per decode token, ms (sum over the token's nodes of this type). */
  msPerToken: number;
  nodes: number;
}

export interface DecoderProfile {
  runtime: 'ours' | 'transformers.js';
  /** KV-cache mode (ours) or 'graph outputs' (theirs). */
  kv: string;
  tokens: number;
  /** Wall time of a decode token as the caller sees it. */
  wallMsPerToken: number;
  /** onnxruntime's model_run per decode token (the session's whole run). */
  runMsPerToken: number;
  /** Sum of all kernel times per decode token. */
  kernelMsPerToken: number;
  ops: OpTotal[];
}

export interface ProfileFigures {
  model: string;
  threads: number | 'default';
  promptTokens: number;
  rows: DecoderProfile[];
}

interface TraceEvent {
  cat: string;
  name: string;
  ts: number;
  dur: number;
  args?: { op_name?: string };
}

/** Op totals over the decoder runs after the first `skip` (prefill, warm-up), from a profile file. */
export function foldProfile(events: readonly TraceEvent[], skip: number) {
  const runs = events
    .filter((e) => e.cat === 'Session' && e.name === 'model_run')
    .sort((a, b) => a.ts - b.ts)
    .slice(skip);
  const inRun = (e: TraceEvent) => runs.some((r) => e.ts >= r.ts && e.ts <= r.ts + r.dur);
  const ops = new Map<string, { us: number; nodes: number }>();
  for (const e of events) {
    if (e.cat !== 'Node' || !e.name.endsWith('_kernel_time') || !inRun(e)) continue;
    const op = e.args?.op_name ?? '?';
    const o = ops.get(op) ?? { us: 0, nodes: 0 };
    o.us += e.dur;
    o.nodes++;
    ops.set(op, o);
  }
  const n = runs.length;
  const rows = [...ops].map(([op, o]) => ({ op, msPerToken: o.us / 1000 / n, nodes: o.nodes / n }));
  rows.sort((a, b) => b.msPerToken - a.msPerToken);
  return {
    runs: n,
    runMsPerToken: runs.reduce((s, r) => s + r.dur, 0) / 1000 / n,
    kernelMsPerToken: rows.reduce((s, r) => s + r.msPerToken, 0),
    ops: rows,
  };
}

/** The decoder's profile among a runtime's session profiles: the one with MatMulNBits in `steps` runs. */
function decoderProfile(dir: string, prefix: string, steps: number) {
  const files = readdirSync(dir).filter((n) => n.startsWith(prefix) && n.endsWith('.json'));
  const folds = files.map((f) =>
    foldProfile(JSON.parse(readFileSync(join(dir, f), 'utf8')) as TraceEvent[], 1),
  );
  const fold = folds.find((f) => f.ops.some((o) => o.op === 'MatMulNBits') && f.runs >= steps);
  if (!fold) throw new Error(`no decoder profile among ${prefix}*.json in ${dir}`);
  return fold;
}

/** onnxruntime-node with profiling switched on for every session. */
function profilingOrt(prefix: string): OrtApi {
  return {
    Tensor: ortNode.Tensor as unknown as OrtApi['Tensor'],
    InferenceSession: {
      create: (model, options) =>
        ortNode.InferenceSession.create(model as string, {
          ...options,
          enableProfiling: true,
          profileFilePrefix: prefix,
        }) as unknown as Promise<InferenceSession>,
    },
  };
}

async function oursProfile(
  dir: string,
  prompt: number[],
  steps: number,
  threads: number | undefined,
  tmp: string,
) {
  const prefix = join(tmp, 'ours');
  const rt = await QwenVLRuntime.load(profilingOrt(prefix), new DirModelFiles(dir), {
    variant: 'q4',
    target: 'cpu',
    threads,
  });
  let id = argmax((await rt.append(prompt)).logits);
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) id = argmax(await rt.step(id));
  const wall = (performance.now() - t0) / steps;
  const kv: string = rt.cache.mode;
  for (const sess of [rt.sessions.vision, rt.sessions.embed, rt.sessions.decoder]) sess.endProfiling();
  await rt.dispose();
  return { wall, kv, fold: decoderProfile(tmp, 'ours', steps) };
}

async function theirsProfile(
  root: string,
  prompt: number[],
  steps: number,
  threads: number | undefined,
  tmp: string,
) {
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = root;
  const prefix = join(tmp, 'theirs');
  const model = (await Qwen2_5_VLForConditionalGeneration.from_pretrained(COMPARE_MODEL, {
    dtype: 'q4',
    device: 'cpu',
    session_options: {
      enableProfiling: true,
      profileFilePrefix: prefix,
      ...(threads ? { intraOpNumThreads: threads } : {}),
    },
  })) as PreTrainedModel & { sessions: Record<string, InferenceSession> };
  const stamps: number[] = [];
  const streamer = { put: () => stamps.push(performance.now()), end: () => undefined };
  await model.generate({
    input_ids: new Tensor('int64', BigInt64Array.from(prompt, BigInt), [1, prompt.length]),
    attention_mask: new Tensor('int64', new BigInt64Array(prompt.length).fill(1n), [1, prompt.length]),
    max_new_tokens: steps + 1,
    min_new_tokens: steps + 1,
    do_sample: false,
    ...({ streamer } as Record<string, unknown>),
  });
  // stamps[0]: the prompt; stamps[1]: the prefill's token; then one per decode run.
  const wall = (stamps[steps + 1] - stamps[1]) / steps;
  for (const s of Object.values(model.sessions)) s.endProfiling();
  await model.dispose();
  return { wall, kv: 'graph outputs', fold: decoderProfile(tmp, 'theirs', steps) };
}

export async function runProfileBench(opts: {
  cacheDir: string;
  steps: number;
  threads?: number;
  log: (s: string) => void;
}): Promise<ProfileFigures> {
  const dir = await ensureCompareModel(opts.cacheDir, opts.log);
  const prompt = promptIds(64, 151936);
  const tmp = mkdtempSync(join(tmpdir(), 'deepeyes-profile-'));
  try {
    opts.log('our runtime (profiling the decoder) ...');
    const ours = await oursProfile(dir, prompt, opts.steps, opts.threads, tmp);
    opts.log('transformers.js (profiling every session) ...');
    const theirs = await theirsProfile(opts.cacheDir, prompt, opts.steps, opts.threads, tmp);
    const row = (runtime: DecoderProfile['runtime'], r: typeof ours): DecoderProfile => ({
      runtime,
      kv: r.kv,
      tokens: r.fold.runs,
      wallMsPerToken: r.wall,
      runMsPerToken: r.fold.runMsPerToken,
      kernelMsPerToken: r.fold.kernelMsPerToken,
      ops: r.fold.ops,
    });
    return {
      model: `${COMPARE_MODEL} (1B text, 12 layers, q4)`,
      threads: opts.threads ?? 'default',
      promptTokens: prompt.length,
      rows: [row('ours', ours), row('transformers.js', theirs)],
    };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
