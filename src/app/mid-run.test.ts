/**
 * What the user does while a run is going, through the controller and the store, with the real
 * worker port, client and host (tiny model on onnxruntime-node behind an in-process Worker).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createAppStore } from '../store/store';
import { serializeTrace } from '../store/trace-io';
import { memoryKv } from '../../test/support/memory-kv';
import { sampleTrace } from '../../test/support/trace-fixtures';
import type { InProcessWorker } from '../../test/support/in-process-worker';
import { nodeHostWorker, sentKind, tinyModelFolder } from '../../test/support/tiny-model-folder';
import { ModelWorkerClient } from '../worker/model-client';
import { createController, type Controller } from './controller';
import { ReplayPort } from './replay/replay-port';
import { WorkerPort } from './worker-port';

const rgb = { width: 56, height: 56, data: new Uint8Array(56 * 56 * 3).fill(128) };
const picture = {
  rgb,
  drawable: {} as CanvasImageSource,
  name: 'grey.png',
  sourceWidth: 56,
  sourceHeight: 56,
  format: 'png',
  notices: [],
};

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

async function appWithTinyModel(): Promise<{
  store: ReturnType<typeof createAppStore>;
  c: Controller;
  workers: InProcessWorker[];
}> {
  const workers: InProcessWorker[] = [];
  const client = new ModelWorkerClient({
    baseUrl: 'http://127.0.0.1/app/',
    makeWorker: () => {
      const w = nodeHostWorker();
      workers.push(w);
      return w;
    },
  });
  const port = new WorkerPort(client);
  const store = createAppStore();
  const c = createController(
    store,
    port,
    new ReplayPort({ tokenMs: 0, maxTurnPauseMs: 0, resultPauseMs: 0 }),
    memoryKv(),
  );
  c.connect();
  cleanup = () => {
    c.dispose();
    port.dispose();
  };
  await c.loadModel(await tinyModelFolder(), 'wasm');
  expect(store.getState().runError).toBeNull();
  store.getState().setInputImage(picture);
  store.getState().setQuestion('what is this?');
  store.getState().updateSettings({ maxTokensPerTurn: 2, maxTotalTokens: 4 });
  return { store, c, workers };
}

describe('while a run is going', () => {
  it('Stop pressed while the run waits for the model to load again cancels it: no run starts, the UI is idle', async () => {
    const { store, c, workers } = await appWithTinyModel();
    workers[0].crash('boom'); // the client starts a fresh worker and loads the model again
    await sentKind(() => workers[1], 'load');
    const running = c.run();
    expect(store.getState().runStatus).toBe('loading');
    c.stop();
    expect(store.getState().runStatus).toBe('stopping');
    await running;
    expect(store.getState().runStatus).toBe('idle');
    expect(workers[1].sent.some((m) => m.kind === 'run')).toBe(false);
    expect(store.getState().notices.map((n) => n.code)).toContain('run-stopped');
  }, 30_000);

  it('a picture, a sample or a trace opened mid-run is refused with a notice; the run and its trace stay', async () => {
    const { store, c } = await appWithTinyModel();
    const running = c.run();
    while (store.getState().trace === null) await new Promise((r) => setTimeout(r, 1));
    const other = new Blob([new Uint8Array([137, 80, 78, 71])], { type: 'image/png' });
    await c.openImage(other, 'dropped.png');
    await c.openSample('ladybird');
    await c.importTrace(new Blob([serializeTrace(sampleTrace())]));
    expect(store.getState().inputImage?.name).toBe('grey.png');
    expect(store.getState().inputError).toBeNull();
    expect(store.getState().traceSource).toBe('live');
    expect(store.getState().notices.map((n) => n.code)).toContain('busy-input');
    await running;
    const final = store.getState().trace?.final;
    expect(final?.question).toBe('what is this?');
    expect(store.getState().traceSource).toBe('live');
    expect(store.getState().inputImage?.name).toBe('grey.png');
  }, 30_000);

  it('Run pressed the moment the UI goes idle (before the worker has answered) starts the next run, not a busy error', async () => {
    const { store, c } = await appWithTinyModel();
    const runs: Promise<void>[] = [];
    // Press Run again as soon as the store turns idle on the run's last event.
    const unsubscribe = store.subscribe((st, prev) => {
      if (prev.runStatus !== 'idle' && st.runStatus === 'idle' && runs.length === 1) runs.push(c.run());
    });
    runs.push(c.run());
    while (runs.length < 2) await new Promise((r) => setTimeout(r, 5));
    unsubscribe();
    await runs[1];
    expect(store.getState().runError).toBeNull();
    expect(store.getState().trace?.final?.endReason).toBe('budget');
  }, 30_000);
});
