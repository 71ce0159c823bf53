/**
 * Messages between the harness page and its delivery worker (tests only). The worker runs the
 * real deliverModel; the options add fault injection that a test cannot do from outside.
 */
import type { VariantName } from '../base/model-manifest';
import type { DeliveryErrorInfo, DeliveryEvent, FileSource } from '../delivery/events';

export interface HarnessRunOptions {
  source: string;
  /** Set by the page: relative sources resolve against it. */
  base?: string;
  variant: VariantName;
  modelKey?: string;
  verifyCached?: 'full' | 'size';
  /** The store's writes throw QuotaExceededError once a file would pass this many bytes. */
  quotaAfterBytes?: number;
  /** navigator.storage.estimate() reports this much free space. */
  fakeFreeBytes?: number;
  retryBaseDelayMs?: number;
  /** Abort the delivery this many ms after it starts. */
  abortAfterMs?: number;
}

export interface HarnessFileResult {
  path: string;
  source: FileSource;
  bytes: number;
  /** SHA-256 of what ModelFiles.readBytes returns (WebCrypto), i.e. what the runtime would get. */
  readSha256: string;
}

export interface HarnessRunResult {
  ok: boolean;
  error?: DeliveryErrorInfo;
  events: DeliveryEvent[];
  files: HarnessFileResult[];
  fromMemory?: boolean;
  /** How the store wrote: 'sync' (FileSystemSyncAccessHandle) or 'writable'. */
  writerKinds: string[];
}

export type ToHarnessWorker = { kind: 'run'; options: HarnessRunOptions };
export type FromHarnessWorker =
  { kind: 'event'; event: DeliveryEvent } | { kind: 'result'; result: HarnessRunResult };
