/**
 * What every step of one model's download shares: where files come from and go, the abort signal,
 * the retry policy, and the event and progress outlets. Built once by ModelDownloader.
 */
import type { ManifestFile } from '../base/model-manifest';
import { hashStreamInto, type IncrementalHash } from '../base/sha256';
import { DeliveryAbortedError, isAbort } from './errors';
import type { DeliveryEvent, DeliveryPhase } from './events';
import type { RetryPolicy } from './http';
import type { OpfsStore } from './opfs-store';
import type { ProgressMeter } from './progress-meter';

export interface DownloadContext {
  /** Folder URL the manifest paths are relative to. */
  readonly baseUrl: string;
  /** null when OPFS is unavailable (everything then stays in memory). */
  readonly store: OpfsStore | null;
  readonly signal: AbortSignal | undefined;
  readonly fetch: typeof fetch;
  readonly retry: RetryPolicy;
  /** Flush and record progress every this many bytes (what a reload can resume from). */
  readonly checkpointBytes: number;
  emit(event: DeliveryEvent): void;
  meter(file: ManifestFile, phase: DeliveryPhase): ProgressMeter;
}

/** Runs `fn`, turning an abort into DeliveryAbortedError. */
export async function guardAbort<T>(
  signal: AbortSignal | undefined,
  path: string,
  fn: () => Promise<T>,
): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (signal?.aborted || isAbort(e)) throw new DeliveryAbortedError(path);
    throw e;
  }
}

export function throwIfAborted(signal: AbortSignal | undefined, path: string): void {
  if (signal?.aborted) throw new DeliveryAbortedError(path);
}

/** Hashes `stream` into `hash`, reporting each chunk to `meter`; returns the bytes hashed. */
export async function hashMetered(
  ctx: DownloadContext,
  path: string,
  stream: ReadableStream<Uint8Array>,
  hash: IncrementalHash,
  meter: ProgressMeter,
): Promise<number> {
  let done = 0;
  await guardAbort(ctx.signal, path, () =>
    hashStreamInto(stream, hash, (n) => meter.tick((done += n), n), ctx.signal),
  );
  return done;
}
