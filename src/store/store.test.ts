import { describe, expect, it } from 'vitest';
import type { StateStorage } from 'zustand/middleware';
import { DEFAULT_SETTINGS, type AgentEvent, type Trace } from '../agent/types';
import { createAppStore, PERSIST_KEY } from './store';

function mapStorage(init: Record<string, string> = {}): StateStorage & { data: Map<string, string> } {
  const data = new Map(Object.entries(init));
  return {
    data,
    getItem: (k) => data.get(k) ?? null,
    setItem: (k, v) => void data.set(k, v),
    removeItem: (k) => void data.delete(k),
  };
}

const image = {
  sha256: '',
  width: 250,
  height: 190,
  dataUrl: 'data:,',
  resizedWidth: 252,
  resizedHeight: 196,
};
const runStart: AgentEvent = {
  type: 'run_start',
  traceId: 'r1',
  question: 'q',
  image,
  settings: DEFAULT_SETTINGS,
};

function finished(steps = 2): Trace {
  return {
    format: 'deepeyes-trace',
    version: 2,
    id: 'r1',
    createdAt: '',
    modelId: 'm',
    backend: 'b',
    question: 'q',
    image,
    settings: DEFAULT_SETTINGS,
    steps: Array.from({ length: steps }, (_, index) => ({
      index,
      text: '',
      action: { kind: 'none', text: '' },
      promptTokens: 0,
      generatedTokens: 0,
      timings: { ttftMs: 0, prefillMs: 0, prefillTokens: 0, decodeMs: 0, decodeTokens: 0, visionMs: 0 },
    })),
    endReason: 'answer',
  };
}

describe('app store', () => {
  it('drives the run status from agent events and resets the view on run_start', () => {
    const s = createAppStore(mapStorage());
    s.getState().selectStep(3);
    s.getState().setRunStatus('loading');
    s.getState().applyEvent(runStart);
    expect(s.getState()).toMatchObject({ runStatus: 'running', selectedStep: null, traceSource: 'live' });
    s.getState().applyEvent({ type: 'turn_start', turn: 0, promptTokens: 10 });
    s.getState().applyEvent({ type: 'token', turn: 0, tokenId: 1, text: 'Hi' });
    expect(s.getState().trace?.live?.text).toBe('Hi');
    s.getState().applyEvent({ type: 'run_end', trace: finished() });
    expect(s.getState().runStatus).toBe('idle');
    expect(s.getState().trace?.final?.id).toBe('r1');
  });

  it('reports a trace error at run_end', () => {
    const s = createAppStore(mapStorage());
    s.getState().applyEvent(runStart);
    s.getState().applyEvent({
      type: 'run_end',
      trace: { ...finished(0), endReason: 'error', error: { code: 'oom', message: 'out of memory' } },
    });
    expect(s.getState().runError).toEqual({ code: 'oom', message: 'out of memory', retryable: true });
  });

  it('steps through a loaded trace', () => {
    const s = createAppStore(mapStorage());
    s.getState().loadTrace(finished(2), 'import');
    s.getState().stepBy(1);
    s.getState().stepBy(1);
    s.getState().stepBy(1);
    expect(s.getState().selectedStep).toBe(1);
    s.getState().stepBy(-2);
    expect(s.getState().selectedStep).toBeNull();
  });

  it('persists settings and presentation mode, sanitizing what it reads back', () => {
    const storage = mapStorage();
    const a = createAppStore(storage);
    a.getState().updateSettings({ maxCrops: 3, rotateTool: true });
    a.getState().togglePresentation();
    const saved = JSON.parse(storage.data.get(PERSIST_KEY)!);
    expect(saved.state).toEqual({
      settings: { ...DEFAULT_SETTINGS, maxCrops: 3, rotateTool: true },
      presentation: true,
    });
    const b = createAppStore(storage);
    expect(b.getState().settings.maxCrops).toBe(3);
    expect(b.getState().presentation).toBe(true);
    const tampered = mapStorage({
      [PERSIST_KEY]: JSON.stringify({ state: { settings: { maxCrops: -5 } }, version: 1 }),
    });
    expect(createAppStore(tampered).getState().settings.maxCrops).toBe(0);
  });

  it('edits multiple-choice options and drops the trace when a new image arrives', () => {
    const s = createAppStore(mapStorage());
    s.getState().addOption();
    s.getState().addOption();
    s.getState().setOption(1, 'blue');
    s.getState().removeOption(0);
    expect(s.getState().options).toEqual(['blue']);
    s.getState().loadTrace(finished(1), 'import');
    s.getState().setInputImage(null);
    expect(s.getState().trace).toBeNull();
  });

  it('tracks model download progress per file', () => {
    const s = createAppStore(mapStorage());
    s.getState().setModels([
      {
        id: 'm',
        label: 'M',
        sizeBytes: 10,
        needs: { webgpu: true, shaderF16: false, memoryBytes: 0 },
        cache: 'absent',
        files: [],
      },
    ]);
    s.getState().setCacheStatus('m', 'downloading');
    s.getState().setFileProgress('m', 'decoder.onnx', 5, 10);
    expect(s.getState().models[0]).toMatchObject({
      cache: 'downloading',
      files: [{ file: 'decoder.onnx', loadedBytes: 5, totalBytes: 10 }],
    });
  });
});
