/**
 * The typed protocol between the page and the model worker. Every message is a discriminated
 * union keyed by `kind`; calls carry an `id` the answers echo. Errors cross as ErrorInfo
 * (src/base/errors.ts: toErrorInfo on this side, fromErrorInfo on the page), never as bare strings.
 */
import type { RunRequest } from '../agent/run-request';
import type { AgentEvent, Trace } from '../agent/types';
import type { ErrorInfo } from '../base/errors';
import type { Backend } from '../base/types';
import type { VariantName } from '../base/model-manifest';
import type { LoadableSource } from '../delivery/model-source';
import type { GpuProbe } from '../model/backend/webgpu-probe';
import type { GpuBufferCount } from '../model/backend/gpu-device';

export type ToWorker =
  | { kind: 'probe'; id: number }
  | {
      kind: 'load';
      id: number;
      source: LoadableSource;
      backend: Backend;
      baseUrl: string;
      /** Load this variant instead of the one the adapter's features suggest. */
      variant?: VariantName;
    }
  | { kind: 'run'; id: number; request: RunRequest }
  /** Soft stop: the run ends between tokens with endReason 'cancelled'. */
  | { kind: 'stop'; id: number; runId: number }
  | { kind: 'unload'; id: number }
  /**
   * Test hook: destroys the GPU device as a driver reset would: now, or (`during: 'load'`) when the
   * next load starts creating the decoder's onnxruntime session (the other two are on it).
   */
  | { kind: 'simulate_device_loss'; id: number; during?: 'load' }
  /** Test hook: the worker dies of an uncaught exception, as a crash in the runtime would. */
  | { kind: 'simulate_crash'; id: number }
  /**
   * Test hook: the next run of this ONNX session (the vision encoder, or the decoder: its first
   * run in a turn is the prefill) never returns and holds the thread, as a long kernel does.
   * Answered with `done` once that session is entered, so a test can press Stop right then.
   */
  | { kind: 'simulate_stuck_kernel'; id: number; session: StuckSession }
  /** What the worker holds on the GPU now (tests and diagnostics: memory must stay flat over runs). */
  | { kind: 'memory'; id: number };

export type StuckSession = 'vision' | 'decoder';

export interface LoadedInfo {
  modelId: string;
  label: string;
  backend: Backend;
  variant: VariantName;
  adapter?: string;
}

export type FromWorker =
  | { kind: 'probe_result'; id: number; probe: GpuProbe }
  | { kind: 'file_progress'; id: number; file: string; loadedBytes: number; totalBytes: number }
  | { kind: 'loaded'; id: number; info: LoadedInfo }
  | { kind: 'agent_event'; id: number; event: AgentEvent }
  | { kind: 'run_done'; id: number; trace: Trace }
  | { kind: 'done'; id: number }
  /** Live GPU buffers on the worker's device; null when it runs without WebGPU. */
  | { kind: 'memory_result'; id: number; gpu: GpuBufferCount | null }
  /** Something the user should know (running from memory, a corrupt cache file refetched); `persistence-wanted` asks the page to call navigator.storage.persist(). */
  | { kind: 'notice'; code: string; message: string }
  /** A failed call (with its id), or a failure of the worker itself (device lost: no id). */
  | { kind: 'error'; id?: number; error: ErrorInfo };
