/**
 * SHA-256 of what is already whole: a Blob (a stored file, streamed so a 1 GiB chunk is never held
 * at once) through the incremental hash, or bytes in memory through WebCrypto (native, fast).
 */
import { type IncrementalHash } from './sha256';

/** Feeds `blob` into `hash`, calling `onBytes(n)` after each piece; honours `signal`. */
export async function hashBlobInto(
  blob: Blob,
  hash: IncrementalHash,
  onBytes?: (n: number) => void,
  signal?: AbortSignal,
): Promise<void> {
  const reader = blob.stream().getReader();
  try {
    for (;;) {
      signal?.throwIfAborted();
      const { done, value } = await reader.read();
      if (done) return;
      hash.update(value);
      onBytes?.(value.length);
    }
  } finally {
    // Stops reading the file when aborted (a no-op after the end).
    void reader.cancel().catch(() => undefined);
  }
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
