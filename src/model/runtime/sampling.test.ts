import { describe, expect, it } from 'vitest';
import { argmax, checkLogits, InvalidLogitsError, makeSampler, sampleTopP } from './sampling';
import { uniform } from '../prng';

describe('sampling', () => {
  it('argmax takes the first of equal maxima, as torch.argmax does', () => {
    expect(argmax(Float32Array.of(1, 5, 5, 2))).toBe(1);
    expect(argmax(Float32Array.of(-3, -1, -2))).toBe(1);
  });

  it('checkLogits refuses NaN and all-zero logits with advice (reliability case 13)', () => {
    expect(() => checkLogits(Float32Array.of(0.1, NaN))).toThrow(InvalidLogitsError);
    expect(() => checkLogits(new Float32Array(8))).toThrow(/all-zero/);
    expect(() => checkLogits(Float32Array.of(0, 0, 1e-9))).not.toThrow();
    try {
      checkLogits(Float32Array.of(NaN));
    } catch (e) {
      expect((e as Error).message).toMatch(/fp32-activation/);
    }
  });

  it('temperature 0 or a tiny top_p is greedy', () => {
    const logits = Float32Array.of(0.5, 2, 1.9, -1);
    const r = uniform(1);
    expect(sampleTopP(logits, 0, 1, r)).toBe(1);
    for (let i = 0; i < 20; i++) expect(sampleTopP(logits, 1, 1e-6, r)).toBe(1);
  });

  it('samples in proportion to softmax(logits / T) within the nucleus, reproducibly from a seed', () => {
    const logits = Float32Array.of(Math.log(0.6), Math.log(0.3), Math.log(0.1));
    const counts = [0, 0, 0];
    const r = uniform(7);
    for (let i = 0; i < 20000; i++) counts[sampleTopP(logits, 1, 1, r)]++;
    expect(counts[0] / 20000).toBeCloseTo(0.6, 1);
    expect(counts[2] / 20000).toBeCloseTo(0.1, 1);
    // top_p 0.85 keeps {0.6, 0.3}: the 0.1 token never appears.
    const r2 = uniform(7);
    for (let i = 0; i < 2000; i++) expect(sampleTopP(logits, 1, 0.85, r2)).not.toBe(2);
    const a = makeSampler({ kind: 'sample', temperature: 1, topP: 1, seed: 3 });
    const b = makeSampler({ kind: 'sample', temperature: 1, topP: 1, seed: 3 });
    expect(Array.from({ length: 50 }, () => a(logits))).toEqual(Array.from({ length: 50 }, () => b(logits)));
  });
});
