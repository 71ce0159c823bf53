import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSha256, sha256Blob, sha256Hex } from './sha256';

const hex = async (s: string) => (await createSha256()).update(new TextEncoder().encode(s)).digestHex();

describe('createSha256 (hash-wasm)', () => {
  it('matches the FIPS 180-4 example digests', async () => {
    expect(await hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(await hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(await hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
    const million = await createSha256();
    const block = new Uint8Array(1000).fill(0x61);
    for (let i = 0; i < 1000; i++) million.update(block);
    expect(million.digestHex()).toBe('cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0');
  });

  it('gives the same digest as node:crypto however the input is split', async () => {
    // Lengths around the 55/56/64-byte padding boundaries, then a few MB split at odd points.
    for (const n of [1, 55, 56, 63, 64, 65, 119, 120, 127, 128, 129]) {
      const data = new Uint8Array(n).map((_, i) => (i * 31 + 7) & 255);
      expect((await createSha256()).update(data).digestHex()).toBe(
        createHash('sha256').update(data).digest('hex'),
      );
    }
    const big = new Uint8Array(3 << 20).map((_, i) => (i * 2654435761) >>> 24);
    const h = await createSha256();
    let at = 0;
    for (let step = 1; at < big.length; step = (step * 7 + 13) % 100_003) {
      h.update(big.subarray(at, at + step));
      at += step;
    }
    expect(h.digestHex()).toBe(createHash('sha256').update(big).digest('hex'));
  });

  it('refuses to be reused after the digest', async () => {
    const h = await createSha256();
    h.digestHex();
    expect(() => h.update(new Uint8Array(1))).toThrow();
  });

  it('continues from a saved state as if never interrupted', async () => {
    const data = new Uint8Array(1 << 20).map((_, i) => (i * 131) >>> 3);
    const first = await createSha256();
    first.update(data.subarray(0, 333_333));
    const resumed = await createSha256(first.save());
    resumed.update(data.subarray(333_333));
    expect(resumed.digestHex()).toBe(createHash('sha256').update(data).digest('hex'));
  });

  it('hashes blobs and one-shot buffers like node:crypto', async () => {
    const data = new Uint8Array(5 << 20).map((_, i) => (i * 7919) >>> 5);
    const want = createHash('sha256').update(data).digest('hex');
    expect(await sha256Hex(data)).toBe(want);
    let seen = 0;
    expect(await sha256Blob(new Blob([data]), (n) => (seen += n))).toBe(want);
    expect(seen).toBe(data.length);
  });
});
