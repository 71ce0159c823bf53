/**
 * A cheap fingerprint of a stored file: SHA-256 over 16 ranges of 64 KiB spread evenly from its
 * first to its last byte (the whole file when it is under 1 MiB). Taken once right after the full
 * SHA-256 proved the download, stored in the file's record, and compared on every later load,
 * so a 5 GB model starts without reading 5 GB again, while truncation, a file swapped for
 * another, or damage at the sampled places is still caught. The full check stays available on
 * demand and runs after any read error.
 */
import { createSha256 } from '../base/sha256';

export const SAMPLE_COUNT = 16;
export const SAMPLE_BYTES = 64 * 1024;

/** [start, end) byte ranges, ascending and disjoint, covering byte 0 and the last byte. */
export function sampleRanges(size: number): Array<[number, number]> {
  if (size <= SAMPLE_COUNT * SAMPLE_BYTES) return size > 0 ? [[0, size]] : [];
  const out: Array<[number, number]> = [];
  const stride = (size - SAMPLE_BYTES) / (SAMPLE_COUNT - 1);
  for (let i = 0; i < SAMPLE_COUNT; i++) {
    const start = Math.round(i * stride);
    out.push([start, start + SAMPLE_BYTES]);
  }
  return out;
}

/** The fingerprint, reading each range through `read` (prefixed by the size, so truncation shows). */
export async function sampledDigest(
  size: number,
  read: (start: number, end: number) => Promise<Uint8Array> | Uint8Array,
): Promise<string> {
  const h = await createSha256();
  h.update(new TextEncoder().encode(`${size}:`));
  for (const [a, b] of sampleRanges(size)) h.update(await read(a, b));
  return h.digestHex();
}

export function sampledDigestOfBytes(bytes: Uint8Array): Promise<string> {
  return sampledDigest(bytes.length, (a, b) => bytes.subarray(a, b));
}

export function sampledDigestOfBlob(blob: Blob): Promise<string> {
  return sampledDigest(blob.size, async (a, b) => new Uint8Array(await blob.slice(a, b).arrayBuffer()));
}
