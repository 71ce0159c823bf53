/**
 * npm run bench -- browser-convert-7b [--hf DIR] [--reference DIR] [--repo owner/name] [--profile DIR]
 *
 * The bf16 checkpoint in --hf (the synthetic DeepEyes-7B: scripts/synth-7b.ts) served by the
 * loopback hub (test/support/hub-server.ts: resolve -> CDN redirect, Range, CORS) as --repo, and
 * converted to q4 in Debian Chromium by the app's conversion worker (convert.worker.ts: HubFiles
 * -> convertModel -> OPFS), driven from convert-harness.html in a persistent profile, so OPFS is
 * on disk as in a user's browser. Prints the conversion time and rate, the peak memory of the
 * Chromium process tree (RSS and PSS from /proc every 2 s, also per process type: the page and
 * its worker live in the renderer) and the page's own figure (measureUserAgentSpecificMemory,
 * polled), then checks every file the browser stored against the Node CLI's conversion of the
 * same checkpoint in --reference (SHA-256 computed here from the files). The manifest differs in
 * exactly one field, model_id (the repo id versus the folder name), so it is compared with that
 * field set equal. One `BROWSER_CONVERT_7B_RESULT {json}` line at the end. Slow; outside npm test.
 */
import { createReadStream, existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join, relative, resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { MANIFEST_FILE } from '../src/base/model-manifest';
import { OPFS_MODELS_FOLDER, modelFolderName } from '../src/delivery/opfs-store';
import { formatBytes } from '../src/convert/convert-report';
import { closeHarnessServer, harnessBaseUrl } from '../e2e/harness/harness-server';
import { startHubServer } from '../test/support/hub-server';
import type { HarnessConvertResult } from '../src/harness/convert-harness';
import type { ConvertProgressWire, ConvertRequest } from '../src/worker/convert-protocol';
import type { TreeMemory } from './chromium-memory';
import { launchMeasuredChromium } from './measured-chromium';

export interface BrowserConvert7bOptions {
  hf: string;
  reference: string;
  repo: string;
  /** Where the Chromium profile (with the converted model in OPFS) is made, then removed. */
  profileDir: string;
  log: (s: string) => void;
}

type FileDigests = Record<string, { bytes: number; sha256: string }>;

type Api = {
  run(r: ConvertRequest): Promise<HarnessConvertResult>;
  files(key: string): Promise<FileDigests>;
  clear(): Promise<void>;
  latest: ConvertProgressWire | null;
};
const harness = (page: Page) => ({
  run: (r: ConvertRequest) =>
    page.evaluate((req) => (window as unknown as { __convert: Api }).__convert.run(req), r),
  files: (key: string) =>
    page.evaluate((k) => (window as unknown as { __convert: Api }).__convert.files(k), key),
  clear: () => page.evaluate(() => (window as unknown as { __convert: Api }).__convert.clear()),
  latest: () => page.evaluate(() => (window as unknown as { __convert: Api }).__convert.latest),
  /** Bytes of the page and its workers, as Chromium measures them (needs cross-origin isolation). */
  uaMemory: () =>
    page.evaluate(async () => {
      const measure = (
        performance as unknown as { measureUserAgentSpecificMemory?: () => Promise<{ bytes: number }> }
      ).measureUserAgentSpecificMemory;
      return measure && crossOriginIsolated ? (await measure.call(performance)).bytes : null;
    }),
});

async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 8 << 20 })) h.update(chunk as Buffer);
  return h.digest('hex');
}

async function digests(dir: string): Promise<FileDigests> {
  const out: FileDigests = {};
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const p = join(e.parentPath, e.name);
    out[relative(dir, p)] = { bytes: statSync(p).size, sha256: await sha256File(p) };
  }
  return out;
}

export async function runBrowserConvert7bBench(o: BrowserConvert7bOptions) {
  const hf = resolve(o.hf);
  const reference = resolve(o.reference);
  if (!existsSync(join(hf, 'model.safetensors.index.json')))
    throw new Error(`${hf} holds no model.safetensors.index.json; see bench/browser-7b.md`);
  // Not fatal: the CLI's conversion may still be running beside this one, and is read only at the end.
  if (!existsSync(join(reference, MANIFEST_FILE)))
    o.log(`${reference} holds no ${MANIFEST_FILE} yet; the files are compared after the conversion`);

  const hub = await startHubServer({ [o.repo]: { dir: hf } });
  const base = await harnessBaseUrl();
  const { browser, sampler, close } = await launchMeasuredChromium(o.profileDir);
  const out: Record<string, unknown> = { hf, reference, repo: o.repo };
  const ua: { atS: number; bytes: number }[] = [];
  let polling = true;
  try {
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && pageErrors.push(m.text()));
    await page.goto(new URL('convert-harness.html', base).toString());
    await page.getByTestId('harness-status').filter({ hasText: 'ready' }).waitFor({ timeout: 120_000 });
    await harness(page).clear();

    sampler?.mark('convert');
    const t0 = performance.now();
    const poll = (async () => {
      // One measurement at a time (each may take seconds to resolve), every ~20 s.
      while (polling) {
        await new Promise((r) => setTimeout(r, 20_000));
        if (!polling) break;
        const [bytes, p] = await Promise.all([
          harness(page)
            .uaMemory()
            .catch(() => null),
          harness(page)
            .latest()
            .catch(() => null),
        ]);
        const s = (performance.now() - t0) / 1000;
        if (bytes !== null) ua.push({ atS: s, bytes });
        const tree = sampler?.peak('convert');
        o.log(
          `${s.toFixed(0)} s: ${p ? `${p.tensorsDone}/${p.tensorsTotal} tensors, ${formatBytes(p.downloadedBytes)} read, ${p.mbPerSecond.toFixed(1)} MB/s, eta ${p.etaSeconds?.toFixed(0) ?? '-'} s` : 'starting'}; ` +
            `page ${bytes === null ? '-' : formatBytes(bytes)}; peak so far: tree RSS ${formatBytes(tree?.rss ?? 0)} PSS ${formatBytes(tree?.pss ?? 0)}, ` +
            `renderer RSS ${formatBytes(tree?.byType?.renderer?.rss ?? 0)} PSS ${formatBytes(tree?.byType?.renderer?.pss ?? 0)}`,
        );
      }
    })();
    const result = await harness(page).run({ repo: o.repo, endpoint: hub.endpoint, dtypes: ['q4'] });
    const ms = performance.now() - t0;
    polling = false;
    await poll;
    sampler?.mark('check');
    const last = result.progress.at(-1);
    out.convert = {
      ms,
      error: result.error,
      tensors: last?.tensorsTotal,
      downloadedBytes: last?.downloadedBytes,
      sourceBytesF32: last?.bytesTotal,
      mbPerSecond: last ? last.downloadedBytes / 2 ** 20 / (ms / 1000) : undefined,
    };
    out.pageMemory = { peakBytes: Math.max(0, ...ua.map((u) => u.bytes)), samples: ua };
    if (result.error || !result.done) throw new Error(`conversion failed: ${JSON.stringify(result.error)}`);
    o.log(`converted in ${(ms / 1000).toFixed(0)} s; hashing the browser's files and the CLI's`);

    try {
      const got = await harness(page).files(result.done.modelKey);
      const want = await digests(reference);
      const rows = Object.keys({ ...want, ...got })
        .sort()
        .map((path) => {
          const [w, g] = [want[path], got[path]];
          return {
            path,
            bytes: g?.bytes ?? null,
            sha256: g?.sha256 ?? null,
            same: Boolean(w && g && w.sha256 === g.sha256 && w.bytes === g.bytes),
          };
        });
      // The manifest names the model by repo id here and by folder name in the CLI's run.
      const norm = (text: string) => JSON.stringify({ ...JSON.parse(text), model_id: null });
      const manifestText = await page.evaluate(
        async ([root, folder, name]) => {
          const opfs = await navigator.storage.getDirectory();
          const dir = await (await opfs.getDirectoryHandle(root)).getDirectoryHandle(folder);
          return (await (await dir.getFileHandle(name)).getFile()).text();
        },
        [OPFS_MODELS_FOLDER, modelFolderName(result.done.modelKey), MANIFEST_FILE] as const,
      );
      const manifest = rows.find((r) => r.path === MANIFEST_FILE);
      if (manifest && !manifest.same)
        manifest.same = norm(manifestText) === norm(readFileSync(join(reference, MANIFEST_FILE), 'utf8'));
      out.files = rows;
      out.sameBytes = rows.every((r) => r.same);
    } catch (e) {
      // The conversion's figures stand; say why the comparison did not.
      out.checkError = String(e);
    }
    out.pageErrors = pageErrors.slice(0, 20);
  } finally {
    polling = false;
    await close();
    out.peakMemory = { convert: sampler?.peak('convert'), check: sampler?.peak('check') } as Record<
      string,
      TreeMemory | undefined
    >;
    await hub.close();
    // The dev server would keep this process alive after the figures are printed.
    await closeHarnessServer();
  }
  return out;
}

export function printBrowserConvert7b(r: Record<string, unknown>): void {
  const c = r.convert as { ms: number; tensors: number; downloadedBytes: number; mbPerSecond: number };
  console.log(
    `\n== browser-convert-7b: ${String(r.repo)} (${String(r.hf)}) -> q4 in Chromium's worker, OPFS`,
  );
  console.log(
    `converted ${c.tensors} tensors in ${(c.ms / 1000).toFixed(0)} s; read ${formatBytes(c.downloadedBytes)} from the hub = ${c.mbPerSecond.toFixed(1)} MB/s`,
  );
  const pm = r.pageMemory as { peakBytes: number; samples: unknown[] };
  console.log(
    `page + worker (measureUserAgentSpecificMemory) peak ${formatBytes(pm.peakBytes)} over ${pm.samples.length} samples`,
  );
  for (const [label, m] of Object.entries((r.peakMemory as Record<string, TreeMemory | undefined>) ?? {})) {
    if (!m) continue;
    console.log(
      `peak chromium ${label.padEnd(8)} tree RSS ${formatBytes(m.rss)} PSS ${formatBytes(m.pss)} (${m.processes} processes); ` +
        Object.entries(m.byType ?? {})
          .map(([t, v]) => `${t} RSS ${formatBytes(v.rss)} PSS ${formatBytes(v.pss)}`)
          .join('; '),
    );
  }
  const files = (r.files as { path: string; same: boolean }[]) ?? [];
  console.log(
    `files equal to the CLI's conversion (SHA-256): ${files.filter((f) => f.same).length}/${files.length}` +
      (r.sameBytes
        ? ''
        : `; DIFFERENT: ${files
            .filter((f) => !f.same)
            .map((f) => f.path)
            .join(', ')}`),
  );
}
