/**
 * Keeps the last finished trace in IndexedDB so a reload (or a crashed tab) brings it back.
 * Only finished traces are written: a half-streamed run is not worth a multi-MB write per step.
 */
import { del, get, set } from 'idb-keyval';
import type { Trace } from '../agent/types';
import type { AppState } from './slices/types';
import type { AppStore } from './store';
import { parseTrace, serializeTrace } from './trace-io';

export const AUTOSAVE_KEY = 'deepeyes:last-trace';

export interface KeyValue {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<void>;
  del(key: string): Promise<void>;
}

export const idbKeyValue: KeyValue = { get, set, del };

/** The trace to write after a state change, or null when nothing new needs saving. */
export function traceToSave(
  prev: Pick<AppState, 'trace'>,
  next: Pick<AppState, 'trace' | 'traceSource'>,
): Trace | null {
  const final = next.trace?.final ?? null;
  if (!final || final === prev.trace?.final) return null;
  // A restored trace is already what is stored; the bundled sample is not the user's work.
  if (next.traceSource === 'restore' || next.traceSource === 'sample') return null;
  return final;
}

export function startAutosave(
  store: AppStore,
  kv: KeyValue = idbKeyValue,
  onError?: (e: Error) => void,
): () => void {
  return store.subscribe((next, prev) => {
    const t = traceToSave(prev, next);
    if (!t) return;
    let text: string;
    try {
      // Validates too: a trace the importer would refuse is not worth keeping.
      text = serializeTrace(t);
    } catch (e) {
      onError?.(e as Error);
      return;
    }
    // Through a promise: a store that throws at once (no IndexedDB at all) is reported the same way.
    Promise.resolve()
      .then(() => kv.set(AUTOSAVE_KEY, text))
      .catch((e: Error) => onError?.(e));
  });
}

/** Loads the autosaved trace into the store; true if one was restored. A corrupt entry is deleted. */
export async function restoreAutosave(store: AppStore, kv: KeyValue = idbKeyValue): Promise<boolean> {
  const text = await kv.get(AUTOSAVE_KEY);
  if (typeof text !== 'string') return false;
  try {
    const trace = parseTrace(text);
    // Do not overwrite something the user already started in the meantime.
    if (store.getState().trace) return false;
    store.getState().loadTrace(trace, 'restore');
    return true;
  } catch {
    await kv.del(AUTOSAVE_KEY);
    return false;
  }
}
