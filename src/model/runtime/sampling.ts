/**
 * Next-token choice: greedy (argmax, first index on ties like torch.argmax) or temperature + top-p
 * with a seeded generator, so a sampled run can be replayed.
 */

import { DeepEyesError } from '../../base/errors';
import { uniform } from '../prng';

import type { Sampling } from '../../base/types';
export class InvalidLogitsError extends DeepEyesError {
  constructor(readonly what: 'nan' | 'zero') {
    super(
      'invalid_logits',
      what === 'nan'
        ? 'the model produced NaN logits (fp16 overflow?): switch to the fp32-activation (q4) variant'
        : 'the model produced all-zero logits (a GPU kernel returned nothing?): switch to the fp32-activation (q4) variant or the WASM backend',
      { advice: 'reload the model on a safer path: fp32 activations, then the WASM backend' },
    );
    this.name = 'InvalidLogitsError';
  }
}

/** Throws InvalidLogitsError when logits are unusable; cheap enough to run every step. */
export function checkLogits(logits: Float32Array): void {
  let allZero = true;
  for (let i = 0; i < logits.length; i++) {
    const v = logits[i];
    if (v !== v) throw new InvalidLogitsError('nan');
    if (v !== 0) allZero = false;
  }
  if (allZero) throw new InvalidLogitsError('zero');
}

export function argmax(logits: Float32Array): number {
  let best = 0;
  let bestV = logits[0];
  for (let i = 1; i < logits.length; i++) {
    if (logits[i] > bestV) {
      bestV = logits[i];
      best = i;
    }
  }
  return best;
}

/** Temperature + nucleus sampling over the candidates that hold top_p of the probability mass. */
export function sampleTopP(
  logits: Float32Array,
  temperature: number,
  topP: number,
  random: () => number,
): number {
  if (temperature <= 0) return argmax(logits);
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i] > max) max = logits[i];
  // Only tokens within ~30 nats of the max can matter for any top_p < 1 - 1e-13.
  const floor = max - 30 * temperature;
  const cand: number[] = [];
  for (let i = 0; i < logits.length; i++) if (logits[i] >= floor) cand.push(i);
  const probs = cand.map((i) => Math.exp((logits[i] - max) / temperature));
  const order = cand.map((_, k) => k).sort((a, b) => probs[b] - probs[a] || cand[a] - cand[b]);
  const z = probs.reduce((s, p) => s + p, 0);
  let kept = 0;
  let mass = 0;
  for (const k of order) {
    mass += probs[k] / z;
    kept++;
    if (mass >= topP) break;
  }
  const keep = order.slice(0, kept);
  const zk = keep.reduce((s, k) => s + probs[k], 0);
  let u = random() * zk;
  for (const k of keep) {
    u -= probs[k];
    if (u <= 0) return cand[k];
  }
  return cand[keep[keep.length - 1]];
}

export function makeSampler(s: Sampling): (logits: Float32Array) => number {
  if (s.kind === 'greedy') return argmax;
  const random = uniform(s.seed ?? 0x5eed);
  return (logits) => sampleTopP(logits, s.temperature, s.topP, random);
}
