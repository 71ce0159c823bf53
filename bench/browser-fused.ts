/**
 * npm run bench -- browser-fused [--prefill 128] [--decode-steps 2] [--repeats 3] [--cache-dir DIR]
 *
 * The fused and the unfused decoder graph (issue 14) on Chromium's software WebGPU (SwiftShader),
 * where absolute times mean nothing and only the ratio of the two forms does. One fp32 model of the
 * tiny architecture with heavier text layers (hidden 256, MLP 1024, 8 layers, 16/4 heads) is
 * converted twice, once per form, into DIR/browser-fused/ (built once). Both are loaded through the
 * app's worker load path and run in --repeats alternating rounds in one browser (the order flips each round),
 * so that the shared machine's load drifts over both forms alike. A long prefill is timed because
 * there the layers dominate; a decode step is dominated by the 151,936-wide output projection, so
 * "prefill - decode" (the layers of the prefill, to first order) is reported next to it. Both forms
 * must give the same logits (cosine against each other). Prints one `BROWSERFUSED_RESULT {json}`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { MANIFEST_FILE } from '../src/base/model-manifest';
import { writeTinyModel } from '../src/cli/build-tiny-model';
import { cosine } from '../src/golden/metrics';
import { closeHarnessServer, harnessBaseUrl } from '../e2e/harness/harness-server';
import { startStaticServer } from '../e2e/support/static-server';
import { harnessModel } from './harness-model';
import { launchMeasuredChromium } from './measured-chromium';

const FORMS = ['fused', 'unfused'] as const;
type Form = (typeof FORMS)[number];

/** Layers heavy enough that a long prefill is mostly layer work; head_dim 16 as in the tiny model. */
export const BROWSER_FUSED_SIZES = {
  hidden_size: 256,
  intermediate_size: 1024,
  num_hidden_layers: 8,
  num_attention_heads: 16,
  num_key_value_heads: 4,
};

export interface BrowserFusedOptions {
  cacheDir: string;
  tokens: number;
  steps: number;
  rounds: number;
  log: (s: string) => void;
}

export interface BrowserFusedRun {
  round: number;
  form: Form;
  loadMs: number;
  prefillMs: number;
  decodeMs: number[];
}

export interface BrowserFusedFigures {
  sizes: typeof BROWSER_FUSED_SIZES;
  tokens: number;
  runs: BrowserFusedRun[];
  /** Cosine of the fused form's logits against the unfused form's, per append (prefill, decode...). */
  agreement: number[];
}

/** <|im_start|>user\n then a run of ordinary text ids. */
function promptIds(n: number): number[] {
  const head = [151644, 872, 198];
  return Array.from({ length: n }, (_, i) => (i < head.length ? head[i] : 1000 + ((i * 37) % 5000)));
}

async function ensureModel(dir: string, form: Form, log: (s: string) => void): Promise<void> {
  if (existsSync(join(dir, MANIFEST_FILE))) return;
  log(`converting the ${form} form into ${dir}`);
  await writeTinyModel(dir, {
    dtypes: ['fp32'],
    modelId: `tiny-wide (${form} decoder, random weights)`,
    sizes: BROWSER_FUSED_SIZES,
    decoderGraph: { fused: form === 'fused' },
  });
}

const model = (page: Page) => harnessModel(page, 'fp32');

export async function runBrowserFusedBench(o: BrowserFusedOptions): Promise<BrowserFusedFigures> {
  const dirs = Object.fromEntries(FORMS.map((f) => [f, join(o.cacheDir, 'browser-fused', f)])) as Record<
    Form,
    string
  >;
  for (const f of FORMS) await ensureModel(dirs[f], f, o.log);
  const ids = promptIds(o.tokens);
  const host = await startStaticServer({ '/fused/': dirs.fused, '/unfused/': dirs.unfused });
  const base = await harnessBaseUrl();
  const { browser, close } = await launchMeasuredChromium(join(o.cacheDir, 'browser-fused'));
  const runs: BrowserFusedRun[] = [];
  const logits: Partial<Record<Form, number[][]>> = {};
  try {
    const page = await browser.newPage();
    for (let round = 0; round < o.rounds; round++) {
      const order = round % 2 === 0 ? FORMS : [...FORMS].reverse();
      for (const form of order) {
        // A fresh page per run: the previous engine and its GPU buffers go with the old worker.
        await page.goto(new URL('model-harness.html', base).toString());
        await page.getByTestId('harness-status').filter({ hasText: 'ready' }).waitFor({ timeout: 120_000 });
        await model(page).clear();
        const loaded = await model(page).load(`${host.url}/${form}/`);
        if (loaded.error) throw new Error(`${form}: load failed: ${JSON.stringify(loaded.error)}`);
        const got = await model(page).logits(ids, o.steps);
        if (got.error) throw new Error(`${form}: run failed: ${JSON.stringify(got.error)}`);
        logits[form] ??= got.logits;
        const run = { round, form, loadMs: loaded.ms, prefillMs: got.ms[0], decodeMs: got.ms.slice(1) };
        runs.push(run);
        o.log(
          `round ${round} ${form}: prefill ${ids.length} tokens ${(run.prefillMs / 1000).toFixed(1)} s, ` +
            `decode ${run.decodeMs.map((m) => (m / 1000).toFixed(1)).join(' / ')} s`,
        );
      }
    }
  } finally {
    await close();
    await host.close();
    // The dev server would keep the process alive after the figures are printed.
    await closeHarnessServer();
  }
  const agreement = logits.fused!.map((row, i) => cosine(row, logits.unfused![i]));
  return { sizes: BROWSER_FUSED_SIZES, tokens: ids.length, runs, agreement };
}

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export function printBrowserFused(f: BrowserFusedFigures): void {
  const sec = (ms: number) => `${(ms / 1000).toFixed(1)} s`.padStart(8);
  const z = f.sizes;
  console.log(
    `\n== browser-fused: SwiftShader WebGPU, fp32, hidden ${z.hidden_size}, MLP ${z.intermediate_size}, ` +
      `${z.num_hidden_layers} layers; prefill ${f.tokens} tokens`,
  );
  console.log('round  form      prefill   decode  prefill-decode');
  const layers = (r: BrowserFusedRun) => r.prefillMs - median(r.decodeMs);
  for (const r of f.runs) {
    console.log(
      `${String(r.round).padStart(5)}  ${r.form.padEnd(8)}${sec(r.prefillMs)} ${sec(median(r.decodeMs))}        ${sec(layers(r))}`,
    );
  }
  // Ratios within each round (the two runs side by side), then their median; below 1: unfused is faster.
  const rounds = [...new Set(f.runs.map((r) => r.round))];
  const ratio = (pick: (r: BrowserFusedRun) => number) =>
    rounds.map((n) => {
      const of = (form: Form) => f.runs.find((r) => r.round === n && r.form === form)!;
      return pick(of('unfused')) / pick(of('fused'));
    });
  const show = (name: string, v: number[]) =>
    console.log(
      `time unfused / fused ${name.padEnd(15)} per round ${v.map((x) => x.toFixed(2)).join(', ')}; median ${median(v).toFixed(2)}`,
    );
  show(
    'prefill',
    ratio((r) => r.prefillMs),
  );
  show(
    'decode',
    ratio((r) => median(r.decodeMs)),
  );
  show('prefill-decode', ratio(layers));
  console.log(`fused vs unfused logits cosine ${f.agreement.map((c) => c.toFixed(6)).join(', ')}`);
}
