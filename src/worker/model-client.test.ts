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
  recovered: { code: string; loaded: boolean }[];
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
    onRecovered: (reason, info) => recovered.push({ code: reason.code, loaded: info !== undefined }),
  });
  live = client;
  return { client, workers, recovered };
}

describe('a model worker that dies', () => {
  it('during load: the load rejects as worker_crashed, and loading again then running works', async () => {
    const h = harness();
    const source = await tinyFolder();
    const load = h.client.load(source, 'wasm');
    h.workers[0].crash('boom in load');
    await expect(load).rejects.toMatchObject({ code: 'worker_crashed', retryable: true });
    await h.client.whenRecovered();
    expect((await h.client.load(source, 'wasm')).variant).toBe('q4');
    const trace = await h.client.run(request).done;
    expect(trace.endReason).not.toBe('error');
  }, 30_000);

  it('during a run: the run rejects as worker_crashed, the model is loaded again, the next run works', async () => {
    const h = harness();
    await h.client.load(await tinyFolder(), 'wasm');
    const run = h.client.run(request);
    await sentKind(() => h.workers[0], 'run');
    h.workers[0].crash('boom in run');
    await expect(run.done).rejects.toMatchObject({ code: 'worker_crashed' });
    await h.client.whenRecovered();
    expect(h.recovered).toEqual([{ code: 'worker_crashed', loaded: true }]);
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
    expect(h.recovered).toEqual([{ code: 'worker_crashed', loaded: true }]);
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
    expect(h.recovered).toEqual([{ code: 'worker_crashed', loaded: false }]);
    await expect(h.client.run(request).done).rejects.toMatchObject({ code: 'model_missing' });
  }, 30_000);
});
