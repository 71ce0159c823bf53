/**
 * A file held in memory as fixed-size blocks: where storage is full the model runs from memory,
 * and one ArrayBuffer per file would hit the ~2 GB ArrayBuffer cap (and fragment the heap).
 * Blocks are 16 MiB, far under the 1 GiB any single allocation here may take.
 */
export const MEMORY_BLOCK_BYTES = 16 * 2 ** 20;

export class ChunkedBytes {
  private readonly blocks: Uint8Array[] = [];
  private fill = 0;
  private total = 0;

  constructor(private readonly blockBytes = MEMORY_BLOCK_BYTES) {}

  get length(): number {
    return this.total;
  }

  append(bytes: Uint8Array): void {
    let at = 0;
    while (at < bytes.length) {
      let block = this.blocks.at(-1);
      if (!block || this.fill === block.length) {
        block = new Uint8Array(this.blockBytes);
        this.blocks.push(block);
        this.fill = 0;
      }
      const take = Math.min(block.length - this.fill, bytes.length - at);
      block.set(bytes.subarray(at, at + take), this.fill);
      this.fill += take;
      at += take;
    }
    this.total += bytes.length;
  }

  /** Drops every byte at and after `length` (a resume that restarts keeps nothing past its offset). */
  truncate(length: number): void {
    if (length >= this.total) return;
    const keepBlocks = Math.ceil(length / this.blockBytes);
    this.blocks.length = keepBlocks;
    this.total = length;
    this.fill = length - (keepBlocks - 1) * this.blockBytes;
    if (keepBlocks === 0) this.fill = 0;
  }

  /** The bytes as views over the blocks, in order (no copy). */
  *chunks(): Generator<Uint8Array> {
    let left = this.total;
    for (const b of this.blocks) {
      if (left <= 0) return;
      const n = Math.min(b.length, left);
      yield b.subarray(0, n);
      left -= n;
    }
  }

  /**
   * One contiguous copy, for consumers that need it (an ONNX external-data chunk: the converter keeps
   * those at 1 GiB by default, under 2 GB always).
   */
  toBytes(): Uint8Array {
    const out = new Uint8Array(this.total);
    let at = 0;
    for (const c of this.chunks()) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }

  toBlob(type = 'application/octet-stream'): Blob {
    return new Blob([...this.chunks()] as BlobPart[], { type });
  }
}
