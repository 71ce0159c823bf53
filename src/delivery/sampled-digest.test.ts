import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  SAMPLE_BYTES,
  SAMPLE_COUNT,
  sampleRanges,
  sampledDigestOfBlob,
  sampledDigestOfBytes,
} from './sampled-digest';

const data = (n: number) => new Uint8Array(n).map((_, i) => (i * 2654435761) >>> 24);

describe('sampled digest', () => {
  it('samples evenly from the first to the last byte', () => {
    const size = 10_000_019;
    const r = sampleRanges(size);
    expect(r).toHaveLength(SAMPLE_COUNT);
    expect(r[0]).toEqual([0, SAMPLE_BYTES]);
    expect(r.at(-1)![1]).toBe(size);
    for (let i = 1; i < r.length; i++) expect(r[i][0]).toBeGreaterThanOrEqual(r[i - 1][1]);
    expect(sampleRanges(1000)).toEqual([[0, 1000]]);
    expect(sampleRanges(0)).toEqual([]);
  });

  it('is SHA-256 of the size prefix and the sampled bytes (node:crypto reference)', async () => {
    const bytes = data(3_000_000);
    const h = createHash('sha256').update(`${bytes.length}:`);
    for (const [a, b] of sampleRanges(bytes.length)) h.update(bytes.subarray(a, b));
    const want = h.digest('hex');
    expect(await sampledDigestOfBytes(bytes)).toBe(want);
    expect(await sampledDigestOfBlob(new Blob([bytes]))).toBe(want);
  });

  it('changes when a sampled byte, the last byte or the length changes', async () => {
    const bytes = data(3_000_000);
    const base = await sampledDigestOfBytes(bytes);
    const flipped = bytes.slice();
    flipped[bytes.length - 1] ^= 1;
    expect(await sampledDigestOfBytes(flipped)).not.toBe(base);
    expect(await sampledDigestOfBytes(bytes.subarray(0, bytes.length - 1))).not.toBe(base);
    const mid = bytes.slice();
    mid[sampleRanges(bytes.length)[7][0] + 5] ^= 0x80;
    expect(await sampledDigestOfBytes(mid)).not.toBe(base);
  });
});
