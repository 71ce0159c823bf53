/**
 * What the delivery layer tells its host while it works: plain, structured-cloneable objects the
 * worker forwards to the page as they are. Failures that the layer handled itself (a retry, an
 * evicted corrupt file, a refused response) arrive as events, never as console output, so the
 * page decides what to show.
 */
import type { ErrorInfo } from '../base/errors';

export type DeliveryErrorCode =
  /** The server answered an HTML page (an error page, a login wall, a SPA fallback) for a model file. */
  | 'html-instead-of-file'
  /** 404/401/403/410: the file is not there or not public. */
  | 'http-not-found'
  /** 5xx/429 after every retry. */
  | 'http-server-error'
  /** Any other unexpected status. */
  | 'http-status'
  /** The body is longer or shorter than the manifest says. */
  | 'length-mismatch'
  /** A 206 whose Content-Range does not continue where the download stopped. */
  | 'range-mismatch'
  /** The bytes do not hash to the manifest's SHA-256 even after fetching them again. */
  | 'integrity'
  /** The connection failed and kept failing without progress. */
  | 'network'
  | 'aborted'
  /** The manifest is missing, is not JSON, or lacks what delivery needs. */
  | 'manifest'
  /** The model URL or folder cannot be understood. */
  | 'model-source'
  /** OPFS is not available (private window, old browser) or failed. */
  | 'storage'
  /** Neither storage nor memory can hold the model. */
  | 'out-of-memory'
  /** Anything unforeseen (a bug): the message keeps the original error. */
  | 'internal';

/** The shared ErrorInfo, narrowed to delivery's codes, with the file it concerns. */
export interface DeliveryErrorInfo extends ErrorInfo {
  code: DeliveryErrorCode;
  path?: string;
}

export type DeliveryNoticeCode =
  /** Quota ran out (or the estimate says it would): files are kept in memory for this session. */
  | 'running-from-memory'
  /** A cached file failed its SHA-256 check: it was deleted and is being fetched again. */
  | 'corrupt-cache-evicted'
  /** A failed attempt that will be retried after `delayMs`. */
  | 'retrying'
  /** The server ignored the Range header: the file restarts from byte 0. */
  | 'resume-restarted'
  /** persist() must be asked from a window (it is not exposed in workers): the host should call it. */
  | 'persistence-wanted'
  /** The browser answered persist(): `persisted` says whether eviction protection was granted. */
  | 'persistence';

export type DeliveryPhase =
  /** Re-hashing the part already on disk before resuming. */
  | 'resume-hash'
  | 'download'
  /** Re-hashing a cached file to check it. */
  | 'verify';

export type FileSource = 'cache' | 'network' | 'memory';

export type DeliveryEvent =
  | {
      kind: 'progress';
      path: string;
      phase: DeliveryPhase;
      bytesDone: number;
      bytesTotal: number;
      /** Bytes per second, smoothed over the last few seconds; 0 until measurable. */
      bytesPerSecond: number;
    }
  | { kind: 'file-start'; path: string; bytesTotal: number; resumeFrom: number }
  | { kind: 'file-done'; path: string; bytes: number; source: FileSource }
  | {
      kind: 'notice';
      code: DeliveryNoticeCode;
      message: string;
      path?: string;
      attempt?: number;
      delayMs?: number;
      persisted?: boolean;
      /** For 'retrying': what went wrong on this attempt. */
      cause?: DeliveryErrorInfo;
    }
  /** A file failed for good; the delivery as a whole rejects with the same error. */
  | { kind: 'error'; error: DeliveryErrorInfo };

export type DeliveryEventSink = (event: DeliveryEvent) => void;
