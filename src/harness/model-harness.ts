/**
 * The model harness page (model-harness.html, bench/browser-7b): `window.__model` loads a model
 * folder URL through the app's worker load path and returns logits, as plain arrays for Node.
 * Not part of the app.
 */
import type { VariantName } from '../base/model-manifest';
import type {
  FromModelHarness,
  HarnessLoadResult,
  HarnessLogitsResult,
  ToModelHarness,
} from './model-protocol';

const worker = new Worker(new URL('./model-harness.worker.ts', import.meta.url), { type: 'module' });

type Results = { [M in FromModelHarness as M['kind']]: M['result'] };

function call<K extends keyof Results>(msg: ToModelHarness, kind: K): Promise<Results[K]> {
  return new Promise<Results[K]>((resolve, reject) => {
    worker.onmessage = (e: MessageEvent<FromModelHarness>) => {
      if (e.data.kind === kind) resolve(e.data.result as Results[K]);
    };
    worker.onerror = (e) => reject(new Error(`model harness worker failed: ${e.message}`));
    worker.postMessage(msg);
  });
}

type Memory = { usedJSHeapSize: number; totalJSHeapSize: number };

const api = {
  load: (url: string, variant?: VariantName): Promise<HarnessLoadResult> =>
    call({ kind: 'load', url, baseUrl: location.href, variant }, 'loaded'),

  async logits(
    ids: number[],
    steps: number,
  ): Promise<Omit<HarnessLogitsResult, 'logits'> & { logits: number[][] }> {
    const r = await call({ kind: 'logits', ids, steps }, 'logits');
    return { ...r, logits: r.logits.map((row) => Array.from(row)) };
  },

  verifyFull: (url: string, variant: VariantName) =>
    call({ kind: 'verify-full', url, baseUrl: location.href, variant }, 'verified'),

  /** The page's own memory figures where Chromium offers them (the worker's are not in performance.memory). */
  async memory(): Promise<{ jsHeap?: Memory; uaSpecificBytes?: number }> {
    const m = (performance as unknown as { memory?: Memory }).memory;
    const out: { jsHeap?: Memory; uaSpecificBytes?: number } = m
      ? { jsHeap: { usedJSHeapSize: m.usedJSHeapSize, totalJSHeapSize: m.totalJSHeapSize } }
      : {};
    const measure = (
      performance as unknown as { measureUserAgentSpecificMemory?: () => Promise<{ bytes: number }> }
    ).measureUserAgentSpecificMemory;
    if (measure && crossOriginIsolated) out.uaSpecificBytes = (await measure.call(performance)).bytes;
    return out;
  },

  async clear(): Promise<void> {
    const root = await navigator.storage.getDirectory();
    for await (const name of (root as unknown as { keys(): AsyncIterable<string> }).keys())
      await root.removeEntry(name, { recursive: true });
  },
};

/** What `window.__model` offers: the benches call it from Node (bench/harness-model.ts). */
export type ModelHarnessApi = typeof api;

(window as unknown as { __model: ModelHarnessApi }).__model = api;
document.getElementById('status')!.textContent = 'ready';
