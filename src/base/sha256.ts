/**
 * The one SHA-256 of the project: streaming, on hash-wasm (a maintained WebAssembly build, several
 * times faster than a JavaScript loop and usable in windows, workers and Node alike). Downloads
 * and conversions hash each file once, while it is written; the hasher's state can be saved and
 * restored so a resumed download need not read its prefix again.
 */
import { createSHA256, type IHasher } from 'hash-wasm';

export interface IncrementalHash {
  update(bytes: Uint8Array): IncrementalHash;
  /** Lowercase hex; the hash cannot be updated afterwards. */
  digestHex(): string;
  /** The state so far (to resume hashing after a reload); treat it like the data itself. */
  save(): Uint8Array;
}

class HashWasmSha256 implements IncrementalHash {
  private finished = false;
  constructor(private readonly h: IHasher) {}

  update(bytes: Uint8Array): IncrementalHash {
    if (this.finished) throw new Error('sha256: update() after digestHex()');
    this.h.update(bytes);
    return this;
  }

  digestHex(): string {
    if (this.finished) throw new Error('sha256: digestHex() called twice');
    this.finished = true;
    return this.h.digest('hex');
  }

  save(): Uint8Array {
    return this.h.save();
  }
}

/** A fresh hash, or one continued from `state` (what save() returned). */
export async function createSha256(state?: Uint8Array): Promise<IncrementalHash> {
  const h = await createSHA256();
  h.init();
  if (state) h.load(state);
  return new HashWasmSha256(h);
}

/** SHA-256 of bytes in memory, as lowercase hex. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  return (await createSha256()).update(bytes).digestHex();
}

/** Feeds a stream of pieces into `hash`, calling `onBytes(n)` after each; honours `signal`. */
export async function hashStreamInto(
  stream: ReadableStream<Uint8Array>,
  hash: IncrementalHash,
  onBytes?: (n: number) => void,
  signal?: AbortSignal,
): Promise<void> {
  const reader = stream.getReader();
  try {
    for (;;) {
      signal?.throwIfAborted();
      const { done, value } = await reader.read();
      if (done) return;
      hash.update(value);
      onBytes?.(value.length);
    }
  } finally {
    // Stops reading when aborted (a no-op after the end).
    void reader.cancel().catch(() => undefined);
  }
}

/** SHA-256 of a Blob (a stored file), streamed so a 1 GiB chunk is never held at once. */
export async function sha256Blob(
  blob: Blob,
  onBytes?: (n: number) => void,
  signal?: AbortSignal,
): Promise<string> {
  const hash = await createSha256();
  await hashStreamInto(blob.stream(), hash, onBytes, signal);
  return hash.digestHex();
}
