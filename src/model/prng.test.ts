import { describe, expect, it } from 'vitest';
import { readGoldenVectors } from '../../test/support/golden-vectors';
import { fnv1a32, mulberry32 } from './prng';

const vectors = readGoldenVectors();

describe('fnv1a32 (golden README test vectors)', () => {
  it('parsed all four vectors', () => expect(vectors.fnv.length).toBe(4));
  it.each(vectors.fnv)('fnv1a32($input)', ({ input, hash }) => {
    expect(fnv1a32(input)).toBe(hash);
  });
  it('hashes UTF-8 bytes, not UTF-16 code units', () => {
    // "é" is two UTF-8 bytes; hashing them one by one must equal hashing the string.
    let h = 0x811c9dc5;
    for (const b of [0xc3, 0xa9]) h = Math.imul(h ^ b, 0x01000193) >>> 0;
    expect(fnv1a32('é')).toBe(h);
  });
});

describe('mulberry32 (golden README test vectors)', () => {
  it('parsed all four vectors', () => expect(vectors.mulberry.length).toBe(4));
  it.each(vectors.mulberry)('mulberry32($seed)', ({ seed, outputs }) => {
    const next = mulberry32(seed);
    expect(Array.from({ length: 10 }, next)).toEqual(outputs);
  });
});
