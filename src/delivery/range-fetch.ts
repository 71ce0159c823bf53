/**
 * One file from where it stopped to its end, across as many requests as it takes: a cut or a
 * server error is retried after a backoff (RetryBudget), a refused answer is not. What arrived is
 * kept when the failure may pass (the next try resumes from it) and dropped when it will not.
 */
import type { ManifestFile } from '../base/model-manifest';
import { guardAbort, type DownloadContext } from './download-context';
import { DeliveryAbortedError, DeliveryError, NetworkError, RangeMismatchError, isAbort } from './errors';
import { sleep } from './http';
import type { MemoryFallback } from './memory-fallback';
import { RestartFile, discardPartial, restartAtZero, type PartialFile } from './partial-file';
import { attemptRange } from './range-attempt';
import { asDeliveryError } from './response-check';
import { RetryBudget } from './retry-budget';

export async function fetchRemaining(
  ctx: DownloadContext,
  fallback: MemoryFallback,
  file: ManifestFile,
  p: PartialFile,
): Promise<void> {
  const budget = new RetryBudget(ctx.retry);
  try {
    while (p.offset < file.bytes || !p.sink) {
      if (p.offset === file.bytes && file.bytes > 0) break; // complete on disk already, only unverified
      const before = p.offset;
      try {
        await attemptRange(ctx, fallback, file, p);
        if (p.offset < file.bytes) {
          throw new NetworkError(file.path, `the connection closed at ${p.offset} of ${file.bytes} bytes`);
        }
      } catch (e) {
        if (ctx.signal?.aborted || isAbort(e)) throw new DeliveryAbortedError(file.path);
        if (e instanceof RestartFile) continue;
        const err = asDeliveryError(e, file.path);
        if (!err) throw e;
        if (!err.retryable) throw err;
        // The server cannot resume this file coherently: ask for all of it next time.
        if (err instanceof RangeMismatchError) await restartAtZero(p);
        const retry = budget.fail(p.offset > before);
        if (!retry) throw err;
        ctx.emit({
          kind: 'notice',
          code: 'retrying',
          path: file.path,
          attempt: retry.attempt,
          delayMs: retry.delayMs,
          message: `${file.path}: ${err.message}; trying again in ${(retry.delayMs / 1000).toFixed(1)} s`,
          cause: err.toInfo(),
        });
        await guardAbort(ctx.signal, file.path, () => sleep(retry.delayMs, ctx.signal));
      }
    }
    await p.sink?.close();
  } catch (e) {
    if (e instanceof DeliveryAbortedError || (e instanceof DeliveryError && e.retryable)) {
      // Keep what arrived: the next try resumes from it.
      await p.sink?.close().catch(() => undefined);
    } else {
      // A refused answer (HTML, 404, wrong length) or a failure we do not know: keep nothing.
      await discardPartial(ctx.store, file.path, p.sink).catch(() => undefined);
    }
    throw e;
  }
}
