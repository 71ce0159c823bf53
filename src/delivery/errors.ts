/**
 * One class per way delivery fails, each with advice in its message and a wire form
 * ({code, message, retryable}) for the worker protocol.
 */
import type { DeliveryErrorCode, DeliveryErrorInfo } from './events';

export abstract class DeliveryError extends Error {
  abstract readonly code: DeliveryErrorCode;
  abstract readonly retryable: boolean;
  constructor(
    message: string,
    readonly path?: string,
  ) {
    super(message);
  }
  toInfo(): DeliveryErrorInfo {
    return { code: this.code, message: this.message, retryable: this.retryable, path: this.path };
  }
}

export class HtmlInsteadOfFileError extends DeliveryError {
  readonly code = 'html-instead-of-file';
  readonly retryable = false;
  constructor(url: string, path: string) {
    super(
      `${url} answered an HTML page instead of the model file ${path}; nothing was saved. ` +
        'Check the model URL (a Hugging Face repo must be public and hold the converted files).',
      path,
    );
    this.name = 'HtmlInsteadOfFileError';
  }
}

export class HttpStatusError extends DeliveryError {
  readonly code: DeliveryErrorCode;
  readonly retryable: boolean;
  constructor(
    readonly url: string,
    readonly status: number,
    path: string,
  ) {
    const missing = status === 404 || status === 410 || status === 401 || status === 403;
    const server = status >= 500 || status === 429 || status === 408;
    super(
      missing
        ? `${url} answered HTTP ${status}: the model has no file ${path} there (or it is private); ` +
            'check the repo name and that it holds the converted files'
        : server
          ? `${url} answered HTTP ${status} for ${path} after several tries: the server is failing, try again later`
          : `${url} answered HTTP ${status} for ${path}; nothing was saved`,
      path,
    );
    this.code = missing ? 'http-not-found' : server ? 'http-server-error' : 'http-status';
    this.retryable = server;
    this.name = 'HttpStatusError';
  }
}

export class LengthMismatchError extends DeliveryError {
  readonly code = 'length-mismatch';
  readonly retryable = false;
  constructor(path: string, expected: number, got: number, what: string) {
    super(
      `${path}: ${what} is ${got} bytes but the manifest says ${expected}; nothing was kept. ` +
        'The server holds a different version of the model than its manifest: re-upload or re-convert it.',
      path,
    );
    this.name = 'LengthMismatchError';
  }
}

export class RangeMismatchError extends DeliveryError {
  readonly code = 'range-mismatch';
  readonly retryable = true;
  constructor(path: string, asked: number, contentRange: string) {
    super(
      `${path}: asked to resume at byte ${asked} but the server sent ${contentRange}; restarting the file`,
      path,
    );
    this.name = 'RangeMismatchError';
  }
}

export class IntegrityError extends DeliveryError {
  readonly code = 'integrity';
  readonly retryable = false;
  constructor(path: string, expected: string, got: string) {
    super(
      `${path}: SHA-256 ${got.slice(0, 12)}… does not match the manifest's ${expected.slice(0, 12)}… even after ` +
        'fetching it again; the file was not kept. The hosted files and their manifest disagree: re-convert or re-upload.',
      path,
    );
    this.name = 'IntegrityError';
  }
}

export class LocalFileDamagedError extends DeliveryError {
  readonly code = 'integrity';
  readonly retryable = false;
  constructor(folder: string, path: string, detail: string) {
    super(
      `${path} in ${folder} does not match the folder's deepeyes-manifest.json (${detail}); ` +
        'copy the file again or download the model anew',
      path,
    );
    this.name = 'LocalFileDamagedError';
  }
}

export class NetworkError extends DeliveryError {
  readonly code = 'network';
  readonly retryable = true;
  constructor(path: string, detail: string) {
    super(
      `${path}: the download kept failing (${detail}); check the connection and try again - it resumes`,
      path,
    );
    this.name = 'NetworkError';
  }
}

export class DeliveryAbortedError extends DeliveryError {
  readonly code = 'aborted';
  readonly retryable = true;
  constructor(path?: string) {
    super(
      `download cancelled${path ? ` during ${path}` : ''}; starting again resumes where it stopped`,
      path,
    );
    this.name = 'DeliveryAbortedError';
  }
}

export class ManifestError extends DeliveryError {
  readonly code = 'manifest';
  readonly retryable = false;
  constructor(message: string) {
    super(`${message}; the folder must come from \`npm run convert\` (it writes deepeyes-manifest.json)`);
    this.name = 'ManifestError';
  }
}

export class ModelSourceError extends DeliveryError {
  readonly code = 'model-source';
  readonly retryable = false;
  constructor(message: string) {
    super(message);
    this.name = 'ModelSourceError';
  }
}

export class StorageUnavailableError extends DeliveryError {
  readonly code = 'storage';
  readonly retryable = false;
  constructor(detail: string) {
    super(`browser storage (OPFS) is unavailable: ${detail}; the model can still run from memory`);
    this.name = 'StorageUnavailableError';
  }
}

export class StorageBusyError extends DeliveryError {
  readonly code = 'storage';
  readonly retryable = true;
  constructor(path: string) {
    super(
      `${path} is being written by another tab or window; close the other one or wait for it to finish`,
      path,
    );
    this.name = 'StorageBusyError';
  }
}

export class OutOfMemoryError extends DeliveryError {
  readonly code = 'out-of-memory';
  readonly retryable = false;
  constructor(path: string, bytes: number) {
    super(
      `${path}: storage is full and ${(bytes / 2 ** 20).toFixed(0)} MiB could not be held in memory either; ` +
        'free disk space (or close other tabs) and reload',
      path,
    );
    this.name = 'OutOfMemoryError';
  }
}

export function isAbort(e: unknown): boolean {
  return (
    e instanceof DeliveryAbortedError ||
    (typeof e === 'object' && e !== null && (e as { name?: string }).name === 'AbortError')
  );
}

/** DOMException 'QuotaExceededError' (also the newer QuotaExceededError class, same name). */
export function isQuotaExceeded(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { name?: string }).name === 'QuotaExceededError';
}

/** Any thrown value in wire form; unknown failures are not retryable and keep their text. */
export function toErrorInfo(e: unknown, path?: string): DeliveryErrorInfo {
  if (e instanceof DeliveryError) return e.toInfo();
  if (isAbort(e)) return new DeliveryAbortedError(path).toInfo();
  const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return { code: 'internal', message, retryable: false, path };
}
