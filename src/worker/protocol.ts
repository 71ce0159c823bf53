/**
 * The typed protocol between the page and the model worker. Every message is a discriminated
 * union keyed by `kind`; calls carry an `id` the answers echo. Errors cross as
 * {code, message, retryable}, never as bare strings.
 */
import type { AgentEvent, AgentSettings, Trace } from '../agent/types';
import type { GpuProbe } from '../model/backend/webgpu-probe';

import type { RgbImage } from '../base/types';
import type { Backend } from '../base/types';
export type WireModelSource =
  /** A folder of converted files over HTTP(S): the bundled model, a Hugging Face repo, any URL. */
  | { kind: 'url'; url: string; label?: string }
  /** Files of a folder the user picked or dropped (the offline path). */
  | { kind: 'files'; files: File[]; label?: string }
  /** A model converted in this browser (convert.worker.ts), kept in OPFS under `key`. */
  | { kind: 'converted'; key: string; label?: string };

export interface WireRunRequest {
  image: RgbImage;
  question: string;
  options?: string[];
  settings: AgentSettings;
  /** Continue this interrupted trace from its last completed turn. */
  resumeFrom?: Trace;
}

export type ToWorker =
  | { kind: 'probe'; id: number }
  | {
      kind: 'load';
      id: number;
      source: WireModelSource;
      backend: Backend;
      baseUrl: string;
      /** Load this variant instead of the one the adapter's features suggest. */
      variant?: 'fp32' | 'q4' | 'q4f16';
    }
  | { kind: 'run'; id: number; request: WireRunRequest }
  /** Soft stop: the run ends between tokens with endReason 'cancelled'. */
  | { kind: 'stop'; id: number; runId: number }
  | { kind: 'unload'; id: number }
  /** Test hook: destroys the GPU device as a driver reset would. */
  | { kind: 'simulate_device_loss'; id: number };

export type ErrorCode =
  | 'no_webgpu'
  | 'model_missing'
  | 'model_too_large'
  | 'load_failed'
  | 'invalid_logits'
  | 'device_lost'
  | 'run_failed'
  | 'busy'
  | 'worker_crashed'
  | 'cancelled';

export interface WireError {
  /** An ErrorCode, or a delivery error code (http_error, html_instead_of_weights, integrity, quota, ...). */
  code: ErrorCode | (string & {});
  message: string;
  retryable: boolean;
}

export interface LoadedInfo {
  modelId: string;
  label: string;
  backend: Backend;
  variant: string;
  adapter?: string;
}

export type FromWorker =
  | { kind: 'probe_result'; id: number; probe: GpuProbe }
  | { kind: 'file_progress'; id: number; file: string; loadedBytes: number; totalBytes: number }
  | { kind: 'loaded'; id: number; info: LoadedInfo }
  | { kind: 'agent_event'; id: number; event: AgentEvent }
  | { kind: 'run_done'; id: number; trace: Trace }
  | { kind: 'done'; id: number }
  /** Something the user should know (running from memory, a corrupt cache file refetched); `persistence-wanted` asks the page to call navigator.storage.persist(). */
  | { kind: 'notice'; code: string; message: string }
  | { kind: 'error'; id?: number; error: WireError };

export function wireError(code: ErrorCode, message: string, retryable = false): WireError {
  return { code, message, retryable };
}
