import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type Trace } from '../agent/types';
import { pngBytesToDataUrl } from '../agent/trace';
import { GoldenSet } from '../../test/support/golden-set';
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
  version: 2,
  id: 'saved',
  createdAt: '2025-06-01T10:00:00.000Z',
  modelId: 'm',
  backend: 'b',
  question: 'What colour is the sign?',
  // The golden picture: autosave validates traces with the real schema, which wants a real PNG.
  image: {
    sha256: 'a'.repeat(64),
    width: 250,
    height: 190,
    dataUrl: pngBytesToDataUrl(GoldenSet.publicSet().bytes('image1.png')),
    resizedWidth: 252,
    resizedHeight: 196,
  },
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
    a.getState().applyEvent({
      type: 'run_start',
      traceId: 'saved',
      question: trace.question,
      image: trace.image,
      settings: DEFAULT_SETTINGS,
    });
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

  it('skips a trace the schema refuses, reporting it instead of throwing into the store', async () => {
    const kv = memKv();
    const a = createAppStore();
    const errors: Error[] = [];
    startAutosave(a, kv, (e) => errors.push(e));
    a.getState().loadTrace({ ...trace, image: { ...trace.image, dataUrl: 'not a png' } }, 'import');
    expect(kv.data.size).toBe(0);
    expect(errors).toHaveLength(1);
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
