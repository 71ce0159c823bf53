/**
 * What the UI asks of an engine, and what it hears back. The real implementation (a client of
 * the model worker) is injected by the app's entry; ReplayPort (./replay) plays recorded traces
 * so the page works, and can be demoed, with no model at all.
 */
import type { AgentEvent, AgentSettings, Trace } from '../agent/types';
import type { CacheStatus, GpuInfo, ModelEntry } from '../store/models';
import type { UiError } from '../store/run-status';
import type { EngineKind } from '../store/slices/model-slice';

import type { RgbImage } from '../base/types';
import type { Backend } from '../base/types';
export type ModelSource =
  | { kind: 'catalog'; id: string }
  /** A Hugging Face repo ("org/name") or any URL of a folder holding the converted files. */
  | { kind: 'url'; url: string }
  | { kind: 'folder'; files: File[] }
  /** An OpenAI-compatible chat server (vLLM, SGLang, npm run serve); the key goes to that host only. */
  | { kind: 'server'; baseUrl: string; model: string; apiKey?: string };

export interface RunRequest {
  image: RgbImage;
  question: string;
  /** Multiple-choice options, in the order shown (A, B, ...); absent for a free question. */
  options?: string[];
  settings: AgentSettings;
  /** Continue an interrupted trace (device lost, worker crashed) from its last completed turn. */
  resumeFrom?: Trace;
}

/** Everything an engine reports besides the return values of its calls. */
export type PortEvent =
  | { kind: 'agent'; event: AgentEvent }
  | { kind: 'models'; models: ModelEntry[] }
  | { kind: 'model_status'; modelId: string; cache: CacheStatus; error?: string }
  | { kind: 'file_progress'; modelId: string; file: string; loadedBytes: number; totalBytes: number }
  | { kind: 'model_ready'; modelId: string; backend: Backend | 'server'; label?: string; adapter?: string }
  | { kind: 'gpu'; gpu: GpuInfo }
  | { kind: 'error'; error: UiError }
  /** Not a failure, but the user should know (e.g. the model runs from memory: storage is full). */
  | { kind: 'notice'; code: string; message: string };

export interface EnginePort {
  readonly kind: EngineKind;
  subscribe(listener: (event: PortEvent) => void): () => void;
  /** Download (or open from cache) and initialize a model; progress arrives as PortEvents. */
  loadModel(source: ModelSource, backend?: Backend): Promise<void>;
  /**
   * After unusable logits: reload the current model on the next safer path (fp32 activations,
   * then WASM). Resolves with a description of the new path, or null when there is none.
   */
  loadSaferPath?(): Promise<string | null>;
  /** Start a run; its AgentEvents stream through subscribe. Resolves with the final trace. */
  run(request: RunRequest): Promise<Trace>;
  /** Ask the current run to stop; it still ends with run_end (endReason 'cancelled'). */
  stop(): void;
  dispose(): void;
}

/** A failure crossing the port, typed like the worker's {code, message, retryable}. */
export class PortError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'PortError';
  }

  toUiError(): UiError {
    return { code: this.code, message: this.message, retryable: this.retryable };
  }
}

export function toUiError(e: unknown): UiError {
  if (e instanceof PortError) return e.toUiError();
  const err = e as { code?: unknown; message?: unknown; retryable?: unknown };
  if (err && typeof err.code === 'string' && typeof err.message === 'string') {
    return { code: err.code, message: err.message, retryable: err.retryable === true };
  }
  return { code: 'internal', message: e instanceof Error ? e.message : String(e), retryable: false };
}
