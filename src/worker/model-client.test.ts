/**
 * Crash paths of the model worker, against the real host (src/worker/model-host.ts) loading the
 * real tiny model on onnxruntime-node, behind an in-process Worker that can die like a real one.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../agent/types';
import type { InProcessWorker } from '../../test/support/in-process-worker';
import {
  nodeHostWorker,
  sentKind,
  tinyModelFolder as tinyFolder,
} from '../../test/support/tiny-model-folder';
import { ModelWorkerClient } from './model-client';

const request = {
  image: { width: 56, height: 56, data: new Uint8Array(56 * 56 * 3).fill(128) },
  question: 'what is this?',
  settings: { ...DEFAULT_SETTINGS, maxTokensPerTurn: 2, maxTotalTokens: 4 },
};

interface Harness {
  client: ModelWorkerClient;
  workers: InProcessWorker[];
  recovered: { code: string; loaded: boolean; duringLoad: boolean }[];
}

let live: ModelWorkerClient | undefined;
afterEach(() => live?.dispose());

function harness(onNewWorker?: (w: InProcessWorker, n: number) => void): Harness {
  const workers: InProcessWorker[] = [];
  const recovered: Harness['recovered'] = [];
  const client = new ModelWorkerClient({
    baseUrl: 'http://127.0.0.1/app/',
    makeWorker: () => {
      const w = nodeHostWorker();
      workers.push(w);
      onNewWorker?.(w, workers.length);
      return w;
    },
    onRecovered: (reason, info, duringLoad) =>
      recovered.push({ code: reason.code, loaded: info !== undefined, duringLoad }),
  });
  live = client;
  return { client, workers, recovered };
}

describe('a model worker that dies', () => {
  it('during load: the load carries on in a fresh worker and resolves there; running works', async () => {
    const h = harness();
    const source = await tinyFolder();
    const load = h.client.load(source, 'wasm');
    h.workers[0].crash('boom in load');
    expect((await load).variant).toBe('q4');
    expect(h.workers).toHaveLength(2);
    expect(h.recovered).toEqual([{ code: 'worker_crashed', loaded: true, duringLoad: true }]);
    const trace = await h.client.run(request).done;
    expect(trace.endReason).not.toBe('error');
  }, 30_000);

  it('during load, and every fresh worker dies too: the load rejects naming both failures, and a later load works', async () => {
    let dying = true;
    const h = harness((w, n) => {
      if (n > 1 && dying) void sentKind(() => w, 'load').then(() => w.crash(`boom ${n}`));
    });
    const source = await tinyFolder();
    const load = h.client.load(source, 'wasm');
    h.workers[0].crash('boom in load');
    const error = await load.then(
      () => undefined,
      (e: unknown) => e as { code: string; message: string; advice?: string },
    );
    expect(error?.code).toBe('worker_crashed');
    // 3 fresh workers (RECOVERY_ATTEMPTS), each dead on its load: the last one's crash is named.
    expect(error?.message).toBe(
      'the model worker crashed: boom in load while the model was loading, and loading it again in a fresh worker failed: the model worker crashed: boom 4',
    );
    expect(error?.advice).toBe('load the model again from the model menu');
    expect(h.recovered).toEqual([{ code: 'worker_crashed', loaded: false, duringLoad: true }]);
    dying = false;
    expect((await h.client.load(source, 'wasm')).variant).toBe('q4');
  }, 30_000);

  it('a load asked for while a recovery loads the model again waits for it: one load at a time in the fresh worker', async () => {
    const order: string[] = [];
    const h = harness((w, n) => {
      if (n !== 2) return;
      const post = w.postMessage.bind(w);
      w.postMessage = ((msg: { kind: string }, transfer?: Transferable[]) => {
        if (msg.kind === 'load') order.push('load sent');
        post(msg, transfer as Transferable[]);
      }) as typeof w.postMessage;
    });
    h.client.subscribe((msg) => {
      if (msg.kind === 'loaded') order.push('loaded');
    });
    const source = await tinyFolder();
    await h.client.load(source, 'wasm');
    order.length = 0;
    const run = h.client.run(request);
    await sentKind(() => h.workers[0], 'run');
    h.workers[0].crash('boom in run');
    await expect(run.done).rejects.toMatchObject({ code: 'worker_crashed' });
    await sentKind(() => h.workers[1], 'load'); // the recovery's load is in flight
    const info = await h.client.load(source, 'wasm');
    expect(info.variant).toBe('q4');
    expect(order).toEqual(['load sent', 'loaded', 'load sent', 'loaded']);
    expect(h.workers).toHaveLength(2);
  }, 30_000);

  it('during a run: the run rejects as worker_crashed, the model is loaded again, the next run works', async () => {
    const h = harness();
    await h.client.load(await tinyFolder(), 'wasm');
    const run = h.client.run(request);
    await sentKind(() => h.workers[0], 'run');
    h.workers[0].crash('boom in run');
    await expect(run.done).rejects.toMatchObject({ code: 'worker_crashed' });
    await h.client.whenRecovered();
    expect(h.recovered).toEqual([{ code: 'worker_crashed', loaded: true, duringLoad: false }]);
    expect(h.workers).toHaveLength(2);
    const trace = await h.client.run(request).done;
    expect(trace.endReason).not.toBe('error');
  }, 30_000);

  it('during recovery, twice in a row: recovery ends, pending calls reject, the next run works', async () => {
    // Workers 2 and 3 (the recoveries' fresh workers) die while loading the model again.
    const h = harness((w, n) => {
      if (n === 2 || n === 3) void sentKind(() => w, 'load').then(() => w.crash(`boom in recovery ${n}`));
    });
    await h.client.load(await tinyFolder(), 'wasm');
    const run = h.client.run(request);
    await sentKind(() => h.workers[0], 'run');
    h.workers[0].crash('boom in run');
    await expect(run.done).rejects.toMatchObject({ code: 'worker_crashed' });
    await h.client.whenRecovered();
    expect(h.workers).toHaveLength(4);
    expect(h.recovered).toEqual([{ code: 'worker_crashed', loaded: true, duringLoad: false }]);
    const trace = await h.client.run(request).done;
    expect(trace.endReason).not.toBe('error');
  }, 30_000);

  it('a worker that dies on every load: recovery gives up (the model is not loaded) instead of hanging', async () => {
    const h = harness((w, n) => {
      if (n > 1) void sentKind(() => w, 'load').then(() => w.crash(`boom ${n}`));
    });
    await h.client.load(await tinyFolder(), 'wasm');
    h.workers[0].crash('first');
    await new Promise((r) => setTimeout(r, 10));
    await h.client.whenRecovered();
    expect(h.recovered).toEqual([{ code: 'worker_crashed', loaded: false, duringLoad: false }]);
    await expect(h.client.run(request).done).rejects.toMatchObject({ code: 'model_missing' });
  }, 30_000);
});
