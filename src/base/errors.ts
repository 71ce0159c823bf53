/**
 * The one error contract. Every failure a user can meet is a DeepEyesError (or a subclass, one per
 * failure) carrying a stable `code`, whether trying again can help (`retryable`), and `advice`: what
 * the user can do. Errors cross threads and files (worker messages, traces) as ErrorInfo, made by
 * toErrorInfo and turned back by fromErrorInfo, never as strings to match.
 */

export interface ErrorInfo {
  code: string;
  message: string;
  retryable: boolean;
  advice?: string;
}

export interface ErrorDetails {
  retryable?: boolean;
  advice?: string;
  cause?: unknown;
}

export class DeepEyesError extends Error {
  readonly code: string;
  readonly retryable: boolean;
  readonly advice: string | undefined;

  constructor(code: string, message: string, details: ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = details.retryable ?? false;
    this.advice = details.advice;
  }

  toInfo(): ErrorInfo {
    return {
      code: this.code,
      message: this.message,
      retryable: this.retryable,
      ...(this.advice ? { advice: this.advice } : {}),
    };
  }
}

/** Anything thrown, as ErrorInfo: a DeepEyesError keeps its fields; anything else gets `fallbackCode`. */
export function toErrorInfo(e: unknown, fallbackCode = 'internal'): ErrorInfo {
  if (e instanceof DeepEyesError) return e.toInfo();
  return { code: fallbackCode, message: e instanceof Error ? e.message : String(e), retryable: false };
}

/** ErrorInfo from another thread or a file, as a throwable DeepEyesError with the same fields. */
export function fromErrorInfo(info: ErrorInfo): DeepEyesError {
  return new DeepEyesError(info.code, info.message, { retryable: info.retryable, advice: info.advice });
}
