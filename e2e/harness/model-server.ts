/**
 * A fake model host for the delivery e2e: deterministic files with their manifest, served with
 * Playwright's page.route (no network), with HTTP Range support and faults a test switches on
 * per file.
 */
import { createHash } from 'node:crypto';
import type { Page, Route } from '@playwright/test';

export interface TestFile {
  path: string;
  body: Buffer;
  sha256: string;
}

export type Fault =
  /** The first response sends half the body (with the full Content-Length) and ends: a cut. */
  | 'cut-once'
  /** Like cut-once, and the server ignores Range headers (answers 200 with the whole file). */
  | 'cut-once-no-range'
  /** A 200 HTML error page, typed text/html. */
  | 'html'
  /** An HTML page typed application/octet-stream and padded to the expected length. */
  | 'html-as-binary'
  | '404'
  /** Answers only after 3 s (a stalled connection), for cancellation. */
  | 'slow';

export interface RequestLog {
  path: string;
  range?: string;
  status: number;
}

/** xorshift32 bytes: the same for a seed on every run, and incompressible enough to be realistic. */
export function deterministicBytes(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 255;
  }
  return out;
}

export function testModel(sizes: Record<string, number>, seed = 7): { files: TestFile[]; manifest: object } {
  const files = Object.entries(sizes).map(([path, n], i) => {
    const body = deterministicBytes(n, seed * 1000 + i + 1);
    return { path, body, sha256: createHash('sha256').update(body).digest('hex') };
  });
  const total = files.reduce((s, f) => s + f.body.length, 0);
  const manifest = {
    format_version: 1,
    model_id: 'delivery-e2e',
    source_config: {},
    files: files.map((f) => ({ path: f.path, bytes: f.body.length, sha256: f.sha256 })),
    variants: {
      q4: {
        files: files.map((f) => f.path),
        required_features: [],
        max_single_tensor_bytes: Math.max(...files.map((f) => f.body.length)),
        total_bytes: total,
      },
    },
    quantization: { method: 'none', block_size: 32, summary: [] },
  };
  return { files, manifest };
}

const HTML_PAGE =
  '<!DOCTYPE html>\n<html><head><title>Not here</title></head><body>Repository not found</body></html>\n';

export class RouteModelServer {
  readonly requests: RequestLog[] = [];
  /** Every request fails as with no network at all. */
  offline = false;
  private readonly faults = new Map<string, Fault>();
  private readonly served = new Map<string, number>();

  constructor(
    /** URL path prefix the model lives under, e.g. '/__models/cut/'. */
    readonly prefix: string,
    private readonly files: TestFile[],
    private readonly manifest: object,
  ) {}

  fault(path: string, fault: Fault | null): void {
    if (fault) this.faults.set(path, fault);
    else this.faults.delete(path);
  }

  requestsFor(path: string): RequestLog[] {
    return this.requests.filter((r) => r.path === path);
  }

  async install(page: Page): Promise<void> {
    await page.route(`**${this.prefix}**`, (route) => this.handle(route));
  }

  private async handle(route: Route): Promise<void> {
    const url = new URL(route.request().url());
    const path = decodeURIComponent(url.pathname.slice(this.prefix.length));
    const range = route.request().headers()['range'];
    if (this.offline) {
      this.requests.push({ path, range, status: 0 });
      return route.abort('internetdisconnected');
    }
    const reply = async (status: number, headers: Record<string, string>, body: Buffer | string) => {
      this.requests.push({ path, range, status });
      await route.fulfill({ status, headers, body });
    };
    if (path === 'deepeyes-manifest.json') {
      return reply(200, { 'content-type': 'application/json' }, JSON.stringify(this.manifest));
    }
    const file = this.files.find((f) => f.path === path);
    const fault = this.faults.get(path);
    const count = (this.served.get(path) ?? 0) + 1;
    this.served.set(path, count);
    if (fault === 'slow') await new Promise((r) => setTimeout(r, 3000));
    if (!file || fault === '404') return reply(404, { 'content-type': 'text/plain' }, 'Entry not found');
    const octet = { 'content-type': 'application/octet-stream' };
    if (fault === 'html') return reply(200, { 'content-type': 'text/html; charset=utf-8' }, HTML_PAGE);
    if (fault === 'html-as-binary') {
      return reply(
        200,
        octet,
        Buffer.concat([Buffer.from(HTML_PAGE), Buffer.alloc(file.body.length - HTML_PAGE.length, 32)]),
      );
    }
    if ((fault === 'cut-once' || fault === 'cut-once-no-range') && count === 1) {
      const half = file.body.subarray(0, file.body.length >> 1);
      return reply(200, { ...octet, 'content-length': String(file.body.length) }, half);
    }
    const m = /^bytes=(\d+)-$/.exec(range ?? '');
    if (m && fault !== 'cut-once-no-range') {
      const start = Number(m[1]);
      if (start >= file.body.length)
        return reply(416, { 'content-range': `bytes */${file.body.length}` }, '');
      return reply(
        206,
        { ...octet, 'content-range': `bytes ${start}-${file.body.length - 1}/${file.body.length}` },
        file.body.subarray(start),
      );
    }
    return reply(200, octet, file.body);
  }
}
