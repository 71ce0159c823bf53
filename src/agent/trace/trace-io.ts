/**
 * Reading and writing traces. parseTrace takes untrusted input (an imported file, IndexedDB, a
 * message) and returns a valid current-version Trace or throws one of the errors below.
 */
import { DeepEyesError } from '../../base/errors';
import { z } from 'zod';
import type { Trace } from '../types';
import { migrations as defaultMigrations, type TraceMigration } from './migrations';
import { MAX_TRACE_JSON_BYTES, TRACE_FORMAT, TRACE_VERSION, traceSchema } from './schema';

export class TraceTooLargeError extends DeepEyesError {
  constructor(readonly bytes: number) {
    super(
      'trace_too_large',
      `the trace is ${(bytes / 2 ** 20).toFixed(1)} MiB; the limit is ${MAX_TRACE_JSON_BYTES / 2 ** 20} MiB. ` +
        'Use a smaller original image or fewer crops.',
    );
    this.name = 'TraceTooLargeError';
  }
}

export class TraceFormatError extends DeepEyesError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('trace_format', `${message}. Is this a DeepEyes trace file (format "${TRACE_FORMAT}")?`, {
      cause: options?.cause,
    });
    this.name = 'TraceFormatError';
  }
}

export class TraceVersionError extends DeepEyesError {
  constructor(
    readonly version: unknown,
    message: string,
  ) {
    super('trace_version', message);
    this.name = 'TraceVersionError';
  }
}

export class TraceValidationError extends DeepEyesError {
  constructor(readonly issues: z.core.$ZodIssue[]) {
    const shown = z.prettifyError({ issues: issues.slice(0, 20) } as z.ZodError);
    const more = issues.length > 20 ? `\n… and ${issues.length - 20} more problems` : '';
    super('trace_validation', `the trace is invalid:\n${shown}${more}`);
    this.name = 'TraceValidationError';
  }
}

/** UTF-8 length without allocating the encoded bytes (the limit is on bytes on disk). */
export function utf8ByteLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}

function checkSize(json: string): void {
  // Cheap exits first: a string this short cannot exceed the limit, one this long always does.
  if (json.length * 3 <= MAX_TRACE_JSON_BYTES) return;
  if (json.length > MAX_TRACE_JSON_BYTES) throw new TraceTooLargeError(json.length);
  const bytes = utf8ByteLength(json);
  if (bytes > MAX_TRACE_JSON_BYTES) throw new TraceTooLargeError(bytes);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export interface ParseTraceOptions {
  /** Replaces the built-in migrations (tests). */
  migrations?: Readonly<Record<number, TraceMigration>>;
}

function migrate(
  trace: Record<string, unknown>,
  table: Readonly<Record<number, TraceMigration>>,
): Record<string, unknown> {
  let current = trace;
  let version = current.version;
  if (typeof version !== 'number' || !Number.isInteger(version)) {
    throw new TraceVersionError(
      version,
      `the trace has no integer "version" (got ${JSON.stringify(version)})`,
    );
  }
  if (version > TRACE_VERSION) {
    throw new TraceVersionError(
      version,
      `the trace is version ${version}, made by a newer app (this one reads up to ${TRACE_VERSION}); update the app`,
    );
  }
  while (version < TRACE_VERSION) {
    const step = Object.hasOwn(table, version) ? table[version] : undefined;
    if (!step) {
      throw new TraceVersionError(version, `no migration from trace version ${version} to ${version + 1}`);
    }
    current = { ...step(current), version: version + 1 };
    version += 1;
  }
  return current;
}

/**
 * Validate untrusted input: a JSON string or an already-parsed value. Old versions are migrated.
 * Throws TraceTooLargeError, TraceFormatError, TraceVersionError or TraceValidationError.
 */
export function parseTrace(input: unknown, options: ParseTraceOptions = {}): Trace {
  let value: unknown = input;
  if (typeof input === 'string') {
    checkSize(input);
    try {
      value = JSON.parse(input);
    } catch (err) {
      throw new TraceFormatError(`the file is not JSON (${String(err)})`, { cause: err });
    }
  } else {
    let json: string | undefined;
    try {
      json = JSON.stringify(input);
    } catch (err) {
      throw new TraceFormatError(`the value cannot be serialized (${String(err)})`, { cause: err });
    }
    if (json === undefined) throw new TraceFormatError('the value is not an object');
    checkSize(json);
  }
  if (!isRecord(value)) throw new TraceFormatError('the trace is not a JSON object');
  if (value.format !== TRACE_FORMAT) {
    throw new TraceFormatError(`the "format" field is ${JSON.stringify(value.format)}`);
  }
  const migrated = migrate(value, options.migrations ?? defaultMigrations);
  const result = traceSchema.safeParse(migrated);
  if (!result.success) throw new TraceValidationError(result.error.issues);
  return result.data;
}

/** Validated JSON text of a trace (never writes a trace that parseTrace would refuse). */
export function serializeTrace(trace: Trace, options: { pretty?: boolean } = {}): string {
  const result = traceSchema.safeParse(trace);
  if (!result.success) throw new TraceValidationError(result.error.issues);
  const json = JSON.stringify(result.data, null, options.pretty ? 2 : undefined);
  checkSize(json);
  return json;
}
