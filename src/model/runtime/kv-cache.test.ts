import { describe, expect, it } from 'vitest';
import { KvCache } from './kv-cache';
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
});
