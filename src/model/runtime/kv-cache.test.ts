import { describe, expect, it } from 'vitest';
import { INITIAL_CAPACITY, KvCache } from './kv-cache';
import type { OrtApi, OrtTensor } from './ort-api';

/** Tensors that count themselves alive until disposed, like GPU buffers would be. */
function fakeOrt() {
  const live = new Set<object>();
  class T {
    constructor(
      readonly type: string,
      readonly data: unknown,
      readonly dims: number[],
    ) {
      live.add(this);
    }
    dispose() {
      live.delete(this);
    }
  }
  return {
    ort: { Tensor: T } as unknown as OrtApi,
    live,
    make: (dims: number[]) => new T('float32', null, dims) as unknown as OrtTensor,
  };
}

describe('KvCache', () => {
  it('feeds empty past tensors first, then the presents of the last step', () => {
    const { ort, make } = fakeOrt();
    const cache = new KvCache(ort, 2, 2, 16, 'float32');
    expect(cache.feeds()['past_key_values.1.value'].dims).toEqual([1, 2, 0, 16]);
    const out: Record<string, OrtTensor> = {};
    for (let i = 0; i < 2; i++)
      for (const kv of ['key', 'value']) out[`present.${i}.${kv}`] = make([1, 2, 5, 16]);
    cache.update(out, 5);
    expect(cache.length).toBe(5);
    expect(cache.feeds()['past_key_values.0.key']).toBe(out['present.0.key']);
  });

  it('keeps live tensors flat over twenty runs of many steps (reliability case 18)', () => {
    const { ort, live, make } = fakeOrt();
    const layers = 3;
    const cache = new KvCache(ort, layers, 2, 16, 'float32');
    const baseline = live.size; // the empty past tensors
    for (let run = 0; run < 20; run++) {
      cache.reset();
      for (let step = 1; step <= 30; step++) {
        const out: Record<string, OrtTensor> = {};
        for (let i = 0; i < layers; i++)
          for (const kv of ['key', 'value']) out[`present.${i}.${kv}`] = make([1, 2, step, 16]);
        cache.update(out, step);
        // Only the current cache (and the empty tensors created by reset) are alive.
        expect(live.size).toBeLessThanOrEqual(baseline + 2 * layers * 2);
      }
    }
    cache.dispose();
    expect(live.size).toBe(0);
  });

  describe('swap mode (a concatenating graph on onnxruntime-node)', () => {
    const heads = 2;
    const hd = 4;
    /** Row `r` of head `h` in conversation `c`: a value no other row has. */
    const value = (c: number, h: number, r: number) => c * 1e6 + h * 1e4 + r + 1;

    /** One run of `n` new rows as the graph's Concat does it: past rows copied, new rows appended. */
    function run(cache: KvCache, c: number, n: number) {
      cache.reserve(n);
      const past = cache.feeds();
      const out = cache.fetches();
      const P = cache.length;
      const T = P + n;
      const results: Record<string, OrtTensor> = {};
      for (const kv of ['key', 'value']) {
        const src = past[`past_key_values.0.${kv}`].data as Float32Array;
        const bound = out[`present.0.${kv}`];
        if (!bound) throw new Error('swap mode must bind present');
        expect(bound.dims).toEqual([1, heads, T, hd]);
        const dst = bound.data as Float32Array;
        if (P > 0) expect(dst.buffer).not.toBe(src.buffer);
        for (let h = 0; h < heads; h++) {
          dst.set(src.subarray(h * P * hd, (h + 1) * P * hd), h * T * hd);
          for (let r = P; r < T; r++) dst.fill(value(c, h, r), (h * T + r) * hd, (h * T + r + 1) * hd);
        }
        results[`present.0.${kv}`] = bound;
      }
      cache.update(results, T);
    }

    function expectRows(cache: KvCache, c: number, rows: number) {
      const data = cache.feeds()['past_key_values.0.value'].data as Float32Array;
      expect(data.length).toBe(heads * rows * hd);
      for (let h = 0; h < heads; h++)
        for (let r = 0; r < rows; r++)
          expect(data[(h * rows + r) * hd], `head ${h} row ${r}`).toBe(value(c, h, r));
    }

    it('writes each run into the other of two sets and keeps every row across a growth', () => {
      const { ort } = fakeOrt();
      const cache = new KvCache(ort, 1, heads, hd, 'float32', 'swap');
      const buffers = new Set<ArrayBufferLike>();
      for (const n of [3, 1, 1, 1]) {
        run(cache, 1, n);
        buffers.add((cache.feeds()['past_key_values.0.key'].data as Float32Array).buffer);
      }
      expect(buffers.size).toBe(2);
      expectRows(cache, 1, 6);
      run(cache, 1, INITIAL_CAPACITY);
      expectRows(cache, 1, INITIAL_CAPACITY + 6);
      run(cache, 1, 1);
      expectRows(cache, 1, INITIAL_CAPACITY + 7);
    });

    it('a detached conversation survives another one and continues after attach', () => {
      const { ort } = fakeOrt();
      const cache = new KvCache(ort, 1, heads, hd, 'float32', 'swap');
      run(cache, 1, 5);
      run(cache, 1, 1);
      const saved = cache.detach();
      run(cache, 2, 7);
      run(cache, 2, 1);
      expectRows(cache, 2, 8);
      cache.attach(saved);
      expectRows(cache, 1, 6);
      run(cache, 1, 1);
      expectRows(cache, 1, 7);
      cache.reset();
      run(cache, 3, 2);
      expectRows(cache, 3, 2);
    });

    it('refuses a run that reserve() did not prepare', () => {
      const { ort } = fakeOrt();
      const cache = new KvCache(ort, 1, heads, hd, 'float32', 'swap');
      run(cache, 1, 2);
      expect(() => cache.fetches()).toThrow(/reserve/);
    });
  });
});
