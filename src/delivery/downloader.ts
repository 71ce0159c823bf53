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
 */
import type { ManifestFile } from '../base/model-manifest';
import type { ChunkedBytes } from './chunked-bytes';
import {
  DeliveryAbortedError,
  DeliveryError,
  HtmlInsteadOfFileError,
  IntegrityError,
  LengthMismatchError,
  NetworkError,
  RangeMismatchError,
  isAbort,
  isQuotaExceeded,
  toErrorInfo,
} from './errors';
import { ProgressMeter, type DeliveryEvent, type DeliveryEventSink, type FileSource } from './events';
import { DEFAULT_RETRY, backoffDelay, fileUrl, looksLikeHtml, sleep, type RetryPolicy } from './http';
import { splitModelPath, type OpfsStore, type StorageManagerLike } from './opfs-store';
import { createSha256, hashStreamInto, type IncrementalHash } from '../base/sha256';
import { sampledDigestOfBlob } from './sampled-digest';
import { MemorySink, OpfsSink, type Sink } from './sinks';
import { freeStorageBytes, requestPersistence } from './storage-policy';
import { asDeliveryError, checkResponse } from './response-check';

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
const SNIFF_BYTES = 64;

/** Where one file's download stands; survives retries within one ensureFile call. */
interface Progress {
  offset: number;
  hash: IncrementalHash;
  sink: Sink | null;
}

/** Thrown inside an attempt when the stored prefix was lost: start the file over, no backoff. */
class RestartFile extends Error {}

export class ModelDownloader {
  private readonly fetchFn: typeof fetch;
  private readonly retry: RetryPolicy;
  private readonly storage: StorageManagerLike | undefined;
  private memoryMode: boolean;
  private memoryNoticeSent = false;

  constructor(private readonly opts: DownloaderOptions) {
    this.fetchFn = opts.fetch ?? ((input, init) => fetch(input, init));
    this.retry = { ...DEFAULT_RETRY, ...opts.retry };
    this.storage = opts.storage ?? globalThis.navigator?.storage;
    this.memoryMode = opts.store === null;
  }

  /** True once any file had to be kept in memory. */
  get runningFromMemory(): boolean {
    return this.memoryMode;
  }

  /**
   * Ensures every file is present and verified, `concurrency` at a time. Asks for persistent
   * storage once and checks the storage estimate first: when the files cannot fit, they go to
   * memory from the start rather than failing gigabytes in.
   */
  async ensureFiles(files: ManifestFile[], concurrency = 2): Promise<DeliveredFile[]> {
    void requestPersistence(this.storage, this.opts.onEvent);
    await this.checkRoom(files);
    const out: DeliveredFile[] = new Array(files.length);
    let next = 0;
    let failure: { error: unknown } | undefined;
    // After a failure no new file starts; files in flight finish (their bytes are kept for next time).
    const worker = async () => {
      while (next < files.length && !failure) {
        const i = next++;
        try {
          out[i] = await this.ensureFile(files[i]);
        } catch (error) {
          failure ??= { error };
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, files.length)) }, worker));
    if (failure) {
      if (!isAbort(failure.error)) this.emit({ kind: 'error', error: toErrorInfo(failure.error) });
      throw failure.error;
    }
    return out;
  }

  /** One file: from the cache when it is sound, else downloaded (resumed where possible) and verified. */
  async ensureFile(file: ManifestFile): Promise<DeliveredFile> {
    splitModelPath(file.path);
    this.throwIfAborted(file.path);
    const cached = await this.fromCache(file);
    if (cached) return cached;
    for (let round = 0; ; round++) {
      const p = await this.resumePoint(file);
      this.emit({ kind: 'file-start', path: file.path, bytesTotal: file.bytes, resumeFrom: p.offset });
      await this.fetchInto(file, p);
      const got = p.hash.digestHex();
      const sink = p.sink;
      if (got === file.sha256) return this.accept(file, sink);
      await this.discard(file, sink);
      const err = new IntegrityError(file.path, file.sha256, got);
      if (round > 0) throw err;
      this.emit({
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
      // The full SHA-256 was just proved on the bytes as they arrived; the sampled digest, read
      // back from storage, is what later loads compare instead of hashing gigabytes again.
      const stored = await this.opts.store!.getFile(file.path);
      await this.opts.store!.putRecord({
        path: file.path,
        expectedBytes: file.bytes,
        sha256: file.sha256,
        bytesWritten: file.bytes,
        verified: true,
        sampled: stored ? await sampledDigestOfBlob(stored) : undefined,
      });
    }
    this.emit({ kind: 'file-done', path: file.path, bytes: file.bytes, source: delivered.source });
    return delivered;
  }

  private async discard(file: ManifestFile, sink: Sink | null): Promise<void> {
    await sink?.close().catch(() => undefined);
    if (sink instanceof MemorySink) return;
    await this.opts.store?.evict(file.path);
  }

  /** A verified cached copy, re-checked; a corrupt one is evicted (and then fetched again). */
  private async fromCache(file: ManifestFile): Promise<DeliveredFile | null> {
    const store = this.opts.store;
    if (!store) return null;
    const rec = await store.getRecord(file.path);
    if (!rec?.verified) return null;
    const stored = await store.getFile(file.path);
    let sound = rec.sha256 === file.sha256 && rec.expectedBytes === file.bytes && stored?.size === file.bytes;
    if (sound && stored && this.opts.verifyCached === 'full') {
      const hash = await createSha256();
      const meter = this.meter(file, 'verify');
      let done = 0;
      await this.guard(file.path, () =>
        hashStreamInto(stored.stream(), hash, (n) => meter.tick((done += n), n), this.opts.signal),
      );
      meter.tick(done, 0, true);
      sound = hash.digestHex() === file.sha256;
    } else if (sound && stored && rec.sampled) {
      sound = (await this.guard(file.path, () => sampledDigestOfBlob(stored))) === rec.sampled;
    }
    if (!sound) {
      await store.evict(file.path);
      // A changed manifest (new sha256) is an update, not damage; only damage is worth a notice.
      if (rec.sha256 === file.sha256) {
        this.emit({
          kind: 'notice',
          code: 'corrupt-cache-evicted',
          path: file.path,
          message: `the cached ${file.path} was damaged (its SHA-256 no longer matches): deleted, downloading it again`,
        });
      }
      return null;
    }
    this.emit({ kind: 'file-done', path: file.path, bytes: file.bytes, source: 'cache' });
    return { path: file.path, bytes: file.bytes, sha256: file.sha256, source: 'cache' };
  }

  /** Where an interrupted download of this file stopped, with its hash state rebuilt from the stored prefix. */
  private async resumePoint(file: ManifestFile): Promise<Progress> {
    const fresh: Progress = { offset: 0, hash: await createSha256(), sink: null };
    const store = this.opts.store;
    if (!store || this.memoryMode) return fresh;
    const rec = await store.getRecord(file.path);
    const stored = await store.getFile(file.path);
    const same = rec && !rec.verified && rec.sha256 === file.sha256 && rec.expectedBytes === file.bytes;
    if (!same) {
      if (rec || stored) await store.evict(file.path);
      return fresh;
    }
    const offset = Math.min(stored?.size ?? 0, rec.bytesWritten, file.bytes);
    if (offset > 0 && stored) {
      const meter = this.meter(file, 'resume-hash');
      let done = 0;
      await this.guard(file.path, () =>
        hashStreamInto(
          stored.slice(0, offset).stream(),
          fresh.hash,
          (n) => meter.tick((done += n), n),
          this.opts.signal,
        ),
      );
    }
    return { ...fresh, offset };
  }

  /** Downloads from p.offset to the end, retrying cuts and server errors with backoff. */
  private async fetchInto(file: ManifestFile, p: Progress): Promise<void> {
    let failures = 0;
    try {
      while (p.offset < file.bytes || !p.sink) {
        if (p.offset === file.bytes && file.bytes > 0) break; // complete on disk already, only unverified
        const before = p.offset;
        try {
          await this.attempt(file, p);
          if (p.offset < file.bytes) {
            throw new NetworkError(file.path, `the connection closed at ${p.offset} of ${file.bytes} bytes`);
          }
        } catch (e) {
          if (this.opts.signal?.aborted || isAbort(e)) throw new DeliveryAbortedError(file.path);
          if (e instanceof RestartFile) continue;
          const err = asDeliveryError(e, file.path);
          if (!err) throw e;
          if (!err.retryable) throw err;
          if (err instanceof RangeMismatchError) {
            // The server cannot resume this file coherently: ask for all of it next time.
            p.offset = 0;
            p.hash = await createSha256();
            await p.sink?.restart();
          }
          failures = p.offset > before ? 1 : failures + 1;
          if (failures >= this.retry.attempts) throw err;
          const delayMs = backoffDelay(failures, this.retry);
          this.emit({
            kind: 'notice',
            code: 'retrying',
            path: file.path,
            attempt: failures,
            delayMs,
            message: `${file.path}: ${err.message}; trying again in ${(delayMs / 1000).toFixed(1)} s`,
            cause: err.toInfo(),
          });
          await this.guard(file.path, () => sleep(delayMs, this.opts.signal));
        }
      }
      await p.sink?.close();
    } catch (e) {
      if (e instanceof DeliveryAbortedError || (e instanceof DeliveryError && e.retryable)) {
        // Keep what arrived: the next try resumes from it.
        await p.sink?.close().catch(() => undefined);
      } else {
        // A refused answer (HTML, 404, wrong length) or a failure we do not know: keep nothing.
        await this.discard(file, p.sink).catch(() => undefined);
      }
      throw e;
    }
  }

  /** One request: validated before a byte is stored, then streamed into the sink and the hash. */
  private async attempt(file: ManifestFile, p: Progress): Promise<void> {
    const url = fileUrl(this.opts.baseUrl, file.path);
    const headers: Record<string, string> = p.offset > 0 ? { Range: `bytes=${p.offset}-` } : {};
    let res: Response;
    try {
      res = await this.fetchFn(url, {
        headers,
        signal: this.opts.signal,
        cache: 'no-store',
        credentials: 'omit',
      });
    } catch (e) {
      if (isAbort(e)) throw e;
      throw new NetworkError(file.path, String(e));
    }
    const start = checkResponse(res, url, file, p.offset);
    if (start !== p.offset) {
      this.emit({
        kind: 'notice',
        code: 'resume-restarted',
        path: file.path,
        message: `${file.path}: the server does not resume downloads; starting this file again from 0`,
      });
      p.offset = 0;
      p.hash = await createSha256();
      await p.sink?.restart();
    }
    const reader = (res.body ?? new Blob().stream()).getReader();
    try {
      await this.stream(reader, url, file, p);
    } finally {
      void reader.cancel().catch(() => undefined);
    }
  }

  private async stream(
    reader: ReadableStreamDefaultReader<Uint8Array>,
    url: string,
    file: ManifestFile,
    p: Progress,
  ): Promise<void> {
    const meter = this.meter(file, 'download');
    let sinceCheckpoint = 0;
    // Hold the first bytes of a from-zero body until they show it is not an HTML page.
    let head: Uint8Array[] | null = p.offset === 0 ? [] : null;
    let headBytes = 0;
    const take = async (chunk: Uint8Array) => {
      if (p.offset + chunk.length > file.bytes) {
        throw new LengthMismatchError(file.path, file.bytes, p.offset + chunk.length, 'the body (at least)');
      }
      p.sink ??= await this.openSink(file, p);
      await this.write(file, p, chunk);
      p.hash.update(chunk);
      p.offset += chunk.length;
      sinceCheckpoint += chunk.length;
      meter.tick(p.offset, chunk.length);
      if (sinceCheckpoint >= (this.opts.checkpointBytes ?? DEFAULT_CHECKPOINT)) {
        sinceCheckpoint = 0;
        await this.checkpoint(file, p);
      }
    };
    const release = async () => {
      const held = head!;
      head = null;
      const joined = new Uint8Array(headBytes);
      let at = 0;
      for (const c of held) joined.set(c, (at += c.length) - c.length);
      if (looksLikeHtml(joined)) throw new HtmlInsteadOfFileError(url, file.path);
      await take(joined);
    };
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        if (head) {
          head.push(value);
          headBytes += value.length;
          if (headBytes >= SNIFF_BYTES) await release();
        } else {
          await take(value);
        }
      }
      if (head) await release();
      p.sink ??= await this.openSink(file, p);
    } catch (e) {
      // Record how far a cut got so a reload resumes there too.
      if (p.sink) await this.checkpoint(file, p).catch(() => undefined);
      throw e;
    }
    meter.tick(p.offset, 0, true);
  }

  private async openSink(file: ManifestFile, p: Progress): Promise<Sink> {
    const store = this.opts.store;
    if (!store || this.memoryMode) return new MemorySink(file.path);
    try {
      return await OpfsSink.open(store, file, p.offset);
    } catch (e) {
      if (!isQuotaExceeded(e)) throw e;
      this.enterMemoryMode('storage is full');
      await store.evict(file.path).catch(() => undefined);
      if (p.offset === 0) return new MemorySink(file.path);
      // The resumable prefix lived in the evicted file: start over, in memory.
      p.offset = 0;
      p.hash = await createSha256();
      throw new RestartFile();
    }
  }

  private async write(file: ManifestFile, p: Progress, chunk: Uint8Array): Promise<void> {
    try {
      await p.sink!.write(chunk);
    } catch (e) {
      if (!isQuotaExceeded(e) || !(p.sink instanceof OpfsSink)) throw e;
      await this.spillToMemory(file, p);
      await p.sink.write(chunk);
    }
  }

  private async checkpoint(file: ManifestFile, p: Progress): Promise<void> {
    try {
      await p.sink!.checkpoint();
    } catch (e) {
      if (!isQuotaExceeded(e) || !(p.sink instanceof OpfsSink)) throw e;
      await this.spillToMemory(file, p);
    }
  }

  /**
   * Quota ran out mid-file: the part already stored is read back into memory, the stored copy is
   * deleted to free the space, and the download continues in memory without losing its place.
   */
  private async spillToMemory(file: ManifestFile, p: Progress): Promise<void> {
    const store = this.opts.store!;
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
    this.enterMemoryMode('storage is full');
    p.sink = memory;
    if (!complete) {
      // The stored part did not survive (a writable that failed to commit): start the file over.
      p.offset = 0;
      p.hash = await createSha256();
      throw new RestartFile();
    }
  }

  private enterMemoryMode(reason: string): void {
    this.memoryMode = true;
    if (this.memoryNoticeSent) return;
    this.memoryNoticeSent = true;
    this.emit({
      kind: 'notice',
      code: 'running-from-memory',
      message: `${reason}: running from memory; the model will download again next time`,
    });
  }

  private async checkRoom(files: ManifestFile[]): Promise<void> {
    const store = this.opts.store;
    if (!store || this.memoryMode) return;
    const free = await freeStorageBytes(this.storage);
    if (free === undefined) return;
    let need = 0;
    for (const f of files) {
      const rec = await store.getRecord(f.path);
      const usable = rec && rec.sha256 === f.sha256 ? Math.min(rec.bytesWritten, f.bytes) : 0;
      need += f.bytes - usable;
    }
    if (need > free) {
      this.enterMemoryMode(
        `the browser grants ${formatBytes(free)} of storage but the model needs ${formatBytes(need)} more`,
      );
    }
  }

  /** Runs `fn`, turning an abort into DeliveryAbortedError. */
  private async guard<T>(path: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (this.opts.signal?.aborted || isAbort(e)) throw new DeliveryAbortedError(path);
      throw e;
    }
  }

  private throwIfAborted(path: string): void {
    if (this.opts.signal?.aborted) throw new DeliveryAbortedError(path);
  }

  private meter(file: ManifestFile, phase: 'download' | 'verify' | 'resume-hash'): ProgressMeter {
    return new ProgressMeter(file.path, phase, file.bytes, this.opts.onEvent, this.opts.progressIntervalMs);
  }

  private emit(e: DeliveryEvent): void {
    this.opts.onEvent?.(e);
  }
}

export function formatBytes(n: number): string {
  return n >= 1e9 ? `${(n / 1e9).toFixed(2)} GB` : `${(n / 1e6).toFixed(1)} MB`;
}
