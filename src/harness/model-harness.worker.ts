/// <reference lib="webworker" />
/**
 * The model harness's worker: the app's ModelHost does the load (deliverModel into OPFS with
 * hashing, then loadEngine on WebGPU), exactly as model.worker.ts would; the harness then reads
 * logits from the engine it loaded.
 */
import { toErrorInfo } from '../base/errors';
import { deliverModel } from '../delivery/deliver';
import { ModelHost } from '../worker/model-host';
import type { FromWorker } from '../worker/protocol';
import type { FromModelHarness, HarnessLoadResult, ToModelHarness } from './model-protocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (m: FromModelHarness, transfer: Transferable[] = []) => scope.postMessage(m, transfer);

let pending: ((m: FromWorker) => void) | undefined;
const host = new ModelHost((m) => pending?.(m));

function argmax(v: Float32Array): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
  return best;
}

async function load(m: Extract<ToModelHarness, { kind: 'load' }>): Promise<HarnessLoadResult> {
  const t0 = performance.now();
  const files = new Map<string, number>();
  const out: HarnessLoadResult = { ms: 0, filesMs: 0, bytes: 0, notices: [] };
  const done = new Promise<void>((resolve) => {
    pending = (msg) => {
      if (msg.kind === 'file_progress') {
        out.filesMs = performance.now() - t0;
        files.set(msg.file, msg.totalBytes);
        out.bytes = [...files.values()].reduce((a, b) => a + b, 0);
      } else if (msg.kind === 'notice') out.notices.push(`${msg.code}: ${msg.message}`);
      else if (msg.kind === 'loaded') {
        out.info = msg.info;
        resolve();
      } else if (msg.kind === 'error' && msg.id === 1) {
        out.error = msg.error;
        resolve();
      }
    };
  });
  await host.handle({
    kind: 'load',
    id: 1,
    source: { kind: 'url', url: m.url },
    backend: 'webgpu',
    baseUrl: m.baseUrl,
    variant: m.variant,
  });
  await done;
  out.ms = performance.now() - t0;
  return out;
}

scope.onmessage = async (e: MessageEvent<ToModelHarness>) => {
  const m = e.data;
  if (m.kind === 'load') {
    post({ kind: 'loaded', result: await load(m) });
  } else if (m.kind === 'logits') {
    const rows: Float32Array[] = [];
    const fed: number[] = [];
    const ms: number[] = [];
    try {
      const runtime = host.loadedEngine?.runtime;
      if (!runtime) throw new Error('no model loaded');
      let t = performance.now();
      rows.push((await runtime.append(m.ids)).logits);
      ms.push(performance.now() - t);
      for (let s = 0; s < m.steps; s++) {
        fed.push(argmax(rows.at(-1)!));
        t = performance.now();
        rows.push((await runtime.step(fed.at(-1)!)).slice());
        ms.push(performance.now() - t);
      }
      post(
        { kind: 'logits', result: { logits: rows, fed, ms } },
        rows.map((r) => r.buffer),
      );
    } catch (err) {
      post({ kind: 'logits', result: { logits: rows, fed, ms, error: toErrorInfo(err) } });
    }
  } else {
    const t0 = performance.now();
    try {
      const d = await deliverModel({
        source: m.url,
        base: m.baseUrl,
        variant: m.variant,
        verifyCached: 'full',
      });
      post({ kind: 'verified', result: { ms: performance.now() - t0, files: d.delivered.length } });
    } catch (err) {
      post({ kind: 'verified', result: { ms: performance.now() - t0, error: toErrorInfo(err), files: 0 } });
    }
  }
};
