/**
 * The app's zustand store, built from slices. `createAppStore` makes an independent store
 * (tests, storybook-like harnesses); `useAppStore` is the app's singleton bound to React.
 */
import { createStore, useStore } from 'zustand';
import { createJSONStorage, persist, type StateStorage } from 'zustand/middleware';
import { sanitizeSettings } from './settings';
import { createInputSlice } from './slices/input-slice';
import { createModelSlice } from './slices/model-slice';
import { createNoticeSlice } from './slices/notice-slice';
import { createRunSlice } from './slices/run-slice';
import { createSettingsSlice } from './slices/settings-slice';
import { createTraceSlice } from './slices/trace-slice';
import type { AppState } from './slices/types';
import { createViewSlice } from './slices/view-slice';

export type { AppState } from './slices/types';

export const PERSIST_KEY = 'deepeyes-playground';

type Persisted = Pick<AppState, 'settings' | 'presentation'>;

function memoryStorage(): StateStorage {
  const m = new Map<string, string>();
  return {
    getItem: (k) => m.get(k) ?? null,
    setItem: (k, v) => void m.set(k, v),
    removeItem: (k) => void m.delete(k),
  };
}

function defaultStorage(): StateStorage {
  try {
    if (typeof localStorage !== 'undefined') return localStorage;
  } catch {
    // Access to localStorage throws in some sandboxed frames; fall through to memory.
  }
  return memoryStorage();
}

export function createAppStore(storage: StateStorage = defaultStorage()) {
  return createStore<AppState>()(
    persist(
      (...a) => ({
        ...createTraceSlice(...a),
        ...createRunSlice(...a),
        ...createViewSlice(...a),
        ...createSettingsSlice(...a),
        ...createModelSlice(...a),
        ...createInputSlice(...a),
        ...createNoticeSlice(...a),
      }),
      {
        name: PERSIST_KEY,
        version: 1,
        storage: createJSONStorage(() => storage),
        partialize: (s): Persisted => ({ settings: s.settings, presentation: s.presentation }),
        merge: (persisted, current) => {
          const p = (persisted ?? {}) as Partial<Persisted>;
          return {
            ...current,
            settings: sanitizeSettings(p.settings),
            presentation: p.presentation === true,
          };
        },
      },
    ),
  );
}

export type AppStore = ReturnType<typeof createAppStore>;

export const appStore: AppStore = createAppStore();

export function useAppStore<T>(selector: (s: AppState) => T): T {
  return useStore(appStore, selector);
}
