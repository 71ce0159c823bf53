/**
 * Where a download's bytes go: an OPFS file (kept between visits) or memory (storage full or
 * missing). The downloader writes through this shape and swaps one for the other mid-file when
 * the quota runs out.
 */
import type { ManifestFile } from '../base/model-manifest';
import { ChunkedBytes } from './chunked-bytes';
import { OutOfMemoryError } from './errors';
import type { OpfsStore, StoreWriter } from './opfs-store';

export interface Sink {
  readonly kind: 'opfs' | 'memory';
  /** Absolute end of what was written. */
  readonly written: number;
  write(bytes: Uint8Array): Promise<void>;
  /** Makes progress durable and records it, so a reload resumes from here. */
  checkpoint(): Promise<void>;
  /** Drops everything: the server ignored a Range request and sends the file from byte 0. */
  restart(): Promise<void>;
  /** Releases the file (its content stays). Safe to call twice. */
  close(): Promise<void>;
}

export class OpfsSink implements Sink {
  readonly kind = 'opfs';
  private constructor(
    private readonly store: OpfsStore,
    private readonly file: ManifestFile,
    private writer: StoreWriter,
  ) {}

  /** Records the file as a partial download, then opens it at `offset` (cutting any stale tail). */
  static async open(store: OpfsStore, file: ManifestFile, offset: number): Promise<OpfsSink> {
    await store.putRecord(OpfsSink.record(file, offset));
    return new OpfsSink(store, file, await store.openWriter(file.path, offset));
  }

  private static record(file: ManifestFile, bytesWritten: number) {
    return { path: file.path, expectedBytes: file.bytes, sha256: file.sha256, bytesWritten, verified: false };
  }

  get written(): number {
    return this.writer.position;
  }

  write(bytes: Uint8Array): Promise<void> {
    return this.writer.write(bytes);
  }

  async checkpoint(): Promise<void> {
    await this.writer.flush();
    await this.store.putRecord(OpfsSink.record(this.file, this.writer.durable));
  }

  async restart(): Promise<void> {
    await this.writer.close();
    await this.store.putRecord(OpfsSink.record(this.file, 0));
    this.writer = await this.store.openWriter(this.file.path, 0);
  }

  async close(): Promise<void> {
    await this.writer.close();
    await this.store.putRecord(OpfsSink.record(this.file, this.writer.durable));
  }
}

export class MemorySink implements Sink {
  readonly kind = 'memory';
  constructor(
    private readonly path: string,
    readonly bytes = new ChunkedBytes(),
  ) {}

  get written(): number {
    return this.bytes.length;
  }

  async write(bytes: Uint8Array): Promise<void> {
    try {
      this.bytes.append(bytes);
    } catch (e) {
      if (e instanceof RangeError) throw new OutOfMemoryError(this.path, this.bytes.length + bytes.length);
      throw e;
    }
  }

  async checkpoint(): Promise<void> {}

  async restart(): Promise<void> {
    this.bytes.truncate(0);
  }

  async close(): Promise<void> {}
}
