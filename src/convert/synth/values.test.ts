import { describe, expect, it } from 'vitest';
import { GoldenSet } from '../../../test/support/golden-set';
import { readGoldenVectors } from '../../../test/support/golden-vectors';
import { TensorValueStream, tensorSeed, tensorValueChunks, tensorValues, weightRule } from './values';

const golden = GoldenSet.publicSet();
const salt = golden.salt;
const manifest = golden.json<{ tensors: Record<string, { shape: number[] }> }>('weights_manifest.json');
const vectors = readGoldenVectors(golden).tensors;

describe('tensor values (golden README test vectors)', () => {
  it('parsed the five tensor vectors', () => expect(vectors.length).toBe(5));

  it.each(vectors)('$name: seed, kind, bound and first 4 float32 bit patterns', (v) => {
    const shape = manifest.tensors[v.name].shape;
    expect(tensorSeed(salt, v.name)).toBe(v.seed);
    const rule = weightRule(v.name, shape);
    expect(rule.kind).toBe(v.kind);
    expect(rule.bound).toBe(v.bound);
    const stream = new TensorValueStream(salt, v.name, shape);
    const first = new Float32Array(4);
    stream.fill(first);
    expect(Array.from(new Uint32Array(first.buffer))).toEqual(v.bits);
  });
});

describe('chunked generation', () => {
  it('continues the stream across chunks of any size', () => {
    const name = 'visual.merger.mlp.0.weight';
    const shape = manifest.tensors[name].shape;
    const whole = tensorValues(salt, name, shape);
    const pieces = new Float32Array(whole.length);
    let at = 0;
    for (const c of tensorValueChunks(salt, name, shape, 1000)) {
      pieces.set(c, at);
      at += c.length;
    }
    expect(at).toBe(whole.length);
    expect(Buffer.from(pieces.buffer).equals(Buffer.from(whole.buffer))).toBe(true);
  });
});
