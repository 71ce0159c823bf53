/**
 * The downloader's HTTP logic in Node, keeping files in memory (OPFS exists only in browsers; the
 * e2e covers it). A fake host serves deterministic bytes; node:crypto is the SHA-256 reference.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ManifestFile } from '../base/model-manifest';
import { ModelDownloader } from './downloader';
import type { DeliveryEvent } from './events';

const BASE = 'https://host.test/m/';
const bytes = (n: number, seed: number) =>
  new Uint8Array(n).map((_, i) => (i * 131 + seed * 7 + (i >> 8)) & 255);
// Typed-array toEqual walks element by element (seconds for 300 KB): compare digests instead.
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const entry = (path: string, body: Uint8Array): ManifestFile => ({
  path,
  bytes: body.length,
  sha256: sha(body),
});

interface Call {
  path: string;
  range: string | null;
}
type Behaviour = (path: string, range: string | null, nth: number) => Response | undefined;

function fakeHost(files: Record<string, Uint8Array>, behave?: Behaviour) {
  const calls: Call[] = [];
  const fetchFn = (async (input: RequestInfo | URL, init?: RequestInit) => {
    init?.signal?.throwIfAborted();
    const path = decodeURIComponent(new URL(String(input)).pathname.slice('/m/'.length));
    const range = new Headers(init?.headers).get('range');
    calls.push({ path, range });
    const custom = behave?.(path, range, calls.filter((c) => c.path === path).length);
    if (custom) return custom;
    const body = files[path];
    if (!body) return new Response('Entry not found', { status: 404 });
    const m = /^bytes=(\d+)-$/.exec(range ?? '');
    if (m) {
      const start = Number(m[1]);
      return new Response(body.slice(start), {
        status: 206,
        headers: {
          'content-range': `bytes ${start}-${body.length - 1}/${body.length}`,
          'content-length': `${body.length - start}`,
        },
      });
    }
    return new Response(body.slice(), { headers: { 'content-length': `${body.length}` } });
  }) as typeof fetch;
  return { calls, fetchFn };
}

/** A body that delivers `upTo` bytes and then fails as a dropped connection does. */
function cutResponse(body: Uint8Array, upTo: number, status = 200): Response {
  let sent = false;
  // Erroring in the same call as the enqueue would drop the chunk: the cut comes on the next read.
  const stream = new ReadableStream<Uint8Array>({
    pull(c) {
      if (sent || upTo === 0) return c.error(new TypeError('terminated'));
      sent = true;
      c.enqueue(body.slice(0, upTo));
    },
  });
  return new Response(stream, { status, headers: { 'content-length': `${body.length}` } });
}

function downloader(fetchFn: typeof fetch, extra: { signal?: AbortSignal } = {}) {
  const events: DeliveryEvent[] = [];
  const d = new ModelDownloader({
    baseUrl: BASE,
    store: null,
    fetch: fetchFn,
    storage: {},
    retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 },
    onEvent: (e) => events.push(e),
    ...extra,
  });
  return {
    d,
    events,
    notices: (code: string) => events.filter((e) => e.kind === 'notice' && e.code === code),
  };
}

const weights = bytes(300_000, 1);
const W = entry('onnx/model.onnx_data', weights);

describe('ModelDownloader (in memory)', () => {
  it('downloads every file and hands out bytes that hash to the manifest', async () => {
    const config = new TextEncoder().encode('{"model_type":"qwen2_5_vl"}');
    const host = fakeHost({ [W.path]: weights, 'config.json': config });
    const { d, events } = downloader(host.fetchFn);
    const got = await d.ensureFiles([entry('config.json', config), W]);
    expect(got.map((f) => [f.path, f.source])).toEqual([
      ['config.json', 'memory'],
      [W.path, 'memory'],
    ]);
    expect(sha(got[1].memory!.toBytes())).toBe(W.sha256);
    expect(d.runningFromMemory).toBe(true);
    expect(events).toContainEqual(expect.objectContaining({ kind: 'notice', code: 'persistence-wanted' }));
    const last = events.filter((e) => e.kind === 'progress' && e.path === W.path).at(-1);
    expect(last).toMatchObject({ bytesDone: weights.length, bytesTotal: weights.length });
  });

  it('resumes a cut body with a Range request from where it stopped', async () => {
    const host = fakeHost({ [W.path]: weights }, (_p, _r, nth) =>
      nth === 1 ? cutResponse(weights, 120_000) : undefined,
    );
    const { d, notices } = downloader(host.fetchFn);
    const f = await d.ensureFile(W);
    expect(host.calls.map((c) => c.range)).toEqual([null, 'bytes=120000-']);
    expect(sha(f.memory!.toBytes())).toBe(W.sha256);
    expect(notices('retrying')).toHaveLength(1);
  });

  it('restarts from 0 when a resume answers 200, or a Content-Range that does not continue', async () => {
    const ignoring = fakeHost({ [W.path]: weights }, (_p, range, nth) =>
      nth === 1 ? cutResponse(weights, 100_000) : range ? new Response(weights.slice()) : undefined,
    );
    const a = downloader(ignoring.fetchFn);
    expect(sha((await a.d.ensureFile(W)).memory!.toBytes())).toBe(W.sha256);
    expect(a.notices('resume-restarted')).toHaveLength(1);

    const skewed = fakeHost({ [W.path]: weights }, (_p, range, nth) =>
      nth === 1
        ? cutResponse(weights, 100_000)
        : range
          ? new Response(weights.slice(99_000), {
              status: 206,
              headers: { 'content-range': `bytes 99000-${weights.length - 1}/${weights.length}` },
            })
          : undefined,
    );
    const b = downloader(skewed.fetchFn);
    expect(sha((await b.d.ensureFile(W)).memory!.toBytes())).toBe(W.sha256);
    expect(skewed.calls.map((c) => c.range)).toEqual([null, 'bytes=100000-', null]);
  });

  it('retries 5xx with backoff and gives up after the attempts with a retryable error', async () => {
    const flaky = fakeHost({ [W.path]: weights }, (_p, _r, nth) =>
      nth <= 2 ? new Response('busy', { status: 503 }) : undefined,
    );
    expect((await downloader(flaky.fetchFn).d.ensureFile(W)).memory!.length).toBe(weights.length);
    const down = fakeHost({}, () => new Response('down', { status: 502 }));
    await expect(downloader(down.fetchFn).d.ensureFile(W)).rejects.toMatchObject({
      code: 'http-server-error',
      retryable: true,
    });
    expect(down.calls).toHaveLength(3);
  });

  it('refuses a 404, an HTML page (by type or by its first bytes) and a wrong length without retrying', async () => {
    const html = '<!DOCTYPE html><html><body>login</body></html>';
    const cases: [Behaviour, string][] = [
      [() => new Response('Entry not found', { status: 404 }), 'http-not-found'],
      [
        () => new Response(html, { headers: { 'content-type': 'text/html; charset=utf-8' } }),
        'html-instead-of-file',
      ],
      [() => new Response(`\n  ${html}`.padEnd(weights.length, ' ')), 'html-instead-of-file'],
      [
        () => new Response(weights.slice(0, 1000), { headers: { 'content-length': '1000' } }),
        'length-mismatch',
      ],
      [() => new Response(new Uint8Array(weights.length + 5)), 'length-mismatch'],
    ];
    for (const [behave, code] of cases) {
      const host = fakeHost({}, behave);
      const { d, events } = downloader(host.fetchFn);
      await expect(d.ensureFiles([W])).rejects.toMatchObject({ code, retryable: false, path: W.path });
      expect(host.calls, code).toHaveLength(1);
      expect(events.filter((e) => e.kind === 'error')).toHaveLength(1);
    }
  });

  it('fetches once more after a SHA-256 mismatch, then gives up with an integrity error', async () => {
    const wrong = weights.slice();
    wrong[5] ^= 1;
    const once = fakeHost({ [W.path]: weights }, (_p, _r, nth) =>
      nth === 1 ? new Response(wrong.slice()) : undefined,
    );
    expect(sha((await downloader(once.fetchFn).d.ensureFile(W)).memory!.toBytes())).toBe(W.sha256);
    const always = fakeHost({ [W.path]: wrong });
    await expect(downloader(always.fetchFn).d.ensureFile(W)).rejects.toMatchObject({ code: 'integrity' });
    expect(always.calls).toHaveLength(2);
  });

  it('gives up on a connection that keeps failing without progress', async () => {
    const dead = fakeHost({}, () => cutResponse(weights, 0));
    await expect(downloader(dead.fetchFn).d.ensureFile(W)).rejects.toMatchObject({
      code: 'network',
      retryable: true,
    });
    expect(dead.calls).toHaveLength(3);
  });

  it('stops on abort with a retryable aborted error', async () => {
    const controller = new AbortController();
    const host = fakeHost({ [W.path]: weights }, () => {
      controller.abort();
      return cutResponse(weights, 10);
    });
    const { d } = downloader(host.fetchFn, { signal: controller.signal });
    await expect(d.ensureFile(W)).rejects.toMatchObject({ code: 'aborted', retryable: true });
    expect(host.calls).toHaveLength(1);
  });

  it('refuses an unsafe manifest path before any request', async () => {
    const host = fakeHost({});
    await expect(
      downloader(host.fetchFn).d.ensureFile({ ...W, path: '../escape.bin' }),
    ).rejects.toMatchObject({
      code: 'model-source',
    });
    expect(host.calls).toHaveLength(0);
  });
});
