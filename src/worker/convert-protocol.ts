/**
 * The typed protocol between a page and the conversion worker (convert.worker.ts): the page asks
 * for a hub repo to be converted into OPFS; the worker answers with progress, then done or error.
 * Errors cross as ErrorInfo ({code, message, retryable, advice}).
 */
import type { ErrorInfo } from '../base/errors';
import type { VariantName } from '../base/model-manifest';

export interface ConvertRequest {
  /** owner/name, hf:owner/name@rev, or a hub URL. */
  repo: string;
  /** Default https://huggingface.co. */
  endpoint?: string;
  token?: string;
  dtypes: VariantName[];
  /** External-data chunk size (default 1 GiB). */
  chunkLimit?: number;
  /** For tests: stop after this many tensors as if the tab were closed (the journal stays). */
  stopAfterTensors?: number;
  /** For tests: storage refuses writes (QuotaExceededError) once this many bytes were written. */
  quotaAfterBytes?: number;
}

export interface ConvertProgressWire {
  phase: 'tensor' | 'file' | 'done';
  file?: string;
  tensorsDone: number;
  tensorsTotal: number;
  /** float32-equivalent bytes of the source tensors, converted and planned. */
  bytesDone: number;
  bytesTotal: number;
  /** Taken from a previous run's journal (a resumed conversion). */
  restored: number;
  /** Bytes read from the hub so far, and the rate since the start. */
  downloadedBytes: number;
  mbPerSecond: number;
  /** Seconds left at the current pace, or null before there is a pace. */
  etaSeconds: number | null;
}

export interface ConvertDone {
  /** The OPFS key the model is stored under (load it like any cached model). */
  modelKey: string;
  files: { path: string; bytes: number; sha256: string }[];
  restoredTensors: number;
}

export type ToConvertWorker = { kind: 'start'; request: ConvertRequest } | { kind: 'cancel' };

export type FromConvertWorker =
  | { kind: 'progress'; progress: ConvertProgressWire }
  | { kind: 'done'; result: ConvertDone }
  | { kind: 'error'; error: ErrorInfo };
