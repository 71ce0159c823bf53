import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type Trace } from '../agent/types';
import { pngBytesToDataUrl, TRACE_VERSION } from '../agent/trace';
import { GoldenSet } from '../../test/support/golden-set';
import {
  AUTOSAVE_KEY,
  loadRecentTraces,
  RECENT_KEY,
  restoreAutosave,
  startAutosave,
  withRecent,
  type KeyValue,
} from './autosave';
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
  version: TRACE_VERSION,
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

  it('keeps the last runs, newest first, for the kiosk; a run saved again moves to the front', async () => {
    const kv = memKv();
    const a = createAppStore();
    startAutosave(a, kv);
    for (const id of ['r1', 'r2', 'r1', 'r3']) {
      a.getState().loadTrace({ ...trace, id, question: `run ${id}` }, 'import');
    }
    // The writes run one after another; wait for the last.
    await expect.poll(async () => (await loadRecentTraces(kv)).map((t) => t.id)).toEqual(['r3', 'r1', 'r2']);
    expect((await loadRecentTraces(kv))[0].question).toBe('run r3');
    expect(kv.data.get(AUTOSAVE_KEY)).toContain('"run r3"');
    // A corrupt entry is skipped, not thrown.
    kv.data.set(RECENT_KEY, [{ id: 'bad', text: '{' }, ...(kv.data.get(RECENT_KEY) as unknown[])]);
    expect((await loadRecentTraces(kv)).map((t) => t.id)).toEqual(['r3', 'r1', 'r2']);
  });
});

describe('withRecent', () => {
  const e = (id: string) => ({ id, text: id });
  it('puts the entry first, drops its older copy and anything malformed, and keeps at most max', () => {
    expect(withRecent([e('a'), e('b'), e('c')], e('b'), 3)).toEqual([e('b'), e('a'), e('c')]);
    expect(withRecent([e('a'), e('b'), e('c')], e('d'), 3)).toEqual([e('d'), e('a'), e('b')]);
    expect(withRecent([{ id: 1 }, null, 'x', e('a')], e('z'))).toEqual([e('z'), e('a')]);
    expect(withRecent('not a list', e('z'))).toEqual([e('z')]);
  });
});
