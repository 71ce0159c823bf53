/**
 * DeepEyes from the hub, converted in the browser: a loopback hub (test/support/hub-server.ts,
 * CORS like huggingface.co, resolve -> CDN redirect) serves a non-default checkpoint; the page's
 * worker converts it into OPFS with the same converter the CLI runs. Cancel stops within a
 * second, a reload mid-conversion resumes from the OPFS journal, and the result equals the
 * Node conversion byte for byte (SHA-256 of every file). The app's conversion runs under the
 * production Content-Security-Policy, which refuses a hub it does not list.
 */
import { test, expect, type Page } from '@playwright/test';
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join, relative } from 'node:path';
import * as ortNode from 'onnxruntime-node';
import { convertModel } from '../src/convert/convert';
import { generate } from '../src/model/runtime/generate';
import { DirModelFiles } from '../src/model/runtime/node-files';
import { QwenVLRuntime } from '../src/model/runtime/qwen-vl-runtime';
import { makeHubCheckpoint } from '../test/support/hub-checkpoint';
import { startHubServer, type HubServer } from '../test/support/hub-server';
import type { HarnessConvertResult } from '../src/harness/convert-harness';
import { harnessBaseUrl } from './harness/harness-server';
import { cosine } from '../src/golden/metrics';
import type { ConvertRequest } from '../src/worker/convert-protocol';

const PORT = Number(process.env.PW_PORT ?? 4173);
/** The hub (and its CDN on HUB_PORT + 1) that playwright.config.ts lists in the workers' policy. */
const HUB_PORT = PORT + 3;
/** A hub (and CDN on + 1) the policy does not list; PORT + 2 is e2e/security.spec.ts's. */
const UNLISTED_PORT = PORT + 5;
const work = join('test-results', 'hub-convert');
const ckpt = join(work, 'ckpt');
const reference = join(work, 'node-q4');
const CHUNK = 8 << 20;
const KEY = 'converted:hf:org/open@main';
let hub: HubServer;
let want: Record<string, { bytes: number; sha256: string }>;

test.beforeAll(async () => {
  mkdirSync(work, { recursive: true });
  await makeHubCheckpoint(ckpt);
  hub = await startHubServer(
    { 'org/open': { dir: ckpt }, 'org/gated': { dir: ckpt, gatedToken: 'hf_t' } },
    HUB_PORT,
  );
  await convertModel({
    hfDir: ckpt,
    outDir: reference,
    dtypes: ['q4'],
    chunkLimit: CHUNK,
    modelId: 'org/open',
  });
  want = {};
  for (const e of readdirSync(reference, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const p = join(e.parentPath, e.name);
    const bytes = readFileSync(p);
    want[relative(reference, p)] = {
      bytes: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    };
  }
});

test.afterAll(async () => {
  await hub?.close();
});

type Api = {
  run(r: ConvertRequest, cancelAfterMs?: number): Promise<HarnessConvertResult>;
  files(key: string): Promise<Record<string, { bytes: number; sha256: string }>>;
  clear(): Promise<void>;
  greedy(key: string, ids: number[], n: number): Promise<{ ids: number[]; logits: number[] }>;
};

async function open(page: Page): Promise<void> {
  // Test-only page: served by the dev server (not in the production build).
  await page.goto(new URL('convert-harness.html', await harnessBaseUrl()).toString());
  await expect(page.getByTestId('harness-status')).toHaveText('ready');
}

const run = (page: Page, r: Partial<ConvertRequest>, cancelAfterMs?: number) =>
  page.evaluate(([req, c]) => (window as unknown as { __convert: Api }).__convert.run(req, c), [
    { repo: 'org/open', endpoint: hub.endpoint, dtypes: ['q4'], chunkLimit: CHUNK, ...r } as ConvertRequest,
    cancelAfterMs,
  ] as const);

test('the browser converts a hub repo in a worker: cancel, reload and resume, same bytes as the CLI', async ({
  page,
}) => {
  await open(page);
  await page.evaluate(() => (window as unknown as { __convert: Api }).__convert.clear());

  // A gated repo without a token: a typed error with advice, nothing else.
  const gated = await run(page, { repo: 'org/gated' });
  expect(gated.error).toMatchObject({ code: 'hub-auth', retryable: false });
  expect(gated.error?.advice).toMatch(/accept its licence/);

  // Cancel mid-way: the worker answers within a second.
  const cancelled = await run(page, {}, 1500);
  expect(cancelled.error?.code).toBe('aborted');
  expect(cancelled.stoppedInMs).toBeLessThan(1000);

  // Stop after a few more tensors, then reload the page (the worker and its memory are gone).
  const stopped = await run(page, { stopAfterTensors: 4 });
  expect(stopped.error?.code).toBe('aborted');
  await page.reload();
  await expect(page.getByTestId('harness-status')).toHaveText('ready');

  const done = await run(page, {});
  expect(done.error).toBeUndefined();
  expect(done.done?.modelKey).toBe(KEY);
  // The embedding table (most of the checkpoint's bytes) was converted before the reload: the
  // resumed run takes it from the journal instead of downloading it for embed_tokens again.
  const embed = done.progress.find((p) => p.phase === 'tensor' && p.file === 'onnx/embed_tokens_q4.onnx');
  expect(embed?.restored).toBe(1);
  const last = done.progress.at(-1)!;
  expect(last.phase).toBe('done');
  expect(last.downloadedBytes).toBeGreaterThan(0);
  expect(done.progress.some((p) => p.etaSeconds !== null && p.mbPerSecond > 0)).toBe(true);

  const got = await page.evaluate((k) => (window as unknown as { __convert: Api }).__convert.files(k), KEY);
  expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
  for (const [path, w] of Object.entries(want)) expect(got[path], path).toEqual(w);

  // It loads on WebGPU and computes what onnxruntime-node computes from the CLI's folder. With tied
  // random embeddings the last input token dominates the logits (greedy just echoes it), so the
  // logits without that entry are compared too: cosine >= 0.999 (int4 weights are identical; only
  // the accumulation order differs between the WebGPU and CPU kernels).
  const ids = [151644, 872, 198, 9707, 11, 1879, 13];
  const runtime = await QwenVLRuntime.load(ortNode, new DirModelFiles(reference), {
    variant: 'q4',
    target: 'cpu',
  });
  const first = await runtime.append(ids);
  const nodeLogits = Array.from(first.logits);
  const sampling = { kind: 'greedy' } as const;
  const cli = (await generate(runtime, first.logits, { maxNewTokens: 2, stopIds: [], sampling })).ids;
  await runtime.dispose();
  const browser = await page.evaluate(
    ([k, i]) => (window as unknown as { __convert: Api }).__convert.greedy(k, i, 2),
    [KEY, ids] as const,
  );
  expect(browser.ids).toEqual(cli);
  const top = argmax(nodeLogits);
  const rest = (v: number[]) => v.filter((_, i) => i !== top);
  expect(cosine(rest(browser.logits), rest(nodeLogits))).toBeGreaterThanOrEqual(0.999);
  const second = (v: number[]) => argmax(rest(v));
  expect(second(browser.logits), 'runner-up token').toBe(second(nodeLogits));
});

function argmax(v: number[]): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
  return best;
}

test('a full disk mid-conversion: a clear message, the converted part kept, the next run resumes', async ({
  page,
}) => {
  await open(page);
  await page.evaluate(() => (window as unknown as { __convert: Api }).__convert.clear());
  const full = await run(page, { quotaAfterBytes: 12 << 20 });
  expect(full.error).toMatchObject({ code: 'convert-quota', retryable: true });
  expect(full.error?.advice).toMatch(/converted so far is kept/);
  const kept = await page.evaluate((k) => (window as unknown as { __convert: Api }).__convert.files(k), KEY);
  expect(Object.keys(kept)).toContain('.deepeyes-convert-journal.jsonl');
  expect(kept['onnx/embed_tokens_q4.onnx_data']?.bytes).toBeGreaterThan(0);

  const done = await run(page, {});
  expect(done.error).toBeUndefined();
  expect(done.done?.restoredTensors).toBeGreaterThan(0);
  const got = await page.evaluate((k) => (window as unknown as { __convert: Api }).__convert.files(k), KEY);
  for (const [path, w] of Object.entries(want)) expect(got[path], path).toEqual(w);
});

test.describe('the app', () => {
  // No bypassCSP: the conversion worker gets the workers' policy header from `vite preview`
  // (scripts/vite-csp.ts), which lists this loopback hub and its CDN (playwright.config.ts).
  const workerPolicies: string[] = [];
  test.beforeEach(({ page }) => {
    workerPolicies.length = 0;
    page.on('response', (r) => {
      if (/\/assets\/convert\.worker-[^/]+\.js$/.test(new URL(r.url()).pathname)) {
        workerPolicies.push(r.headers()['content-security-policy'] ?? '');
      }
    });
  });

  test('a hub the policy does not list: the conversion worker never reads from it', async ({ page }) => {
    const unlisted = await startHubServer({ 'org/open': { dir: ckpt } }, UNLISTED_PORT);
    try {
      await page.goto('/');
      await page.evaluate(
        (endpoint) => localStorage.setItem('deepeyes.hub-settings', JSON.stringify({ endpoint, token: '' })),
        unlisted.endpoint,
      );
      await page.reload();
      await page.getByTestId('model-picker').click();
      await page.getByTestId('model-url').fill('org/open');
      await page.getByTestId('model-url').press('Enter');
      // The worker's first read is config.json: refused by the policy, it fails as a network error.
      await expect(page.getByTestId('run-error')).toContainText(
        `could not reach ${unlisted.endpoint}/org/open/resolve/main/config.json: Failed to fetch`,
        { timeout: 120_000 },
      );
      // The page may look at any loopback host (its policy admits local chat servers): it probes the
      // repo (HEAD requests, the shard index). The worker reads config.json first and the shards
      // through the CDN; the policy refuses those before they leave the browser.
      expect(unlisted.requests.filter((r) => r.server === 'cdn')).toEqual([]);
      expect(unlisted.requests.filter((r) => r.path.endsWith('/config.json'))).toEqual([]);
      expect(unlisted.requests.some((r) => r.path.endsWith('model.safetensors.index.json'))).toBe(true);
      expect(workerPolicies.length).toBeGreaterThan(0);
      for (const p of workerPolicies) expect(p).not.toContain(`127.0.0.1:${UNLISTED_PORT}`);
    } finally {
      await unlisted.close();
    }
  });

  test('the app: paste the repo id, it converts in this browser and loads on WebGPU', async ({ page }) => {
    await page.goto('/');
    await page.evaluate(
      (endpoint) => localStorage.setItem('deepeyes.hub-settings', JSON.stringify({ endpoint, token: '' })),
      hub.endpoint,
    );
    await page.reload();
    await page.getByTestId('model-picker').click();
    await expect(page.getByTestId('model-panel')).toBeVisible();
    // The hub rows offer to convert, not a download that cannot succeed.
    await expect(page.getByTestId('load-model-deepeyes-7b')).toHaveText('Convert');
    await page.getByTestId('model-url').fill('org/open');
    await page.getByTestId('model-url').press('Enter');
    await expect(
      page.getByTestId('model-entry-org/open').or(page.locator('.notice--error')).first(),
    ).toBeVisible({
      timeout: 240_000,
    });
    await expect(page.locator('.notice--error')).toHaveCount(0);
    await expect(page.getByTestId('model-entry-org/open')).toHaveAttribute('data-cache', 'ready');
    const got = await page.evaluate(
      (k) => (window as unknown as { __convert?: Api }).__convert?.files(k),
      KEY,
    );
    expect(got).toBeUndefined(); // the app page has no harness: the check above is the app's own
    // It ran under the workers' policy: scripts from this origin only, no 'unsafe-eval'.
    expect(workerPolicies.length).toBeGreaterThan(0);
    for (const p of workerPolicies) {
      expect(p).toContain("script-src 'self' 'wasm-unsafe-eval';");
      expect(p).toContain(`http://127.0.0.1:${HUB_PORT} http://127.0.0.1:${HUB_PORT + 1}`);
    }
  });
});
