/**
 * The intents UI components may trigger, provided by the app (src/app/controller.ts) through
 * React context, so components never hold a model port themselves.
 */
import { createContext, useContext } from 'react';
import type { ModelSource } from '../delivery/model-source';

export interface UiActions {
  run(): Promise<void>;
  /** After a device loss or crash: run again from the last completed turn of the interrupted trace. */
  resume(): Promise<void>;
  /** After NaN/zero logits: reload the model with fp32 activations (or on WASM). */
  useSaferPath(): Promise<void>;
  stop(): void;
  loadModel(source: ModelSource, backend?: 'webgpu' | 'wasm'): Promise<void>;
  /**
   * The shown run's question, picture and settings on another model loaded in this tab (loaded
   * again first: one model at a time); the two runs then show side by side in the compare view.
   */
  runOnModel(modelId: string): Promise<void>;
  openImage(blob: Blob, name: string): Promise<void>;
  openSample(id: string): Promise<void>;
  importTrace(file: Blob): Promise<void>;
  /** An official DeepEyes eval JSONL with the pictures given with it (dropped or picked together). */
  importEvalFiles(files: readonly File[]): Promise<void>;
  /** Shows that record of the open eval JSONL (or asks for its picture). */
  chooseEvalRecord(pos: number): Promise<void>;
  /** The picture of the chosen eval record, when it was not among the files. */
  giveEvalPicture(file: File): Promise<void>;
  closeEvalImport(): void;
  exportJson(): void;
  exportJsonl(): void;
  exportPng(): Promise<void>;
}

export const ActionsContext = createContext<UiActions | null>(null);

export function useActions(): UiActions {
  const a = useContext(ActionsContext);
  if (!a) throw new Error('useActions() outside <ActionsContext.Provider>: render components inside <App>');
  return a;
}
