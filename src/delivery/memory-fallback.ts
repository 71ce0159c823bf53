/**
 * Where a file's bytes go: OPFS while it has room, memory once the quota runs out (or the storage
 * estimate says it would). A file caught mid-way moves to memory without losing its place when its
 * stored part can be read back, and starts over in memory when it cannot.
 */
import type { ManifestFile } from '../base/model-manifest';
import type { DownloadContext } from './download-context';
import { isQuotaExceeded } from './errors';
import { RestartFile, restartAtZero, type PartialFile } from './partial-file';
import { MemorySink, OpfsSink, type Sink } from './sinks';

export class MemoryFallback {
  private noticeSent = false;

  constructor(
    private readonly ctx: DownloadContext,
    private on: boolean,
  ) {}

  /** True once any file had to be kept in memory. */
  get active(): boolean {
    return this.on;
  }

  /** From now on files go to memory; the first call tells the host why, later ones say nothing. */
  enter(reason: string): void {
    this.on = true;
    if (this.noticeSent) return;
    this.noticeSent = true;
    this.ctx.emit({
      kind: 'notice',
      code: 'running-from-memory',
      message: `${reason}: running from memory; the model will download again next time`,
    });
  }

  async openSink(file: ManifestFile, p: PartialFile): Promise<Sink> {
    const store = this.ctx.store;
    if (!store || this.on) return new MemorySink(file.path);
    try {
      return await OpfsSink.open(store, file, p.offset);
    } catch (e) {
      if (!isQuotaExceeded(e)) throw e;
      this.enter('storage is full');
      await store.evict(file.path).catch(() => undefined);
      if (p.offset === 0) return new MemorySink(file.path);
      // The resumable prefix lived in the evicted file: start over, in memory.
      await restartAtZero(p);
      throw new RestartFile();
    }
  }

  async write(file: ManifestFile, p: PartialFile, chunk: Uint8Array): Promise<void> {
    try {
      await p.sink!.write(chunk);
    } catch (e) {
      if (!isQuotaExceeded(e) || !(p.sink instanceof OpfsSink)) throw e;
      await this.spill(file, p);
      await p.sink.write(chunk);
    }
  }

  async checkpoint(file: ManifestFile, p: PartialFile): Promise<void> {
    try {
      await p.sink!.checkpoint();
    } catch (e) {
      if (!isQuotaExceeded(e) || !(p.sink instanceof OpfsSink)) throw e;
      await this.spill(file, p);
    }
  }

  /** Reads the stored part back into memory and deletes the stored copy to free its space. */
  private async spill(file: ManifestFile, p: PartialFile): Promise<void> {
    const store = this.ctx.store!;
    const kept = p.offset;
    await p.sink!.close().catch(() => undefined);
    const memory = new MemorySink(file.path);
    const stored = await store.getFile(file.path);
    const complete = (stored?.size ?? 0) >= kept;
    if (complete && stored && kept > 0) {
      const reader = stored.slice(0, kept).stream().getReader();
      for (let r = await reader.read(); !r.done; r = await reader.read()) await memory.write(r.value);
    }
    await store.evict(file.path);
    this.enter('storage is full');
    p.sink = memory;
    if (!complete) {
      // The stored part did not survive (a writable that failed to commit): start the file over.
      await restartAtZero(p);
      throw new RestartFile();
    }
  }
}
