/**
 * Fetches a model's files into OPFS (or memory) and proves each one against the manifest's SHA-256
 * before it is handed out.
 *
 *   cached + verified ──(size ok, hash ok)──────────────────────────────► cache
 *        │ corrupt: evict, notice                                          ▲
 *        ▼                                                                 │
 *   partial? ─ re-hash prefix ─► GET (Range: bytes=N-) ─► check status, type, length
 *        ▲                           │ 200 to a Range: restart at 0        │ HTML/404/wrong length:
 *        │ cut: back off, resume     ▼                                     │ refuse, keep nothing
 *        └──────────────────── stream: write + hash ─► SHA-256 ─┬─ ok ─► verified
 *                                    │ quota: move to memory    └─ bad ─► evict, fetch once more
 *
 * Every await honours the AbortSignal; failures that were handled (retries, refusals, evictions)
 * surface as events, never as console output.
 *
 * The steps live beside this file: cache-check.ts (cached + verified), resume-journal.ts (partial?,
 * verified records), range-fetch.ts (retries with retry-budget.ts), range-attempt.ts (one GET and
 * its stream, sniffed with body-head.ts), memory-fallback.ts (quota), room-check.ts (the estimate
 * before starting), run-pool.ts (files in parallel).
 */
import type { ManifestFile } from '../base/model-manifest';
import { cachedCopyIsSound } from './cache-check';
import type { ChunkedBytes } from './chunked-bytes';
import { throwIfAborted, type DownloadContext } from './download-context';
import { IntegrityError, isAbort, toErrorInfo } from './errors';
import type { DeliveryEventSink, FileSource } from './events';
import { DEFAULT_RETRY, type RetryPolicy } from './http';
import { MemoryFallback } from './memory-fallback';
import { splitModelPath, type OpfsStore, type StorageManagerLike } from './opfs-store';
import { discardPartial } from './partial-file';
import { ProgressMeter } from './progress-meter';
import { fetchRemaining } from './range-fetch';
import { recordVerified, resumePoint } from './resume-journal';
import { roomShortfall } from './room-check';
import { runPool } from './run-pool';
import { MemorySink, type Sink } from './sinks';
import { requestPersistence } from './storage-policy';

export interface DownloaderOptions {
  /** Folder URL the manifest paths are relative to (see resolveModelUrl). */
  baseUrl: string;
  /** Where files are kept; null when OPFS is unavailable (everything then stays in memory). */
  store: OpfsStore | null;
  signal?: AbortSignal;
  onEvent?: DeliveryEventSink;
  fetch?: typeof fetch;
  retry?: Partial<RetryPolicy>;
  /**
   * How a cached, once-verified file is checked before use: 'size' (default) compares its length
   * and its sampled digest (1 MiB read per file, see sampled-digest.ts), for a fast start;
   * 'full' re-hashes all of it here (the check on demand).
   */
  verifyCached?: 'full' | 'size';
  /** Flush and record progress every this many bytes (what a reload can resume from). */
  checkpointBytes?: number;
  progressIntervalMs?: number;
  /** navigator.storage by default: estimate() before downloading, persist() once. */
  storage?: StorageManagerLike;
}

export interface DeliveredFile {
  path: string;
  bytes: number;
  sha256: string;
  source: FileSource;
  /** The bytes, when the file is held in memory (storage full or unavailable). */
  memory?: ChunkedBytes;
}

const DEFAULT_CHECKPOINT = 32 * 2 ** 20;

export class ModelDownloader {
  private readonly ctx: DownloadContext;
  private readonly fallback: MemoryFallback;
  private readonly storage: StorageManagerLike | undefined;

  constructor(private readonly opts: DownloaderOptions) {
    const onEvent = opts.onEvent;
    this.ctx = {
      baseUrl: opts.baseUrl,
      store: opts.store,
      signal: opts.signal,
      fetch: opts.fetch ?? ((input, init) => fetch(input, init)),
      retry: { ...DEFAULT_RETRY, ...opts.retry },
      checkpointBytes: opts.checkpointBytes ?? DEFAULT_CHECKPOINT,
      emit: (e) => onEvent?.(e),
      meter: (file, phase) =>
        new ProgressMeter(file.path, phase, file.bytes, onEvent, opts.progressIntervalMs),
    };
    this.fallback = new MemoryFallback(this.ctx, opts.store === null);
    this.storage = opts.storage ?? globalThis.navigator?.storage;
  }

  /** True once any file had to be kept in memory. */
  get runningFromMemory(): boolean {
    return this.fallback.active;
  }

  /**
   * Ensures every file is present and verified, `concurrency` at a time. Asks for persistent
   * storage once and checks the storage estimate first: when the files cannot fit, they go to
   * memory from the start rather than failing gigabytes in.
   */
  async ensureFiles(files: ManifestFile[], concurrency = 2): Promise<DeliveredFile[]> {
    void requestPersistence(this.storage, this.opts.onEvent);
    const store = this.ctx.store;
    if (store && !this.fallback.active) {
      const shortfall = await roomShortfall(store, this.storage, files);
      if (shortfall) this.fallback.enter(shortfall);
    }
    try {
      return await runPool(files, concurrency, (f) => this.ensureFile(f));
    } catch (error) {
      if (!isAbort(error)) this.ctx.emit({ kind: 'error', error: toErrorInfo(error) });
      throw error;
    }
  }

  /** One file: from the cache when it is sound, else downloaded (resumed where possible) and verified. */
  async ensureFile(file: ManifestFile): Promise<DeliveredFile> {
    splitModelPath(file.path);
    throwIfAborted(this.ctx.signal, file.path);
    if (await cachedCopyIsSound(this.ctx, file, this.opts.verifyCached)) {
      this.ctx.emit({ kind: 'file-done', path: file.path, bytes: file.bytes, source: 'cache' });
      return { path: file.path, bytes: file.bytes, sha256: file.sha256, source: 'cache' };
    }
    for (let round = 0; ; round++) {
      const p = await resumePoint(this.ctx, file, this.fallback.active);
      this.ctx.emit({ kind: 'file-start', path: file.path, bytesTotal: file.bytes, resumeFrom: p.offset });
      await fetchRemaining(this.ctx, this.fallback, file, p);
      const got = p.hash.digestHex();
      const sink = p.sink;
      if (got === file.sha256) return this.accept(file, sink);
      await discardPartial(this.ctx.store, file.path, sink);
      const err = new IntegrityError(file.path, file.sha256, got);
      if (round > 0) throw err;
      this.ctx.emit({
        kind: 'notice',
        code: 'retrying',
        path: file.path,
        attempt: 1,
        message: err.message,
        cause: err.toInfo(),
      });
    }
  }

  private async accept(file: ManifestFile, sink: Sink | null): Promise<DeliveredFile> {
    const delivered: DeliveredFile = {
      path: file.path,
      bytes: file.bytes,
      sha256: file.sha256,
      source: 'network',
    };
    if (sink instanceof MemorySink) {
      delivered.source = 'memory';
      delivered.memory = sink.bytes;
    } else {
      await recordVerified(this.ctx.store!, file);
    }
    this.ctx.emit({ kind: 'file-done', path: file.path, bytes: file.bytes, source: delivered.source });
    return delivered;
  }
}
