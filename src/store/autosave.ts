/**
 * Keeps the last finished trace in IndexedDB so a reload (or a crashed tab) brings it back, and
 * the last few in a list that the kiosk's attract loop shows beside the samples. Only finished
 * traces are written: a half-streamed run is not worth a multi-MB write per step.
 */
import { del, get, set } from 'idb-keyval';
import type { Trace } from '../agent/types';
import type { AppState } from './slices/types';
import type { AppStore } from './store';
import { parseTrace, serializeTrace } from './trace-io';

export const AUTOSAVE_KEY = 'deepeyes:last-trace';
export const RECENT_KEY = 'deepeyes:recent-traces';
/** Runs kept in the recent list: a trace with its crops is a few MB. */
export const RECENT_MAX = 5;

export interface RecentEntry {
  id: string;
  text: string;
}

/** The well-formed entries of what the store holds under RECENT_KEY (anything else: none). */
function recentEntries(list: unknown): RecentEntry[] {
  return Array.isArray(list)
    ? list.filter(
        (e): e is RecentEntry =>
          typeof e === 'object' && e !== null && typeof e.id === 'string' && typeof e.text === 'string',
      )
    : [];
}

/** The recent list with `entry` first, an older copy of the same run dropped, at most `max` long. */
export function withRecent(list: unknown, entry: RecentEntry, max = RECENT_MAX): RecentEntry[] {
  return [entry, ...recentEntries(list).filter((e) => e.id !== entry.id)].slice(0, max);
}

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
  // One write at a time: the recent list is read, changed and written back.
  let queue: Promise<unknown> = Promise.resolve();
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
    queue = queue
      .then(() => kv.set(AUTOSAVE_KEY, text))
      .then(() => kv.get(RECENT_KEY))
      .then((list) => kv.set(RECENT_KEY, withRecent(list, { id: t.id, text })))
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

/** The runs recorded in this browser, newest first; entries that no longer parse are skipped. */
export async function loadRecentTraces(kv: KeyValue = idbKeyValue): Promise<Trace[]> {
  return recentEntries(await kv.get(RECENT_KEY)).flatMap((e) => {
    try {
      return [parseTrace(e.text)];
    } catch {
      return [];
    }
  });
}
