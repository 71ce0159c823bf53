/**
 * A trace's error as ErrorInfo. Traces written before the shared error contract stored the
 * thrown class's name as the code and no `retryable`: those are read here, once, into today's
 * codes, so the page keys on codes only (never on class names).
 */
import type { ErrorInfo } from '../../base/errors';
import type { TraceError } from '../types';

/** Class names older traces stored, and the code the same failure has now. */
const LEGACY_CODES: Readonly<Record<string, string>> = {
  InvalidLogitsError: 'invalid_logits',
  RunCancelledError: 'cancelled',
  ModelFileMissingError: 'model_missing',
  TokenizerLoadError: 'tokenizer_load',
  TokenizerInputError: 'tokenizer_input',
  ChunkMismatchError: 'chunk_mismatch',
  Error: 'run_failed',
};

export function traceErrorInfo(error: TraceError): ErrorInfo {
  if (error.retryable !== undefined) return { ...error, retryable: error.retryable };
  const code = LEGACY_CODES[error.code] ?? error.code;
  // A run that failed may succeed when run again, except on logits only a safer path fixes.
  return { code, message: error.message, retryable: code !== 'invalid_logits' };
}
