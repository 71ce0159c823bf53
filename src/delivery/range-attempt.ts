/**
 * One request for the rest of a file: a Range from where it stopped, the answer validated before a
 * byte is kept, then the body streamed into the sink and the hash, checkpointed as it goes so a
 * reload resumes there too.
 */
import type { ManifestFile } from '../base/model-manifest';
import { BodyHead } from './body-head';
import type { DownloadContext } from './download-context';
import { HtmlInsteadOfFileError, LengthMismatchError, NetworkError, isAbort } from './errors';
import { fileUrl, looksLikeHtml, rangeHeaders } from './http';
import type { MemoryFallback } from './memory-fallback';
import { restartAtZero, type PartialFile } from './partial-file';
import { checkResponse } from './response-check';

export async function attemptRange(
  ctx: DownloadContext,
  fallback: MemoryFallback,
  file: ManifestFile,
  p: PartialFile,
): Promise<void> {
  const url = fileUrl(ctx.baseUrl, file.path);
  let res: Response;
  try {
    res = await ctx.fetch(url, {
      headers: rangeHeaders(p.offset),
      signal: ctx.signal,
      cache: 'no-store',
      credentials: 'omit',
    });
  } catch (e) {
    if (isAbort(e)) throw e;
    throw new NetworkError(file.path, String(e));
  }
  const start = checkResponse(res, url, file, p.offset);
  if (start !== p.offset) {
    ctx.emit({
      kind: 'notice',
      code: 'resume-restarted',
      path: file.path,
      message: `${file.path}: the server does not resume downloads; starting this file again from 0`,
    });
    await restartAtZero(p);
  }
  const reader = (res.body ?? new Blob().stream()).getReader();
  try {
    await streamBody(ctx, fallback, reader, url, file, p);
  } finally {
    void reader.cancel().catch(() => undefined);
  }
}

async function streamBody(
  ctx: DownloadContext,
  fallback: MemoryFallback,
  reader: ReadableStreamDefaultReader<Uint8Array>,
  url: string,
  file: ManifestFile,
  p: PartialFile,
): Promise<void> {
  const meter = ctx.meter(file, 'download');
  let sinceCheckpoint = 0;
  const take = async (chunk: Uint8Array) => {
    if (p.offset + chunk.length > file.bytes) {
      throw new LengthMismatchError(file.path, file.bytes, p.offset + chunk.length, 'the body (at least)');
    }
    p.sink ??= await fallback.openSink(file, p);
    await fallback.write(file, p, chunk);
    p.hash.update(chunk);
    p.offset += chunk.length;
    sinceCheckpoint += chunk.length;
    meter.tick(p.offset, chunk.length);
    if (sinceCheckpoint >= ctx.checkpointBytes) {
      sinceCheckpoint = 0;
      await fallback.checkpoint(file, p);
    }
  };
  const sniffThenTake = async (head: Uint8Array) => {
    if (looksLikeHtml(head)) throw new HtmlInsteadOfFileError(url, file.path);
    await take(head);
  };
  // A from-zero body could be an HTML page: hold its first bytes until they show it is not.
  let head: BodyHead | null = p.offset === 0 ? new BodyHead() : null;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!head) {
        await take(value);
        continue;
      }
      const joined = head.push(value);
      if (joined) {
        head = null;
        await sniffThenTake(joined);
      }
    }
    if (head) {
      const joined = head.release();
      head = null;
      await sniffThenTake(joined);
    }
    p.sink ??= await fallback.openSink(file, p);
  } catch (e) {
    // Record how far a cut got so a reload resumes there too.
    if (p.sink) await fallback.checkpoint(file, p).catch(() => undefined);
    throw e;
  }
  meter.tick(p.offset, 0, true);
}
