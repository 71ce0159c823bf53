import { describe, expect, it } from 'vitest';
import type { AgentEvent, Trace } from '../agent/types';
import { createAppStore } from '../store/store';
import { createController } from './controller';
import type { RunRequest } from '../agent/run-request';
import { DeepEyesError } from '../base/errors';
import type { ModelPort, PortEvent } from './model-port';
import {
  buildSampleTrace,
  cropInfoFor,
  LADYBIRD,
  sampleCropBoxes,
  sampleImageInfo,
} from './samples/sample-trace';
import { ReplayPort } from './replay/replay-port';
import { memoryKv } from '../../test/support/memory-kv';

const trace = buildSampleTrace(
  LADYBIRD,
  sampleImageInfo(LADYBIRD, 'data:,', ''),
  sampleCropBoxes(LADYBIRD).map((b) => cropInfoFor(b, 'data:,')),
);
const fastReplay = () => new ReplayPort({ tokenMs: 0, maxTurnPauseMs: 0, resultPauseMs: 0 });

class FakeModelPort implements ModelPort {
  readonly kind = 'webgpu' as const;
  listeners = new Set<(e: PortEvent) => void>();
  runs: RunRequest[] = [];
  stopped = 0;
  fail: unknown = null;
  subscribe(l: (e: PortEvent) => void) {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
  emit(e: PortEvent) {
    this.listeners.forEach((l) => l(e));
  }
  async loadModel() {}
  async run(r: RunRequest): Promise<Trace> {
    this.runs.push(r);
    if (this.fail) throw this.fail;
    for (const e of [
      {
        type: 'run_start',
        traceId: trace.id,
        question: r.question,
        image: trace.image,
        settings: r.settings,
      },
      { type: 'run_end', trace },
    ] as AgentEvent[]) {
      this.emit({ kind: 'agent', event: e });
    }
    return trace;
  }
  stop() {
    this.stopped++;
  }
  dispose() {}
}

const image = { width: 2, height: 2, data: new Uint8Array(12) };
const inputImage = {
  rgb: image,
  drawable: {} as CanvasImageSource,
  name: 'x',
  sourceWidth: 2,
  sourceHeight: 2,
  format: 'png',
  notices: [],
};

function setup(modelPort: FakeModelPort | null = new FakeModelPort()) {
  const store = createAppStore();
  const c = createController(store, modelPort, fastReplay(), memoryKv());
  c.connect();
  return { store, c, modelPort };
}

describe('controller', () => {
  it('routes modelPort reports into the model slice', () => {
    const { store, modelPort } = setup();
    modelPort!.emit({
      kind: 'models',
      models: [
        {
          id: 'm',
          label: 'M',
          sizeBytes: 1,
          needs: { webgpu: true, shaderF16: false, memoryBytes: 0 },
          cache: 'absent',
          files: [],
        },
      ],
    });
    modelPort!.emit({ kind: 'file_progress', modelId: 'm', file: 'a.onnx', loadedBytes: 1, totalBytes: 2 });
    modelPort!.emit({ kind: 'model_ready', modelId: 'm', backend: 'webgpu', adapter: 'Test GPU' });
    modelPort!.emit({ kind: 'model_ready', modelId: 'from-url', backend: 'wasm', label: 'Some repo' });
    const s = store.getState();
    expect(s.models[0]).toMatchObject({ cache: 'ready', files: [{ file: 'a.onnx', loadedBytes: 1 }] });
    expect(s.models[1]).toMatchObject({ id: 'from-url', label: 'Some repo', cache: 'ready' });
    expect(s).toMatchObject({ activeModelId: 'from-url', runner: 'wasm' });
    expect(s.gpu.adapter).toBe('Test GPU');
  });

  it('a load that failed after the worker let the loaded model go leaves no model active: Run does not reach the port', async () => {
    const { store, c, modelPort } = setup();
    modelPort!.emit({ kind: 'model_ready', modelId: 'm', backend: 'webgpu' });
    modelPort!.emit({ kind: 'model_status', modelId: 'big', cache: 'error', error: 'out of memory' });
    modelPort!.emit({ kind: 'model_status', modelId: 'm', cache: 'cached' });
    modelPort!.emit({ kind: 'model_unloaded' });
    expect(store.getState()).toMatchObject({ activeModelId: null, runner: 'replay' });
    store.getState().setInputImage(inputImage);
    store.getState().setQuestion('what?');
    await c.run();
    expect(modelPort!.runs).toEqual([]);
  });

  it('runs the modelPort with the picture, the trimmed question and the non-empty options', async () => {
    const { store, c, modelPort } = setup();
    modelPort!.emit({ kind: 'model_ready', modelId: 'm', backend: 'webgpu' });
    await c.run();
    expect(store.getState().runError?.code).toBe('no_image');
    store.getState().setInputImage(inputImage);
    await c.run();
    expect(store.getState().runError?.code).toBe('no_question');
    store.getState().setQuestion('  What colour?  ');
    store.getState().setOptions(['red', ' ', 'blue ']);
    await c.run();
    expect(modelPort!.runs[0]).toMatchObject({ image, question: 'What colour?', options: ['red', 'blue'] });
    expect(store.getState()).toMatchObject({ runStatus: 'idle', runError: null });
    expect(store.getState().trace?.final).toBe(trace);
  });

  it('shows an modelPort failure as a typed error', async () => {
    const { store, c, modelPort } = setup();
    modelPort!.emit({ kind: 'model_ready', modelId: 'm', backend: 'webgpu' });
    store.getState().setInputImage(inputImage);
    store.getState().setQuestion('q');
    modelPort!.fail = new DeepEyesError('device_lost', 'The GPU was reset', { retryable: true });
    await c.run();
    expect(store.getState().runError).toEqual({
      code: 'device_lost',
      message: 'The GPU was reset',
      retryable: true,
    });
    expect(store.getState().runStatus).toBe('idle');
  });

  it('shows every notice in its own slice, apart from errors, and a run goes on through them', async () => {
    const { store, c, modelPort } = setup();
    modelPort!.emit({ kind: 'model_ready', modelId: 'm', backend: 'webgpu' });
    store.getState().setInputImage(inputImage);
    store.getState().setQuestion('q');
    modelPort!.emit({ kind: 'notice', code: 'running-from-memory', message: 'storage is full' });
    modelPort!.emit({ kind: 'notice', code: 'image-size-capped', message: 'images are downscaled' });
    expect(store.getState().runError).toBeNull();
    await c.run();
    const st = store.getState();
    // (This fake run's trace has placeholder images that the trace validator refuses, so autosave
    // says it could not keep it: a notice too.)
    expect(st.notices.map((n) => n.code)).toEqual([
      'running-from-memory',
      'image-size-capped',
      'autosave-failed',
    ]);
    expect(st).toMatchObject({ runError: null, runStatus: 'idle' });
    expect(st.trace?.final).toBe(trace);
    st.dismissNotice('running-from-memory');
    st.dismissNotice('autosave-failed');
    expect(store.getState().notices).toEqual([
      { code: 'image-size-capped', message: 'images are downscaled' },
    ]);
  });

  it('without a model, replays the trace on screen, or says a model is needed', async () => {
    const { store, c } = setup(null);
    await c.run();
    expect(store.getState().runError?.code).toBe('no_model');
    store.getState().loadTrace(trace, 'sample');
    await c.run();
    expect(store.getState().runError).toBeNull();
    expect(store.getState().trace?.final).toBe(trace);
    expect(store.getState().traceSource).toBe('live');
  });

  it('stop asks the running port to stop', async () => {
    const modelPort = new FakeModelPort();
    const { store, c } = setup(modelPort);
    modelPort.emit({ kind: 'model_ready', modelId: 'm', backend: 'webgpu' });
    store.getState().setInputImage(inputImage);
    store.getState().setQuestion('q');
    let release = () => {};
    modelPort.run = (r) => {
      modelPort.runs.push(r);
      return new Promise<Trace>((resolve) => (release = () => resolve(trace)));
    };
    const running = c.run();
    await Promise.resolve();
    c.stop();
    expect(store.getState().runStatus).toBe('stopping');
    expect(modelPort.stopped).toBe(1);
    release();
    await running;
    expect(store.getState().runStatus).toBe('idle');
  });

  it('a trace that cannot be exported as JSON says so with a way out, instead of throwing', async () => {
    const { store, c } = setup();
    // This trace's placeholder images ('data:,') are refused by the trace validator.
    store.getState().loadTrace(trace, 'import');
    expect(() => c.exportJson()).not.toThrow();
    expect(store.getState().notices.find((n) => n.code === 'export-failed')?.message).toMatch(
      /JSONL or as a PNG strip/,
    );
  });

  it('refuses an imported file that is not a trace, with advice', async () => {
    const { store, c } = setup();
    await c.importTrace(new Blob(['{"format":"something-else"}']));
    expect(store.getState().inputError).toMatchObject({
      code: 'bad_trace',
      message: expect.stringMatching(/DeepEyes trace/),
    });
  });

  it('refuses an imported file over the size limit before reading it', async () => {
    const { store, c } = setup();
    let reads = 0;
    const huge = new Blob(['{}']);
    Object.defineProperty(huge, 'size', { value: 51 * 2 ** 20 });
    huge.text = () => {
      reads++;
      return Promise.resolve('{}');
    };
    await c.importTrace(huge);
    expect(reads).toBe(0);
    expect(store.getState().inputError).toMatchObject({
      code: 'bad_trace',
      message: expect.stringMatching(/limit/),
    });
  });
});
