/** An in-memory KeyValue (the autosave store's interface) for tests in Node, which has no IndexedDB. */
import type { KeyValue } from '../../src/store/autosave';

export function memoryKv(): KeyValue & { data: Map<string, unknown> } {
  const data = new Map<string, unknown>();
  return {
    data,
    get: async (k) => data.get(k),
    set: async (k, v) => void data.set(k, v),
    del: async (k) => void data.delete(k),
  };
}
