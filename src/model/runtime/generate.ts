/**
 * One assistant turn of generation: sample, stop on a stop id or the budget, feed, repeat.
 * As in transformers' generate, the last sampled token is returned but not fed to the decoder;
 * the caller feeds it at the head of the next chunk.
 */

import { makeSampler } from './sampling';
import { RunCancelledError, type QwenVLRuntime } from './qwen-vl-runtime';

import type { Sampling } from '../../base/types';
export interface GenerateOptions {
  maxNewTokens: number;
  stopIds: readonly number[];
  sampling: Sampling;
  signal?: AbortSignal;
  /** Called with each new id as soon as it is chosen (before it is fed). */
  onToken?: (id: number, index: number) => void;
}

export type StopReason = 'stop_token' | 'max_tokens';

export interface GenerateResult {
  ids: number[];
  stop: StopReason;
  /** Time of the decode steps (excluding the prefill that produced `firstLogits`). */
  decodeMs: number;
}

export async function generate(
  runtime: Pick<QwenVLRuntime, 'step'>,
  firstLogits: Float32Array,
  opts: GenerateOptions,
): Promise<GenerateResult> {
  const sample = makeSampler(opts.sampling);
  const ids: number[] = [];
  let logits = firstLogits;
  const t0 = performance.now();
  for (;;) {
    if (opts.signal?.aborted) throw new RunCancelledError();
    const id = sample(logits);
    ids.push(id);
    opts.onToken?.(id, ids.length - 1);
    if (opts.stopIds.includes(id)) return { ids, stop: 'stop_token', decodeMs: performance.now() - t0 };
    if (ids.length >= opts.maxNewTokens) return { ids, stop: 'max_tokens', decodeMs: performance.now() - t0 };
    logits = await runtime.step(id, { signal: opts.signal });
  }
}
