/**
 * A Hugging Face model repo read directly over HTTPS, file by file and range by range, in the
 * shape the converter reads checkpoints (CheckpointFiles in src/convert/safetensors/source.ts):
 * the safetensors headers and then each tensor come as Range requests, so nothing the size of
 * the checkpoint is ever stored.
 *
 *   GET {endpoint}/{repo}/resolve/{rev}/{file}  Range: bytes=a-b  (Authorization to the endpoint only)
 *     302 -> CDN (followed; the token is not sent to another host)
 *     206 -> stream into the caller's buffer ── cut? ──► back off, ask for the rest (resume)
 *     401/403 gated · 404 · 416 · HTML page · 5xx/429 (retried) · ETag changed ─► typed errors
 */
import { isAbort } from '../errors';
import {
  DEFAULT_RETRY,
  backoffDelay,
  isHtmlContentType,
  looksLikeHtml,
  parseContentRange,
  sleep,
  type RetryPolicy,
} from '../http';
import {
  HubAuthError,
  HubFileChangedError,
  HubHtmlPageError,
  HubHttpError,
  HubNotFoundError,
  HubRangeError,
  HubUnreachableError,
} from './hub-errors';
import { DEFAULT_ENDPOINT, formatHubRef, hubFileUrl, type HubRef } from './hub-ref';

export interface HubFilesOptions {
  /** Default https://huggingface.co (HF_ENDPOINT in Node, a setting in the app). */
  endpoint?: string;
  /** Sent as `Authorization: Bearer` to the endpoint's host only. */
  token?: string;
  fetch?: typeof fetch;
  retry?: Partial<RetryPolicy>;
  signal?: AbortSignal;
  /** Called with every piece of body that arrives (for MB downloaded and MB/s). */
  onBytes?: (n: number) => void;
  /**
   * Follow redirects here rather than in fetch, dropping the token on a new host. Default: on
   * where fetch can show a redirect (Node); browsers already drop Authorization across origins.
   */
  manualRedirects?: boolean;
}

const MAX_REDIRECTS = 10;

/** A body cut before its end: worth another try from where it stopped. */
class CutError extends Error {}

export class HubFiles {
  readonly label: string;
  readonly endpoint: string;
  /** Body bytes received so far (all files). */
  bytesRead = 0;
  private readonly fetchFn: typeof fetch;
  private readonly retry: RetryPolicy;
  private readonly manual: boolean;
  private readonly sizes = new Map<string, number>();
  private readonly etags = new Map<string, string>();
  private readonly present = new Map<string, boolean>();

  constructor(
    readonly ref: HubRef,
    private readonly opts: HubFilesOptions = {},
  ) {
    this.endpoint = (opts.endpoint || DEFAULT_ENDPOINT).replace(/\/+$/, '');
    this.label = formatHubRef(ref);
    this.fetchFn = opts.fetch ?? ((input, init) => fetch(input, init));
    this.retry = { ...DEFAULT_RETRY, ...opts.retry };
    this.manual =
      opts.manualRedirects ??
      (typeof (globalThis as { document?: unknown }).document === 'undefined' &&
        typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope === 'undefined');
  }

  location(name: string): string {
    return hubFileUrl(this.endpoint, this.ref, name);
  }

  async exists(name: string): Promise<boolean> {
    const known = this.present.get(name);
    if (known !== undefined) return known;
    let ok = true;
    try {
      this.noteHeaders(name, await this.withRetries(name, () => this.request(name, 'HEAD')));
    } catch (e) {
      if (!(e instanceof HubNotFoundError)) throw e;
      ok = false;
    }
    this.present.set(name, ok);
    return ok;
  }

  async readBytes(name: string): Promise<Uint8Array> {
    return this.withRetries(name, async () => {
      const res = await this.request(name, 'GET');
      this.noteHeaders(name, res);
      const bytes = new Uint8Array(await this.body(res, name));
      if (looksLikeHtml(bytes.subarray(0, 64))) throw new HubHtmlPageError(this.location(name), name);
      this.sizes.set(name, bytes.length);
      return bytes;
    });
  }

  async size(name: string): Promise<number> {
    const known = this.sizes.get(name);
    if (known !== undefined) return known;
    await this.readRange(name, 0, new Uint8Array(1));
    const size = this.sizes.get(name);
    if (size === undefined) throw new HubRangeError(name, 'bytes=0-0', 'the answer gave no total size');
    return size;
  }

  /** Fills `into` from `offset`; a cut connection resumes where it stopped, with backoff. */
  async readRange(name: string, offset: number, into: Uint8Array, signal?: AbortSignal): Promise<void> {
    let got = 0;
    let failures = 0;
    const sig = signal ?? this.opts.signal;
    while (got < into.length) {
      const before = got;
      try {
        const from = offset + got;
        const range = `bytes=${from}-${offset + into.length - 1}`;
        const res = await this.request(name, 'GET', range, sig);
        this.checkRange(name, res, range, from);
        got = await this.streamInto(res, into, got, name);
        if (got < into.length) throw new CutError(`the body ended at ${got} of ${into.length} bytes`);
      } catch (e) {
        if (sig?.aborted || isAbort(e)) throw sig?.reason ?? e;
        const retryable =
          e instanceof CutError ||
          e instanceof HubUnreachableError ||
          (e instanceof HubHttpError && e.retryable);
        if (!retryable) throw e;
        failures = got > before ? 1 : failures + 1;
        if (failures >= this.retry.attempts)
          throw e instanceof CutError ? new HubUnreachableError(this.location(name), e.message) : e;
        await sleep(backoffDelay(failures, this.retry), sig);
      }
    }
  }

  async close(): Promise<void> {}

  /** One request, redirects followed; the token only goes to the endpoint's host. */
  private async request(
    name: string,
    method: 'GET' | 'HEAD',
    range?: string,
    signal = this.opts.signal,
  ): Promise<Response> {
    let url = this.location(name);
    const home = new URL(this.endpoint).host;
    for (let hop = 0; ; hop++) {
      const headers: Record<string, string> = {};
      if (range) headers.Range = range;
      if (this.opts.token && new URL(url).host === home) headers.Authorization = `Bearer ${this.opts.token}`;
      let res: Response;
      try {
        res = await this.fetchFn(url, {
          method,
          headers,
          signal,
          cache: 'no-store',
          credentials: 'omit',
          redirect: this.manual ? 'manual' : 'follow',
        });
      } catch (e) {
        if (signal?.aborted || isAbort(e)) throw e;
        throw new HubUnreachableError(url, String((e as Error).message ?? e));
      }
      if (this.manual && res.status >= 300 && res.status < 400 && res.headers.get('location')) {
        void res.body?.cancel().catch(() => undefined);
        if (hop >= MAX_REDIRECTS) throw new HubHttpError(url, res.status);
        url = new URL(res.headers.get('location')!, url).href;
        continue;
      }
      this.checkStatus(name, url, res);
      return res;
    }
  }

  private checkStatus(name: string, url: string, res: Response): void {
    if (res.ok) {
      if (isHtmlContentType(res.headers.get('content-type'))) {
        void res.body?.cancel().catch(() => undefined);
        throw new HubHtmlPageError(url, name);
      }
      return;
    }
    void res.body?.cancel().catch(() => undefined);
    if (res.status === 401 || res.status === 403)
      throw new HubAuthError(this.ref.repo, res.status, Boolean(this.opts.token));
    if (res.status === 404) throw new HubNotFoundError(this.ref.repo, name, this.ref.revision);
    if (res.status === 416)
      throw new HubRangeError(name, 'requested', 'HTTP 416: the range lies past the end of the file');
    throw new HubHttpError(url, res.status);
  }

  private checkRange(name: string, res: Response, range: string, from: number): void {
    this.noteHeaders(name, res);
    if (res.status !== 206) {
      void res.body?.cancel().catch(() => undefined);
      throw new HubRangeError(name, range, `HTTP ${res.status}: the server does not serve byte ranges`);
    }
    const cr = parseContentRange(res.headers.get('content-range'));
    if (!cr || cr.start !== from) {
      void res.body?.cancel().catch(() => undefined);
      throw new HubRangeError(name, range, `it answered Content-Range ${res.headers.get('content-range')}`);
    }
    if (cr.total !== undefined) this.sizes.set(name, cr.total);
  }

  /** Remembers the file's ETag (and size) and refuses a file that changed between requests. */
  private noteHeaders(name: string, res: Response): void {
    const etag = res.headers.get('etag');
    if (etag) {
      const seen = this.etags.get(name);
      if (seen && seen !== etag) throw new HubFileChangedError(name, seen, etag);
      this.etags.set(name, etag);
    }
  }

  private async streamInto(res: Response, into: Uint8Array, at: number, name: string): Promise<number> {
    if (!res.body) return at;
    const reader = res.body.getReader();
    let first = at === 0;
    try {
      for (;;) {
        let r: ReadableStreamReadResult<Uint8Array>;
        try {
          r = await reader.read();
        } catch (e) {
          if (isAbort(e)) throw e;
          return at; // a cut: the caller asks for the rest
        }
        if (r.done) return at;
        const take = Math.min(r.value.length, into.length - at);
        if (first && looksLikeHtml(r.value.subarray(0, 64)))
          throw new HubHtmlPageError(this.location(name), name);
        first = false;
        into.set(r.value.subarray(0, take), at);
        at += take;
        this.bytesRead += take;
        this.opts.onBytes?.(take);
        if (take < r.value.length)
          throw new HubRangeError(name, 'requested', 'the server sent more bytes than asked');
      }
    } finally {
      void reader.cancel().catch(() => undefined);
    }
  }

  private async body(res: Response, name: string): Promise<ArrayBuffer> {
    try {
      const b = await res.arrayBuffer();
      this.bytesRead += b.byteLength;
      this.opts.onBytes?.(b.byteLength);
      return b;
    } catch (e) {
      if (isAbort(e)) throw e;
      throw new CutError(`${name}: ${(e as Error).message}`);
    }
  }

  private async withRetries<T>(name: string, fn: () => Promise<T>): Promise<T> {
    for (let failures = 1; ; failures++) {
      try {
        return await fn();
      } catch (e) {
        const sig = this.opts.signal;
        if (sig?.aborted || isAbort(e)) throw e;
        const retryable =
          e instanceof CutError ||
          e instanceof HubUnreachableError ||
          (e instanceof HubHttpError && e.retryable);
        if (!retryable) throw e;
        if (failures >= this.retry.attempts)
          throw e instanceof CutError ? new HubUnreachableError(this.location(name), e.message) : e;
        await sleep(backoffDelay(failures, this.retry), sig);
      }
    }
  }
}
