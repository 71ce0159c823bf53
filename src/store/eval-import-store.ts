/**
 * An official eval JSONL being opened: its records (the user picks one), the lines that were not
 * records, the pictures given with it, and which record still waits for its picture. Its own small
 * store, like compare mode's; nothing here is persisted (the shown trace is, once built).
 */
import { createStore, useStore } from 'zustand';
import type { EvalJsonlLine } from '../agent/trace/deepeyes-jsonl-read';

export interface EvalImportState {
  /** The .jsonl's name; null when none is open. */
  fileName: string | null;
  records: EvalJsonlLine[];
  /** Lines that are not records, each naming its line. */
  problems: string[];
  /** Pictures given with the file (dropped or picked together). */
  pictures: File[];
  /** Position in `records` of the record shown, or waiting for its picture. */
  chosen: number | null;
  /** The chosen record's picture was not among the files: ask for it. */
  needsPicture: boolean;
  /** Building the trace (decoding the picture, cutting the crops). */
  busy: boolean;
  error: string | null;
  open(fileName: string, records: EvalJsonlLine[], problems: string[], pictures: File[]): void;
  set(patch: Partial<Pick<EvalImportState, 'chosen' | 'needsPicture' | 'busy' | 'error' | 'pictures'>>): void;
  close(): void;
}

const EMPTY = {
  fileName: null,
  records: [],
  problems: [],
  pictures: [],
  chosen: null,
  needsPicture: false,
  busy: false,
  error: null,
};

export function createEvalImportStore() {
  return createStore<EvalImportState>()((set) => ({
    ...EMPTY,
    open: (fileName, records, problems, pictures) => set({ ...EMPTY, fileName, records, problems, pictures }),
    set: (patch) => set(patch),
    close: () => set(EMPTY),
  }));
}

export const evalImportStore = createEvalImportStore();

export function useEvalImportStore<T>(selector: (s: EvalImportState) => T): T {
  return useStore(evalImportStore, selector);
}
