import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type Trace } from '../agent/types';
import { AUTOSAVE_KEY, restoreAutosave, startAutosave, type KeyValue } from './autosave';
import { createAppStore } from './store';

function memKv(): KeyValue & { data: Map<string, unknown> } {
  const data = new Map<string, unknown>();
  return {
    data,
    get: async (k) => data.get(k),
    set: async (k, v) => void data.set(k, v),
    del: async (k) => void data.delete(k),
  };
}

const trace: Trace = {
  format: 'deepeyes-trace',
  version: 1,
  id: 'saved',
  createdAt: '',
  modelId: 'm',
  backend: 'b',
  question: 'What colour is the sign?',
  image: { sha256: '', width: 2, height: 2, pngDataUrl: 'data:,', resizedWidth: 28, resizedHeight: 28 },
  settings: DEFAULT_SETTINGS,
  steps: [],
  endReason: 'answer',
  finalAnswer: 'red',
};

describe('autosave', () => {
  it('writes a finished trace and restores it into a fresh store', async () => {
    const kv = memKv();
    const a = createAppStore();
    const stop = startAutosave(a, kv);
    a.getState().applyEvent({ type: 'run_start', traceId: 'saved', question: trace.question, image: trace.image, settings: DEFAULT_SETTINGS });
    expect(kv.data.size).toBe(0);
    a.getState().applyEvent({ type: 'run_end', trace });
    await Promise.resolve();
    expect(kv.data.has(AUTOSAVE_KEY)).toBe(true);
    stop();
    const b = createAppStore();
    expect(await restoreAutosave(b, kv)).toBe(true);
    expect(b.getState().trace?.final).toEqual(trace);
    expect(b.getState().traceSource).toBe('restore');
  });

  it('does not save the bundled sample, and deletes a corrupt entry', async () => {
    const kv = memKv();
    const a = createAppStore();
    startAutosave(a, kv);
    a.getState().loadTrace(trace, 'sample');
    expect(kv.data.size).toBe(0);
    kv.data.set(AUTOSAVE_KEY, '{not json');
    expect(await restoreAutosave(createAppStore(), kv)).toBe(false);
    expect(kv.data.has(AUTOSAVE_KEY)).toBe(false);
  });
});
