/**
 * One HTTP exchange with the chat server: headers (JSON, the API key as a bearer token to that
 * host only), 429/503 retried with exponential backoff (Retry-After honoured, capped), and every
 * failure mapped to its typed error.
 */
import {
  ServerAuthError,
  ServerBlockedError,
  ServerBusyError,
  ServerContextLengthError,
  ServerHttpError,
  ServerModelNotFoundError,
  ServerUnreachableError,
} from './errors';

export interface ServerConfig {
  /** e.g. http://127.0.0.1:8000/v1 (no trailing slash needed). */
  baseUrl: string;
  model: string;
  apiKey?: string;
  /** Attempts for 429/503 before giving up (default 5). */
  attempts?: number;
  /** First backoff in ms, doubled per attempt (default 500). */
  backoffMs?: number;
  /** Tests and the browser may pass their own fetch. */
  fetch?: typeof fetch;
}

export function endpoint(baseUrl: string, path: string): string {
  return baseUrl.replace(/\/+$/, '') + path;
}

function headers(cfg: ServerConfig, json: boolean): Record<string, string> {
  return {
    ...(json ? { 'Content-Type': 'application/json' } : {}),
    ...(cfg.apiKey ? { Authorization: `Bearer ${cfg.apiKey}` } : {}),
  };
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener('abort', abort);
      resolve();
    }
    function abort() {
      clearTimeout(t);
      reject(signal!.reason);
    }
    signal?.addEventListener('abort', abort, { once: true });
  });
}

/** Why fetch threw without a response, as a typed error (aborts pass through untouched). */
export function networkError(url: string, e: unknown, signal?: AbortSignal): unknown {
  if (signal?.aborted) return e;
  const cause = (e as { cause?: { code?: string; message?: string } } | undefined)?.cause;
  const inBrowser = typeof document !== 'undefined' && typeof location !== 'undefined';
  if (inBrowser) return new ServerBlockedError(url, location.origin, e);
  const reason =
    cause?.code === 'ECONNREFUSED' ? 'connection refused' : (cause?.code ?? cause?.message ?? String(e));
  return new ServerUnreachableError(url, reason, e);
}

async function errorDetail(res: Response): Promise<string> {
  const text = await res.text().catch(() => '');
  try {
    const j = JSON.parse(text) as {
      error?: { message?: string } | string;
      message?: string;
      detail?: string;
    };
    const m = typeof j.error === 'string' ? j.error : (j.error?.message ?? j.message ?? j.detail);
    if (typeof m === 'string') return m;
  } catch {
    // not JSON: the body itself says it
  }
  return text.slice(0, 300) || res.statusText;
}

/** A non-2xx answer as its typed error. */
export async function httpError(res: Response, cfg: ServerConfig, attempts: number): Promise<Error> {
  const detail = await errorDetail(res);
  if (res.status === 401 || res.status === 403) return new ServerAuthError(res.status, detail);
  if (res.status === 429 || res.status === 503) return new ServerBusyError(res.status, attempts, detail);
  if (/context length|maximum context|context_length|too long|max_model_len/i.test(detail))
    return new ServerContextLengthError(detail);
  if (res.status === 404 && /model/i.test(detail)) return new ServerModelNotFoundError(cfg.model, [], detail);
  return new ServerHttpError(res.status, detail);
}

function retryAfterMs(res: Response): number | undefined {
  const h = res.headers.get('retry-after');
  if (!h) return undefined;
  const s = Number(h);
  return Number.isFinite(s) ? s * 1000 : undefined;
}

const MAX_WAIT_MS = 30_000;

/**
 * POSTs (or GETs, without a body) and returns the 2xx response. 429 and 503 are retried; a
 * connection that is refused is not (the server is down; retrying would only delay the advice).
 */
export async function request(
  cfg: ServerConfig,
  path: string,
  body: unknown,
  signal?: AbortSignal,
  onRetry?: (attempt: number, waitMs: number, status: number) => void,
): Promise<Response> {
  const f = cfg.fetch ?? fetch;
  const url = endpoint(cfg.baseUrl, path);
  const attempts = Math.max(1, cfg.attempts ?? 5);
  const backoff = cfg.backoffMs ?? 500;
  for (let attempt = 1; ; attempt++) {
    let res: Response;
    try {
      res = await f(url, {
        method: body === undefined ? 'GET' : 'POST',
        headers: headers(cfg, body !== undefined),
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal,
      });
    } catch (e) {
      throw networkError(url, e, signal);
    }
    if (res.ok) return res;
    if ((res.status === 429 || res.status === 503) && attempt < attempts) {
      const wait = Math.min(MAX_WAIT_MS, retryAfterMs(res) ?? backoff * 2 ** (attempt - 1));
      await res.body?.cancel().catch(() => {});
      onRetry?.(attempt, wait, res.status);
      await sleep(wait, signal);
      continue;
    }
    throw await httpError(res, cfg, attempt);
  }
}
