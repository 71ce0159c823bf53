import { withFileProgress, type CacheStatus, type GpuInfo, type ModelEntry } from '../models';
import type { SliceCreator } from './types';

/** What answers the Run button: a model on WebGPU or WASM, a chat server, or the recorded-trace player. */
export type RunnerKind = 'replay' | 'webgpu' | 'wasm' | 'server';

export interface ModelSlice {
  models: ModelEntry[];
  activeModelId: string | null;
  /**
   * The model a shared link was made with, shown marked in the picker until one is loaded (a link
   * never starts a download by itself: a catalog model can be gigabytes).
   */
  chosenModelId: string | null;
  /** Models loaded in this tab, in load order: the ones the app can load again ("run on the other model"). */
  loadedModelIds: string[];
  /** The model the last live run used (null: the shown trace was not run here). */
  ranWith: string | null;
  runner: RunnerKind;
  gpu: GpuInfo;
  setModels(models: ModelEntry[]): void;
  upsertModel(entry: ModelEntry): void;
  setCacheStatus(id: string, cache: CacheStatus, error?: string): void;
  setFileProgress(id: string, file: string, loadedBytes: number, totalBytes: number): void;
  setActiveModel(id: string | null, runner: RunnerKind): void;
  chooseModel(id: string | null): void;
  noteLoaded(id: string): void;
  setRanWith(id: string | null): void;
  setGpu(gpu: GpuInfo): void;
}

export const createModelSlice: SliceCreator<ModelSlice> = (set, get) => {
  const patchEntry = (id: string, f: (e: ModelEntry) => ModelEntry) =>
    set({ models: get().models.map((e) => (e.id === id ? f(e) : e)) });
  return {
    models: [],
    activeModelId: null,
    chosenModelId: null,
    loadedModelIds: [],
    ranWith: null,
    runner: 'replay',
    gpu: { webgpu: 'unknown', shaderF16: false },
    setModels: (models) => set({ models }),
    upsertModel(entry) {
      const models = get().models;
      set({
        models: models.some((e) => e.id === entry.id)
          ? models.map((e) => (e.id === entry.id ? entry : e))
          : [...models, entry],
      });
    },
    setCacheStatus: (id, cache, error) => patchEntry(id, (e) => ({ ...e, cache, error })),
    setFileProgress: (id, file, loaded, total) =>
      patchEntry(id, (e) => withFileProgress(e, file, loaded, total)),
    // Loading a model is the choice now: the link's suggestion is done with.
    setActiveModel: (activeModelId, runner) => set({ activeModelId, runner, chosenModelId: null }),
    chooseModel: (chosenModelId) => set({ chosenModelId }),
    noteLoaded: (id) => {
      if (!get().loadedModelIds.includes(id)) set({ loadedModelIds: [...get().loadedModelIds, id] });
    },
    setRanWith: (ranWith) => set({ ranWith }),
    setGpu: (gpu) => set({ gpu }),
  };
};
