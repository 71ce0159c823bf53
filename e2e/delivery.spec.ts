/**
 * Model delivery in the browser (reliability cases 19-22): the real downloader runs in a worker
 * against a fake model host (page.route), writing to the real OPFS.
 */
import { test, expect } from './fixtures';
import { WEIGHTS, expectAllVerified, notices, openDeliveryPage } from './harness/delivery-page';

test('downloads into OPFS through a sync access handle, serves the cache next time, asks persist() once', async ({
  page,
}) => {
  const d = await openDeliveryPage(page, 'happy');
  const first = await d.run();
  expectAllVerified(first, d.files);
  expect(first.files.map((f) => f.source)).toEqual(['network', 'network', 'network']);
  expect(new Set(first.writerKinds)).toEqual(new Set(['sync']));
  expect(await d.stored()).toEqual(Object.fromEntries(d.files.map((f) => [f.path, f.body.length])));
  const fetched = d.server.requests.length;

  const second = await d.run();
  expectAllVerified(second, d.files);
  expect(second.files.map((f) => f.source)).toEqual(['cache', 'cache', 'cache']);
  expect(d.server.requests.length, 'only the manifest is fetched again').toBe(fetched + 1);
  expect(await d.persistCalls()).toBe(1);
  const progress = first.events.filter(
    (e) => e.kind === 'progress' && e.path === WEIGHTS && e.phase === 'download',
  );
  expect(progress.at(-1)).toMatchObject({ bytesDone: 3_000_000, bytesTotal: 3_000_000 });
});

test('a download cut at 50% resumes with a Range request and the SHA-256 matches', async ({ page }) => {
  const d = await openDeliveryPage(page, 'cut');
  d.server.fault(WEIGHTS, 'cut-once');
  const r = await d.run();
  expectAllVerified(r, d.files);
  const reqs = d.server.requestsFor(WEIGHTS);
  expect(reqs.map((q) => [q.status, q.range])).toEqual([
    [200, undefined],
    [206, 'bytes=1500000-'],
  ]);
  expect(notices(r, 'retrying')[0]?.cause?.code).toBe('network');
  expect(await d.stored()).toMatchObject({ [WEIGHTS]: 3_000_000 });
});

test('a server that ignores Range restarts the file from 0 and still verifies', async ({ page }) => {
  const d = await openDeliveryPage(page, 'norange');
  d.server.fault(WEIGHTS, 'cut-once-no-range');
  const r = await d.run();
  expectAllVerified(r, d.files);
  expect(d.server.requestsFor(WEIGHTS).map((q) => [q.status, q.range])).toEqual([
    [200, undefined],
    [200, 'bytes=1500000-'],
  ]);
  expect(notices(r, 'resume-restarted')).toHaveLength(1);
});

test('a flipped byte in a cached file is detected, evicted and fetched once more', async ({ page }) => {
  const d = await openDeliveryPage(page, 'flip');
  expectAllVerified(await d.run(), d.files);

  // Default start-up check is by size; the flip is caught when the runtime reads the file.
  await d.flipByte(WEIGHTS, 1_234_567);
  const onRead = await d.run();
  expectAllVerified(onRead, d.files);
  expect(notices(onRead, 'corrupt-cache-evicted').map((n) => n.path)).toEqual([WEIGHTS]);
  expect(d.server.requestsFor(WEIGHTS)).toHaveLength(2);

  // A full check before use catches it before the runtime sees it.
  await d.flipByte(WEIGHTS, 17);
  const full = await d.run({ verifyCached: 'full' });
  expectAllVerified(full, d.files);
  expect(notices(full, 'corrupt-cache-evicted').map((n) => n.path)).toEqual([WEIGHTS]);
  expect(Object.fromEntries(full.files.map((f) => [f.path, f.source]))).toEqual({
    'config.json': 'cache',
    'onnx/model_q4.onnx': 'cache',
    [WEIGHTS]: 'network',
  });
  expect(d.server.requestsFor(WEIGHTS)).toHaveLength(3);
});

test('an HTML page served where weights should be is refused and nothing is cached', async ({ page }) => {
  const d = await openDeliveryPage(page, 'html');
  for (const fault of ['html', 'html-as-binary'] as const) {
    d.server.fault(WEIGHTS, fault);
    const r = await d.run();
    expect(r.ok).toBe(false);
    expect(r.error).toMatchObject({ code: 'html-instead-of-file', path: WEIGHTS, retryable: false });
    expect(r.events.filter((e) => e.kind === 'error')).toHaveLength(1);
    expect(Object.keys(await d.stored())).not.toContain(WEIGHTS);
  }
});

test('a 404 at a weight URL is refused and nothing is cached', async ({ page }) => {
  const d = await openDeliveryPage(page, 'missing');
  d.server.fault(WEIGHTS, '404');
  const r = await d.run();
  expect(r.error).toMatchObject({ code: 'http-not-found', path: WEIGHTS, retryable: false });
  expect(d.server.requestsFor(WEIGHTS)).toHaveLength(1);
  expect(Object.keys(await d.stored())).not.toContain(WEIGHTS);
});

test('storage quota exceeded: the file is kept in memory with a notice and still verifies', async ({
  page,
}) => {
  const d = await openDeliveryPage(page, 'quota');
  const r = await d.run({ quotaAfterBytes: 1_000_000 });
  expectAllVerified(r, d.files);
  expect(r.fromMemory).toBe(true);
  expect(notices(r, 'running-from-memory')).toHaveLength(1);
  expect(notices(r, 'running-from-memory')[0].message).toContain('the model will download again next time');
  expect(r.files.find((f) => f.path === WEIGHTS)?.source).toBe('memory');
  expect(Object.keys(await d.stored())).not.toContain(WEIGHTS);
  expect(
    d.server.requestsFor(WEIGHTS),
    'the stored part was moved to memory, not fetched again',
  ).toHaveLength(1);
  expect(await d.persistCalls()).toBe(1);
});

test('an estimate too small for the model runs from memory from the start', async ({ page }) => {
  const d = await openDeliveryPage(page, 'estimate');
  const r = await d.run({ fakeFreeBytes: 1_000_000 });
  expectAllVerified(r, d.files);
  expect(r.files.map((f) => f.source)).toEqual(['memory', 'memory', 'memory']);
  expect(notices(r, 'running-from-memory')[0].message).toMatch(
    /grants 1\.0 MB of storage but the model needs 3\.2 MB more: running from memory/,
  );
  expect(await d.stored()).toEqual({});
});

test('cancelling stops a stalled download quickly, and the next run completes', async ({ page }) => {
  const d = await openDeliveryPage(page, 'cancel');
  d.server.fault(WEIGHTS, 'slow');
  const t0 = Date.now();
  const r = await d.run({ abortAfterMs: 300 });
  expect(r.error).toMatchObject({ code: 'aborted', retryable: true });
  expect(
    r.events.filter((e) => e.kind === 'error'),
    'a cancel is not reported as a failure',
  ).toEqual([]);
  expect(Date.now() - t0).toBeLessThan(2500);
  d.server.fault(WEIGHTS, null);
  expectAllVerified(await d.run(), d.files);
});

test('after the first download the model starts offline from OPFS', async ({ page }) => {
  const d = await openDeliveryPage(page, 'offline');
  expectAllVerified(await d.run(), d.files);
  d.server.offline = true;
  const r = await d.run();
  expectAllVerified(r, d.files);
  expect(r.files.map((f) => f.source)).toEqual(['cache', 'cache', 'cache']);
  expect(d.server.requests.filter((q) => q.status === 0).map((q) => q.path)).toEqual([
    'deepeyes-manifest.json',
  ]);
});
