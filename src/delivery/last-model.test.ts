import { describe, expect, it } from 'vitest';
import {
  parseLastModel,
  readLastModel,
  reloadLastModelEnabled,
  rememberLastModel,
  setReloadLastModel,
} from './last-model';

function memoryStorage() {
  const m = new Map<string, string>();
  return {
    getItem: (k: string) => m.get(k) ?? null,
    setItem: (k: string, v: string) => void m.set(k, String(v)),
    removeItem: (k: string) => void m.delete(k),
    raw: m,
  };
}

describe('the last model', () => {
  it('keeps a catalog entry or a URL with the backend, and reads it back', () => {
    const s = memoryStorage();
    rememberLastModel({ kind: 'catalog', id: 'tiny-random' }, 'wasm', s);
    expect(readLastModel(s)).toEqual({ source: { kind: 'catalog', id: 'tiny-random' }, backend: 'wasm' });
    rememberLastModel({ kind: 'url', url: 'org/repo@main', label: 'org/repo' }, 'webgpu', s);
    expect(readLastModel(s)).toEqual({
      source: { kind: 'url', url: 'org/repo@main', label: 'org/repo' },
      backend: 'webgpu',
    });
  });

  it('forgets it when the user loads what cannot be loaded unattended (a picked folder, a chat server)', () => {
    const s = memoryStorage();
    rememberLastModel({ kind: 'catalog', id: 'tiny-random' }, 'webgpu', s);
    rememberLastModel({ kind: 'files', files: [] }, 'webgpu', s);
    expect(readLastModel(s)).toBeNull();
    rememberLastModel({ kind: 'catalog', id: 'tiny-random' }, 'webgpu', s);
    rememberLastModel(
      { kind: 'server', baseUrl: 'http://127.0.0.1:8000/v1', model: 'm', apiKey: 'k' },
      'webgpu',
      s,
    );
    expect(readLastModel(s)).toBeNull();
    expect([...s.raw.values()].join()).not.toContain('"k"');
  });

  it('refuses what it did not write: junk, other versions, other kinds, an unknown backend', () => {
    for (const text of [
      null,
      'not json',
      '42',
      '{"source":{"kind":"catalog","id":"x"},"backend":"cuda"}',
      '{"source":{"kind":"files","files":[]},"backend":"webgpu"}',
      '{"source":{"kind":"catalog","id":""},"backend":"webgpu"}',
      '{"source":{"kind":"url","url":7},"backend":"wasm"}',
    ]) {
      expect(parseLastModel(text), String(text)).toBeNull();
    }
    expect(parseLastModel('{"source":{"kind":"url","url":"a/b","extra":1},"backend":"wasm","v":9}')).toEqual({
      source: { kind: 'url', url: 'a/b' },
      backend: 'wasm',
    });
  });

  it('is on by default and can be turned off and on', () => {
    const s = memoryStorage();
    expect(reloadLastModelEnabled(s)).toBe(true);
    setReloadLastModel(false, s);
    expect(reloadLastModelEnabled(s)).toBe(false);
    setReloadLastModel(true, s);
    expect(reloadLastModelEnabled(s)).toBe(true);
  });

  it('a storage that throws costs only the convenience', () => {
    const broken = {
      getItem: () => {
        throw new DOMException('denied', 'SecurityError');
      },
      setItem: () => {
        throw new DOMException('full', 'QuotaExceededError');
      },
      removeItem: () => undefined,
    };
    expect(readLastModel(broken)).toBeNull();
    expect(reloadLastModelEnabled(broken)).toBe(true);
    expect(() => rememberLastModel({ kind: 'catalog', id: 'x' }, 'wasm', broken)).not.toThrow();
    expect(() => setReloadLastModel(false, broken)).not.toThrow();
  });
});
