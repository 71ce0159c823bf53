/**
 * npm run bench -- browser-7b [--model DIR] [--tokens 8] [--decode-steps 2] [--verify-full] [--profile DIR]
 *
 * A converted q4 model folder (the synthetic DeepEyes-7B: scripts/synth-7b.ts, then
 * `npm run convert -- DIR OUT --dtype q4`; default .cache/7b/q4) served from a loopback HTTP
 * server like a model host, loaded in Debian Chromium's WebGPU (SwiftShader) through the app's own
 * load path (ModelHost in a worker: deliverModel into OPFS with hashing, then loadEngine), then a
 * text prefill and greedy decode steps; the logits of each are compared with onnxruntime-node on the
 * same files. Then the page is reloaded and the model loaded again, from OPFS. Prints load times,
 * prefill/decode times and the peak memory of all Chromium processes (RSS and PSS from /proc) per
 * phase, and one `BROWSER7B_RESULT {json}` line. Slow (minutes to tens of minutes); outside npm test.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import type { Page } from '@playwright/test';
import * as ortNode from 'onnxruntime-node';
import { MANIFEST_FILE } from '../src/base/model-manifest';
import { formatBytes } from '../src/convert/convert-report';
import { cosine } from '../src/golden/metrics';
import { DirModelFiles } from '../src/model/runtime/node-files';
import { QwenVLRuntime } from '../src/model/runtime/qwen-vl-runtime';
import { harnessBaseUrl } from '../e2e/harness/harness-server';
import { startStaticServer } from '../e2e/support/static-server';
import type { HarnessLoadResult } from '../src/harness/model-protocol';
import { harnessModel } from './harness-model';
import type { TreeMemory } from './chromium-memory';
import { launchMeasuredChromium } from './measured-chromium';

/** <|im_start|>user\n then ordinary text tokens: a short text prompt in Qwen2.5's vocabulary. */
const PROMPT = [151644, 872, 198, 9707, 11, 1879, 13, 3555, 374, 419, 30, 198];

export interface Browser7bOptions {
  model: string;
  tokens: number;
  steps: number;
  verifyFull: boolean;
  /** Where the Chromium profile (with its OPFS copy of the model) is made, then removed. */
  profileDir: string;
  log: (s: string) => void;
}

interface Reference {
  ids: number[];
  fed: number[];
  logits: number[][];
  loadMs: number;
  ms: number[];
}

function argmax(v: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
  return best;
}

/** onnxruntime-node (CPU) on the same files; cached in .cache/bench, keyed by the folder's manifest and the ids. */
async function reference(model: string, ids: number[], steps: number, log: (s: string) => void) {
  const manifest = readFileSync(join(model, MANIFEST_FILE));
  const key = createHash('sha256')
    .update(manifest)
    .update(JSON.stringify([ids, steps]))
    .digest('hex');
  const cache = resolve(
    import.meta.dirname,
    '../.cache/bench',
    `browser-7b-reference-${key.slice(0, 12)}.json`,
  );
  if (existsSync(cache)) return JSON.parse(readFileSync(cache, 'utf8')) as Reference;
  log('onnxruntime-node reference: loading');
  const t0 = performance.now();
  const runtime = await QwenVLRuntime.load(ortNode, new DirModelFiles(model), {
    variant: 'q4',
    target: 'cpu',
  });
  const ref: Reference = { ids, fed: [], logits: [], loadMs: performance.now() - t0, ms: [] };
  try {
    let t = performance.now();
    ref.logits.push(Array.from((await runtime.append(ids)).logits));
    ref.ms.push(performance.now() - t);
    for (let s = 0; s < steps; s++) {
      ref.fed.push(argmax(ref.logits.at(-1)!));
      t = performance.now();
      ref.logits.push(Array.from((await runtime.append([ref.fed.at(-1)!])).logits));
      ref.ms.push(performance.now() - t);
    }
  } finally {
    await runtime.dispose();
  }
  log(
    `onnxruntime-node reference: load ${(ref.loadMs / 1000).toFixed(1)} s, appends ${ref.ms.map((m) => (m / 1000).toFixed(1)).join(' / ')} s`,
  );
  mkdirSync(dirname(cache), { recursive: true });
  writeFileSync(cache, JSON.stringify(ref));
  return ref;
}

const api = (page: Page) => harnessModel(page, 'q4');

export async function runBrowser7bBench(o: Browser7bOptions) {
  const model = resolve(o.model);
  if (!existsSync(join(model, MANIFEST_FILE))) {
    throw new Error(`${model} is not a converted folder (no ${MANIFEST_FILE}); see bench/browser-7b.md`);
  }
  const ids = PROMPT.slice(0, o.tokens);
  const ref = await reference(model, ids, o.steps, o.log);

  const host = await startStaticServer({ '/m/': model });
  const url = `${host.url}/m/`;
  const base = await harnessBaseUrl();
  const { browser, sampler, close } = await launchMeasuredChromium(o.profileDir);
  const out: Record<string, unknown> = { model, ids };
  try {
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && pageErrors.push(m.text()));
    const open = async () => {
      await page.goto(new URL('model-harness.html', base).toString());
      await page.getByTestId('harness-status').filter({ hasText: 'ready' }).waitFor({ timeout: 120_000 });
    };
    await open();
    await api(page).clear();

    sampler?.mark('first-load');
    o.log('first visit: download + hash + session creation');
    const first = await api(page).load(url);
    out.firstLoad = first;
    if (first.error) throw new Error(`first load failed: ${JSON.stringify(first.error)}`);
    o.log(`first load ${(first.ms / 1000).toFixed(1)} s (files ${(first.filesMs / 1000).toFixed(1)} s)`);
    out.pageMemoryAfterLoad = await api(page).memory();

    sampler?.mark('run');
    o.log(`prefill ${ids.length} tokens + ${o.steps} decode steps on WebGPU`);
    const got = await api(page).logits(ids, o.steps);
    if (got.error) throw new Error(`run failed: ${JSON.stringify(got.error)}`);
    out.run = { fed: got.fed, ms: got.ms };
    out.pageMemoryAfterRun = await api(page).memory();
    const rows = got.logits.map((row, i) => ({
      step: i === 0 ? `prefill ${ids.length}` : `decode ${i}`,
      cosine: cosine(row, ref.logits[i]),
      argmaxBrowser: argmax(row),
      argmaxNode: argmax(ref.logits[i]),
      ms: got.ms[i],
      nodeMs: ref.ms[i],
    }));
    out.agreement = rows;
    o.log(`agreement ${JSON.stringify(rows)}`);

    sampler?.mark('second-load');
    o.log('second visit: reload the page, load from OPFS');
    await open();
    const second = await api(page).load(url);
    out.secondLoad = second;
    o.log(`second load ${JSON.stringify(second)}`);
    if (second.error) throw new Error(`second load failed: ${JSON.stringify(second.error)}`);

    if (o.verifyFull) {
      sampler?.mark('verify-full');
      await open();
      out.verifyFull = await api(page).verifyFull(url);
    }
    sampler?.mark('end');
    out.pageErrors = pageErrors.slice(0, 20);
  } finally {
    await close();
    out.peakMemory = Object.fromEntries(
      ['first-load', 'run', 'second-load', 'verify-full'].map((l) => [l, sampler?.peak(l)]),
    ) as Record<string, TreeMemory | undefined>;
    out.nodeReference = { loadMs: ref.loadMs, ms: ref.ms };
    await host.close();
  }
  return out;
}

export function printBrowser7b(r: Record<string, unknown>): void {
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const first = r.firstLoad as HarnessLoadResult;
  const second = r.secondLoad as HarnessLoadResult | undefined;
  console.log(`\n== browser-7b: ${String(r.model)}`);
  console.log(
    `first load   ${s(first.ms)} (download + hash ${s(first.filesMs)}, ${formatBytes(first.bytes)}; rest is session creation)`,
  );
  if (second) console.log(`second load  ${s(second.ms)} (from OPFS: sampled check ${s(second.filesMs)})`);
  const vf = r.verifyFull as { ms: number } | undefined;
  if (vf) console.log(`full SHA-256 check of the cached files (no session) ${s(vf.ms)}`);
  for (const a of (r.agreement as {
    step: string;
    cosine: number;
    argmaxBrowser: number;
    argmaxNode: number;
    ms: number;
    nodeMs: number;
  }[]) ?? []) {
    console.log(
      `${a.step.padEnd(11)}  ${s(a.ms)} WebGPU (node CPU ${s(a.nodeMs)})  cosine ${a.cosine.toFixed(6)}  argmax ${a.argmaxBrowser} vs ${a.argmaxNode}${a.argmaxBrowser === a.argmaxNode && a.cosine >= 0.999 ? '  ok' : '  MISMATCH'}`,
    );
  }
  for (const [label, m] of Object.entries((r.peakMemory as Record<string, TreeMemory | undefined>) ?? {})) {
    if (m)
      console.log(
        `peak chromium ${label.padEnd(12)} RSS ${formatBytes(m.rss)}  PSS ${formatBytes(m.pss)} (${m.processes} processes)`,
      );
  }
}
