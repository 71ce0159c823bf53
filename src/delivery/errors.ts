/**
 * One class per way delivery fails, each a DeepEyesError with advice in its message; its wire
 * form is the shared ErrorInfo plus the file it concerns.
 */
import { DeepEyesError, toErrorInfo as baseErrorInfo } from '../base/errors';
import type { DeliveryErrorCode, DeliveryErrorInfo } from './events';

export abstract class DeliveryError extends DeepEyesError {
  declare readonly code: DeliveryErrorCode;
  constructor(
    code: DeliveryErrorCode,
    retryable: boolean,
    message: string,
    readonly path?: string,
  ) {
    super(code, message, { retryable });
  }
  override toInfo(): DeliveryErrorInfo {
    return { ...super.toInfo(), code: this.code, path: this.path };
  }
}

export class HtmlInsteadOfFileError extends DeliveryError {
  constructor(url: string, path: string) {
    super(
      'html-instead-of-file',
      false,
      `${url} answered an HTML page instead of the model file ${path}; nothing was saved. ` +
        'Check the model URL (a Hugging Face repo must be public and hold the converted files).',
      path,
    );
    this.name = 'HtmlInsteadOfFileError';
  }
}

export class HttpStatusError extends DeliveryError {
  constructor(
    readonly url: string,
    readonly status: number,
    path: string,
  ) {
    const missing = status === 404 || status === 410 || status === 401 || status === 403;
    const server = status >= 500 || status === 429 || status === 408;
    super(
      missing ? 'http-not-found' : server ? 'http-server-error' : 'http-status',
      server,
      missing
        ? `${url} answered HTTP ${status}: the model has no file ${path} there (or it is private); ` +
            'check the repo name and that it holds the converted files'
        : server
          ? `${url} answered HTTP ${status} for ${path} after several tries: the server is failing, try again later`
          : `${url} answered HTTP ${status} for ${path}; nothing was saved`,
      path,
    );
    this.name = 'HttpStatusError';
  }
}

export class LengthMismatchError extends DeliveryError {
  constructor(path: string, expected: number, got: number, what: string) {
    super(
      'length-mismatch',
      false,
      `${path}: ${what} is ${got} bytes but the manifest says ${expected}; nothing was kept. ` +
        'The server holds a different version of the model than its manifest: re-upload or re-convert it.',
      path,
    );
    this.name = 'LengthMismatchError';
  }
}

export class RangeMismatchError extends DeliveryError {
  constructor(path: string, asked: number, contentRange: string) {
    super(
      'range-mismatch',
      true,
      `${path}: asked to resume at byte ${asked} but the server sent ${contentRange}; restarting the file`,
      path,
    );
    this.name = 'RangeMismatchError';
  }
}

export class IntegrityError extends DeliveryError {
  constructor(path: string, expected: string, got: string) {
    super(
      'integrity',
      false,
      `${path}: SHA-256 ${got.slice(0, 12)}… does not match the manifest's ${expected.slice(0, 12)}… even after ` +
        'fetching it again; the file was not kept. The hosted files and their manifest disagree: re-convert or re-upload.',
      path,
    );
    this.name = 'IntegrityError';
  }
}

export class LocalFileDamagedError extends DeliveryError {
  constructor(folder: string, path: string, detail: string) {
    super(
      'integrity',
      false,
      `${path} in ${folder} does not match the folder's deepeyes-manifest.json (${detail}); ` +
        'copy the file again or download the model anew',
      path,
    );
    this.name = 'LocalFileDamagedError';
  }
}

export class NetworkError extends DeliveryError {
  constructor(path: string, detail: string) {
    super(
      'network',
      true,
      `${path}: the download kept failing (${detail}); check the connection and try again - it resumes`,
      path,
    );
    this.name = 'NetworkError';
  }
}

export class DeliveryAbortedError extends DeliveryError {
  constructor(path?: string) {
    super(
      'aborted',
      true,
      `download cancelled${path ? ` during ${path}` : ''}; starting again resumes where it stopped`,
      path,
    );
    this.name = 'DeliveryAbortedError';
  }
}

export class ManifestError extends DeliveryError {
  constructor(message: string) {
    super(
      'manifest',
      false,
      `${message}; the folder must come from \`npm run convert\` (it writes deepeyes-manifest.json)`,
    );
    this.name = 'ManifestError';
  }
}

export class ModelSourceError extends DeliveryError {
  constructor(message: string) {
    super('model-source', false, message);
    this.name = 'ModelSourceError';
  }
}

export class StorageUnavailableError extends DeliveryError {
  constructor(detail: string) {
    super(
      'storage',
      false,
      `browser storage (OPFS) is unavailable: ${detail}; the model can still run from memory`,
    );
    this.name = 'StorageUnavailableError';
  }
}

export class StorageBusyError extends DeliveryError {
  constructor(path: string) {
    super(
      'storage',
      true,
      `${path} is being written by another tab or window; close the other one or wait for it to finish`,
      path,
    );
    this.name = 'StorageBusyError';
  }
}

export class OutOfMemoryError extends DeliveryError {
  constructor(path: string, bytes: number) {
    super(
      'out-of-memory',
      false,
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
  // An unforeseen failure keeps its class name in the message: it is a bug to report.
  const info = baseErrorInfo(
    e instanceof DeepEyesError || !(e instanceof Error) ? e : new Error(`${e.name}: ${e.message}`),
  );
  return { ...info, code: info.code as DeliveryErrorCode, path };
}
