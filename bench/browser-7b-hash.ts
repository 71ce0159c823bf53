/**
 * npx tsx bench/browser-7b-hash.ts [--gib 1]
 *
 * What checking a cached model costs per GiB: the full SHA-256 (hash-wasm, the project's one
 * implementation; WebCrypto over a whole buffer, which the loader used on every read before;
 * node:crypto for reference) against the sampled digest now compared on each load.
 */
import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import { createSha256 } from '../src/base/sha256';
import { sampledDigestOfBytes } from '../src/delivery/sampled-digest';

const { values } = parseArgs({ options: { gib: { type: 'string', default: '1' } } });
const n = Math.round(Number(values.gib) * 2 ** 30);
const buf = new Uint8Array(n);
for (let i = 0; i < n; i += 4096) buf[i] = i & 255;
const STEP = 8 << 20;

async function time(name: string, f: () => unknown): Promise<void> {
  const t = performance.now();
  await f();
  const s = (performance.now() - t) / 1000;
  const perGib = s / (n / 2 ** 30);
  console.log(
    `${name.padEnd(40)} ${(s * 1000).toFixed(0).padStart(6)} ms for ${(n / 2 ** 30).toFixed(2)} GiB` +
      `  (${(perGib * 1000).toFixed(0)} ms/GiB)`,
  );
}

await time('hash-wasm streaming (8 MiB pieces)', async () => {
  const h = await createSha256();
  for (let o = 0; o < n; o += STEP) h.update(buf.subarray(o, o + STEP));
  h.digestHex();
});
await time('WebCrypto digest of the whole buffer', () => crypto.subtle.digest('SHA-256', buf));
await time('node:crypto streaming (reference)', () => {
  const h = createHash('sha256');
  for (let o = 0; o < n; o += STEP) h.update(buf.subarray(o, o + STEP));
  h.digest('hex');
});
await time('sampled digest (16 x 64 KiB), first call', () => sampledDigestOfBytes(buf));
await time('sampled digest (16 x 64 KiB), again', () => sampledDigestOfBytes(buf));
