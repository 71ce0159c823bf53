/**
 * Messages between the model harness page and its worker (bench/browser-7b). The worker loads
 * through the app's own ModelHost, then answers logits requests on the engine it loaded.
 */
import type { ErrorInfo } from '../base/errors';
import type { VariantName } from '../base/model-manifest';
import type { LoadedInfo } from '../worker/protocol';

export type ToModelHarness =
  | { kind: 'load'; url: string; baseUrl: string; variant?: VariantName }
  /** Prefill `ids`, then `steps` greedy decode steps; the logits after each. */
  | { kind: 'logits'; ids: number[]; steps: number }
  /** deliverModel alone with the full SHA-256 check of every cached file (no session). */
  | { kind: 'verify-full'; url: string; baseUrl: string; variant: VariantName };

export interface HarnessLoadResult {
  info?: LoadedInfo;
  error?: ErrorInfo;
  ms: number;
  /** ms from the request to the last file's download-or-check answer (the rest is session creation). */
  filesMs: number;
  /** Bytes of the files delivered (downloaded, or found in OPFS and checked). */
  bytes: number;
  notices: string[];
  limits?: Record<string, number>;
}

export interface HarnessLogitsResult {
  /** One row per append: the prefill, then each decode step. */
  logits: Float32Array[];
  /** The token fed at each decode step (the argmax of the row before). */
  fed: number[];
  ms: number[];
  error?: ErrorInfo;
}

export type FromModelHarness =
  | { kind: 'loaded'; result: HarnessLoadResult }
  | { kind: 'logits'; result: HarnessLogitsResult }
  | { kind: 'verified'; result: { ms: number; error?: ErrorInfo; files: number } };
