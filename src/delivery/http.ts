/**
 * Small HTTP facts the downloader relies on: what an HTML answer looks like, how a Content-Range
 * reads, where a file sits below a base URL, how to ask for the rest of one, and how long to wait before trying again.
 */

/** A model file served as an HTML page: a 200 error page, a login wall, a SPA fallback. */
export function isHtmlContentType(contentType: string | null): boolean {
  const t = (contentType ?? '').split(';')[0].trim().toLowerCase();
  return t === 'text/html' || t === 'application/xhtml+xml';
}

const HTML_STARTS = ['<!doctype', '<html'];

/** True when the first bytes are an HTML document (after a BOM and whitespace), whatever the type said. */
export function looksLikeHtml(head: Uint8Array): boolean {
  let at = 0;
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) at = 3;
  while (
    at < head.length &&
    (head[at] === 0x20 || head[at] === 0x09 || head[at] === 0x0a || head[at] === 0x0d)
  )
    at++;
  const text = String.fromCharCode(...head.subarray(at, at + 16)).toLowerCase();
  return HTML_STARTS.some((s) => text.startsWith(s));
}

export interface ContentRange {
  start: number;
  end: number;
  /** undefined for `*` (unknown length). */
  total?: number;
}

/** `bytes 100-199/1000` -> {start: 100, end: 199, total: 1000}; null when unreadable. */
export function parseContentRange(value: string | null): ContentRange | null {
  const m = /^\s*bytes\s+(\d+)-(\d+)\/(\d+|\*)\s*$/i.exec(value ?? '');
  if (!m) return null;
  const [start, end] = [Number(m[1]), Number(m[2])];
  if (end < start) return null;
  return { start, end, total: m[3] === '*' ? undefined : Number(m[3]) };
}

/** The URL of `path` (a '/'-separated manifest path) below `baseUrl`, each segment escaped. */
export function fileUrl(baseUrl: string, path: string): string {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  return new URL(path.split('/').map(encodeURIComponent).join('/'), base).href;
}

/** The request headers that continue a file at `offset` (RFC 9110 14.2); none from byte 0. */
export function rangeHeaders(offset: number): Record<string, string> {
  return offset > 0 ? { Range: `bytes=${offset}-` } : {};
}

export interface RetryPolicy {
  /** Consecutive failed attempts without progress before giving up. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 500, maxDelayMs: 30_000 };

/** Exponential backoff with +-25% jitter, so many tabs do not retry in lockstep. */
export function backoffDelay(
  failures: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const raw = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, failures - 1));
  return Math.round(raw * (0.75 + 0.5 * random()));
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
