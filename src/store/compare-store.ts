/**
 * The second run shown beside the current one (compare mode): its own small store, so the
 * page's main store and its persistence are untouched. Nothing here is persisted.
 */
import { createStore, useStore } from 'zustand';
import type { Trace } from '../agent/types';

export interface CompareState {
  /** The run compared against the page's current trace; null when not comparing. */
  other: Trace | null;
  /** Why the last file offered for comparison was refused. */
  error: string | null;
  setOther(trace: Trace | null): void;
  setError(message: string | null): void;
}

export function createCompareStore() {
  return createStore<CompareState>()((set) => ({
    other: null,
    error: null,
    setOther: (other) => set({ other, error: null }),
    setError: (error) => set({ error }),
  }));
}

export const compareStore = createCompareStore();

export function useCompareStore<T>(selector: (s: CompareState) => T): T {
  return useStore(compareStore, selector);
}
