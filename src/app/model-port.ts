/**
 * What the UI asks of whatever answers Run (a model in the worker, or the recorded-trace
 * player), and what it hears back. The real implementation (WorkerPort, a client of the model
 * worker) is injected by the app's entry; ReplayPort (./replay) plays recorded traces so the page
 * works, and can be demoed, with no model at all. Failures are DeepEyesErrors; they reach the
 * store as ErrorInfo (src/base/errors.ts).
 */
import type { RunRequest } from '../agent/run-request';
import type { AgentEvent, Trace } from '../agent/types';
import type { ErrorInfo } from '../base/errors';
import type { Backend } from '../base/types';
import type { ModelSource } from '../delivery/model-source';
import type { CacheStatus, GpuInfo, ModelEntry } from '../store/models';
import type { Notice } from '../store/slices/notice-slice';
import type { RunnerKind } from '../store/slices/model-slice';

/** Everything a port reports besides the return values of its calls. */
export type PortEvent =
  | { kind: 'agent'; event: AgentEvent }
  | { kind: 'models'; models: ModelEntry[] }
  | { kind: 'model_status'; modelId: string; cache: CacheStatus; error?: string }
  | { kind: 'file_progress'; modelId: string; file: string; loadedBytes: number; totalBytes: number }
  | { kind: 'model_ready'; modelId: string; backend: Backend | 'server'; label?: string; adapter?: string }
  /** No model is loaded any more (a failed load let the previous one go). */
  | { kind: 'model_unloaded' }
  | { kind: 'gpu'; gpu: GpuInfo }
  | { kind: 'error'; error: ErrorInfo }
  /** Not a failure, but the user should know (e.g. the model runs from memory: storage is full). */
  | ({ kind: 'notice' } & Notice);

export interface ModelPort {
  readonly kind: RunnerKind;
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
